import type { DiffEntry } from "../schemas/edit.js";
import { roundS } from "./invariants.js";
import { aspectOf, formatSeconds } from "./ops.js";
import type { Crop, Timeline, TimelineCta, TimelineScene } from "./schema.js";

/**
 * What changed between two timelines, scene by scene, in lines a person can read. Removed
 * scenes come first, then the scenes of `after` in order, then the output frame and the CTA.
 * Pure.
 */
export function diffTimelines(before: Timeline, after: Timeline): DiffEntry[] {
  const out: DiffEntry[] = [];
  const posBefore = new Map(before.scenes.map((s, i) => [s.id, i + 1]));
  const posAfter = new Map(after.scenes.map((s, i) => [s.id, i + 1]));
  const oldById = new Map(before.scenes.map((s) => [s.id, s]));

  before.scenes.forEach((s, i) => {
    if (!posAfter.has(s.id)) out.push({ kind: "removed", scene_id: s.id, from: i + 1, summary: `${s.id} removed (was #${i + 1}, ${formatSeconds(s.duration_s)})` });
  });
  const moved = movedScenes(before, after);
  after.scenes.forEach((s, i) => {
    const old = oldById.get(s.id);
    if (!old) {
      out.push(added(s, i + 1, before));
      return;
    }
    const from = posBefore.get(s.id)!;
    if (moved.has(s.id) && from !== i + 1) {
      out.push({ kind: "moved", scene_id: s.id, from, to: i + 1, summary: `${s.id} moved from #${from} to #${i + 1}` });
    }
    out.push(...sceneChanges(old, s));
  });
  if (before.width !== after.width || before.height !== after.height) {
    out.push({
      kind: "reframed",
      scene_id: null,
      from: { width: before.width, height: before.height },
      to: { width: after.width, height: after.height },
      summary: `output reframed from ${before.width}×${before.height} (${aspectOf(before.width, before.height)}) to ${after.width}×${after.height} (${aspectOf(after.width, after.height)})`,
    });
  }
  const cta = ctaChange(before.cta, after.cta);
  if (cta) out.push(cta);
  return out;
}

function added(s: TimelineScene, position: number, before: Timeline): DiffEntry {
  const source = before.scenes.find((o) => o.clip_id !== null && o.clip_id === s.clip_id && o.prompt === s.prompt);
  const what = source ? `a copy of ${source.id}` : `"${excerpt(s.prompt)}"`;
  return { kind: "added", scene_id: s.id, to: position, summary: `${s.id} added at #${position} (${formatSeconds(s.duration_s)}): ${what}` };
}

/**
 * The scenes that were moved rather than shifted: those outside the longest run that kept
 * its relative order. When the moved ones displaced at most as many others (a swap), the
 * displaced ones are reported too, so a swap reads as two moves.
 */
function movedScenes(before: Timeline, after: Timeline): Set<string> {
  const inAfter = new Set(after.scenes.map((s) => s.id));
  const common = before.scenes.filter((s) => inAfter.has(s.id)).map((s) => s.id);
  const rankBefore = new Map(common.map((id, i) => [id, i]));
  const order = after.scenes.filter((s) => rankBefore.has(s.id)).map((s) => s.id);
  const keep = longestIncreasing(order.map((id) => rankBefore.get(id)!)).map((k) => order[k]!);
  const kept = new Set(keep);
  const moved = new Set(order.filter((id) => !kept.has(id)));
  const displaced = order.filter((id, i) => kept.has(id) && rankBefore.get(id) !== i);
  if (moved.size && displaced.length <= moved.size) displaced.forEach((id) => moved.add(id));
  return moved;
}

/** Indices of one longest strictly increasing subsequence (earliest-ending on ties). */
function longestIncreasing(xs: number[]): number[] {
  const tails: number[] = [];
  const prev: number[] = new Array(xs.length).fill(-1);
  xs.forEach((x, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]!]! < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const out: number[] = [];
  for (let k = tails.length ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) out.unshift(k);
  return out;
}

