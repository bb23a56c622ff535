import type { EditPlan } from "../../core/schemas/edit.js";
import { applyOperations } from "../../core/timeline/ops.js";
import { loadTimelines } from "../datasets/edits.js";
import type { Suite } from "../core/types.js";
import { loadParaphrases, type ParaphraseSlice } from "../datasets/paraphrases.js";
import { editArtifact, editTask } from "./edit.js";
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
    task: editTask,
    scorers: PARAPHRASE_SCORERS,
    artifact: editArtifact,
  };
}

export const editParaphraseSuite = paraphraseSuite("edit-paraphrase", ["dev", "heldout", "heldout-b", "heldout-c"]);
