import { headingKind, NARRATIVE_KINDS, type SectionKind } from "../../../core/vocabulary/sections.js";

/**
 * Splits a long brief into its sections the way a reader skims one: by headings ("## 2. The
 * product", "Mandatories", "OBLIGATORIOS:", "【背景】") and labelled lines ("CTA: …"). Pure.
 */

/** One section of a brief: its kind (null for the title block and unknown headings) and text. */
export interface Section {
  kind: SectionKind | null;
  heading: string;
  text: string;
}

/** A brief read as sections; `structured` when it has at least three recognised headings. */
export interface BriefSections {
  sections: Section[];
  structured: boolean;
}

const MARKERS = /^\s*(?:#{1,6}\s*|[■●◆□▶►▪]+\s*|【|\*\*|__)?\s*(?:(?:\d{1,2}[a-z]?|[ivx]{1,4}|[a-z])[.)]\s+|\d{1,2}\s+)?/iu;
const TRAILERS = /\s*(?:】|\*\*|__)?\s*[:：]?\s*(?:\*\*|__)?\s*$/u;
const SENTENCE_END = /[.,;!?。、]$/u;

/** The heading's words without numbering, markup, a trailing colon or a parenthetical. */
function headingText(line: string): string {
  return line.replace(MARKERS, "").replace(TRAILERS, "").replace(/\s*[(（][^)）]*[)）]\s*/gu, " ").trim();
}

function isHeadingLine(line: string, next: string | undefined): boolean {
  const raw = line.trim();
  if (!raw || /^[-–—•*·](?!\*)/u.test(raw) || raw.length > 70 || next === undefined || !next.trim()) {
    return /^#{1,6}\s|^【.+】\s*$/u.test(raw) && raw.length <= 70;
  }
  const words = headingText(raw);
  if (!words || words.split(/\s+/).length > 8 || SENTENCE_END.test(raw.replace(TRAILERS, ""))) return false;
  // "CTA: Buy it" is a labelled line, not a heading.
  return !/[:：]\s*\S/u.test(raw.replace(TRAILERS, ""));
}

const LABEL = /^\s*(?:[-–—•*·]\s*)?([\p{L}][\p{L}'’ -]{1,30}?)\s*[:：]\s*(\S.*)$/u;

/**
 * "Product: Brewmaster grinder. Audience: home baristas. Tone: warm. CTA: Grind better." —
 * fields written one after another on a line: each is put on a line of its own, so they are
 * read as the labelled lines they are. Only when two or more known labels follow a sentence's
 * end (a lone "CTA: Shop now" at the end of a sentence needs no help).
 */
function fieldsOnLines(text: string): string {
  const at = [...text.matchAll(/(^|[.;!?。]\s+)([\p{L}][\p{L}'’ -]{1,30}?)\s*[:：]\s*(?=\S)/gu)].filter((m) => headingKind(m[2]!.trim()) !== null && m[2]!.trim().split(/\s+/).length <= 3);
  if (at.length < 2) return text;
  let out = "";
  let last = 0;
  for (const m of at) {
    const start = m.index + m[1]!.length;
    out += text.slice(last, start).replace(/\s+$/u, "") + (start > 0 ? "\n" : "");
    last = start;
  }
  return out + text.slice(last);
}

/** Reads the brief's sections; a brief without headings is one untitled section. */
export function readSections(raw: string): BriefSections {
  const text = fieldsOnLines(raw);
  const lines = text.split(/\r?\n/);
  const sections: Section[] = [{ kind: null, heading: "", text: "" }];
  // The next non-blank line after each line, found in one pass from the end.
  const nextText: (string | undefined)[] = new Array(lines.length);
  for (let i = lines.length - 1, seen: string | undefined; i >= 0; i--) {
    nextText[i] = seen;
    if (lines[i]!.trim()) seen = lines[i];
  }
  let headings = 0;
  let labels = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = nextText[i];
    const kind = isHeadingLine(line, next) ? headingKind(headingText(line)) : null;
    if (kind) {
      headings++;
      sections.push({ kind, heading: headingText(line), text: "" });
      continue;
    }
    const current = sections.at(-1)!;
    const label = LABEL.exec(line);
    const labelKind = label ? headingKind(label[1]!) : null;
    // "CTA: Order now" inside the brand section is a CTA of its own; "Colours: …" stays brand.
    if (label && labelKind && labelKind !== current.kind && label[1]!.split(/\s+/).length <= 4) {
      sections.push({ kind: labelKind, heading: label[1]!.trim(), text: label[2]! + "\n" }, { kind: current.kind, heading: current.heading, text: "" });
      labels++;
      continue;
    }
    current.text += line + "\n";
  }
  // Three headings, or three labelled fields ("Product: … Audience: … Tone: …"), make a brief read by its sections.
  return { sections: sections.filter((s) => s.text.trim()), structured: headings >= 3 || labels >= 3 };
}

/** The text of the sections of these kinds, in the brief's order. */
export function textOf(doc: BriefSections, ...kinds: (SectionKind | null)[]): string {
  return doc.sections.filter((s) => kinds.includes(s.kind)).map((s) => s.text).join("\n");
}

/** Everything except the sections that tell a story around the facts (background, story, research…). */
export function factualText(doc: BriefSections): string {
  return doc.sections.filter((s) => !s.kind || !NARRATIVE_KINDS.has(s.kind)).map((s) => s.text).join("\n");
}
