import type { AudioAnalysis } from "../../core/schemas/audio.js";
import { chooseBar } from "./bars.js";
import { accentsOf, alternation, fitBar, mean, midpoints, type BarFit } from "./meter.js";
import { SILENCE_RMS, frameTime, normalizeEnvelope, onsetFeatures, type OnsetFeatures } from "./onset.js";
import { at, autocorrelation, combCandidates, ioiTempo, pickOnsets, tempoRelation, type TempoRange } from "./tempo.js";
import { extendGrid, refineBeats, sampleMax, trackBeats, trimWeakEnds } from "./track.js";

/**
 * Tempo, beats, bar starts and a confidence from mono PCM. Pure: no I/O, same input → same
 * output. The steps and the reasons for each decision end up in `notes`.
 */

export interface AnalyzeBeatsOptions extends Partial<TempoRange> {
  /** Below this confidence the result carries no beats (bpm null). Default 0.2. */
  minConfidence?: number;
}

/** What one tempo hypothesis looks like once beats are tracked at it. */
export interface OctaveCandidate {
  bpm: number;
  period: number;
  beats: number[];
  /** True when the tracked grid was moved onto the bass hits (see `shiftFraction`). */
  shifted: boolean;
  /** Fraction of a beat the tracked grid was moved by (0, ⅓ or ½; see `offBeatShift`). */
  shiftFraction: number;
  /** Onset strength between beats over the strength on them (broadband, low band). */
  midRatio: number;
  midLowRatio: number;
  /** Strong/weak alternation of consecutive beats (1: alike). */
  alternation: number;
  fit2: BarFit;
  fit4: BarFit;
  fit8: BarFit;
}

/** Analysis plus the intermediate evidence, for tests, the bench and the README measurements. */
export interface BeatDiagnostics {
  analysis: AudioAnalysis;
  periodicity: number;
  combBpm: number | null;
  ioiBpm: number | null;
  candidates: OctaveCandidate[];
}

type Evidence = Omit<BeatDiagnostics, "analysis">;

/**
 * Analyses mono samples; see `analyzeBeatsDetailed` for the evidence behind the answer.
 * `features`: `onsetFeatures(samples, sampleRate)` when the caller already has them (computed
 * while decoding: OnsetFeatureStream).
 */
export function analyzeBeats(samples: Float32Array, sampleRate: number, options: AnalyzeBeatsOptions = {}, features?: OnsetFeatures): AudioAnalysis {
  return analyzeBeatsDetailed(samples, sampleRate, options, features).analysis;
}

