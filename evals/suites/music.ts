import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { timelineFromStoryboard } from "../../core/timeline/build.js";
import { sizeFor } from "../../core/timeline/schema.js";
import type { Suite } from "../core/types.js";
import { MUSIC_SCORERS, type MusicExpected, type MusicInput, type MusicOutput } from "../scorers/music.js";
import { trackTruth, trackUrl } from "../tracks.js";

/** The shorter length each track is also planned at: the video must stop on a bar near it. */
const SHORTENED_S = 60;

/**
 * music: the synthetic tracks analysed (tempo, bars) and planned as music videos, at the song's
 * length and shortened to 60 s. Tempo within 2 %, every cut within one frame of a true bar start.
 */
export const musicSuite: Suite<MusicInput, MusicOutput, MusicExpected> = {
  name: "music",
  description: "Music plans on generated tracks: tempo within 2 %, metre, every cut within a frame of a bar start, the end on a bar",
  threshold: 90,
  async data(ctx) {
    return ctx.tracks.specs.flatMap((spec) => {
      const truth = trackTruth(spec);
      return [null, SHORTENED_S].map((requested) => ({
        id: `${spec.id}-${requested === null ? "full" : `${requested}s`}`,
        title: `${spec.bpm} BPM ${truth.beats_per_bar}/4 ${spec.genre}, ${spec.duration_s} s track${requested === null ? "" : `, video of ${requested} s`}`,
        tags: [spec.id, requested === null ? "full" : "shortened"],
        input: { trackId: spec.id, genre: spec.genre, requested_s: requested },
        expected: { bpm: truth.bpm, beats_per_bar: truth.beats_per_bar, downbeats_s: truth.downbeats_s, song_s: spec.duration_s, requested_s: requested, fps: ctx.fps },
      }));
    });
  },
  async task(input, ctx) {
    const track = await ctx.tracks.get(input.trackId);
    const request = GenerationRequestSchema.parse({
      pipeline: "music_video",
      prompt: `Music video for a ${input.genre} track`,
      audio: { url: trackUrl(track) },
      ...(input.requested_s !== null ? { duration_s: input.requested_s } : {}),
    });
    const analysis = (await ctx.brain.analyze({ request, audio: track.analysis })).value;
    const storyboard = (await ctx.brain.plan({ request, analysis, audio: track.analysis })).value;
    const music = storyboard.music;
    const timeline = timelineFromStoryboard({
      generationId: `gen_eval_${input.trackId}`,
      storyboard,
      prompts: {},
      size: sizeFor(request.aspect_ratio, ctx.shortSide),
      fps: ctx.fps,
      audio: { src: track.path, analysis: track.analysis, offset_s: music?.offset_s, fade_out_s: music?.fade_out_s, downbeats_s: music?.downbeats_s },
    });
    return { analysis: track.analysis, storyboard, timeline };
  },
  scorers: MUSIC_SCORERS,
  artifact: ({ output, expected }) => ({
    kind: "timeline",
    pipeline: "music_video",
    timeline: output.timeline,
    truth_downbeats_s: expected.downbeats_s.filter((d) => d <= output.timeline.duration_s + 1e-6),
    bpm: output.analysis.bpm,
    truth_bpm: expected.bpm,
  }),
};
