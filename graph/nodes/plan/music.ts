import type { AudioAnalysis } from "../../../core/schemas/audio.js";

/**
 * Scene timings for a music video, cut on the song's bars. Pure.
 *
 * Video time 0 is song time 0 (`offset_s` is always 0): a lead-in before the first downbeat
 * stays inside scene 1, so the song plays from its first sample and no audio offset has to be
 * carried through edits. Every internal boundary is a downbeat from the analysis (rounded to
 * the millisecond; the composer then cuts at round(t·fps)). Scene lengths come from a dynamic
 * programme over the downbeats that keeps the scene count inside [minScenes, maxScenes] — the
 * count wins — and otherwise stays close to a preferred length: more bars per scene at faster
 * tempi (about 5.3 s whatever the tempo), fewer in louder bars.
 */

/** A music video lasts the song, but no longer than this. */
export const MUSIC_MAX_S = 180;
/** Below this a song is shorter than a music video should be (still planned, with a warning). */
export const MUSIC_MIN_S = 60;
const MIN_SCENE_S = 1;
/** Seconds per scene the bar preference aims at: bpm/45 bars of 4 beats is 240/45 s at any tempo. */
const PREFERRED_SCENE_S = 240 / 45;
const FALLBACK_SCENE_S = 8;

export interface MusicPlanOptions {
  /** Requested length; shorter than the song → the video ends on a bar with a fade. */
  duration_s?: number;
  /** Frame rate of the video (boundaries are checked to fall on distinct frames). */
  fps: number;
  /** Fewest scenes (default 10). */
  minScenes?: number;
  /** Most scenes (default 20). */
  maxScenes?: number;
  /** Below this analysis confidence the plan ignores the beat (default 0.3). */
  minConfidence?: number;
  /**
   * Below this bar-phase confidence (`downbeat_confidence`) the bar grid is not trusted: cuts go
   * on the beats with the strongest bar-start cues instead (default 0.6).
   */
  minDownbeatConfidence?: number;
}

export interface MusicScene {
  start_s: number;
  duration_s: number;
  /** Bar starts inside the scene (absent when it holds only the lead-in or no beat was used). */
  bars?: number;
}

export interface MusicPlan {
  scenes: MusicScene[];
  timing: "bars" | "duration_fallback";
  /** Where the video ends on the song's time axis; the durations sum to it exactly (in ms). */
  end_s: number;
  /** Audio fade at the end: 1–2 s when the video stops before the song does, else 0. */
  fade_out_s: number;
  /** Where in the song the video starts: always 0 (the lead-in stays in scene 1). */
  offset_s: number;
  /** Bar starts on the video's time axis, up to end_s. */
  downbeats_s: number[];
  warnings: string[];
}