/** Like `analyzeBeats`, also returning the tempo evidence. */
export function analyzeBeatsDetailed(samples: Float32Array, sampleRate: number, options: AnalyzeBeatsOptions = {}, features?: OnsetFeatures): BeatDiagnostics {
  const range: TempoRange = { minBpm: options.minBpm ?? 60, maxBpm: options.maxBpm ?? 200 };
  const minConfidence = options.minConfidence ?? 0.2;
  const duration = samples.length / sampleRate;
  const notes: string[] = [];
  const noBeat = (why: string, confidence = 0, evidence: Evidence = { periodicity: 0, combBpm: null, ioiBpm: null, candidates: [] }): BeatDiagnostics => ({
    ...evidence,
    analysis: { duration_s: round3(Math.max(duration, 0.001)), bpm: null, beats_s: [], downbeats_s: [], beats_per_bar: 4, confidence: round3(confidence), notes: [...notes, why] },
  });

  if (duration < 4) return noBeat(`only ${duration.toFixed(2)} s of audio: too short to find a beat`);
  const f = features ?? onsetFeatures(samples, sampleRate);
  if (f.sampleRate !== sampleRate || f.flux.length !== Math.floor(samples.length / f.hop)) throw new RangeError("analyzeBeats: the features given are not those of these samples");
  const active = activeFraction(f);
  if (active < 0.05) return noBeat(`silent: ${(100 * (1 - active)).toFixed(0)} % of the audio is below −60 dBFS`);

  const o = normalizeEnvelope(f.flux, Math.round(f.frameRate));
  const low = normalizeEnvelope(f.lowFlux, Math.round(f.frameRate));
  // Tracking also weighs the bass band: in busy eighth-note mixes the broadband flux is as
  // strong off the beat as on it, while kick and bass still mark the beat.
  const track = normalizeEnvelope(o.map((v, i) => v + low[i]), Math.round(f.frameRate));
  const maxLag = Math.ceil((4 * 60 * f.frameRate) / range.minBpm) + 2;
  const ac = autocorrelation(o, maxLag);
  const comb = combCandidates(ac, f.frameRate, range);
  const ioi = ioiTempo(pickOnsets(o), f.frameRate, range);
  if (comb.length === 0) return noBeat("the onset envelope has no periodicity between the tempo limits (steady sound or noise)");
  const top = comb[0];
  const periodicity = combAt(ac, top.period);

  notes.push(`comb over the onset autocorrelation peaks at ${top.bpm.toFixed(1)} BPM (periodicity ${periodicity.toFixed(2)})`);
  const candidates = octaveFamily(top.bpm, range).map((bpm) => describeCandidate(f, o, low, track, bpm));
  const chosen = chooseOctave(candidates, notes);

  let agreement = 0.5;
  if (ioi) {
    const rel = tempoRelation(chosen.bpm, ioi.bpm);
    agreement = rel === "same" ? 1 : rel === "unrelated" ? 0.4 : 0.8;
    notes.push(`inter-onset histogram says ${ioi.bpm.toFixed(1)} BPM: ${rel === "same" ? "agrees" : rel === "unrelated" ? "disagrees (not an octave apart)" : `an octave apart (${rel})`}`);
  } else notes.push("too few clear onsets for the inter-onset cross-check");

  if (chosen.shifted)
    notes.push(
      `the tracker had locked onto ${chosen.shiftFraction === 0.5 ? "the off-beats" : "swung eighths"} (the bass hits between them): moved the grid ${chosen.shiftFraction === 0.5 ? "half" : chosen.shiftFraction < 0.5 ? "a third of" : "two thirds of"} a beat`,
    );
  const strength = sampleMax(track, chosen.beats);
  const trimmed = trimWeakEnds(chosen.beats, strength);
  if (trimmed.dropped) notes.push(`dropped ${trimmed.dropped} beat(s) at the ends with no onset under them (lead-in or tail)`);
  const beatFrames = refineBeats(o, trimmed.beats);
  if (beatFrames.length < 8) return noBeat(`only ${beatFrames.length} beats could be tracked`, 0.05, diag());

  const bar = chooseBar(f, o, low, samples, beatFrames, notes);
  const beats_s = bar.beats.map((b) => round3(frameTime(f, b)));
  const bpm = 60 / beatPeriod(beats_s);
  const downbeats_s = bar.downbeats.map((b) => round3(frameTime(f, b)));
  const drift = tempoDrift(beats_s);
  if (drift > 0.03) notes.push(`tempo drifts by ${(100 * drift).toFixed(1)} % between the first and the last quarter; beats follow it`);

  // Periodicity over its noise level: white noise leaves about 1/sqrt(frames) in every lag.
  const significance = periodicity * Math.sqrt(o.length);
  // Off-beats nearly as strong as the beats, in the bass as well as overall, leave the beat phase open to doubt.
  const offbeat = Math.min(chosen.midRatio, chosen.midLowRatio);
  const phaseClarity = clamp01((1 - offbeat) / 0.5);
  const beatConfidence = clamp01((significance - 2) / 6) * (0.6 + 0.4 * agreement) * (0.7 + 0.3 * phaseClarity) * Math.min(1, active / 0.6);
  // A clear beat with a doubtful bar phase is still a doubtful music plan: the cues disagree.
  const confidence = beatConfidence * (0.6 + 0.4 * bar.clarity);
  notes.push(
    `periodicity ${significance.toFixed(1)}× the noise level, off-beats ${(100 * offbeat).toFixed(0)} % as strong as beats, bar phase clarity ${bar.clarity.toFixed(2)}; confidence ${confidence.toFixed(2)}`,
  );
  if (confidence < minConfidence) return noBeat(`confidence ${confidence.toFixed(2)} is below ${minConfidence}: no usable beat`, confidence, diag());

  const analysis: AudioAnalysis = {
    duration_s: round3(duration),
    bpm: round3(bpm),
    beats_s,
    downbeats_s,
    beats_per_bar: bar.beatsPerBar,
    confidence: round3(confidence),
    first_beat_s: beats_s[0],
    energy: barEnergy(f, downbeats_s, duration),
    bpm_alternatives: [round3(round3(bpm) / 2), round3(round3(bpm) * 2)],
    downbeat_confidence: round3(bar.clarity),
    beat_accent: bar.accent.map((v) => round3(v)),
    notes,
  };
  return { ...diag(), analysis };

  function diag(): Evidence {
    return {
      periodicity,
      combBpm: top.bpm,
      ioiBpm: ioi?.bpm ?? null,
      candidates,
    };
  }
}

/** The comb's octave relatives of `bpm` (×¼ … ×4) that fall in the range, slowest first. */
export function octaveFamily(bpm: number, range: TempoRange): number[] {
  const out: number[] = [];
  for (const k of [0.25, 0.5, 1, 2, 4]) {
    const b = bpm * k;
    if (b >= range.minBpm * 0.97 && b <= range.maxBpm * 1.03) out.push(b);
  }
  return out.length ? out : [bpm];
}

