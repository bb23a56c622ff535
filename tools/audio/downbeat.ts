import { profileNovelty, segmentChroma } from "./harmony.js";
import { zscore } from "./meter.js";
import type { OnsetFeatures } from "./onset.js";
import { sampleMax } from "./track.js";

/**
 * Beat and bar phase from several cues, decided together. The tracked beats are split into
 * half beats; a hypothesis puts the bar starts on one half-beat position out of 2·beatsPerBar:
 * on the tracked beats (shift 0) or half a beat later (shift 1), at bar phase 0…beatsPerBar−1.
 * Each cue is measured on every half-beat position, and each hypothesis is scored per cue by
 * how far the cue's mean on its bar starts stands above the cue's mean everywhere, in standard
 * errors (a t statistic): a cue that carries no phase information adds noise of about ±1, one
 * that does adds tens, so the cues weigh themselves. Pure.
 */

export interface PhaseHypothesis {
  /** Sub-beat positions after the tracked beat where the bar (and the beat) really starts: 0…subdivisions−1. */
  shift: number;
  subdivisions: number;
  /** Index (mod beatsPerBar) of the downbeat among the (shifted) beats. */
  phase: number;
  beatsPerBar: number;
  /** Sum of the cues' t statistics. */
  score: number;
  /** Per cue t statistic, for the notes and the README. */
  cues: Record<string, number>;
}

/** What each cue measures at a half-beat position (each array has one value per position). */
export type PhaseCues = Record<string, Float64Array>;

/** `subdivisions` positions per beat (fractional frames): each beat, then evenly to the next. */
export function subBeatGrid(beats: number[], subdivisions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < beats.length; i++) {
    const next = beats[i + 1] ?? beats[i] + (i > 0 ? beats[i] - beats[i - 1] : 0);
    for (let k = 0; k < subdivisions; k++) out.push(beats[i] + ((next - beats[i]) * k) / subdivisions);
  }
  return out;
}

/** Half-beat positions: each beat, then the midpoint to the next. */
export function halfBeatGrid(beats: number[]): number[] {
  return subBeatGrid(beats, 2);
}

/**
 * Cue weights: every cue counts alike (the t statistics weigh them by their own evidence);
 * broadband onset strength is measured but left out: in dense mixes the off-beats are as loud.
 */
export const PHASE_CUE_WEIGHTS: Record<string, number> = Object.fromEntries([
  ["bassLevel", 1],
  ["bassOnset", 1],
  ["onset", 0],
  ...[1, 2, 4].flatMap((w) => [
    [`chordChange${w}`, 1],
    [`bassNoteChange${w}`, 1],
    [`spectralChange${w}`, 1],
  ]),
]);

/**
 * The cues at each half-beat position: bass level over the half beat after it (kick, bass
 * note), bass onset strength, chord change (treble chroma novelty over a beat either side),
 * bass-note change (bass chroma novelty), and the change of the coarse spectrum.
 */
export function phaseCues(f: OnsetFeatures, o: Float32Array, low: Float32Array, samples: Float32Array, grid: number[], subdivisions = 2): PhaseCues {
  const n = grid.length;
  const bassLevel = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = Math.max(0, Math.round(grid[j]));
    const b = Math.min(f.lowLevel.length, Math.max(a + 1, Math.round(grid[j + 1] ?? grid[j] + (grid[j] - (grid[j - 1] ?? grid[j] - 1)))));
    let s = 0;
    for (let k = a; k < b; k++) s += f.lowLevel[k];
    bassLevel[j] = b > a ? s / (b - a) : 0;
  }
  const bassOnset = sampleMax(low, grid);
  const chroma = segmentChroma(
    samples,
    f.sampleRate,
    grid.map((g) => Math.round(g * f.hop)),
  );
  const bands = new Float32Array(n * f.bandCount);
  for (let j = 0; j < n; j++) {
    const a = Math.min(f.lowLevel.length - 1, Math.max(0, Math.round(grid[j])));
    const b = Math.min(f.lowLevel.length, Math.max(a + 1, Math.round(grid[j + 1] ?? grid[j] + 1)));
    for (let k = a; k < b; k++) for (let d = 0; d < f.bandCount; d++) bands[j * f.bandCount + d] += f.bands[k * f.bandCount + d] / (b - a);
  }
  const cues: PhaseCues = { bassLevel, bassOnset, onset: sampleMax(o, grid) };
  for (const beatsWide of [1, 2, 4]) {
    const w = beatsWide * subdivisions;
    cues[`chordChange${beatsWide}`] = profileNovelty(chroma.treble, 12, w);
    cues[`bassNoteChange${beatsWide}`] = profileNovelty(chroma.bass, 12, w);
    cues[`spectralChange${beatsWide}`] = profileNovelty(bands, f.bandCount, w, "l1");
  }
  return cues;
}

