import type { AudioAnalysis } from "../../core/schemas/audio.js";
import type { ReferenceGrid } from "../music-midi.js";

/**
 * How an analysis and its cuts stand against a real recording's reference grid. Pure. A cut
 * "on a bar" is within `BAR_TOLERANCE_S` of a true bar start; the tempo is right when it is
 * within 4 % of the true one or of an exact octave of it (half or double).
 */

/** A cut this close to a true bar start is heard as on the bar. */
export const BAR_TOLERANCE_S = 0.07;
/** Tempo within this relative error of the truth (or of an exact octave of it). */
export const REAL_TEMPO_TOLERANCE = 0.04;

export interface RealSongScore {
  /** The found tempo over the true one (median over the analysed span); null without a beat. */
  tempoRatio: number | null;
  tempo: "exact" | "half" | "double" | "wrong" | "none";
  /** Share of the found bar starts within the tolerance of a true bar start. */
  barsOnBars: number;
  /** Where the found bar starts sit in the true bar, most often: "bar", "beat 2"…, "half beat", "other". */
  phase: string;
  /** Share of the plan's cuts within the tolerance of a true bar start. */
  cutsOnBars: number;
  cuts: number;
}

/** Distance from `t` to the nearest value of sorted `xs`; Infinity when empty. */
export function nearestSorted(xs: number[], t: number): number {
  return Math.abs(signedNearest(xs, t));
}

/** Signed distance from `t` to the nearest value of sorted `xs` (+: `t` is later); Infinity when empty. */
export function signedNearest(xs: number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  const after = lo < xs.length ? xs[lo] - t : Infinity;
  const before = lo > 0 ? t - xs[lo - 1] : Infinity;
  return before <= after ? before : -after;
}

/** A cut this far from a true bar start (beyond `BAR_TOLERANCE_S`) is a timing offset, not a phase error. */
export const NEAR_TOLERANCE_S = 0.15;

/**
 * Why a time is (or is not) on a true bar start: "on" (within `BAR_TOLERANCE_S`), "near" (a
 * timing offset: within `NEAR_TOLERANCE_S`), "beat" (on another true beat: the bar phase is
 * off by whole beats), "half" (on a true half beat: the beat phase is off) or "other" (the
 * tempo or the grid is off). For diagnosing misses, not for scoring.
 */
export function missKind(truth: ReferenceGrid, t: number): "on" | "near" | "beat" | "half" | "other" {
  const d = nearestSorted(truth.downbeats_s, t);
  if (d <= BAR_TOLERANCE_S) return "on";
  if (d <= NEAR_TOLERANCE_S) return "near";
  const p = barPosition(truth, t);
  return p.startsWith("beat") ? "beat" : p === "half beat" ? "half" : "other";
}

export function tempoClass(found: number | null, truth: number): { ratio: number | null; tempo: RealSongScore["tempo"] } {
  if (found === null) return { ratio: null, tempo: "none" };
  const ratio = found / truth;
  const near = (k: number) => Math.abs(ratio / k - 1) <= REAL_TEMPO_TOLERANCE;
  return { ratio, tempo: near(1) ? "exact" : near(0.5) ? "half" : near(2) ? "double" : "wrong" };
}

/** Which position of the true bar a time falls on: "bar", "beat k", "half beat" or "other". */
export function barPosition(truth: ReferenceGrid, t: number): string {
  const i = upper(truth.downbeats_s, t) - 1;
  if (i < 0) return "other";
  const start = truth.downbeats_s[i];
  const beats = truth.beats_s.filter((b) => b >= start - 1e-6 && b < (truth.downbeats_s[i + 1] ?? Infinity) - 1e-6);
  if (truth.downbeats_s[i + 1] !== undefined && truth.downbeats_s[i + 1] - t <= BAR_TOLERANCE_S) return "bar";
  for (let k = 0; k < beats.length; k++) if (Math.abs(beats[k] - t) <= BAR_TOLERANCE_S) return k === 0 ? "bar" : `beat ${k + 1}`;
  const period = beats.length > 1 ? beats[1] - beats[0] : 0.5;
  for (const b of beats) if (Math.abs(b + period / 2 - t) <= BAR_TOLERANCE_S) return "half beat";
  return "other";
}

function upper(xs: number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= t + BAR_TOLERANCE_S) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Scores one song: tempo class, bar starts and cuts against the truth up to `untilS`. */
export function scoreRealSong(analysis: AudioAnalysis, cuts: number[], truth: ReferenceGrid, untilS: number): RealSongScore {
  const sortedBpm = [...truth.bpm].sort((a, b) => a - b);
  const trueBpm = sortedBpm[Math.floor(sortedBpm.length / 2)] ?? 120;
  const { ratio, tempo } = tempoClass(analysis.bpm, trueBpm);
  const bars = analysis.downbeats_s.filter((d) => d <= untilS);
  const on = (t: number) => nearestSorted(truth.downbeats_s, t) <= BAR_TOLERANCE_S;
  const counts = new Map<string, number>();
  for (const d of bars) {
    const p = barPosition(truth, d);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const phase = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "none";
  return {
    tempoRatio: ratio,
    tempo,
    barsOnBars: bars.length ? bars.filter(on).length / bars.length : 0,
    phase,
    cutsOnBars: cuts.length ? cuts.filter(on).length / cuts.length : 0,
    cuts: cuts.length,
  };
}
