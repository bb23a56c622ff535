import { chooseResolution } from "./request.js";
import { EPS, longest, makeableLengths, round6, type Lengths } from "./lengths.js";
import type { ModelProfile } from "./profile.js";

/**
 * Splits a scene into shots the model can make: one prediction per shot, each shot kept for
 * `duration_s` of the scene and asked of the model at `request_s` (a length it makes; the
 * composer trims the clip to the shot). As few shots as the model's longest clip allows, and
 * among those the lengths that ask for the fewest seconds in all (what per-second prices
 * bill), evened out. A shot is longer than its clip only when the model cannot make that
 * length within `maxShots`; a warning then names the scene.
 */

export interface Shot {
  index: number;
  /** Seconds of the scene this shot fills. */
  duration_s: number;
  /** Seconds to ask the model for (a length it makes); ≥ duration_s unless warned. */
  request_s: number;
}

export interface ShotFit {
  scene_id: string;
  duration_s: number;
  shots: Shot[];
  /** Seconds asked for in all (what per-second prices bill). */
  requested_s: number;
  warnings: string[];
}

export interface FitOptions {
  sceneId: string;
  /** Output frame; chooses the resolution, which can limit the lengths (hailuo-02: 10 s only at 768p). */
  width?: number;
  height?: number;
  /** Most shots for one scene (default 24). */
  maxShots?: number;
  /** Shortfall (s) accepted without another shot, e.g. under one frame (default 0). */
  toleranceS?: number;
}

export function fitShots(sceneDuration: number, profile: ModelProfile, opts: FitOptions): ShotFit {
  if (!(sceneDuration > 0)) throw new RangeError(`scene ${opts.sceneId}: duration must be positive, got ${sceneDuration}`);
  const resolution = opts.width && opts.height ? (chooseResolution(profile, opts.width, opts.height)?.value ?? null) : null;
  const lengths = makeableLengths(profile, resolution);
  const maxShots = Math.max(1, Math.floor(opts.maxShots ?? 24));
  const tol = Math.max(0, opts.toleranceS ?? 0);
  const need = Math.max(EPS, sceneDuration - tol);
  const max = longest(lengths);
  const wanted = Math.max(1, Math.ceil(need / max - EPS));
  const n = Math.min(wanted, maxShots);
  const requests = lengths.kind === "discrete" ? cheapestCombination(lengths.values, n, need) : continuousSplit(lengths, n, need);
  const total = requests.reduce((a, b) => a + b, 0);
  const warnings: string[] = [];
  if (total < sceneDuration - tol - EPS) {
    warnings.push(
      `scene ${opts.sceneId}: ${profile.model} makes at most ${fmt(total)} s in ${n} shot${n > 1 ? "s" : ""} for a ${fmt(sceneDuration)} s scene; the last frame of each clip is held for the ${fmt(sceneDuration - total)} s missing`,
    );
  }
  const durations = spread(requests, sceneDuration);
  const shots = requests.map((r, index) => ({ index, duration_s: durations[index]!, request_s: r }));
  return { scene_id: opts.sceneId, duration_s: sceneDuration, shots, requested_s: round6(total), warnings };
}

/**
 * n lengths from `values` (descending) whose sum reaches `need` with the smallest sum, then the
 * smallest spread between the longest and shortest. Evenly spaced values (a range) have a
 * closed form; other lists are solved by dynamic programming over sums on the values' grid.
 */
export function cheapestCombination(values: number[], n: number, need: number): number[] {
  const asc = [...values].sort((a, b) => a - b);
  const step = progressionStep(asc);
  if (step !== null) return evenRange(asc[0]!, asc[asc.length - 1]!, step, n, need);
  const unit = gridUnit(asc);
  const units = asc.map((v) => Math.round(v / unit));
  const top = n * units[units.length - 1]!;
  if ((top + 1) * n * units.length > 2e7) return Array.from({ length: n }, () => asc[asc.length - 1]!);
  const needUnits = Math.ceil(need / unit - 1e-6);
  const full = reachable(units, n, top);
  let target = -1;
  for (let sum = Math.max(needUnits, 0); sum <= top; sum++) {
    if (full.last[n]![sum] !== 0) {
      target = sum;
      break;
    }
  }
  if (target < 0) return Array.from({ length: n }, () => asc[asc.length - 1]!);
  // Narrowest band of values that still reaches the target sum.
  const bands: [number, number][] = [];
  if (units.length <= 16) for (let i = 0; i < units.length; i++) for (let j = i; j < units.length; j++) bands.push([i, j]);
  bands.sort((a, b) => units[a[1]]! - units[a[0]]! - (units[b[1]]! - units[b[0]]!));
  for (const [i, j] of bands) {
    const band = units.slice(i, j + 1);
    const r = reachable(band, n, target);
    if (r.last[n]![target] !== 0) return rebuild(r, n, target).map((u) => round6(u * unit)).sort((a, b) => b - a);
  }
  return rebuild(full, n, target).map((u) => round6(u * unit)).sort((a, b) => b - a);
}

