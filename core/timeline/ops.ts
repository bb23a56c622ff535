import type { EditOperation } from "../schemas/edit.js";
import { nextSceneId, normalizeTimeline, roundS } from "./invariants.js";
import { sizeFor, type AspectRatio, type Crop, type Timeline, type TimelineScene } from "./schema.js";

/**
 * The edit operations as pure functions on a timeline. The offline interpreter, the model
 * path, the edit plan, the API and the evals all apply edits through `applyOperations`.
 */

/** An operation that cannot be honoured on this timeline; nothing is applied. */
export class EditRejectedError extends Error {
  override readonly name = "EditRejectedError";
  constructor(
    /** Why, phrased for a person. */
    readonly reason: string,
    /** Index of the offending operation in the list, null when it concerns the whole list. */
    readonly opIndex: number | null,
    readonly op?: EditOperation,
    options?: { cause?: unknown },
  ) {
    super(opIndex === null ? reason : `operation ${opIndex + 1} (${op?.op ?? "?"}): ${reason}`, options);
  }
}

export interface ApplyContext {
  /** Known clip lengths by clip_id: a scene is never lengthened beyond its clip. */
  clipDurations?: Record<string, number>;
}

export interface ApplyResult {
  timeline: Timeline;
  /** What was adjusted on the way (clamped to the clip, snapped to a bar, CTA kept inside…). */
  warnings: string[];
}

const TOL = 0.002;
const MIN_SPEED = 0.125;
const MAX_SPEED = 8;

/** Seconds for messages: 6 → "6 s", 4.25 → "4.25 s". */
export function formatSeconds(s: number): string {
  return `${roundS(s)} s`;
}

interface Env {
  index: number;
  op: EditOperation;
  ctx: ApplyContext;
  warnings: string[];
}

function reject(env: Env, reason: string): never {
  throw new EditRejectedError(reason, env.index, env.op);
}

/**
 * Applies the operations in order and returns the new timeline (scenes back to back,
 * duration the sum, CTA inside). Throws EditRejectedError for an impossible operation.
 * Pure: the input is not changed, and `version` is kept (a saved version bumps it).
 */
export function applyOperations(timeline: Timeline, ops: EditOperation[], ctx: ApplyContext = {}): ApplyResult {
  const warnings: string[] = [];
  let t = normalizeTimeline(timeline);
  ops.forEach((op, index) => {
    const env: Env = { index, op, ctx, warnings };
    const before = t;
    t = normalizeTimeline(applyOne(t, op, env));
    if (Math.abs(before.duration_s - t.duration_s) > TOL) t = keepCtaInside(before, t, env);
  });
  return { timeline: t, warnings };
}

function applyOne(t: Timeline, op: EditOperation, env: Env): Timeline {
  switch (op.op) {
    case "swap": {
      const a = indexOf(t, op.a, env);
      const b = indexOf(t, op.b, env);
      if (a === b) reject(env, `cannot swap ${op.a} with itself`);
      const scenes = [...t.scenes];
      [scenes[a], scenes[b]] = [scenes[b]!, scenes[a]!];
      return { ...t, scenes };
    }
    case "move":
      return move(t, op, env);
    case "reverse":
      if (t.scenes.length < 2) env.warnings.push("reversing a single scene changes nothing");
      return { ...t, scenes: [...t.scenes].reverse() };
    case "remove": {
      const i = indexOf(t, op.scene, env);
      if (t.scenes.length === 1) reject(env, `removing ${op.scene} would leave the video empty`);
      return { ...t, scenes: t.scenes.filter((_, j) => j !== i) };
    }
    case "trim":
      return trim(t, op, env);
    case "speed":
      return speed(t, op, env);
    case "crop":
      return crop(t, op, env);
    case "cta":
      return cta(t, op, env);
    case "transition": {
      const i = indexOf(t, op.scene, env);
      return withScene(t, i, { transition_in: op.transition });
    }
    case "grade":
      if (op.scene !== null) return withScene(t, indexOf(t, op.scene, env), { grade: op.grade });
      return { ...t, scenes: t.scenes.map((s) => ({ ...s, grade: op.grade })) };
    case "regenerate": {
      const i = indexOf(t, op.scene, env);
      const prompt = op.prompt.trim();
      if (!prompt) reject(env, `the new prompt for ${op.scene} is empty`);
      // The old clip no longer matches: clip_id null tells the edit node to make a new one.
      return withScene(t, i, { prompt, clip_id: null, source_in_s: 0 });
    }
    case "duplicate": {
      const i = indexOf(t, op.scene, env);
      const copy: TimelineScene = { ...t.scenes[i]!, id: nextSceneId(t) };
      const scenes = [...t.scenes];
      scenes.splice(i + 1, 0, copy);
      return { ...t, scenes };
    }
  }
}

