import { z } from "zod";

/**
 * The timeline: the one description of a finished video. The composer renders it, the edit
 * node transforms it, the API returns it and the evals score it. Field names are fixed by
 * ../shared/contract.md; fields may be added, never renamed. Times are seconds.
 */

export const TRANSITIONS = ["cut", "fade", "fade_black", "dissolve"] as const;
export const TransitionSchema = z
  .enum(TRANSITIONS)
  .describe("How the scene enters: a hard cut, or a short fade from black/dissolve drawn over its first frames");
export type Transition = z.infer<typeof TransitionSchema>;

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export const AspectRatioSchema = z.enum(ASPECT_RATIOS).describe("Output aspect ratio");
export type AspectRatio = z.infer<typeof AspectRatioSchema>;

export const GRADES = ["warm", "cool", "bright", "dark", "black_and_white", "sepia", "vivid", "muted"] as const;
export const GradeSchema = z
  .enum(GRADES)
  .describe("A colour grade the composer draws over the clip (no new clip is made): warmer or cooler tones, brighter or darker, black and white, sepia, more (vivid) or less (muted) saturated");
export type Grade = z.infer<typeof GradeSchema>;

export const CropSchema = z
  .object({
    aspect_ratio: AspectRatioSchema.nullable().default(null).describe("Reframe the clip to this aspect ratio (centred unless a region is given)"),
    x: z.number().min(0).max(1).default(0).describe("Left edge of the region, as a fraction of the source width"),
    y: z.number().min(0).max(1).default(0).describe("Top edge of the region, as a fraction of the source height"),
    w: z.number().gt(0).max(1).default(1).describe("Region width as a fraction of the source width"),
    h: z.number().gt(0).max(1).default(1).describe("Region height as a fraction of the source height"),
  })
  .describe("A reframe of the source clip before it is scaled to the output size");
export type Crop = z.infer<typeof CropSchema>;

export const TimelineShotSchema = z
  .object({
    clip_id: z.string().min(1).describe("The clip (one prediction) that fills this shot"),
    duration_s: z.number().gt(0).describe("Seconds of source this shot adds to its scene (its clip is trimmed to this)"),
    source_in_s: z.number().min(0).default(0).describe("Where in its clip the shot starts"),
    request_s: z.number().gt(0).optional().describe("Seconds asked of the video model (a length it makes; at least duration_s unless a warning says otherwise)"),
    first_frame_from: z.number().int().min(0).nullable().optional().describe("Continuity \"chain\": the index of the shot whose last frame starts this one"),
  })
  .describe("One prediction of a scene: a scene's source is its shots laid end to end");
export type TimelineShot = z.infer<typeof TimelineShotSchema>;

export const TimelineSceneSchema = z.object({
  id: z.string().min(1).describe("Stable scene id (scene_N); never renamed by an edit, new scenes get new ids"),
  start_s: z.number().min(0).describe("Start on the output time axis: the sum of the durations before it"),
  duration_s: z.number().gt(0).describe("Length on the output time axis"),
  clip_id: z.string().nullable().describe("The clip that fills this scene (null before generation)"),
  source_in_s: z.number().min(0).default(0).describe("Where in the clip playback starts"),
  prompt: z.string().describe("The micro-prompt the clip was generated from"),
  transition_in: TransitionSchema.default("cut"),
  crop: CropSchema.nullable().default(null),
  grade: GradeSchema.nullable().optional().describe("A colour grade over the scene's clip; absent or null: the clip as generated"),
  speed: z.number().gt(0).max(8).default(1).describe("Playback rate: 2 plays the clip twice as fast (uses duration_s*speed seconds of source)"),
  purpose: z.string().optional().describe("The scene's narrative role (hook, benefit, proof, cta, verse, chorus…)"),
  text: z.string().optional().describe("On-screen text the animatic renderer draws for this scene"),
  bars: z.number().int().positive().optional().describe("Music videos: how many of the song's bars the scene spans"),
  shots: z
    .array(TimelineShotSchema)
    .min(1)
    .optional()
    .describe("The predictions that make the scene's source, end to end (the first one's clip is clip_id); source_in_s, duration_s and speed pick the stretch played. Absent: clip_id alone"),
});
export type TimelineScene = z.infer<typeof TimelineSceneSchema>;

export const TimelineCtaSchema = z.object({
  text: z.string().min(1).max(120).describe("Call-to-action text drawn over the video"),
  start_s: z.number().min(0).describe("When the CTA appears"),
  duration_s: z.number().gt(0).describe("How long it stays"),
});
export type TimelineCta = z.infer<typeof TimelineCtaSchema>;

export const TimelineAudioSchema = z.object({
  src: z.string().describe("Path or URL of the soundtrack"),
  offset_s: z.number().min(0).default(0).describe("Where in the song the video starts"),
  bpm: z.number().positive().nullable().describe("Tempo, when a beat was found"),
  bpm_alternatives: z.array(z.number().positive()).optional().describe("The tempo's other readings (half and double), when a beat was found"),
  downbeats_s: z.array(z.number()).describe("Bar starts on the output time axis"),
  beats_per_bar: z.number().int().positive().optional(),
  fade_out_s: z.number().min(0).optional().describe("Fade applied to the song's end when the video is shorter than the song"),
});
export type TimelineAudio = z.infer<typeof TimelineAudioSchema>;

export const TimelineSchema = z.object({
  version: z.number().int().positive().describe("Composition version this timeline belongs to"),
  duration_s: z.number().gt(0).describe("Sum of the scene durations"),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().int().positive(),
  scenes: z.array(TimelineSceneSchema).min(1),
  cta: TimelineCtaSchema.nullable(),
  audio: TimelineAudioSchema.nullable(),
});
export type Timeline = z.infer<typeof TimelineSchema>;

/** Output size for an aspect ratio at the default 720p class. */
export function sizeFor(aspect: AspectRatio, shortSide = 720): { width: number; height: number } {
  const even = (n: number) => Math.round(n / 2) * 2;
  switch (aspect) {
    case "16:9":
      return { width: even((shortSide * 16) / 9), height: shortSide };
    case "9:16":
      return { width: shortSide, height: even((shortSide * 16) / 9) };
    case "1:1":
      return { width: shortSide, height: shortSide };
  }
}