/** For k picks and each sum, the last value used to reach it (0: unreachable). */
function reachable(units: number[], n: number, top: number): { last: Int32Array[] } {
  const last = Array.from({ length: n + 1 }, () => new Int32Array(top + 1));
  last[0]![0] = -1;
  for (let k = 1; k <= n; k++) {
    const prev = last[k - 1]!;
    const cur = last[k]!;
    for (let sum = 0; sum <= top; sum++) {
      if (prev[sum] === 0) continue;
      for (const u of units) if (sum + u <= top && cur[sum + u] === 0) cur[sum + u] = u;
    }
  }
  return { last };
}

function rebuild(r: { last: Int32Array[] }, n: number, target: number): number[] {
  const out: number[] = [];
  let sum = target;
  for (let k = n; k > 0; k--) {
    const u = r.last[k]![sum]!;
    out.push(u);
    sum -= u;
  }
  return out;
}

/** n evenly spread values from min..max in `step`s whose sum is the smallest reaching `need`. */
function evenRange(min: number, max: number, step: number, n: number, need: number): number[] {
  const steps = Math.max(0, Math.ceil((need - n * min) / step - 1e-6));
  const total = Math.min(steps, Math.round(((max - min) / step) * n));
  const base = Math.floor(total / n);
  const extra = total - base * n;
  return Array.from({ length: n }, (_, i) => round6(min + (base + (i < extra ? 1 : 0)) * step));
}

function progressionStep(asc: number[]): number | null {
  if (asc.length < 3) return null;
  const step = asc[1]! - asc[0]!;
  return asc.every((v, i) => i === 0 || Math.abs(v - asc[i - 1]! - step) < 1e-6) ? step : null;
}

/** The coarsest grid (a divisor of every value, at least 1 ms) the values lie on. */
function gridUnit(values: number[]): number {
  const ms = values.map((v) => Math.round(v * 1000));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return ms.reduce((a, b) => gcd(a, b)) / 1000;
}

function continuousSplit(l: Extract<Lengths, { kind: "continuous" }>, n: number, need: number): number[] {
  const each = Math.min(l.max, Math.max(l.min, need / n));
  return Array.from({ length: n }, () => round6(each));
}

/** Scene time per shot, proportional to what each asks for (to the microsecond), summing to the scene. */
function spread(requests: number[], total: number): number[] {
  const sum = requests.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - total) <= EPS) return [...requests];
  const out = requests.map((r) => round6((r * total) / sum));
  out[out.length - 1] = round6(total - out.slice(0, -1).reduce((a, b) => a + b, 0));
  return out;
}

function fmt(s: number): string {
  return String(Math.round(s * 100) / 100);
}

export type Continuity = "none" | "chain";

/** Where a shot's first frame comes from. */
export interface ShotLink {
  index: number;
  /** The earlier shot of the same scene whose last frame starts this one (chain), or null. */
  first_frame_from: number | null;
  /** The model cannot start without an image and no earlier shot gives one: the caller supplies a still. */
  needs_still: boolean;
}

/**
 * Continuity inside a scene. With "chain" on a model that takes a first frame, each shot after
 * the first starts from the previous shot's last frame, so a scene's shots run in order
 * (scenes still run in parallel); "none" leaves every shot independent.
 */
export function linkShots(fit: ShotFit, profile: ModelProfile, continuity: Continuity = "none"): ShotLink[] {
  const chain = continuity === "chain" && profile.first_frame !== null;
  const required = profile.first_frame?.required ?? false;
  return fit.shots.map((s, i) => {
    const from = chain && i > 0 ? fit.shots[i - 1]!.index : null;
    return { index: s.index, first_frame_from: from, needs_still: required && from === null };
  });
}