function describeCandidate(f: OnsetFeatures, o: Float32Array, low: Float32Array, track: Float32Array, bpm: number): OctaveCandidate {
  const period = (60 * f.frameRate) / bpm;
  let beats = extendGrid(trackBeats(track, period), period, o.length);
  const shiftFraction = offBeatShift(o, low, beats);
  if (shiftFraction > 0) beats = extendGrid(shiftGrid(beats, shiftFraction).map(Math.round), period, o.length);
  const shifted = shiftFraction > 0;
  const mids = midpoints(beats);
  const s = sampleMax(o, beats);
  const ls = sampleMax(low, beats);
  const ms = sampleMax(o, mids);
  const mls = sampleMax(low, mids);
  const accents = accentsOf(f, s, ls, beats);
  return {
    bpm,
    period,
    beats,
    shifted,
    shiftFraction,
    midRatio: ratio(mean(ms), mean(s)),
    midLowRatio: ratio(mean(mls), mean(ls)),
    alternation: alternation(Array.from(s, (v, i) => v + ls[i])),
    fit2: fitBar(accents, 2),
    fit4: fitBar(accents, 4),
    fit8: fitBar(accents, 8),
  };
}

/**
 * The range a listener taps along in: below it the double tempo is preferred unless its beats
 * alternate strong/weak (then the slow one is the beat and the fast one adds the off-beats).
 */
export const LISTENER_MIN_BPM = 78;
export const LISTENER_MAX_BPM = 165;

/**
 * When the bass hits this much harder between the tracked beats than on them, the tracker has
 * locked onto the off-beats (loud hats, guitar chugs on the "and"): the beat is where the kick is.
 */
const OFFBEAT_BASS_RATIO = 1.25;

/**
 * Where between the tracked beats the tracker should have been, as a fraction of a beat:
 * - ½ when the bass hits `OFFBEAT_BASS_RATIO` times harder between the beats than on them
 *   (loud hats or guitar chugs on the "and": the beat is where the kick is);
 * - ⅓ when the tracker sits on swung eighths: swing is long–short, so onsets follow the beat
 *   ⅔ of a beat later and the beat ⅓ after the swung eighth. A tracker on the swung eighth sees
 *   strong onsets ⅓ of a beat after its beats and none ⅔ after; on the beat it is the reverse.
 *   Moved when the onsets ⅓ after are `SWING_ONSET_RATIO` times those ⅔ after and at least
 *   `SWING_BEAT_SHARE` of those on the tracked beats (all onsets, not only bass: the swung
 *   eighth is often where the bass plays).
 * Returns 0 to stay.
 */
export function offBeatShift(o: Float32Array, low: Float32Array, beats: number[]): number {
  const between = (env: Float32Array, fraction: number) => mean(sampleMax(env, shiftGrid(beats, fraction).slice(0, -1)));
  if (ratio(between(low, 0.5), mean(sampleMax(low, beats))) > OFFBEAT_BASS_RATIO) return 0.5;
  const on = mean(sampleMax(o, beats));
  const third = between(o, 1 / 3);
  const twoThirds = between(o, 2 / 3);
  if (third > SWING_ONSET_RATIO * twoThirds && third > SWING_BEAT_SHARE * on) return 1 / 3;
  return 0;
}

/** Onsets ⅓ of a beat after the tracked beats over those ⅔ after, for a swung-eighth lock. */
export const SWING_ONSET_RATIO = 3;
/** …and over those on the tracked beats. */
export const SWING_BEAT_SHARE = 0.6;

/** Each beat moved `fraction` of the way to the next (the last by the gap before it). */
export function shiftGrid(beats: number[], fraction: number): number[] {
  return beats.map((b, i) => b + fraction * ((beats[i + 1] ?? b + (i > 0 ? b - beats[i - 1] : 0)) - b));
}

/**
 * Picks the beat level among the octave candidates. Starting from the slowest, step up to
 * the double tempo only when the pulse between beats is nearly as strong as the beats
 * (broadband and in the bass), or when the accent repeats every 2 beats instead of 4 — and
 * never when the faster grid's accent then repeats every 8 beats, which would put its "bars"
 * on half bars: a double-tempo error puts cuts mid-bar, a half-tempo one does not.
 */
