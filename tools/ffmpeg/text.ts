import { existsSync } from "node:fs";

/**
 * Text on video without letting text touch the filter graph: user text goes to a file that
 * drawtext reads with `textfile=` and `expansion=none`, and only our own values (paths,
 * numbers, expressions) are written into the graph, escaped for both parsing levels.
 */

/** The font drawtext uses: a font file when we have one, a fontconfig pattern otherwise. */
export type FontRef = { file: string } | { family: string };

const DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/**
 * Picks the font: `REELGRAPH_FONT_FILE` when set and present, DejaVu Sans Bold (Debian's
 * fonts-dejavu-core), else fontconfig's bold sans.
 */
export function resolveFont(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): FontRef {
  const custom = env.REELGRAPH_FONT_FILE;
  if (custom && exists(custom)) return { file: custom };
  if (exists(DEJAVU_BOLD)) return { file: DEJAVU_BOLD };
  return { family: "DejaVu Sans:style=Bold" };
}

/** A stable string for cache keys: a change of font changes the pixels. */
export function fontId(font: FontRef): string {
  return "file" in font ? `file:${font.file}` : `family:${font.family}`;
}

/**
 * Escapes a value for a filter option inside a filter graph. Level 1 (the option parser)
 * treats `\ ' :` and surrounding whitespace as special; level 2 (the graph parser) treats
 * `\ ' [ ] , ;`. Each level is escaped with backslashes, innermost first.
 */
export function escapeFilterValue(value: string): string {
  if (/[\0\r\n]/.test(value)) throw new Error(`a filter value may not contain NUL or line breaks: ${JSON.stringify(value)}`);
  const level1 = value.replace(/[\\':\s]/g, (c) => `\\${c}`);
  return level1.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** `name=value:name=value` with every value escaped. */
export function filterOptions(options: Record<string, string | number | undefined>): string {
  return Object.entries(options)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeFilterValue(String(v))}`)
    .join(":");
}

/** Options for one drawtext filter; the text itself only ever comes from `textFile`. */
export interface DrawtextOptions {
  textFile: string;
  font: FontRef;
  /** A number, or an expression evaluated per frame (it may use t). */
  fontSize: number | string;
  color: string;
  x: string;
  y: string;
  borderW?: number;
  borderColor?: string;
  box?: { color: string; border: number };
  lineSpacing?: number;
  /** Timeline expression (n, t): when the text is drawn. */
  enable?: string;
  /** Opacity expression, 0–1. */
  alpha?: string;
}

export function drawtextFilter(o: DrawtextOptions): string {
  const font = "file" in o.font ? { fontfile: o.font.file } : { font: o.font.family };
  return `drawtext=${filterOptions({
    ...font,
    textfile: o.textFile,
    expansion: "none",
    fontsize: o.fontSize,
    fontcolor: o.color,
    x: o.x,
    y: o.y,
    borderw: o.borderW,
    bordercolor: o.borderW ? (o.borderColor ?? "black@0.6") : undefined,
    box: o.box ? 1 : undefined,
    boxcolor: o.box?.color,
    boxborderw: o.box?.border,
    line_spacing: o.lineSpacing,
    alpha: o.alpha,
    enable: o.enable,
  })}`;
}

/**
 * Cleans text for drawing: line breaks normalised, other control characters dropped
 * (drawtext would draw boxes for them), blank lines and outer space trimmed.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/[\t ]+/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join("\n");
}

/**
 * Greedy word wrap to at most `maxChars` per line, keeping the author's own line breaks.
 * Words longer than a line are split. At most `maxLines` lines; the last one gets "…".
 */
export function wrapText(text: string, maxChars: number, maxLines = Infinity): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const lines: string[] = [];
  for (const para of normalizeText(text).split("\n")) {
    if (!para) continue;
    let line = "";
    for (const word of para.split(/ +/)) {
      for (let w = word; w.length > 0; ) {
        const room = line ? width - line.length - 1 : width;
        if (w.length <= room) {
          line = line ? `${line} ${w}` : w;
          w = "";
        } else if (line) {
          lines.push(line);
          line = "";
        } else {
          lines.push(w.slice(0, width));
          w = w.slice(width);
        }
      }
    }
    if (line) lines.push(line);
  }
  if (lines.length > maxLines) {
    const kept = lines.slice(0, Math.max(1, maxLines));
    const last = kept[kept.length - 1];
    kept[kept.length - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
    return kept;
  }
  return lines;
}

/** Average advance of DejaVu Sans Bold, as a fraction of the font size (measured ≈ 0.63). */
const CHAR_WIDTH = 0.64;

/**
 * Lays text out in a box: the largest font size (≤ `maxFontSize`) at which the wrapped text
 * fits `boxWidth` × `boxHeight` pixels, and the lines at that size.
 */
export function fitText(
  text: string,
  box: { width: number; height: number; maxFontSize: number; minFontSize?: number; maxLines?: number; lineGap?: number },
): { lines: string[]; fontSize: number } {
  const min = Math.max(6, Math.floor(box.minFontSize ?? 10));
  const gap = box.lineGap ?? 0.25;
  const sizes: number[] = [];
  for (let size = Math.floor(box.maxFontSize); size > min; size = Math.floor(size * 0.92)) sizes.push(size);
  sizes.push(min);
  for (const size of sizes) {
    const perLine = Math.floor(box.width / (size * CHAR_WIDTH));
    if (perLine < 1) continue;
    const lines = wrapText(text, perLine);
    const height = lines.length * size * (1 + gap);
    if (height <= box.height && lines.length <= (box.maxLines ?? Infinity)) return { lines, fontSize: size };
  }
  const perLine = Math.max(1, Math.floor(box.width / (min * CHAR_WIDTH)));
  const maxLines = Math.max(1, Math.min(box.maxLines ?? Infinity, Math.floor(box.height / (min * (1 + gap)))));
  return { lines: wrapText(text, perLine, maxLines), fontSize: min };
}
