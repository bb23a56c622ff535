import type { EditInterpretation } from "../../ports.js";
import type { EditPlan } from "../../../core/schemas/edit.js";
import { diffTimelines } from "../../../core/timeline/diff.js";
import { checkTimeline } from "../../../core/timeline/invariants.js";
import { applyOperations, EditRejectedError } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";

export { checkOperations } from "./checks.js";

export interface MakeEditPlanInput {
  /** edit_…: the id the plan is confirmed or rejected by. */
  id: string;
  compositionId: string | null;
  instruction: string;
  /** The current timeline; left as it is when the plan is rejected. */
  timeline: Timeline;
  interpretation: EditInterpretation;
  /** offline | llm:<model> */
  interpreter: string;
  /** Which path made the interpretation (default: offline when the interpreter is offline, else model). */
  path?: "offline" | "model";
  /** Known clip lengths: a scene is never lengthened past its clip. */
  clipDurations?: Record<string, number>;
  now?: () => Date;
}

/**
 * Validates the interpretation against the timeline, applies it and diffs the result. A
 * plan that cannot be honoured — the interpreter rejected it, an operation is impossible,
 * or it changes nothing — is `rejected` with the reason and timeline_after = timeline_before.
 * Pure apart from the clock.
 */
export function makeEditPlan(input: MakeEditPlanInput): EditPlan {
  const { interpretation, timeline } = input;
  const base = {
    id: input.id,
    composition_id: input.compositionId,
    base_version: timeline.version,
    instruction: input.instruction,
    operations: interpretation.operations,
    timeline_before: timeline,
    interpreter: input.interpreter,
    path: input.path ?? (input.interpreter === "offline" ? "offline" : "model"),
    confidence: interpretation.confidence ?? null,
    alternatives: interpretation.alternatives ?? [],
    result_version: null,
    created_at: (input.now ?? (() => new Date()))().toISOString(),
  };
  const rejected = (reason: string, warnings: string[] = interpretation.warnings): EditPlan => ({
    ...base,
    timeline_after: timeline,
    diff: [],
    status: "rejected",
    warnings,
    reason,
  });
  if (interpretation.rejection) return rejected(interpretation.rejection);
  if (!interpretation.operations.length) return rejected("the instruction asks for no edit");
  let applied: ReturnType<typeof applyOperations>;
  try {
    applied = applyOperations(timeline, interpretation.operations, { clipDurations: input.clipDurations });
  } catch (error) {
    if (error instanceof EditRejectedError) return rejected(error.reason);
    throw error;
  }
  const warnings = [...interpretation.warnings, ...applied.warnings];
  const broken = checkTimeline(applied.timeline);
  if (broken.length) return rejected(`the edit would break the timeline: ${broken.map((p) => p.message).join("; ")}`, warnings);
  const diff = diffTimelines(timeline, applied.timeline);
  if (!diff.length) return rejected("the edit changes nothing", warnings);
  return { ...base, timeline_after: applied.timeline, diff, status: "proposed", warnings, reason: null };
}