export function chooseOctave(candidates: OctaveCandidate[], notes: string[]): OctaveCandidate {
  let c = 0;
  while (c + 1 < candidates.length) {
    const slow = candidates[c];
    const fast = candidates[c + 1];
    const inListener = slow.bpm < LISTENER_MIN_BPM && fast.bpm <= LISTENER_MAX_BPM;
    const agree = gridAgreement(slow.beats, fast.beats, fast.period / 4);
    const byListener = inListener && (slow.midLowRatio >= 0.6 || agree < 0.5);
    const byPulse = slow.midRatio >= 0.6 && slow.midLowRatio >= 0.7;
    const byBar = slow.fit4.z > 3 && slow.fit2.contrast > slow.fit4.contrast * 1.05;
    const veto = fast.fit8.z > 3 && fast.fit8.contrast > fast.fit4.contrast * 1.2;
    const fastAlternates = fast.alternation < 0.55;
    if ((byListener && !fastAlternates) || ((byPulse || byBar) && !veto && !fastAlternates)) {
      notes.push(
        `${fast.bpm.toFixed(1)} BPM over ${slow.bpm.toFixed(1)}: ${byListener ? `listeners tap ${LISTENER_MIN_BPM}–${LISTENER_MAX_BPM} BPM, ${agree < 0.5 ? `the slower grid was tracked between the faster beats (${(100 * agree).toFixed(0)} % on them)` : `the bass plays between the slower beats (${(100 * slow.midLowRatio).toFixed(0)} %)`} and the faster beats do not alternate strong/weak` : byPulse ? `between-beat onsets are ${(100 * slow.midRatio).toFixed(0)} % as strong (bass ${(100 * slow.midLowRatio).toFixed(0)} %)` : "the accent repeats every 2 beats at the slower tempo"}`,
      );
      c++;
      continue;
    }
    notes.push(
      `${slow.bpm.toFixed(1)} BPM over ${fast.bpm.toFixed(1)}: ${veto ? "at the faster tempo the accent repeats every 8 beats (its bars would be half bars)" : fastAlternates ? "at the faster tempo beats alternate strong/weak" : `between-beat onsets are only ${(100 * slow.midRatio).toFixed(0)} % as strong (bass ${(100 * slow.midLowRatio).toFixed(0)} %)`}`,
    );
    break;
  }
  return candidates[c];
}

/** Share of `slow` beats within `radius` frames of a `fast` beat (both sorted). */
export function gridAgreement(slow: number[], fast: number[], radius: number): number {
  if (!slow.length) return 1;
  let k = 0;
  let hits = 0;
  for (const b of slow) {
    while (k + 1 < fast.length && fast[k + 1] <= b) k++;
    const d = Math.min(Math.abs(b - fast[k]), k + 1 < fast.length ? Math.abs(fast[k + 1] - b) : Infinity);
    if (d <= radius) hits++;
  }
  return hits / slow.length;
}

/** Mean autocorrelation at 1–4 beat periods: how periodic the envelope is at the tempo. */
function combAt(ac: Float64Array, period: number): number {
  let s = 0;
  for (let k = 1; k <= 4; k++) s += Math.max(0, at(ac, k * period));
  return s / 4;
}

function activeFraction(f: OnsetFeatures): number {
  if (f.rms.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < f.rms.length; i++) if (f.rms[i] >= SILENCE_RMS) n++;
  return n / f.rms.length;
}

/**
 * Seconds per beat: a least-squares line through the beat times against their beat numbers,
 * where each gap counts as round(gap / median gap) beats, so a skipped beat does not bend it.
 */
function beatPeriod(times: number[]): number {
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
  const index = [0];
  gaps.forEach((g) => index.push(index[index.length - 1] + Math.max(1, Math.round(g / median))));
  const mx = mean(index);
  const my = mean(times);
  let num = 0;
  let den = 0;
  for (let i = 0; i < times.length; i++) {
    num += (index[i] - mx) * (times[i] - my);
    den += (index[i] - mx) ** 2;
  }
  return den > 0 ? num / den : median;
}

/** Relative tempo change between the first and the last quarter of the beats. */
function tempoDrift(times: number[]): number {
  const q = Math.floor(times.length / 4);
  if (q < 2) return 0;
  const first = (times[q] - times[0]) / q;
  const last = (times[times.length - 1] - times[times.length - 1 - q]) / q;
  return Math.abs(last - first) / first;
}

/** Loudness per bar in dB relative to the loudest bar, −30…0 dB mapped to 0…1. */
function barEnergy(f: OnsetFeatures, downbeats: number[], duration: number): number[] {
  const db = downbeats.map((start, i) => {
    const end = downbeats[i + 1] ?? Math.min(duration, start + (i > 0 ? start - downbeats[i - 1] : 2));
    const a = Math.max(0, Math.floor((start * f.sampleRate) / f.hop));
    const b = Math.min(f.rms.length, Math.max(a + 1, Math.floor((end * f.sampleRate) / f.hop)));
    let p = 0;
    for (let n = a; n < b; n++) p += f.rms[n] ** 2;
    return 10 * Math.log10(p / Math.max(1, b - a) + 1e-12);
  });
  const max = Math.max(...db);
  return db.map((d) => round3(clamp01((d - (max - 30)) / 30)));
}

function ratio(a: number, b: number): number {
  return b > 1e-9 ? a / b : 0;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

/** Rounds to the millisecond (or thousandth); never −0, which JSON would turn into 0. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000 + 0;
}
