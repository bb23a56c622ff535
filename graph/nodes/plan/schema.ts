import { z } from "zod";
import { ShotTypeSchema } from "../../../core/schemas/storyboard.js";

/**
 * What the planner model fills for an ad: scenes and shots with lengths, without ids, start
 * times or the CTA window. model.ts derives those, and scales the lengths so they add up to
 * the analysed duration exactly.
 */
export const PlanShotOutputSchema = z.object({
  description: z.string().describe("What the camera sees, grounded in the product and key messages"),
  shot_type: ShotTypeSchema,
  camera_move: z.string().describe("static, slow push-in, pan left, handheld, tracking…"),
  duration_s: z.number().positive().describe("Seconds; 4–7 for ads"),
  text: z.string().nullable().describe("On-screen text in this shot, or null"),
});

export const PlanSceneOutputSchema = z.object({
  purpose: z.string().describe("Narrative role: hook, problem, benefit, proof, cta"),
  description: z.string().describe("What happens in the scene"),
  shot_type: ShotTypeSchema.describe("Dominant framing; must differ from the previous scene's"),
  duration_s: z.number().positive().describe("Seconds; the sum of this scene's shots"),
  text: z.string().nullable().describe("Short headline drawn on screen (a few words), or null"),
  shots: z.array(PlanShotOutputSchema).min(1).max(4).describe("Shots in order; their lengths add up to the scene's"),
});

export const PlanOutputSchema = z.object({
  overview: z.string().describe("The plan in a paragraph"),
  scenes: z.array(PlanSceneOutputSchema).min(1).max(8).describe("Scenes in order (an ad has 3–5)"),
});
export type PlanOutput = z.infer<typeof PlanOutputSchema>;
