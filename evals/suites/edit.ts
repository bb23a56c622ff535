import { makeEditPlan } from "../../graph/nodes/edit/plan.js";
import type { EditPlan } from "../../core/schemas/edit.js";
import { applyOperations } from "../../core/timeline/ops.js";
import { loadCases, loadTimelines } from "../datasets/edits.js";
import type { Suite } from "../core/types.js";
import { EDIT_SCORERS, type EditExpected, type EditInput } from "../scorers/edit.js";

/** The plan an instruction gets, as the edit node makes it (the brain's path, then the pure plan). */
export const editTask: Suite<EditInput, EditPlan, EditExpected>["task"] = async (input, ctx) => {
  const r = await ctx.brain.interpretEdit({ instruction: input.instruction, timeline: input.timeline });
  return makeEditPlan({
    id: `edit_eval_${input.id}`,
    compositionId: null,
    instruction: input.instruction,
    timeline: input.timeline,
    interpretation: r.value,
    interpreter: r.by,
    clipDurations: input.clipDurations,
    now: () => new Date(0),
  });
};

/** What the report shows of an edit case: before, after, expected, and the operations. */
export const editArtifact: NonNullable<Suite<EditInput, EditPlan, EditExpected>["artifact"]> = ({ output, expected }) => ({
  kind: "edit",
  before: output.timeline_before,
  after: output.timeline_after,
  expected: expected.timeline,
  status: output.status,
  expected_status: expected.status,
  reason: output.reason,
  operations: output.operations,
  expected_ops: expected.ops,
  diff: output.diff.map((d) => d.summary),
});

/**
 * edit: the instruction table (evals/datasets/edits/instructions.json, read through its loader).
 * The expected timeline is the table's exact operations applied to the fixture with the same
 * pure ops the product uses; a rejection must leave the fixture as it was.
 */
export const editSuite: Suite<EditInput, EditPlan, EditExpected> = {
  name: "edit",
  description: "Natural-language edits: the exact timeline after the edit, operation precision/recall, rejections right",
  threshold: 95,
  async data() {
    const fixtures = loadTimelines();
    return loadCases().map((c) => {
      const fx = fixtures[c.timeline];
      if (!fx) throw new Error(`instruction ${c.id} names an unknown timeline ${c.timeline}`);
      const e = c.expect;
      const timeline = e.status === "proposed" && e.ops ? applyOperations(fx.timeline, e.ops, { clipDurations: fx.clipDurations }).timeline : fx.timeline;
      const kinds = e.status === "rejected" ? ["rejected"] : [...new Set((e.ops ?? []).map((o) => o.op))];
      return {
        id: c.id,
        title: c.instruction,
        tags: [c.timeline, ...kinds],
        input: { id: c.id, instruction: c.instruction, timelineName: c.timeline, timeline: fx.timeline, clipDurations: fx.clipDurations },
        expected: {
          status: e.status,
          ops: e.ops ?? null,
          timeline,
          reason_contains: e.reason_contains,
          warnings_contains: e.warnings_contains,
          diff_contains: e.diff_contains,
        },
      };
    });
  },
  task: editTask,
  scorers: EDIT_SCORERS,
  artifact: editArtifact,
};