function indexOf(t: Timeline, id: string, env: Env): number {
  const i = t.scenes.findIndex((s) => s.id === id);
  if (i < 0) reject(env, `there is no scene "${id}" (the scenes are ${t.scenes.map((s) => s.id).join(", ")})`);
  return i;
}

function withScene(t: Timeline, i: number, patch: Partial<TimelineScene>): Timeline {
  return { ...t, scenes: t.scenes.map((s, j) => (j === i ? { ...s, ...patch } : s)) };
}

function move(t: Timeline, op: Extract<EditOperation, { op: "move" }>, env: Env): Timeline {
  const i = indexOf(t, op.scene, env);
  const targets = [op.position !== undefined, op.to !== undefined, op.before !== undefined, op.after !== undefined].filter(Boolean).length;
  if (targets !== 1) reject(env, "a move needs exactly one of position, to, before or after");
  const scene = t.scenes[i]!;
  const rest = t.scenes.filter((_, j) => j !== i);
  let at: number;
  if (op.position !== undefined) {
    if (op.position < 1 || op.position > t.scenes.length)
      reject(env, `position ${op.position} does not exist (the video has ${t.scenes.length} scenes)`);
    at = op.position - 1;
  } else if (op.to !== undefined) {
    at = op.to === "start" ? 0 : rest.length;
  } else {
    const anchor = (op.before ?? op.after)!;
    if (anchor === op.scene) reject(env, `cannot move ${op.scene} next to itself`);
    indexOf(t, anchor, env);
    at = rest.findIndex((s) => s.id === anchor) + (op.after !== undefined ? 1 : 0);
  }
  rest.splice(at, 0, scene);
  return { ...t, scenes: rest };
}

type TrimOp = Extract<EditOperation, { op: "trim" }>;

function trim(t: Timeline, op: TrimOp, env: Env): Timeline {
  const i = indexOf(t, op.scene, env);
  const s = t.scenes[i]!;
  if ((op.duration_s === undefined) === (op.delta_s === undefined)) reject(env, "a trim needs either duration_s or delta_s (not both)");
  if (op.duration_s !== undefined && !(op.duration_s > 0)) reject(env, `${s.id} cannot last ${roundS(op.duration_s)} s: a length must be more than 0`);
  const desired = op.duration_s ?? s.duration_s + op.delta_s!;
  if (!(desired > 0)) reject(env, `shortening ${s.id} (${formatSeconds(s.duration_s)}) by ${formatSeconds(-op.delta_s!)} would leave it with no length`);
  if (Math.abs(desired - s.duration_s) <= TOL) {
    env.warnings.push(`${s.id} already lasts ${formatSeconds(s.duration_s)}; the trim changes nothing`);
    return t;
  }
  const from = op.from ?? "end";
  const length = fitLength(t, s, desired, from === "start" ? "start" : "end", s.speed, env);
  const patch: Partial<TimelineScene> = { duration_s: length };
  if (from === "start") patch.source_in_s = Math.max(0, roundS(s.source_in_s + (s.duration_s - length) * s.speed));
  return withScene(t, i, { ...patch, ...barsPatch(t, s, length) });
}

function speed(t: Timeline, op: Extract<EditOperation, { op: "speed" }>, env: Env): Timeline {
  const i = indexOf(t, op.scene, env);
  const s = t.scenes[i]!;
  if (!(op.factor > 0)) reject(env, `a speed factor must be more than 0 (got ${op.factor})`);
  const rate = Math.round(s.speed * op.factor * 10_000) / 10_000;
  if (rate > MAX_SPEED) reject(env, `${s.id} would play at ${rate}×; at most ${MAX_SPEED}× is supported`);
  if (rate < MIN_SPEED) reject(env, `${s.id} would play at ${rate}×; at least ${MIN_SPEED}× is supported`);
  const length = fitLength(t, s, s.duration_s / op.factor, "end", rate, env);
  return withScene(t, i, { speed: rate, duration_s: length, ...barsPatch(t, s, length) });
}

/**
 * The length a scene may take: never more source than its clip has (when known), never
 * before the clip's first frame, and on a music video the cut lands on a bar start.
 */