/** Plans scene boundaries on bar starts, or evenly when the song has no usable beat. */
export function planMusicTimings(audio: AudioAnalysis, opts: MusicPlanOptions): MusicPlan {
  const minScenes = Math.max(1, Math.floor(opts.minScenes ?? 10));
  const maxScenes = Math.max(minScenes, Math.floor(opts.maxScenes ?? 20));
  const minConfidence = opts.minConfidence ?? 0.3;
  const warnings: string[] = [];
  const song = audio.duration_s;
  let target = Math.min(song, MUSIC_MAX_S);
  if (opts.duration_s !== undefined) {
    if (opts.duration_s > song + 1e-6) warnings.push(`the song lasts ${fmt(song)} s, less than the ${fmt(opts.duration_s)} s asked for: the video lasts the song`);
    target = Math.min(target, opts.duration_s);
  } else if (song > MUSIC_MAX_S) warnings.push(`the song lasts ${fmt(song)} s: the video stops near ${MUSIC_MAX_S} s, on a bar, with a fade`);
  if (song < MUSIC_MIN_S) warnings.push(`the song lasts only ${fmt(song)} s (a music video is ${MUSIC_MIN_S}–${MUSIC_MAX_S} s): the video lasts the song`);
  const shortened = target < song - 0.0005;

  const downbeats = audio.downbeats_s.filter((d) => d >= 0 && d <= song).sort((a, b) => a - b);
  const why =
    audio.bpm === null
      ? "no beat was found in the song"
      : audio.confidence < minConfidence
        ? `the beat analysis is unsure (confidence ${audio.confidence.toFixed(2)} < ${minConfidence})`
        : downbeats.length < 2
          ? "the analysis found fewer than 2 bar starts"
          : null;
  if (why) return fallback(why);

  const barS = median(downbeats.slice(1).map((d, i) => d - downbeats[i]));
  const endS = shortened ? snapEnd(downbeats, target, barS, Math.min(song, MUSIC_MAX_S)) : target;
  const endMs = Math.round(endS * 1000);
  const minGap = Math.max(MIN_SCENE_S, 2 / opts.fps);
  const cuts = downbeats.filter((d) => d >= minGap && d <= endMs / 1000 - minGap);
  if (cuts.length + 1 < minScenes) return fallback(`only ${cuts.length} bar starts fall inside the video, too few for ${minScenes} scenes`);

  const minDownbeat = opts.minDownbeatConfidence ?? 0.6;
  const accent = audio.beat_accent;
  const doubtful = audio.downbeat_confidence !== undefined && audio.downbeat_confidence < minDownbeat && accent?.length === audio.beats_s.length;
  if (doubtful) {
    warnings.push(
      `the bar phase is unsure (downbeat confidence ${audio.downbeat_confidence?.toFixed(2)} < ${minDownbeat}): cuts favour the bar starts with the strongest cues (harmony, bass, spectrum); some may fall on another beat of the bar`,
    );
  }
  const points = [0, ...cuts, endMs / 1000];
  const bonus = doubtful ? [0, ...cuts.map((t) => accentAt(audio.beats_s, accent ?? [], t)), 0] : points.map(() => 0);
  const energy = energyAtPoints(audio, points);
  const choice = partition(points, minScenes, maxScenes, (a, b) => sceneCost(points[a], points[b], energy[a], barS) - ACCENT_WEIGHT * bonus[b]);
  const boundaries = choice.map((i) => Math.round(points[i] * 1000));
  boundaries[boundaries.length - 1] = endMs;
  const scenes = toScenes(boundaries).map((s) => {
    const bars = downbeats.filter((d) => d >= s.start_s - 0.0005 && d < s.start_s + s.duration_s - 0.0005).length;
    return bars > 0 ? { ...s, bars } : s;
  });
  const frames = new Set(boundaries.map((ms) => Math.round((ms / 1000) * opts.fps)));
  if (frames.size < boundaries.length) warnings.push(`at ${opts.fps} fps two cuts fall on the same frame`);
  return {
    scenes,
    timing: "bars",
    end_s: endMs / 1000,
    fade_out_s: shortened ? fadeFor(barS) : 0,
    offset_s: 0,
    downbeats_s: downbeats.filter((d) => d < endMs / 1000 - 0.0005).map((d) => Math.round(d * 1000) / 1000),
    warnings,
  };

  function fallback(reason: string): MusicPlan {
    const endMs = Math.round(target * 1000);
    const count = Math.min(maxScenes, Math.max(minScenes, Math.round(endMs / 1000 / FALLBACK_SCENE_S)));
    const boundaries: number[] = [];
    for (let k = 0; k <= count; k++) {
      const frame = Math.round(((k * endMs) / 1000 / count) * opts.fps);
      boundaries.push(k === count ? endMs : Math.round((frame / opts.fps) * 1000));
    }
    warnings.push(`${reason}: ${count} even scenes of about ${fmt(endMs / 1000 / count)} s (duration-based fallback, cuts not on the beat)`);
    return {
      scenes: toScenes(boundaries),
      timing: "duration_fallback",
      end_s: endMs / 1000,
      fade_out_s: shortened ? 1.5 : 0,
      offset_s: 0,
      downbeats_s: [],
      warnings,
    };
  }
}

/** How much a cut's bar-start evidence (mean z of the cues) weighs against the scene-length cost. */
const ACCENT_WEIGHT = 0.5;

