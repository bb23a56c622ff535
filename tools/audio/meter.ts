import type { OnsetFeatures } from "./onset.js";
import { sampleMax } from "./track.js";

/**
 * Metre from a beat grid: how strong the pulse between beats is (the half/double question),
 * which beat of the bar is accented (downbeat phase) and whether the accent repeats every
 * 2, 3, 4 or 8 beats. Pure.
 */

/** Mean of an array-like (0 when empty). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}

/** Population standard deviation. */
export function std(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return x.length ? Math.sqrt(s / x.length) : 0;
}

/** Midpoints between consecutive beats (fractional frames). */
export function midpoints(beats: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < beats.length; i++) out.push((beats[i - 1] + beats[i]) / 2);
  return out;
}

/** Even-position versus odd-position beats: 1 when alike, towards 0 when they alternate strong/weak. */
export function alternation(values: ArrayLike<number>): number {
  let even = 0;
  let odd = 0;
  let ne = 0;
  let no = 0;
  for (let i = 0; i < values.length; i++) {
    if (i % 2 === 0) {
      even += values[i];
      ne++;
    } else {
      odd += values[i];
      no++;
    }
  }
  const a = ne ? even / ne : 0;
  const b = no ? odd / no : 0;
  const hi = Math.max(a, b);
  return hi > 0 ? Math.min(a, b) / hi : 1;
}

export interface BarFit {
  beatsPerBar: number;
  /** Index (mod beatsPerBar) of the accented beat. */
  phase: number;
  /** Mean accent on the phase minus the mean on the other positions, in accent standard deviations. */
  contrast: number;
  /** The contrast over its standard error: how sure the accent is not chance. */
  z: number;
}

/** The beat position (mod `beatsPerBar`) whose accents stand out most. */
export function fitBar(accents: ArrayLike<number>, beatsPerBar: number): BarFit {
  const sums = new Float64Array(beatsPerBar);
  const counts = new Float64Array(beatsPerBar);
  for (let i = 0; i < accents.length; i++) {
    sums[i % beatsPerBar] += accents[i];
    counts[i % beatsPerBar]++;
  }
  const sd = std(accents) || 1;
  let best: BarFit = { beatsPerBar, phase: 0, contrast: 0, z: 0 };
  for (let p = 0; p < beatsPerBar; p++) {
    if (!counts[p]) continue;
    const on = sums[p] / counts[p];
    let restSum = 0;
    let restCount = 0;
    for (let q = 0; q < beatsPerBar; q++) {
      if (q === p) continue;
      restSum += sums[q];
      restCount += counts[q];
    }
    const off = restCount ? restSum / restCount : 0;
    const contrast = (on - off) / sd;
    const z = contrast * Math.sqrt(counts[p]);
    if (contrast > best.contrast) best = { beatsPerBar, phase: p, contrast, z };
  }
  return best;
}

/** Mean coarse spectrum (log bands, then bass level) over each beat, up to the next beat. */
export function beatProfiles(f: Pick<OnsetFeatures, "bands" | "bandCount" | "lowLevel">, beats: number[]): Float64Array[] {
  const frames = f.lowLevel.length;
  const width = f.bandCount + 1;
  return beats.map((b, i) => {
    const a = Math.min(frames - 1, Math.max(0, Math.round(b)));
    const gap = i + 1 < beats.length ? beats[i + 1] - b : i > 0 ? b - beats[i - 1] : 1;
    const e = Math.min(frames, Math.max(a + 1, Math.round(b + gap)));
    const p = new Float64Array(width);
    for (let n = a; n < e; n++) {
      for (let k = 0; k < f.bandCount; k++) p[k] += f.bands[n * f.bandCount + k];
      p[f.bandCount] += f.lowLevel[n];
    }
    for (let k = 0; k < width; k++) p[k] /= e - a;
    return p;
  });
}

/** Change of the beat profile from the previous beat: chords tend to move on the bar line. */
export function beatNovelty(profiles: Float64Array[]): Float64Array {
  const out = new Float64Array(profiles.length);
  for (let i = 1; i < profiles.length; i++) out[i] = distance(profiles[i], profiles[i - 1]);
  if (out.length > 1) out[0] = out[1];
  return out;
}

function distance(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d += Math.abs(a[k] - b[k]);
  return d / a.length;
}

/** Standardises to zero mean and unit deviation; NaN entries (and a flat input) become 0. */
export function zscore(x: ArrayLike<number>): Float64Array {
  const valid = Array.from(x).filter((v) => !Number.isNaN(v));
  const m = mean(valid);
  const s = std(valid);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = s > 1e-12 && !Number.isNaN(x[i]) ? (x[i] - m) / s : 0;
  return out;
}


/**
 * How accented each beat is: bass level just after it (kick and bass note), bass and broadband
 * onset strength, and the change of the coarse spectrum from the beat before (chords move on
 * the bar line).
 */
export function accentsOf(f: OnsetFeatures, s: Float64Array, ls: Float64Array, beats: number[]): number[] {
  const level = zscore(sampleMax(f.lowLevel, beats.map((b) => b + 2), 3));
  const zl = zscore(ls);
  const zs = zscore(s);
  const zn = zscore(beatNovelty(beatProfiles(f, beats)));
  return Array.from(zl, (v, i) => level[i] + 0.5 * v + 0.5 * zs[i] + 0.5 * zn[i]);
}

/**
 * How swung the eighth notes between the beats are: the mean onset strength ⅔ of the way from
 * each beat to the next over the larger of those ⅓ and ½ of the way. Straight eighths and
 * sixteenths leave it well below 1 (0–0.5 on the tuning set); swung or shuffled eighths put it
 * far above (9–16).
 */
export function swingRatio(o: Float32Array, beats: number[]): number {
  const at = (fraction: number) => {
    const frames: number[] = [];
    for (let i = 0; i + 1 < beats.length; i++) frames.push(beats[i] + fraction * (beats[i + 1] - beats[i]));
    return mean(sampleMax(o, frames));
  };
  const straight = Math.max(at(1 / 3), at(1 / 2));
  return straight > 1e-9 ? at(2 / 3) / straight : 0;
}
