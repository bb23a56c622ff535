import { z } from "zod";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { AspectRatioSchema, GradeSchema, TransitionSchema } from "../../../core/timeline/schema.js";

/**
 * The edit node's structured output for the model. Same operations as EditOperationSchema,
 * but every field is required (null when unused), which strict JSON-schema modes demand;
 * `toEditOperations` turns an answer into the shared EditOperation type.
 */

const Ref = z.string().describe("A scene id exactly as listed (scene_2), never a position");
const Edge = z.enum(["start", "end"]);

const RegionSchema = z
  .object({
    x: z.number().describe("Left edge, fraction of the frame width (0–1)"),
    y: z.number().describe("Top edge, fraction of the frame height (0–1)"),
    w: z.number().describe("Width, fraction of the frame width"),
    h: z.number().describe("Height, fraction of the frame height"),
  })
  .describe("Part of the frame to keep");

export const ModelOperationSchema = z.union([
  z.object({ op: z.literal("swap"), a: Ref, b: Ref }).describe("Exchange two scenes' positions"),
  z
    .object({
      op: z.literal("move"),
      scene: Ref,
      position: z.number().int().nullable().describe("1-based target position, or null"),
      to: Edge.nullable().describe("start or end, or null"),
      before: Ref.nullable().describe("Put it right before this scene, or null"),
      after: Ref.nullable().describe("Put it right after this scene, or null"),
    })
    .describe("Move one scene; set exactly one of position/to/before/after"),
  z.object({ op: z.literal("reverse") }).describe("Reverse the scene order"),
  z.object({ op: z.literal("remove"), scene: Ref }).describe("Delete a scene"),
  z
    .object({
      op: z.literal("trim"),
      scene: Ref,
      duration_s: z.number().nullable().describe("The new length in seconds, or null"),
      delta_s: z.number().nullable().describe("Change in seconds: negative shortens, positive lengthens; or null"),
      from: Edge.describe("end: cut or extend the tail; start: move the clip's in-point"),
    })
    .describe("Change a scene's length; set exactly one of duration_s/delta_s"),
  z.object({ op: z.literal("speed"), scene: Ref, factor: z.number().describe("Relative: 2 plays twice as fast (half as long), 0.5 half speed") }),
  z
    .object({
      op: z.literal("crop"),
      scene: Ref.nullable().describe("null: every scene, and the output takes the aspect ratio"),
      aspect_ratio: AspectRatioSchema.nullable().describe("New aspect ratio, or null to leave it"),
      region: RegionSchema.nullable().describe("Region to keep, or null to leave it"),
      reset: z.boolean().describe("true: remove the crop (full frame) and ignore the other fields"),
    })
    .describe("Reframe a scene or all scenes"),
  z
    .object({
      op: z.literal("cta"),
      action: z.enum(["set", "remove"]),
      text: z.string().nullable().describe("New text, or null to keep it"),
      start_s: z.number().nullable().describe("New start in seconds on the video's time axis, or null to keep it"),
      duration_s: z.number().nullable().describe("New length in seconds, or null to keep it"),
    })
    .describe("Add, move, resize, retext or remove the call to action"),
  z.object({ op: z.literal("transition"), scene: Ref, transition: TransitionSchema }).describe("Set how a scene enters"),
  z
    .object({ op: z.literal("grade"), scene: Ref.nullable().describe("null: every scene"), grade: GradeSchema.nullable().describe("The look, or null to take a grade off") })
    .describe("Colour-grade a scene or all scenes in the composer (no new clip)"),
  z.object({ op: z.literal("regenerate"), scene: Ref, prompt: z.string().describe("The full changed prompt") }).describe("Make the scene again from a changed prompt"),
  z.object({ op: z.literal("duplicate"), scene: Ref }).describe("Repeat a scene right after itself; the copy gets the next free id"),
]);
export type ModelOperation = z.infer<typeof ModelOperationSchema>;

export const ModelEditAnswerSchema = z.object({
  operations: z.array(ModelOperationSchema).describe("In the order they apply; empty only when rejected"),
  warnings: z.array(z.string()).describe("What you repaired or assumed: typos, self-corrections, default amounts"),
  rejection: z.string().nullable().describe("Why the instruction cannot be honoured, or null"),
});
export type ModelEditAnswer = z.infer<typeof ModelEditAnswerSchema>;

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

/** The model's operations as shared EditOperations (nulls dropped, reset crops as nulls). */
export function toEditOperations(answer: Pick<ModelEditAnswer, "operations">): EditOperation[] {
  return answer.operations.map((op): EditOperation => {
    switch (op.op) {
      case "move":
        return defined({ op: "move", scene: op.scene, position: op.position, to: op.to, before: op.before, after: op.after }) as EditOperation;
      case "trim":
        return defined({ op: "trim", scene: op.scene, duration_s: op.duration_s, delta_s: op.delta_s, from: op.from }) as EditOperation;
      case "crop":
        if (op.reset) return { op: "crop", scene: op.scene, aspect_ratio: null, region: null };
        return { op: "crop", scene: op.scene, ...defined({ aspect_ratio: op.aspect_ratio, region: op.region }) };
      case "cta":
        return defined({ op: "cta", action: op.action, text: op.text, start_s: op.start_s, duration_s: op.duration_s }) as EditOperation;
      default:
        return op;
    }
  });
}
