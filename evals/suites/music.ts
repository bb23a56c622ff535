import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { timelineFromStoryboard } from "../../core/timeline/build.js";
import { sizeFor } from "../../core/timeline/schema.js";
import type { EvalCase, Suite } from "../core/types.js";
import type { EvalContext } from "../core/context.js";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import { analyzeAudioFile } from "../../tools/audio/analyze.js";
import { ensureSongPackages, loadSongSet, prepareSong, songTruth, type Song } from "../music-songs.js";
import { MUSIC_REAL_SCORERS, MUSIC_SCORERS, type MusicExpected, type MusicInput, type MusicOutput } from "../scorers/music.js";
import { trackTruth, trackUrl } from "../tracks.js";
import { join } from "node:path";

/** The shorter length each track is also planned at: the video must stop on a bar near it. */
const SHORTENED_S = 60;

type MusicCase = EvalCase<MusicInput, MusicExpected>;

/**
 * music: the synthetic tracks analysed (tempo, bars) and planned as music videos, at the song's
 * length and shortened to 60 s: tempo within 2 %, every cut within one frame of a true bar start.
 */
export const musicSuite: Suite<MusicInput, MusicOutput, MusicExpected> = {
  name: "music",
  description: "Music plans on generated tracks: tempo within 2 %, metre, every cut within a frame of a bar start, the end on a bar",
  threshold: 90,
  async data(ctx) {
    const synthetic: MusicCase[] = ctx.tracks.specs.flatMap((spec) => {
      const truth = trackTruth(spec);
      return [null, SHORTENED_S].map((requested) => ({
        id: `${spec.id}-${requested === null ? "full" : `${requested}s`}`,
        title: `${spec.bpm} BPM ${truth.beats_per_bar}/4 ${spec.genre}, ${spec.duration_s} s track${requested === null ? "" : `, video of ${requested} s`}`,
        tags: [spec.id, "synthetic", requested === null ? "full" : "shortened"],
        input: { kind: "synthetic" as const, trackId: spec.id, genre: spec.genre, requested_s: requested },
        expected: { kind: "synthetic" as const, bpm: truth.bpm, beats_per_bar: truth.beats_per_bar, downbeats_s: truth.downbeats_s, song_s: spec.duration_s, requested_s: requested, fps: ctx.fps },
      }));
    });
    return synthetic;
  },
  task: musicTask,
  scorers: MUSIC_SCORERS,
  artifact: musicArtifact,
};

/** The target of issue 14: ≥ 90 % of cuts within 70 ms of a true bar start, no song below 50 %. */
export const MUSIC_REAL_TARGET = 90;

/**
 * music_real: the real recordings of datasets/music-songs.json, installed from their Debian
 * packages (skipped, with the reason printed, when that is not possible), analysed and planned
 * like any upload: tempo within 4 % or an exact octave, the share of cuts within 70 ms of a true
 * bar start, where the found bars fall; tagged tune / heldout and by package. Reported, not
 * gating, until it reaches its target (see tools/audio/README.md for the per-song table).
 */
export const musicRealSuite: Suite<MusicInput, MusicOutput, MusicExpected> = {
  name: "music_real",
  description: "Music plans on real recordings with MIDI references: tempo or an exact octave within 4 %, cuts within 70 ms of a true bar start (target ≥ 90 %, reported only)",
  threshold: MUSIC_REAL_TARGET,
  gating: false,
  data: realCases,
  task: musicTask,
  scorers: MUSIC_REAL_SCORERS,
  artifact: musicArtifact,
};

async function musicTask(input: MusicInput, ctx: EvalContext): Promise<MusicOutput> {
  const { path, url, analysis } = input.kind === "real" ? await realSong(ctx, input.trackId) : await syntheticTrack(ctx, input.trackId);
    const request = GenerationRequestSchema.parse({
      pipeline: "music_video",
      prompt: `Music video for a ${input.genre} track`,
      audio: { url },
      ...(input.requested_s !== null ? { duration_s: input.requested_s } : {}),
    });
    const brief = (await ctx.brain.analyze({ request, audio: analysis })).value;
    const storyboard = (await ctx.brain.plan({ request, analysis: brief, audio: analysis })).value;
    const music = storyboard.music;
    const timeline = timelineFromStoryboard({
      generationId: `gen_eval_${input.trackId}`,
      storyboard,
      prompts: {},
      size: sizeFor(request.aspect_ratio, ctx.shortSide),
      fps: ctx.fps,
      audio: { src: path, analysis, offset_s: music?.offset_s, fade_out_s: music?.fade_out_s, downbeats_s: music?.downbeats_s },
    });
  return { analysis, storyboard, timeline };
}

function musicArtifact({ output, expected }: { output: MusicOutput; expected: MusicExpected }) {
  return {
    kind: "timeline",
    pipeline: "music_video",
    timeline: output.timeline,
    truth_downbeats_s: expected.downbeats_s.filter((d) => d <= output.timeline.duration_s + 1e-6),
    bpm: output.analysis.bpm,
    truth_bpm: expected.bpm,
  };
}

async function syntheticTrack(ctx: EvalContext, id: string): Promise<{ path: string; url: string; analysis: AudioAnalysis }> {
  const track = await ctx.tracks.get(id);
  return { path: track.path, url: trackUrl(track), analysis: track.analysis };
}

/** Where the real recordings' mixes are cached: beside the synthetic tracks (gitignored tmp/). */
function songCacheDir(ctx: EvalContext): string {
  return join(ctx.tracks.cacheDir, "..", "songs");
}

async function realSong(ctx: EvalContext, id: string): Promise<{ path: string; url: string; analysis: AudioAnalysis }> {
  const set = loadSongSet();
  const song = set.songs.find((s) => s.id === id);
  if (!song) throw new Error(`unknown song ${id} (music-songs.json)`);
  return ctx.memo(`music-song:${id}`, async () => {
    const path = await prepareSong(song, set.max_s, songCacheDir(ctx));
    return { path, url: `eval-songs/${song.id}.wav`, analysis: await analyzeAudioFile(path) };
  });
}

/** The real-recording cases, or none (with the reason printed) when their packages cannot be installed. */
async function realCases(ctx: EvalContext): Promise<MusicCase[]> {
  const set = loadSongSet();
  const avail = await ensureSongPackages(set);
  if (!avail.ok) {
    console.log(`music: real recordings skipped: ${avail.reason}`);
    return [];
  }
  // Truth up to the analysed span (the song may be shorter: only the cuts inside it are scored).
  return set.songs.map((song) => realCase(ctx, song, set.max_s));
}

function realCase(ctx: EvalContext, song: Song, duration: number): MusicCase {
  const truth = songTruth(song, duration);
  const bpm = [...truth.bpm].sort((a, b) => a - b)[Math.floor(truth.bpm.length / 2)] ?? 120;
  return {
    id: `song-${song.id}`,
    title: `${song.title} (${song.artist}, ${song.genre}; ${song.split})`,
    tags: ["real", song.split, song.packages[0]],
    input: { kind: "real", trackId: song.id, genre: song.genre, requested_s: null },
    expected: { kind: "real", bpm, beats_per_bar: truth.beats_per_bar[0] ?? 4, beats_s: truth.beats_s, downbeats_s: truth.downbeats_s, song_s: duration, requested_s: null, fps: ctx.fps },
  };
}
