import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AudioAnalysis } from "../core/schemas/audio.js";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { drumArgs, drumTruth, type DrumSpec } from "../tools/audio/synth.js";
import type { TrackSpec } from "./datasets/briefs.js";

/**
 * The music suite's songs: synthetic kick/click tracks with known beats, written once by FFmpeg
 * into a cache folder keyed by their parameters, then analysed like any uploaded song.
 */

/** Decoding happens at 11025 Hz anyway; a lower rate makes the file quicker to write. */
const SAMPLE_RATE = 11025;

/** What the eval knows about a track: where it is, the truth it was made from, and what the analyser heard. */
export interface Track {
  spec: TrackSpec;
  path: string;
  truth: { bpm: number; beats_per_bar: number; beats_s: number[]; downbeats_s: number[] };
  analysis: AudioAnalysis;
}

export function drumSpecOf(spec: TrackSpec): DrumSpec {
  return {
    bpm: spec.bpm,
    durationS: spec.duration_s,
    leadInS: spec.lead_in_s,
    beatsPerBar: spec.beats_per_bar,
    noise: spec.noise,
    sampleRate: SAMPLE_RATE,
  };
}

/** The cache file name: the id for people, a hash of every parameter so a changed spec makes a new file. */
export function trackFileName(spec: TrackSpec): string {
  const { id: _id, genre: _genre, ...params } = spec;
  const h = createHash("sha256").update(JSON.stringify({ ...params, sampleRate: SAMPLE_RATE, v: 1 })).digest("hex").slice(0, 12);
  return `${spec.id}-${h}.wav`;
}

/** A machine-independent name for the track, used as the request's audio URL. */
export function trackUrl(track: Pick<Track, "spec">): string {
  return `eval-tracks/${trackFileName(track.spec)}`;
}

/** Writes the track unless the cache already has it; returns its path. */
export async function ensureTrack(spec: TrackSpec, cacheDir: string): Promise<string> {
  const path = join(cacheDir, trackFileName(spec));
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp.wav`;
  try {
    await runFfmpeg(drumArgs(drumSpecOf(spec), tmp), { timeoutS: 120 });
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  return path;
}

/** Ground truth of a track from the expression it was made from. */
export function trackTruth(spec: TrackSpec): Track["truth"] {
  const t = drumTruth(drumSpecOf(spec));
  return { bpm: spec.bpm, beats_per_bar: spec.beats_per_bar ?? 4, beats_s: t.beats, downbeats_s: t.downbeats };
}

/** Tracks by id, each made and analysed at most once per run. */
export class TrackLibrary {
  private readonly pending = new Map<string, Promise<Track>>();

  constructor(
    readonly specs: TrackSpec[],
    readonly cacheDir: string,
  ) {}

  spec(id: string): TrackSpec {
    const spec = this.specs.find((s) => s.id === id);
    if (!spec) throw new Error(`unknown track ${id} (tracks.json has ${this.specs.map((s) => s.id).join(", ")})`);
    return spec;
  }

  get(id: string): Promise<Track> {
    let p = this.pending.get(id);
    if (!p) {
      const spec = this.spec(id);
      p = (async () => {
        const path = await ensureTrack(spec, this.cacheDir);
        return { spec, path, truth: trackTruth(spec), analysis: await analyzeAudioFile(path) };
      })();
      this.pending.set(id, p);
    }
    return p;
  }
}
