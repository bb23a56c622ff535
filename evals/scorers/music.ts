import { SCENE_COUNTS } from "../../graph/nodes/plan/checks.js";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import type { Storyboard } from "../../core/schemas/storyboard.js";
import { checkTimeline } from "../../core/timeline/invariants.js";
import type { Timeline } from "../../core/timeline/schema.js";
import type { Scorer } from "../core/types.js";
import { BAR_TOLERANCE_S, scoreRealSong } from "./music-real.js";

/** The music suite's scorers: tempo against the track's truth, and every cut on a true bar start. */

export interface MusicInput {
  /** synthetic: a generated track (tracks.json); real: a recording from a Debian package (music-songs.json). */
  kind: "synthetic" | "real";
  trackId: string;
  genre: string;
  /** A length shorter than the song, or null for the whole song. */
  requested_s: number | null;
}

export interface MusicOutput {
  analysis: AudioAnalysis;
  storyboard: Storyboard;
  timeline: Timeline;
}

export interface MusicExpected {
  kind: "synthetic" | "real";
  bpm: number;
  /** True beats (real recordings: for the phase report). */
  beats_s?: number[];
  beats_per_bar: number;
  /** True bar starts of the track. */
  downbeats_s: number[];
  song_s: number;
  requested_s: number | null;
  fps: number;
}

type MusicScorer = Scorer<MusicInput, MusicOutput, MusicExpected>;

/** Synthetic-only scorers (a frame of tolerance, exact tempo) skip the real recordings. */
const SKIP_REAL = { score: null, detail: "real recording: scored by the real_* scorers" };

/** Tempo within 2 % of the truth. */
export const TEMPO_TOLERANCE = 0.02;

const ms = (s: number) => `${Math.round(s * 1000)} ms`;

/** Distance from `t` to the nearest of `points` (sorted or not). */
export function nearest(points: number[], t: number): number {
  let best = Infinity;
  for (const p of points) best = Math.min(best, Math.abs(p - t));
  return best;
}

/** The cut times of a timeline: where each scene but the first starts. */
export function cutsOf(t: Timeline): number[] {
  return t.scenes.slice(1).map((s) => s.start_s);
}

export const tempoScorer: MusicScorer = {
  name: "tempo_2pct",
  kind: "hard",
  score: ({ output, expected }) => {
    if (expected.kind === "real") return SKIP_REAL;
    const bpm = output.analysis.bpm;
    if (bpm === null) return { score: 0, detail: "no tempo found" };
    const err = Math.abs(bpm - expected.bpm) / expected.bpm;
    return err <= TEMPO_TOLERANCE ? { score: 1 } : { score: 0, detail: `${Math.round(bpm * 100) / 100} BPM, truth ${expected.bpm} (${Math.round(err * 1000) / 10} % off)` };
  },
};

export const meterScorer: MusicScorer = {
  name: "meter",
  kind: "hard",
  score: ({ output, expected }) =>
    expected.kind === "real"
      ? SKIP_REAL
      : output.analysis.beats_per_bar === expected.beats_per_bar ? { score: 1 } : { score: 0, detail: `${output.analysis.beats_per_bar} beats per bar, truth ${expected.beats_per_bar}` },
};

export const cutsOnBarsScorer: MusicScorer = {
  name: "cuts_on_bars",
  kind: "hard",
  score: ({ output, expected }) => {
    if (expected.kind === "real") return SKIP_REAL;
    const cuts = cutsOf(output.timeline);
    if (!cuts.length) return { score: 0, detail: "no cuts" };
    const frame = 1 / expected.fps;
    const errors = cuts.map((c) => nearest(expected.downbeats_s, c));
    const off = errors.filter((e) => e > frame + 1e-6).length;
    const worst = Math.max(...errors);
    return { score: 1 - off / cuts.length, detail: off ? `${off} of ${cuts.length} cuts more than a frame (${ms(frame)}) from a bar start; worst ${ms(worst)}` : `worst ${ms(worst)}` };
  },
};

