import { combineCues, localPhases, phaseCues, scorePhases, subBeatGrid, type PhaseHypothesis } from "./downbeat.js";
import { accentsOf, fitBar, swingRatio } from "./meter.js";
import type { OnsetFeatures } from "./onset.js";
import { refineBeats, sampleMax } from "./track.js";

/**
 * The bar decision on a tracked beat grid: metre (3, 4 or 5 beats), whether the grid really sits
 * half a beat later, which beat starts the bar, and where along the song that changes; then the
 * beats and bar starts that follow from it. The scoring is in downbeat.ts. Pure.
 */

export interface BarChoice {
  /** Beat frames after the phase decision (moved half a beat when the cues said so). */
  beats: number[];
  downbeats: number[];
  /** Per beat: the weighted mean of the cues' z-scores at it (bar-start evidence). */
  accent: number[];
  beatsPerBar: number;
  margin: number;
  /** 0…1: how clearly the best phase beats the runner-up (see PHASE_MARGIN). */
  clarity: number;
  best: PhaseHypothesis;
  runnerUp: PhaseHypothesis | null;
}

/**
 * A phase margin (sum of the cues' t statistics, best minus runner-up) this large counts as
 * clear: pure noise leaves a few units between hypotheses (one per cue at most).
 */
export const PHASE_MARGIN = 12;

/**
 * Positions per beat the phase hypotheses are tried on: 2 tests the half-beat shift. 4 (also a
 * quarter and three quarters of a beat, for swung onsets) was tried: no song of the tuning set
 * gained and two lost, at twice the cost.
 */
export const PHASE_SUBDIVISIONS = 2;

/**
 * Swung music (`swingRatio` above `SWING_RATIO`) is split into thirds of a beat instead, so the
 * cue windows start where the swung eighths do, and only hypotheses on the tracked beats are
 * scored (a tracker on the swung eighth was moved already, see `offBeatShift`). On the tuning
 * set one swung piece gained (79 → 100 % of cuts on bars) and no other changed.
 */
export const SWING_SUBDIVISIONS = 3;
/** `swingRatio` above which the eighths count as swung: straight songs reach 0.5, swung ones 9. */
export const SWING_RATIO = 3;

/**
 * What a change of bar phase along the song costs, in summed cue z-scores (about the evidence of
 * 15–40 bars). On the tuning set 40–90 gave the same mean; 60 and 90 fixed two band recordings
 * whose tracker slips half a beat (74 → 95 %, 58 → 84 % of cuts) and cost one rendered song
 * (100 → 79 %); 10–20 switched on noise.
 */
export const PHASE_SWITCH_COST = 75;

/** The lead (in summed t statistics) a shifted phase needs over the best unshifted one. */
export const SHIFT_MARGIN = 4;

/** The metres (beats per bar) the bar decision weighs; 4 is the default. */
export const METRES = [3, 4, 5];

/**
 * How far another metre's best hypothesis must out-score the best 4-beat one on the cues (sum
 * of t statistics). On the tuning set the best 3- or 5-beat score of a 4/4 song reached at most
 * 0.83 of its 4-beat score; the 5/4 song scored 1.9 times its 4-beat score.
 */
export const METRE_SCORE_RATIO = 1.25;

export interface MetreChoice {
  beatsPerBar: number;
  /** Best cue score per metre tried. */
  scores: Record<number, number>;
  why: string;
}

/**
 * Beats per bar from the same cue framework as the bar phase, checked on the per-beat accents:
 * another metre than 4 needs its best hypothesis to out-score the best 4-beat one by
 * `METRE_SCORE_RATIO` and its accent to repeat significantly (z > 4) and more clearly than every
 * 4 beats (both cues and accents say so: on a 22 s waltz the 5-beat cue score led, pulled up
 * by the start of the track, while the accents said 3). 3/4 is also taken when the accent
 * alone repeats every 3 beats clearly (z > 4
 * and 1.4× the contrast of 4): a short waltz's cue sums are too close to choose on. Pure.
 */
export function chooseMetre(hypotheses: PhaseHypothesis[], accents: number[]): MetreChoice {
  const scores: Record<number, number> = {};
  for (const h of hypotheses) if (!(h.beatsPerBar in scores)) scores[h.beatsPerBar] = h.score;
  const fit4 = fitBar(accents, 4);
  const list = Object.entries(scores)
    .map(([b, sc]) => `${b}: ${sc.toFixed(1)}`)
    .join(", ");
  let best = 4;
  for (const b of Object.keys(scores).map(Number)) {
    if (b === 4) continue;
    const fit = fitBar(accents, b);
    const byCues = scores[b] >= METRE_SCORE_RATIO * Math.max(scores[4] ?? 0, 1e-9) && fit.z > 4 && fit.contrast > fit4.contrast;
    const byAccent = b === 3 && fit.z > 4 && fit.contrast > fit4.contrast * 1.4;
    if ((byCues || byAccent) && (best === 4 || scores[b] > scores[best])) best = b;
  }
  const fit = fitBar(accents, best);
  const why =
    best === 4
      ? `best cue score per metre ${list}`
      : `best cue score per metre ${list}; the accent repeats every ${best} beats: contrast ${fit.contrast.toFixed(2)} against ${fit4.contrast.toFixed(2)} for 4`;
  return { beatsPerBar: best, scores, why };
}