function fitLength(t: Timeline, s: TimelineScene, desired: number, from: "start" | "end", rate: number, env: Env): number {
  const usedEnd = s.source_in_s + s.duration_s * s.speed;
  const clip = sourceLength(s, env.ctx.clipDurations);
  let max = Infinity;
  if (from === "start") max = usedEnd / rate;
  else if (clip !== undefined) max = Math.max(0, (clip - s.source_in_s) / rate);
  let length = desired;
  if (length > max + TOL) {
    const why = from === "start" ? "its clip has nothing before the current start" : `its clip ${s.clip_id} has ${formatSeconds(clip!)}`;
    env.warnings.push(`${s.id} can only be ${formatSeconds(max)} long: ${why}`);
    length = max;
  } else if (from === "end" && clip === undefined && s.source_in_s + desired * rate > usedEnd + TOL) {
    env.warnings.push(`${s.id}: its clip's length is unknown; if the clip is shorter than ${formatSeconds(s.source_in_s + desired * rate)} its last frame is held`);
  }
  const grid = barGrid(t);
  if (grid) length = snapToBar(grid, s, length, max, env);
  if (length < 1 / t.fps - TOL) reject(env, `${s.id} would last ${formatSeconds(length)}, shorter than one frame`);
  return roundS(length);
}

/**
 * Seconds of source a scene can play: its clip's length, or for a scene made of shots, the
 * shots end to end with the last one running to its clip's end (when known).
 */
function sourceLength(s: TimelineScene, clipDurations: Record<string, number> | undefined): number | undefined {
  if (!s.shots?.length) return s.clip_id ? clipDurations?.[s.clip_id] : undefined;
  const last = s.shots[s.shots.length - 1]!;
  const before = s.shots.slice(0, -1).reduce((a, x) => a + x.duration_s, 0);
  const lastClip = clipDurations?.[last.clip_id];
  return roundS(before + Math.max(last.duration_s, lastClip !== undefined ? lastClip - last.source_in_s : 0));
}

interface BarGrid {
  starts: number[];
  last: number;
}

/** The song's bar starts, when the timeline has them (music videos). */
export function barGrid(t: Timeline): BarGrid | null {
  const starts = [...new Set(t.audio?.downbeats_s ?? [])].sort((a, b) => a - b);
  if (starts.length < 2) return null;
  return { starts, last: starts[starts.length - 1]! - starts[starts.length - 2]! };
}

/** Bar starts strictly after `from`, up to `until` (extrapolated past the last downbeat). */
function barStartsBetween(grid: BarGrid, from: number, until: number): number[] {
  const out = grid.starts.filter((b) => b > from + TOL && b <= until + TOL);
  let b = grid.starts[grid.starts.length - 1]!;
  while (b <= until + TOL) {
    if (b > from + TOL && !out.includes(b)) out.push(b);
    b = roundS(b + grid.last);
  }
  return out.sort((x, y) => x - y);
}

/** Length of the bar that starts at or before `at`. */
export function barLengthAt(grid: BarGrid, at: number): number {
  for (let k = grid.starts.length - 2; k >= 0; k--) if (grid.starts[k]! <= at + TOL) return grid.starts[k + 1]! - grid.starts[k]!;
  return grid.starts[1]! - grid.starts[0]!;
}

function snapToBar(grid: BarGrid, s: TimelineScene, length: number, max: number, env: Env): number {
  const end = s.start_s + length;
  const current = s.start_s + s.duration_s;
  const ends = barStartsBetween(grid, s.start_s, Math.max(end, current) + 2 * grid.last).filter((b) => b - s.start_s <= max + TOL);
  if (!ends.length) {
    env.warnings.push(`${s.id} cannot end on a bar start within its clip; left at ${formatSeconds(length)}`);
    return length;
  }
  let best = ends.reduce((a, b) => (Math.abs(b - end) < Math.abs(a - end) ? b : a));
  if (Math.abs(best - current) <= TOL && Math.abs(end - current) > TOL) {
    const step = end > current ? ends.find((b) => b > current + TOL) : [...ends].reverse().find((b) => b < current - TOL);
    if (step !== undefined) best = step;
  }
  const snapped = roundS(best - s.start_s);
  if (Math.abs(snapped - length) > TOL) {
    env.warnings.push(`kept the cut on a bar start: ${s.id} lasts ${formatSeconds(snapped)} (asked for ${formatSeconds(length)})`);
  }
  return snapped;
}

function barsPatch(t: Timeline, s: TimelineScene, length: number): Partial<TimelineScene> {
  const grid = barGrid(t);
  if (!grid || s.bars === undefined) return {};
  const count = barStartsBetween(grid, s.start_s - 2 * TOL, s.start_s + length - 2 * TOL).length;
  return { bars: Math.max(1, count) };
}

const FULL = { x: 0, y: 0, w: 1, h: 1 };