export const endScorer: MusicScorer = {
  name: "end_on_bar",
  kind: "hard",
  score: ({ output, expected }) => {
    if (expected.kind === "real") return SKIP_REAL;
    const end = output.timeline.duration_s;
    const frame = 1 / expected.fps;
    if (expected.requested_s === null || expected.requested_s >= expected.song_s) {
      return Math.abs(end - expected.song_s) <= frame ? { score: 1 } : { score: 0, detail: `the video lasts ${end} s, the song ${expected.song_s} s` };
    }
    const bar = (expected.downbeats_s[1] ?? 0) - (expected.downbeats_s[0] ?? 0);
    const onBar = nearest(expected.downbeats_s, end) <= frame;
    const nearAsked = end <= expected.requested_s + bar / 4 + frame && end >= expected.requested_s - bar - frame;
    if (onBar && nearAsked) return { score: 1 };
    return { score: 0, detail: `ends at ${end} s (${onBar ? "on a bar" : `${ms(nearest(expected.downbeats_s, end))} from a bar start`}), asked for ${expected.requested_s} s` };
  },
};

export const musicStructureScorer: MusicScorer = {
  name: "scenes_and_sums",
  kind: "hard",
  score: ({ output }) => {
    const [lo, hi] = SCENE_COUNTS.music_video;
    const n = output.timeline.scenes.length;
    const problems = checkTimeline(output.timeline).map((p) => p.message);
    if (n < lo || n > hi) problems.unshift(`${n} scenes (music videos need ${lo}–${hi})`);
    if (output.storyboard.timing !== "bars") problems.push(`timing is ${output.storyboard.timing}, not bars`);
    return problems.length ? { score: 0, detail: problems.slice(0, 2).join("; ") } : { score: 1 };
  },
};

export const downbeatRecallScorer: MusicScorer = {
  name: "downbeats_found",
  kind: "soft",
  score: ({ output, expected }) => {
    if (expected.kind === "real") return SKIP_REAL;
    const frame = 1 / expected.fps;
    const inside = expected.downbeats_s.filter((d) => d <= expected.song_s - 0.1);
    const found = inside.filter((d) => nearest(output.analysis.downbeats_s, d) <= frame).length;
    return { score: inside.length ? found / inside.length : 0, detail: found < inside.length ? `${found} of ${inside.length} bar starts found within a frame` : undefined };
  },
};

/** The real-recording scores of a case (null for synthetic tracks). */
function realScore(output: MusicOutput, expected: MusicExpected) {
  if (expected.kind !== "real") return null;
  const truth = { beats_s: expected.beats_s ?? [], downbeats_s: expected.downbeats_s, bpm: [expected.bpm], beats_per_bar: [] };
  return scoreRealSong(output.analysis, cutsOf(output.timeline), truth, output.timeline.duration_s);
}

const SKIP_SYNTHETIC = { score: null, detail: "synthetic track: scored by tempo_2pct and cuts_on_bars" };

/** Real recordings: tempo within 4 % of the truth or of an exact octave of it. */
export const realTempoScorer: MusicScorer = {
  name: "real_tempo_or_octave",
  kind: "hard",
  score: ({ output, expected }) => {
    const r = realScore(output, expected);
    if (!r) return SKIP_SYNTHETIC;
    const detail = `${output.analysis.bpm ?? "no"} BPM for ${Math.round(expected.bpm * 100) / 100}: ${r.tempo}`;
    return { score: r.tempo === "exact" || r.tempo === "half" || r.tempo === "double" ? 1 : 0, detail };
  },
};

/** Real recordings: share of the cuts within 70 ms of a true bar start; the detail says where the bars fell. */
export const realCutsScorer: MusicScorer = {
  name: "real_cuts_on_bars",
  kind: "soft",
  weight: 3,
  score: ({ output, expected }) => {
    const r = realScore(output, expected);
    if (!r) return SKIP_SYNTHETIC;
    return {
      score: r.cutsOnBars,
      detail: `${Math.round(r.cutsOnBars * r.cuts)} of ${r.cuts} cuts within ${ms(BAR_TOLERANCE_S)} of a bar start; found bar starts ${Math.round(100 * r.barsOnBars)} % on bars, most on "${r.phase}"; tempo ${r.tempo}; confidence ${output.analysis.confidence}, bar phase ${output.analysis.downbeat_confidence ?? "-"}`,
    };
  },
};

export const MUSIC_SCORERS: MusicScorer[] = [tempoScorer, meterScorer, cutsOnBarsScorer, endScorer, musicStructureScorer, downbeatRecallScorer];

/** The real recordings' scorers (music_real). */
export const MUSIC_REAL_SCORERS: MusicScorer[] = [musicStructureScorer, realTempoScorer, realCutsScorer];
