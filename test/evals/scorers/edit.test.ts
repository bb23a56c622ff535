import { describe, expect, it } from "vitest";
import { makeEditPlan } from "../../../graph/nodes/edit/plan.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { applyOperations } from "../../../core/timeline/ops.js";
import { loadTimelines } from "../../../evals/datasets/edits.js";
import {
  alternativesScorer, canonicalOp, diffWarningsScorer, firstDifference, noDestructiveScorer, matchOps, opPrecisionScorer, opRecallScorer, rejectionScorer, timelineExactScorer, type EditExpected, type EditInput,
} from "../../../evals/scorers/edit.js";
import { offlineContext } from "../helpers.js";

const ctx = offlineContext();
const fx = loadTimelines().ad!;
const input: EditInput = { id: "t", instruction: "swap 2 and 3", timelineName: "ad", timeline: fx.timeline, clipDurations: fx.clipDurations };
const swap: EditOperation = { op: "swap", a: "scene_2", b: "scene_3" };

function plan(ops: EditOperation[], rejection: string | null = null) {
  return makeEditPlan({ id: "edit_t", compositionId: null, instruction: input.instruction, timeline: fx.timeline, interpretation: { operations: ops, warnings: [], rejection }, interpreter: "test", clipDurations: fx.clipDurations, now: () => new Date(0) });
}
const expectedFor = (ops: EditOperation[]): EditExpected => ({ status: "proposed", ops, timeline: applyOperations(fx.timeline, ops, { clipDurations: fx.clipDurations }).timeline });
const run = (s: { score: (a: never) => unknown }, output: ReturnType<typeof plan>, expected: EditExpected) => s.score({ input, output, expected, ctx } as never) as { score: number | null; detail?: string };

describe("edit scorers", () => {
  it("firstDifference names the first differing path, with a numeric tolerance", () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2.0004 }] })).toBeNull();
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe("a[1].b: 2 ≠ 3");
    expect(firstDifference({ a: [1] }, { a: [1, 2] })).toBe("a: 1 items ≠ 2");
    expect(firstDifference({ x: undefined, y: null }, { y: null })).toBeNull();
    expect(firstDifference({ s: "a" }, { s: "b" })).toBe('s: "a" ≠ "b"');
  });

  it("canonical operations: schema defaults applied, a swap's pair in either order", () => {
    expect(canonicalOp({ op: "swap", a: "scene_3", b: "scene_2" })).toBe(canonicalOp(swap));
    expect(canonicalOp({ op: "trim", scene: "scene_1", delta_s: -1 })).toBe(canonicalOp({ op: "trim", scene: "scene_1", delta_s: -1, from: "end" }));
    expect(canonicalOp({ op: "trim", scene: "scene_1", delta_s: -1, from: "start" })).not.toBe(canonicalOp({ op: "trim", scene: "scene_1", delta_s: -1 }));
    expect(matchOps([swap, swap], [swap])).toBe(1);
    expect(matchOps([swap], [swap, { op: "reverse" }])).toBe(1);
  });

  it("a right edit scores 1 everywhere", () => {
    const e = expectedFor([swap]);
    const p = plan([swap]);
    for (const s of [rejectionScorer, timelineExactScorer, opPrecisionScorer, opRecallScorer]) expect(run(s, p, e), s.name).toEqual({ score: 1 });
  });

  it("a wrong edit: status right, timeline wrong, precision and recall 0", () => {
    const e = expectedFor([swap]);
    const p = plan([{ op: "swap", a: "scene_1", b: "scene_3" }]);
    expect(run(rejectionScorer, p, e).score).toBe(1);
    expect(run(timelineExactScorer, p, e)).toMatchObject({ score: 0, detail: expect.stringMatching(/^scenes\[0\]/) });
    expect(run(opPrecisionScorer, p, e).score).toBe(0);
    expect(run(opRecallScorer, p, e).score).toBe(0);
  });

  it("an extra operation lowers precision, not recall; a missing one lowers recall", () => {
    const e = expectedFor([swap, { op: "reverse" }]);
    expect(run(opPrecisionScorer, plan([swap]), e).score).toBe(1);
    expect(run(opRecallScorer, plan([swap]), e).score).toBe(0.5);
    const e1 = expectedFor([swap]);
    expect(run(opPrecisionScorer, plan([swap, { op: "transition", scene: "scene_1", transition: "fade" }]), e1).score).toBe(0.5);
  });

  it("rejections: the status must match, and the reason must say what the table asks", () => {
    const e: EditExpected = { status: "rejected", ops: null, timeline: fx.timeline, reason_contains: "outside" };
    const rejected = plan([{ op: "cta", action: "set", start_s: 28 }]);
    expect(rejected.status).toBe("rejected");
    expect(run(rejectionScorer, rejected, e).score).toBe(1);
    expect(run(timelineExactScorer, rejected, e).score).toBe(1);
    expect(run(rejectionScorer, rejected, { ...e, reason_contains: "too long" }).score).toBe(0.5);
    expect(run(rejectionScorer, plan([swap]), e)).toMatchObject({ score: 0, detail: "proposed, expected rejected" });
    expect(run(opPrecisionScorer, rejected, e).score).toBeNull();
  });

  it("diff and warnings: each expected entry counts; skipped when none are expected", () => {
    const e = expectedFor([swap]);
    expect(run(diffWarningsScorer, plan([swap]), e).score).toBeNull();
    const withDiff = { ...e, diff_contains: [{ kind: "moved", scene_id: "scene_2" }, { kind: "removed", scene_id: "scene_2" }] };
    expect(run(diffWarningsScorer, plan([swap]), withDiff)).toMatchObject({ score: 0.5, detail: "no removed entry for scene_2 in the diff" });
  });

  it("no_destructive_guess fails a plan that removes or shortens more than asked, and passes rejections", () => {
    const halve: EditOperation = { op: "trim", scene: "scene_4", duration_s: 3, from: "end" };
    const e = expectedFor([halve]);
    expect(run(noDestructiveScorer, plan([halve]), e).score).toBe(1);
    expect(run(noDestructiveScorer, plan([{ op: "remove", scene: "scene_4" }]), e)).toEqual({ score: 0, detail: "scene_4 removed" });
    expect(run(noDestructiveScorer, plan([{ op: "trim", scene: "scene_4", duration_s: 2, from: "end" }]), e).score).toBe(0);
    expect(run(noDestructiveScorer, plan([], "no"), e).score).toBe(1);
    const rejected: EditExpected = { status: "rejected", ops: null, timeline: fx.timeline, alternatives: true };
    expect(run(noDestructiveScorer, plan([{ op: "remove", scene: "scene_2" }]), rejected).score).toBe(0);
  });

  it("alternatives: an ambiguous instruction must be rejected with something to offer", () => {
    const e: EditExpected = { status: "rejected", ops: null, timeline: fx.timeline, alternatives: true };
    const offered = { ...plan([], "two readings"), alternatives: ["swap scenes 2 and 3"] };
    expect(run(alternativesScorer, offered, e).score).toBe(1);
    expect(run(alternativesScorer, plan([], "two readings"), e).score).toBe(0);
    expect(run(alternativesScorer, plan([swap]), e).score).toBe(0);
    expect(run(alternativesScorer, plan([swap]), expectedFor([swap])).score).toBeNull();
  });
});