/**
 * Every (shift, phase) hypothesis for each metre in `metres`, best first. The cues are summed as they
 * are: gating out the cues that single out no hypothesis (tried: weight 0 below t = 2, full
 * weight from t = 4) lost a metal song whose phase rests on many weak cues.
 */
export function scorePhases(cues: PhaseCues, metres: number[], subdivisions = 2, weights: Record<string, number> = PHASE_CUE_WEIGHTS): PhaseHypothesis[] {
  const zs = Object.entries(cues)
    .filter(([name]) => (weights[name] ?? 0) > 0)
    .map(([name, v]) => [name, zscore(v)] as const);
  const raw: Omit<PhaseHypothesis, "score">[] = [];
  for (const beatsPerBar of metres) {
    const period = subdivisions * beatsPerBar;
    for (let shift = 0; shift < subdivisions; shift++) {
      for (let phase = 0; phase < beatsPerBar; phase++) {
        const start = shift + subdivisions * phase;
        const byCue: Record<string, number> = {};
        for (const [name, z] of zs) {
          let sum = 0;
          let count = 0;
          for (let j = start; j < z.length; j += period) {
            sum += z[j];
            count++;
          }
          byCue[name] = count ? sum / Math.sqrt(count) : 0;
        }
        raw.push({ shift, subdivisions, phase, beatsPerBar, cues: byCue });
      }
    }
  }
  return raw
    .map((h) => ({ ...h, score: zs.reduce((acc, [name]) => acc + (weights[name] ?? 0) * h.cues[name], 0) }))
    .sort((a, b) => b.score - a.score);
}

/** The weighted mean of the cues' z-scores at each position: how much it looks like a bar start. */
export function combineCues(cues: PhaseCues, weights: Record<string, number> = PHASE_CUE_WEIGHTS): Float64Array {
  const names = Object.keys(cues).filter((n) => (weights[n] ?? 0) > 0);
  const length = names.length ? cues[names[0]].length : 0;
  const out = new Float64Array(length);
  let total = 0;
  for (const n of names) {
    const z = zscore(cues[n]);
    const w = weights[n] ?? 0;
    total += w;
    for (let j = 0; j < length; j++) out[j] += w * z[j];
  }
  if (total > 0) for (let j = 0; j < length; j++) out[j] /= total;
  return out;
}

/**
 * The hypothesis in force bar by bar (Viterbi): each bar of the tracked grid scores every
 * (shift, phase) hypothesis by the weighted cue z-scores at its bar start; staying costs
 * nothing, switching costs `switchCost`. A tracker that slips half a beat, or a bar of 2 beats
 * inside a 4/4 song, then changes the hypothesis for the bars that follow. Returns, per bar
 * window of `subdivisions·beatsPerBar` positions, the index of its hypothesis in `hypotheses`.
 */
export function localPhases(cues: PhaseCues, hypotheses: PhaseHypothesis[], switchCost: number, weights: Record<string, number> = PHASE_CUE_WEIGHTS): number[] {
  if (!hypotheses.length) return [];
  const { subdivisions: S, beatsPerBar: B } = hypotheses[0];
  const period = S * B;
  const combined = combineCues(cues, weights);
  let total = 0;
  for (const n of Object.keys(cues)) total += weights[n] ?? 0;
  const bars = Math.floor(combined.length / period);
  if (bars < 2) return new Array(bars).fill(0);
  const H = hypotheses.length;
  const score = new Float64Array(H);
  const back: Int32Array[] = [];
  for (let m = 0; m < bars; m++) {
    const next = new Float64Array(H);
    const from = new Int32Array(H);
    let bestPrev = 0;
    for (let h = 1; h < H; h++) if (score[h] > score[bestPrev]) bestPrev = h;
    for (let h = 0; h < H; h++) {
      const j = m * period + hypotheses[h].shift + S * hypotheses[h].phase;
      const e = (j < combined.length ? combined[j] : 0) * total;
      const switched = score[bestPrev] - switchCost;
      if (m > 0 && switched > score[h]) {
        next[h] = switched + e;
        from[h] = bestPrev;
      } else {
        next[h] = score[h] + e;
        from[h] = h;
      }
    }
    score.set(next);
    back.push(from);
  }
  let h = 0;
  for (let k = 1; k < H; k++) if (score[k] > score[h]) h = k;
  const path = new Array<number>(bars);
  for (let m = bars - 1; m >= 0; m--) {
    path[m] = h;
    h = back[m][h];
  }
  return path;
}