/**
 * Metre, beat phase and bar phase together: every half-beat shift and bar position of 3, 4 and
 * 5 beats per bar is scored on the downbeat cues (downbeat.ts); 4 unless another metre is
 * clearly better (`chooseMetre`). A win for a half-beat-shifted hypothesis moves the whole beat grid half a beat.
 */
export function chooseBar(f: OnsetFeatures, o: Float32Array, low: Float32Array, samples: Float32Array, beats: number[], notes: string[]): BarChoice {
  const swing = swingRatio(o, beats);
  const swung = swing > SWING_RATIO;
  const S = swung ? SWING_SUBDIVISIONS : PHASE_SUBDIVISIONS;
  if (swung) notes.push(`swung eighths (onsets ⅔ of the way to the next beat ${swing.toFixed(1)}× those ⅓ or ½ of the way): bar phase tried on thirds of a beat, on the tracked beats only`);
  const grid = subBeatGrid(beats, S);
  const cues = phaseCues(f, o, low, samples, grid, S);
  const all = scorePhases(cues, METRES, S).filter((h) => !swung || h.shift === 0);
  const accents = accentsOf(f, sampleMax(o, beats), sampleMax(low, beats), beats);
  const metre = chooseMetre(all, accents);
  const ranked = all.filter((h) => h.beatsPerBar === metre.beatsPerBar);
  // Moving the tracked grid off its beats needs the cues to say so clearly: with weak cues (a
  // short or drum-only track) the tracker's own choice, made on every onset, stays.
  const unshifted = ranked.find((h) => h.shift === 0)!;
  const keep = ranked[0].shift !== 0 && ranked[0].score - unshifted.score < SHIFT_MARGIN;
  const best = keep ? unshifted : ranked[0];
  const runnerUp = ranked.find((h) => h !== best) ?? null;
  const B = best.beatsPerBar;
  const combined = combineCues(cues);
  const path = localPhases(cues, ranked, PHASE_SWITCH_COST);
  const switches = path.filter((h, m) => m > 0 && h !== path[m - 1]).length;
  if (switches > 0) notes.push(`the bar phase changes ${switches} time(s) along the song (bar-by-bar choice: the tracker slipped, or a bar was shorter)`);
  const hypothesisAt = (m: number) => (switches > 0 ? ranked[path[Math.max(0, Math.min(path.length - 1, m))]] : best);
  const step = grid.length > 1 ? grid[1] - grid[0] : 0;
  const out: number[] = [];
  const down: number[] = [];
  const accent: number[] = [];
  for (const { index: j, downbeat } of pathPositions(hypothesisAt, grid.length)) {
    const at = j >= 0 ? grid[j] : grid[0] + j * step;
    if (at < 0 || at > o.length - 1) continue;
    const frame = j % S !== 0 ? refineBeats(o, [Math.round(at)])[0] : at;
    out.push(frame);
    accent.push(j >= 0 ? combined[j] : 0);
    if (downbeat) down.push(frame);
  }
  const margin = runnerUp ? best.score - runnerUp.score : best.score;
  const clarity = clamp01(margin / PHASE_MARGIN);
  const top = Object.entries(best.cues)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
  notes.push(
    `${B} beats per bar (${metre.why}); bar starts on beat ${best.phase + 1}${best.shift ? ` of the grid moved ${best.shift}/${S} of a beat (the tracker had followed off-beat onsets)` : " of the tracked grid"}; strongest cues: ${top}; margin over the next phase ${margin.toFixed(1)} (${runnerUp ? `${runnerUp.shift ? `shifted ${runnerUp.shift}/${S}, ` : ""}beat ${runnerUp.phase + 1}` : "none"})`,
  );
  return { beats: out, downbeats: down, accent, beatsPerBar: B, clarity, margin, best, runnerUp };
}

/**
 * Beat positions (indices into the sub-beat grid; negative before its start) when bar window m
 * (S·B positions from m·S·B) follows `hypothesisAt(m)`: each window's bar start and the beats
 * after it, from one bar before the grid to its end. Where the hypothesis changes, a beat closer
 * than half a beat to the one before is dropped.
 */
export function pathPositions(hypothesisAt: (bar: number) => PhaseHypothesis, gridLength: number): { index: number; downbeat: boolean }[] {
  const h0 = hypothesisAt(0);
  const S = h0.subdivisions;
  const period = S * h0.beatsPerBar;
  const out: { index: number; downbeat: boolean }[] = [];
  for (let m = -1; m * period < gridLength; m++) {
    const h = hypothesisAt(m);
    const start = m * period + h.shift + S * h.phase;
    for (let k = 0; k < h.beatsPerBar; k++) {
      const j = start + k * S;
      if (j >= gridLength || j < (h0.shift ? h0.shift - S : 0)) continue;
      const prev = out[out.length - 1];
      if (prev && j - prev.index < S / 2 + 0.5) continue;
      out.push({ index: j, downbeat: k === 0 });
    }
  }
  return out;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