/** The accent of the beat at time `t` (beats sorted; the nearest one). */
function accentAt(beats: number[], accent: number[], t: number): number {
  let lo = 0;
  let hi = beats.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  const i = lo > 0 && Math.abs(beats[lo - 1] - t) < Math.abs(beats[lo] - t) ? lo - 1 : lo;
  return accent[i] ?? 0;
}

/**
 * The bar start to end on when the video stops at `target`: the last one at or before it,
 * unless the next one is within a quarter bar (then snap forward to it, if the song allows).
 */
export function snapEnd(downbeats: number[], target: number, barS: number, limit: number): number {
  let k = -1;
  for (let i = 0; i < downbeats.length; i++) if (downbeats[i] <= target + 0.0005) k = i;
  const next = downbeats[k + 1];
  if (next !== undefined && next - target <= barS / 4 && next <= limit + 0.0005) return next;
  return k >= 0 && downbeats[k] > 0 ? downbeats[k] : target;
}

/**
 * Chooses boundary indices into `points` (first and last always kept) splitting it into
 * between `min` and `max` segments with the least total cost. O(points² · max).
 */
export function partition(points: number[], min: number, max: number, cost: (a: number, b: number) => number): number[] {
  const n = points.length;
  const segments = Math.min(max, n - 1);
  const best: Float64Array[] = [];
  const from: Int32Array[] = [];
  for (let k = 0; k <= segments; k++) {
    best.push(new Float64Array(n).fill(Infinity));
    from.push(new Int32Array(n).fill(-1));
  }
  best[0][0] = 0;
  for (let k = 1; k <= segments; k++) {
    for (let j = k; j < n; j++) {
      for (let i = k - 1; i < j; i++) {
        if (best[k - 1][i] === Infinity) continue;
        const v = best[k - 1][i] + cost(i, j);
        if (v < best[k][j]) {
          best[k][j] = v;
          from[k][j] = i;
        }
      }
    }
  }
  let bestK = -1;
  for (let k = Math.min(min, segments); k <= segments; k++) if (best[k][n - 1] < (bestK < 0 ? Infinity : best[bestK][n - 1])) bestK = k;
  const out = [n - 1];
  for (let k = bestK, j = n - 1; k > 0; k--) {
    j = from[k][j];
    out.push(j);
  }
  return out.reverse();
}

/** Squared log ratio to the preferred length, shortened in loud bars and lengthened in quiet ones. */
function sceneCost(start: number, end: number, energy: number, barS: number): number {
  const preferred = Math.max(barS, PREFERRED_SCENE_S * 2 ** -(energy * 1.5));
  return Math.log((end - start) / preferred) ** 2;
}

/**
 * For each point (sorted), the energy of the bar sounding there relative to the song's median,
 * clamped to ±0.3 (±9 dB); 0 when the analysis measured none.
 */
function energyAtPoints(audio: AudioAnalysis, points: number[]): number[] {
  const e = audio.energy;
  if (!e || e.length !== audio.downbeats_s.length || e.length === 0) return points.map(() => 0);
  const mid = median(e);
  const bars = audio.downbeats_s.map((d, i) => [d, e[i] - mid] as const).sort((a, b) => a[0] - b[0]);
  let k = 0;
  return points.map((t) => {
    while (k + 1 < bars.length && bars[k + 1][0] <= t + 0.0005) k++;
    return Math.max(-0.3, Math.min(0.3, bars[k][1]));
  });
}

function toScenes(boundariesMs: number[]): MusicScene[] {
  const scenes: MusicScene[] = [];
  for (let i = 0; i + 1 < boundariesMs.length; i++) scenes.push({ start_s: boundariesMs[i] / 1000, duration_s: (boundariesMs[i + 1] - boundariesMs[i]) / 1000 });
  return scenes;
}

function fadeFor(barS: number): number {
  return Math.round(Math.min(2, Math.max(1, barS)) * 1000) / 1000;
}

function median(x: number[]): number {
  if (x.length === 0) return 0;
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(s: number): string {
  return (Math.round(s * 10) / 10).toString();
}