function crop(t: Timeline, op: Extract<EditOperation, { op: "crop" }>, env: Env): Timeline {
  if (op.aspect_ratio === undefined && op.region === undefined) reject(env, "a crop needs an aspect ratio or a region (or null to clear them)");
  const r = op.region;
  if (r) {
    const inside = r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= 1 + TOL && r.y + r.h <= 1 + TOL;
    if (!inside) reject(env, "a crop region is given as fractions of the frame: x, y ≥ 0, w, h > 0, x + w ≤ 1, y + h ≤ 1");
  }
  const next = (prev: Crop | null): Crop | null => {
    const aspect = op.aspect_ratio === undefined ? (prev?.aspect_ratio ?? null) : op.aspect_ratio;
    const region = op.region === undefined ? (prev ? { x: prev.x, y: prev.y, w: prev.w, h: prev.h } : FULL) : (op.region ?? FULL);
    const full = region.x === 0 && region.y === 0 && region.w === 1 && region.h === 1;
    return aspect === null && full ? null : { aspect_ratio: aspect, ...region };
  };
  if (op.scene !== null) {
    const i = indexOf(t, op.scene, env);
    return withScene(t, i, { crop: next(t.scenes[i]!.crop) });
  }
  const out = { ...t, scenes: t.scenes.map((s) => ({ ...s, crop: next(s.crop) })) };
  // Reframing every scene to one aspect means the output itself takes that shape.
  if (op.aspect_ratio && aspectOf(t.width, t.height) !== op.aspect_ratio) {
    Object.assign(out, sizeFor(op.aspect_ratio, Math.min(t.width, t.height)));
  }
  return out;
}

/** The named aspect ratio closest to width × height. */
export function aspectOf(width: number, height: number): AspectRatio {
  const r = width / height;
  const named: [AspectRatio, number][] = [["16:9", 16 / 9], ["9:16", 9 / 16], ["1:1", 1]];
  return named.reduce((a, b) => (Math.abs(b[1] - r) < Math.abs(a[1] - r) ? b : a))[0];
}

/** True when the CTA ends where the video ends. */
export function ctaAtEnd(t: Pick<Timeline, "cta" | "duration_s">): boolean {
  return !!t.cta && Math.abs(t.cta.start_s + t.cta.duration_s - t.duration_s) <= TOL;
}

function cta(t: Timeline, op: Extract<EditOperation, { op: "cta" }>, env: Env): Timeline {
  if (op.action === "remove") {
    if (!t.cta) env.warnings.push("there is no CTA to remove");
    return { ...t, cta: null };
  }
  const prev = t.cta;
  const D = t.duration_s;
  const text = (op.text ?? prev?.text ?? "").trim();
  if (!text) reject(env, "a new CTA needs its text");
  if (text.length > 120) reject(env, "the CTA text is longer than 120 characters");
  const length = op.duration_s ?? prev?.duration_s ?? Math.min(3, D);
  if (!(length > 0)) reject(env, `the CTA cannot last ${roundS(length)} s: a length must be more than 0`);
  if (length > D + TOL) reject(env, `a ${formatSeconds(length)} CTA does not fit in a ${formatSeconds(D)} video`);
  let start = op.start_s ?? (prev && !ctaAtEnd(t) ? prev.start_s : D - length);
  if (op.start_s === undefined && start + length > D + TOL) {
    start = D - length;
    env.warnings.push(`moved the CTA to start at ${formatSeconds(start)} so that it ends with the video`);
  }
  if (start < -TOL || start + length > D + TOL)
    reject(env, `the CTA (${roundS(start)}–${roundS(start + length)} s) would lie outside the video (0–${roundS(D)} s)`);
  const s0 = roundS(Math.min(Math.max(0, start), D - length));
  return { ...t, cta: { text, start_s: s0, duration_s: roundS(Math.min(length, D - s0)) } };
}

/** After a change of length: a CTA that closed the video still does; any CTA stays inside. */
function keepCtaInside(before: Timeline, after: Timeline, env: Env): Timeline {
  const c = after.cta;
  if (!c) return after;
  const D = after.duration_s;
  const length = Math.min(c.duration_s, D);
  if (length < c.duration_s - TOL) env.warnings.push(`shortened the CTA to ${formatSeconds(length)} to fit the ${formatSeconds(D)} video`);
  if (ctaAtEnd(before)) return { ...after, cta: { ...c, start_s: roundS(D - length), duration_s: roundS(length) } };
  if (c.start_s + length <= D + TOL) return after;
  env.warnings.push(`moved the CTA to ${formatSeconds(D - length)} to keep it inside the shorter video`);
  return { ...after, cta: { ...c, start_s: roundS(D - length), duration_s: roundS(length) } };
}
