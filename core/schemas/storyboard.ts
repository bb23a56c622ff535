import { z } from "zod";

export const SHOT_TYPES = ["extreme_wide", "wide", "medium", "close_up", "extreme_close_up", "overhead", "pov", "tracking"] as const;
export const ShotTypeSchema = z.enum(SHOT_TYPES).describe("Framing of the shot");
export type ShotType = z.infer<typeof ShotTypeSchema>;

export const ShotSchema = z.object({
  id: z.string().describe("shot id, unique in the storyboard (scene_N_shot_M)"),
  description: z.string().describe("What the camera sees"),
  shot_type: ShotTypeSchema,
  camera_move: z.string().describe("static, slow push-in, pan left, handheld…"),
  duration_s: z.number().positive(),
  text: z.string().optional().describe("On-screen text, if any"),
});
export type Shot = z.infer<typeof ShotSchema>;

export const StoryboardSceneSchema = z.object({
  id: z.string().describe("scene_N, stable across edits"),
  purpose: z.string().describe("Narrative role: hook, problem, benefit, proof, cta; or intro, verse, chorus, bridge, outro"),
  description: z.string().describe("What happens in the scene"),
  start_s: z.number().min(0),
  duration_s: z.number().positive(),
  shot_type: ShotTypeSchema.describe("Dominant framing; adjacent scenes differ"),
  shots: z.array(ShotSchema).min(1),
  bars: z.number().int().positive().optional().describe("Music: bars spanned"),
  text: z.string().optional().describe("Headline drawn on screen"),
});
export type StoryboardScene = z.infer<typeof StoryboardSceneSchema>;

/** Overview → Scenes → Shots. */
export const StoryboardSchema = z.object({
  overview: z.string().describe("The plan in a paragraph"),
  duration_s: z.number().positive(),
  scenes: z.array(StoryboardSceneSchema).min(1),
  cta: z.object({ text: z.string(), start_s: z.number().min(0), duration_s: z.number().positive() }).nullable(),
  timing: z.enum(["heuristic", "bars", "duration_fallback"]).describe("How scene lengths were chosen"),
  music: z
    .object({
      offset_s: z.number().min(0).describe("Where in the song the video starts"),
      fade_out_s: z.number().min(0).describe("Fade at the end when the video is shorter than the song"),
      downbeats_s: z.array(z.number()).describe("Bar starts on the video's time axis"),
    })
    .optional()
    .describe("Music videos: how the song lines up with the video (set by the bar planner)"),
  warnings: z.array(z.string()).default([]),
});
export type Storyboard = z.infer<typeof StoryboardSchema>;
