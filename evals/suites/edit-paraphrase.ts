import { makeEditPlan } from "../../graph/nodes/edit/plan.js";
import type { EditPlan } from "../../core/schemas/edit.js";
import { applyOperations } from "../../core/timeline/ops.js";
import { loadTimelines } from "../datasets/edits.js";
import type { Suite } from "../core/types.js";
import { loadParaphrases, type ParaphraseSlice } from "../datasets/paraphrases.js";
import { PARAPHRASE_SCORERS, type EditExpected, type EditInput } from "../scorers/edit.js";

/**
 * edit-paraphrase: instructions phrased apart from the rules, scored like the table (exact
 * timeline, operations) plus two guards: an ambiguous instruction is rejected with
 * alternatives, and no plan removes or shortens more than was asked. Each slice is a tag
 * (`dev`, `heldout`, `heldout-b`, `heldout-c`) so the held-out scores are reported on their own.
 */
function paraphraseSuite(name: string, slices: ParaphraseSlice[]): Suite<EditInput, EditPlan, EditExpected> {
  return {
    name,
    description: "Edit instructions phrased apart from the rules (verbs, word order, units, typos, languages): exact timeline, no destructive guess",
    threshold: 90,
    async data() {
      const fixtures = loadTimelines();
      return slices.flatMap((slice) =>
        loadParaphrases(slice).map((c) => {
          const fx = fixtures[c.timeline]!;
          const e = c.expect;
          const timeline = e.status === "proposed" && e.ops ? applyOperations(fx.timeline, e.ops, { clipDurations: fx.clipDurations }).timeline : fx.timeline;
          const id = slice === "dev" ? c.id : `${slice}-${c.id}`;
          return {
            id,
            title: c.instruction,
            tags: [slice, c.category.replace(/^h-/, ""), c.timeline, c.lang === "en" ? "english" : "non_english", ...(c.lang === "en" ? [] : [c.lang])],
            input: { id, instruction: c.instruction, timelineName: c.timeline, timeline: fx.timeline, clipDurations: fx.clipDurations },
            expected: { status: e.status, ops: e.ops ?? null, timeline, alternatives: e.alternatives ?? false },
          };
        }),
      );
    },
    async task(input, ctx) {
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
    },
    scorers: PARAPHRASE_SCORERS,
    artifact: ({ output, expected }) => ({
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
    }),
  };
}

export const editParaphraseSuite = paraphraseSuite("edit-paraphrase", ["dev", "heldout", "heldout-b", "heldout-c"]);
