import { createHash } from "node:crypto";
import type { AnimaticSpec, GradientType, TextLayer } from "../ffmpeg/args.js";
import { fitText, type FontRef } from "../ffmpeg/text.js";

/**
 * How an animatic looks, from the shot's words. Pure: the same job always gives the same
 * picture. Motion is kept cheap — the gradient's own rotation and per-frame text size or
 * position — because zoompan and per-frame rescaling cost several times more.
 */

export type TextMotion = "grow" | "shrink" | "drift-x" | "drift-y" | "still";

export interface AnimaticLook {
  gradient: { type: GradientType; speed: number };
  text: TextMotion;
}

const LOOKS: { pattern: RegExp; look: AnimaticLook }[] = [
  { pattern: /\b(pull[- ]?(out|back)|zoom[- ]?out|dolly[- ]?out|reveal)\b/i, look: { gradient: { type: "radial", speed: 0.008 }, text: "shrink" } },
  { pattern: /\b(pan|truck|track(ing)?|slide|whip|dolly[- ]?(left|right))\b/i, look: { gradient: { type: "linear", speed: 0.03 }, text: "drift-x" } },
  { pattern: /\b(push[- ]?in|zoom|dolly|close[- ]?in|punch[- ]?in)\b/i, look: { gradient: { type: "radial", speed: 0.008 }, text: "grow" } },
  { pattern: /\b(tilt|crane|pedestal|rise|rising|boom|jib)\b/i, look: { gradient: { type: "linear", speed: 0.02 }, text: "drift-y" } },
  { pattern: /\b(orbit|rotate|spin|arc|circl(e|ing)|360)\b/i, look: { gradient: { type: "spiral", speed: 0.02 }, text: "still" } },
  { pattern: /\b(handheld|shak(y|e)|energetic|fast)\b/i, look: { gradient: { type: "circular", speed: 0.04 }, text: "still" } },
  { pattern: /\b(static|locked|still|tripod|fixed)\b/i, look: { gradient: { type: "linear", speed: 0.002 }, text: "still" } },
];

const DEFAULT_LOOK: AnimaticLook = { gradient: { type: "linear", speed: 0.01 }, text: "still" };

/** The look for a camera-movement word (push-in, pan, static…); unknown words get a slow drift. */
export function lookFor(motion: string): AnimaticLook {
  return LOOKS.find((l) => l.pattern.test(motion))?.look ?? DEFAULT_LOOK;
}

const FALLBACK_PALETTE = ["0x1E3A8A", "0xF59E0B", "0x0F172A"];

/**
 * Palette entries as FFmpeg colours: only `#RGB`/`#RRGGBB` (with or without #) pass,
 * anything else is dropped; fewer than two valid colours are topped up with defaults.
 */
export function paletteColors(palette: string[]): string[] {
  const out: string[] = [];
  for (const raw of palette) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw.trim());
    if (!m) continue;
    const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
    const c = `0x${hex.toUpperCase()}`;
    if (!out.includes(c)) out.push(c);
  }
  for (const c of FALLBACK_PALETTE) if (out.length < 2 && !out.includes(c)) out.push(c);
  return out.slice(0, 8);
}

/** A stable gradients seed for an id. */
export function seedFor(id: string): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0);
}

export interface AnimaticJob {
  clipId: string;
  width: number;
  height: number;
  fps: number;
  duration_s: number;
  palette: string[];
  motion: string;
}

/** Frames for a duration: rounded to the nearest frame, at least one. */
export function framesFor(durationS: number, fps: number): number {
  return Math.max(1, Math.round(durationS * fps));
}

/**
 * The full animatic spec: gradient, the shot text laid out large in the middle (moving
 * with the camera word), and a small scene label in the corner. Text is referenced by
 * file: `files.title` must hold `layoutTitle(...).text`, `files.label` the label.
 */
export function animaticSpec(
  job: AnimaticJob,
  files: { title: { path: string; fontSize: number } | null; label: string | null },
  font: FontRef,
  outPath: string,
): AnimaticSpec {
  const look = lookFor(job.motion);
  const frames = framesFor(job.duration_s, job.fps);
  const dur = num(frames / job.fps);
  const layers: TextLayer[] = [];
  if (files.title) {
    const size = files.title.fontSize;
    const fontSize =
      look.text === "grow" ? `${size}*(1+0.12*t/${dur})` : look.text === "shrink" ? `${size}*(1.12-0.12*t/${dur})` : size;
    layers.push({
      textFile: files.title.path,
      font,
      fontSize,
      x: look.text === "drift-x" ? `(w-tw)/2+w*0.05*(t/${dur}-0.5)` : "(w-tw)/2",
      y: look.text === "drift-y" ? `(h-th)/2+h*0.04*(0.5-t/${dur})` : "(h-th)/2",
      borderW: Math.max(1, Math.round(size / 16)),
      lineSpacing: Math.round(size * 0.2),
    });
  }
  if (files.label) {
    const size = Math.max(10, Math.round(job.height / 28));
    const margin = Math.round(job.height / 30);
    layers.push({
      textFile: files.label,
      font,
      fontSize: size,
      x: String(margin),
      y: String(margin),
      color: "white@0.85",
      box: { color: "black@0.35", border: Math.round(size * 0.35) },
    });
  }
  return {
    width: job.width,
    height: job.height,
    fps: job.fps,
    frames,
    colors: paletteColors(job.palette),
    gradient: { ...look.gradient, seed: seedFor(job.clipId) },
    layers,
    outPath,
  };
}

/**
 * The shot text laid out for the frame: the largest size that fits 80 % of the width and
 * 45 % of the height (leaving room for a push-in's 12 % growth).
 */
export function layoutTitle(text: string, width: number, height: number, motion: string): { text: string; fontSize: number } | null {
  if (!text.trim()) return null;
  const grows = lookFor(motion).text === "grow" || lookFor(motion).text === "shrink";
  const fit = fitText(text, {
    width: Math.floor(width * (grows ? 0.8 / 1.12 : 0.8)),
    height: Math.floor(height * 0.45),
    maxFontSize: Math.round(height / 7),
    minFontSize: Math.max(12, Math.round(height / 30)),
    maxLines: 4,
  });
  return fit.lines.length ? { text: fit.lines.join("\n"), fontSize: fit.fontSize } : null;
}

function num(n: number): string {
  return String(Number(n.toFixed(6)));
}
