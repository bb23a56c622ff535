import { z } from "zod";
import { AspectRatioSchema, GradeSchema, TimelineSchema, TransitionSchema } from "../timeline/schema.js";

/**
 * Typed edit operations. Scenes are referenced by their stable ids (scene_N); the
 * interpreters resolve "the second", "the bonfire scene", "#2" to ids before emitting these.
 */
const SceneRef = z.string().min(1).describe("Scene id, e.g. scene_2");

export const EditOperationSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("swap"), a: SceneRef, b: SceneRef }).describe("Exchange the positions of two scenes"),
  z
    .object({
      op: z.literal("move"),
      scene: SceneRef,
      position: z.number().int().min(1).optional().describe("1-based target position"),
      to: z.enum(["start", "end"]).optional(),
      before: SceneRef.optional(),
      after: SceneRef.optional(),
    })
    .describe("Move one scene: to a position, the start/end, or before/after another scene"),
  z.object({ op: z.literal("reverse") }).describe("Reverse the scene order"),
  z.object({ op: z.literal("remove"), scene: SceneRef }).describe("Delete a scene"),
  z
    .object({
      op: z.literal("trim"),
      scene: SceneRef,
      duration_s: z.number().optional().describe("Set the scene's length"),
      delta_s: z.number().optional().describe("Lengthen (+) or shorten (−) by this much"),
      from: z.enum(["start", "end"]).default("end").describe("start moves source_in_s; end cuts the tail"),
    })
    .describe("Change a scene's length"),
  z
    .object({ op: z.literal("speed"), scene: SceneRef, factor: z.number().describe("2 = twice as fast (half as long)") })
    .describe("Retime a scene"),
  z
    .object({
      op: z.literal("crop"),
      scene: SceneRef.nullable().describe("null: every scene"),
      aspect_ratio: AspectRatioSchema.nullable().optional(),
      region: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }).nullable().optional(),
    })
    .describe("Reframe a scene (or all) to an aspect ratio or a region"),
  z
    .object({
      op: z.literal("cta"),
      action: z.enum(["set", "remove"]),
      text: z.string().optional(),
      start_s: z.number().optional(),
      duration_s: z.number().optional(),
    })
    .describe("Add, move, resize, retext or remove the call to action"),
  z.object({ op: z.literal("transition"), scene: SceneRef, transition: TransitionSchema }).describe("Set how a scene enters"),
  z
    .object({
      op: z.literal("grade"),
      scene: SceneRef.nullable().describe("null: every scene"),
      grade: GradeSchema.nullable().describe("The look, or null to take a grade off"),
    })
    .describe("Colour-grade a scene (or all) in the composer: no new clip, nothing paid"),
  z
    .object({ op: z.literal("regenerate"), scene: SceneRef, prompt: z.string().min(1).describe("The changed prompt") })
    .describe("Make the scene's clip again from a changed prompt"),
  z
    .object({
      op: z.literal("duplicate"),
      scene: SceneRef,
    })
    .describe("Repeat a scene right after itself (the copy gets a new id)"),
]);
export type EditOperation = z.infer<typeof EditOperationSchema>;

export const DiffEntrySchema = z.object({
  kind: z.enum(["moved", "trimmed", "retimed", "removed", "added", "reframed", "transition", "regenerated", "cta", "graded"]),
  scene_id: z.string().nullable().describe("null for CTA changes"),
  from: z.unknown().optional().describe("Before: position (1-based), duration, crop, prompt, CTA…"),
  to: z.unknown().optional().describe("After"),
  summary: z.string().describe("One line a person can read, e.g. 'scene_3 moved from #3 to #2'"),
});
export type DiffEntry = z.infer<typeof DiffEntrySchema>;

/** proposed → applied | rejected; a proposed plan replaced by a newer edit before anyone decided is superseded. */
export const EditStatusSchema = z.enum(["proposed", "applied", "rejected", "superseded"]);

export const EditPlanSchema = z.object({
  id: z.string().describe("edit_…; confirm or reject it by this id"),
  composition_id: z.string().nullable(),
  base_version: z.number().int().nullable().describe("The version the plan was made against"),
  instruction: z.string(),
  operations: z.array(EditOperationSchema),
  timeline_before: TimelineSchema,
  timeline_after: TimelineSchema,
  diff: z.array(DiffEntrySchema),
  status: EditStatusSchema,
  warnings: z.array(z.string()),
  reason: z.string().nullable().default(null).describe("Why a rejected plan was rejected"),
  interpreter: z.string().describe("offline | llm:<model>"),
  path: z
    .enum(["offline", "model"])
    .default("offline")
    .describe("Which path made the plan: offline (the offline reading was sure, or no model is configured) or model (the offline reading was unsure or failed)"),
  confidence: z.number().min(0).max(1).nullable().default(null).describe("How sure the interpreter is of its reading, 0–1 (null: not reported)"),
  alternatives: z
    .array(z.string())
    .default([])
    .describe("For an ambiguous instruction: each reading as a ready instruction the UI can offer as a button"),
  result_version: z.number().int().nullable().default(null).describe("Version created when applied"),
  superseded_by: z.string().nullable().optional().describe("The edit that replaced this plan while it waited"),
  webhook_url: z.string().nullable().optional().describe("Where the signed edit_plan_ready webhook goes"),
  created_at: z.string(),
});
export type EditPlan = z.infer<typeof EditPlanSchema>;