function sceneChanges(old: TimelineScene, s: TimelineScene): DiffEntry[] {
  const out: DiffEntry[] = [];
  const id = s.id;
  const promptChanged = old.prompt !== s.prompt;
  const clipChanged = old.clip_id !== s.clip_id;
  const regenerated = promptChanged || clipChanged;
  const retimed = Math.abs(old.speed - s.speed) > 1e-6;
  const lengthChanged = Math.abs(old.duration_s - s.duration_s) > 0.0005;
  const inChanged = Math.abs(old.source_in_s - s.source_in_s) > 0.0005 && !regenerated;
  const sourceUsedChanged = Math.abs(old.duration_s * old.speed - s.duration_s * s.speed) > 0.002;
  if (retimed) {
    out.push({
      kind: "retimed",
      scene_id: id,
      from: { speed: old.speed, duration_s: old.duration_s },
      to: { speed: s.speed, duration_s: s.duration_s },
      summary: `${id} retimed from ${old.speed}× to ${s.speed}× (${formatSeconds(old.duration_s)} → ${formatSeconds(s.duration_s)})`,
    });
  }
  if ((lengthChanged && (!retimed || sourceUsedChanged)) || inChanged) {
    const parts = [`${id} trimmed from ${formatSeconds(old.duration_s)} to ${formatSeconds(s.duration_s)}`];
    if (inChanged) {
      const d = roundS(s.source_in_s - old.source_in_s);
      parts.push(`starts ${formatSeconds(Math.abs(d))} ${d > 0 ? "later" : "earlier"} in its clip`);
    }
    out.push({
      kind: "trimmed",
      scene_id: id,
      from: { duration_s: old.duration_s, source_in_s: old.source_in_s },
      to: { duration_s: s.duration_s, source_in_s: s.source_in_s },
      summary: parts.join(", "),
    });
  }
  if (!sameCrop(old.crop, s.crop)) {
    out.push({ kind: "reframed", scene_id: id, from: old.crop, to: s.crop, summary: `${id} reframed: ${describeCrop(old.crop)} → ${describeCrop(s.crop)}` });
  }
  if ((old.grade ?? null) !== (s.grade ?? null)) {
    out.push({ kind: "graded", scene_id: id, from: old.grade ?? null, to: s.grade ?? null, summary: `${id} graded: ${gradeName(old.grade ?? null)} → ${gradeName(s.grade ?? null)}` });
  }
  if (old.transition_in !== s.transition_in) {
    out.push({
      kind: "transition",
      scene_id: id,
      from: old.transition_in,
      to: s.transition_in,
      summary: `${id} now enters with ${transitionName(s.transition_in)} (was ${transitionName(old.transition_in)})`,
    });
  }
  if (regenerated) {
    const summary = promptChanged
      ? `${id} regenerated: "${excerpt(old.prompt)}" → "${excerpt(s.prompt)}"`
      : `${id} gets a new clip (${old.clip_id ?? "none"} → ${s.clip_id ?? "to be generated"})`;
    out.push({ kind: "regenerated", scene_id: id, from: { prompt: old.prompt, clip_id: old.clip_id }, to: { prompt: s.prompt, clip_id: s.clip_id }, summary });
  }
  return out;
}

function sameCrop(a: Crop | null, b: Crop | null): boolean {
  if (!a || !b) return a === b;
  return a.aspect_ratio === b.aspect_ratio && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}

function describeCrop(c: Crop | null): string {
  if (!c) return "full frame";
  const full = c.x === 0 && c.y === 0 && c.w === 1 && c.h === 1;
  const region = full ? "" : `region x=${c.x} y=${c.y} w=${c.w} h=${c.h}`;
  return [c.aspect_ratio ?? "", region].filter(Boolean).join(", ");
}

function gradeName(g: TimelineScene["grade"]): string {
  if (!g) return "as generated";
  return g.replace(/_/g, " ");
}

function transitionName(t: TimelineScene["transition_in"]): string {
  return { cut: "a cut", fade: "a fade", fade_black: "a fade from black", dissolve: "a dissolve" }[t];
}

function excerpt(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function ctaWindow(c: TimelineCta): string {
  return `${roundS(c.start_s)}–${roundS(c.start_s + c.duration_s)} s`;
}

function ctaChange(a: TimelineCta | null, b: TimelineCta | null): DiffEntry | null {
  if (!a && !b) return null;
  if (!a) return { kind: "cta", scene_id: null, from: null, to: b, summary: `CTA "${b!.text}" added at ${ctaWindow(b!)}` };
  if (!b) return { kind: "cta", scene_id: null, from: a, to: null, summary: `CTA "${a.text}" removed (was ${ctaWindow(a)})` };
  const parts: string[] = [];
  if (a.text !== b.text) parts.push(`text "${a.text}" → "${b.text}"`);
  if (Math.abs(a.start_s - b.start_s) > 0.0005 || Math.abs(a.duration_s - b.duration_s) > 0.0005) {
    const verb = Math.abs(a.duration_s - b.duration_s) > 0.0005 ? (Math.abs(a.start_s - b.start_s) > 0.0005 ? "moved and resized" : "resized") : "moved";
    parts.push(`${verb} from ${ctaWindow(a)} to ${ctaWindow(b)}`);
  }
  if (!parts.length) return null;
  return { kind: "cta", scene_id: null, from: a, to: b, summary: `CTA ${parts.join("; ")}` };
}
