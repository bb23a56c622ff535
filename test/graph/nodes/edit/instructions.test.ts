import { describe, expect, it } from "vitest";
import { interpretOffline } from "../../../../graph/nodes/edit/interpret.js";
import { makeEditPlan } from "../../../../graph/nodes/edit/plan.js";
import { EditPlanSchema } from "../../../../core/schemas/edit.js";
import { checkTimeline } from "../../../../core/timeline/invariants.js";
import type { Timeline } from "../../../../core/timeline/schema.js";
import { loadCases, loadTimelines, type InstructionCase } from "../../../../evals/datasets/edits.js";

const timelines = loadTimelines();
const cases = loadCases();

function planFor(c: InstructionCase) {
  const fx = timelines[c.timeline]!;
  const interpretation = interpretOffline(c.instruction, fx.timeline);
  return makeEditPlan({
    id: `edit_${c.id}`,
    compositionId: "comp_1",
    instruction: c.instruction,
    timeline: fx.timeline,
    interpretation,
    interpreter: "offline",
    clipDurations: fx.clipDurations,
    now: () => new Date(0),
  });
}

function sceneNumber(id: string): number {
  return Number(/^scene_(\d+)$/.exec(id)?.[1] ?? NaN);
}

/** The contract's invariants plus id stability: kept ids keep their clip (or lose it to a regeneration), new ids are new. */
function expectSound(before: Timeline, after: Timeline) {
  expect(checkTimeline(after)).toEqual([]);
  expect(after.version).toBe(before.version);
  const ids = after.scenes.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  const old = new Map(before.scenes.map((s) => [s.id, s]));
  const highest = Math.max(...before.scenes.map((s) => sceneNumber(s.id)));
  for (const s of after.scenes) {
    const was = old.get(s.id);
    if (was) expect([was.clip_id, null]).toContain(s.clip_id);
    else expect(sceneNumber(s.id)).toBeGreaterThan(highest);
  }
}

describe("instruction table (test/fixtures/edits/instructions.json)", () => {
  it("has at least 120 cases over the fixture timelines, unique ids, every operation type", () => {
    expect(cases.length).toBeGreaterThanOrEqual(120);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.timeline))).toEqual(new Set(Object.keys(timelines)));
    const kinds = new Set(cases.flatMap((c) => (c.expect.status === "proposed" ? (c.expect.ops ?? []).map((o) => o.op) : [])));
    for (const op of ["swap", "move", "reverse", "remove", "trim", "speed", "crop", "cta", "transition", "regenerate", "duplicate", "grade"]) expect(kinds).toContain(op);
    expect(cases.filter((c) => c.expect.status === "rejected").length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [`${c.id}: ${c.instruction}`, c] as const))("%s", (_name, c) => {
    const fx = timelines[c.timeline]!;
    const snapshot = structuredClone(fx.timeline);
    const plan = planFor(c);
    const e = c.expect;
    expect(fx.timeline, "the input timeline is not mutated").toEqual(snapshot);
    expect(EditPlanSchema.safeParse(plan).success).toBe(true);
    expect(plan.status, plan.reason ?? "").toBe(e.status);
    expect(plan.base_version).toBe(fx.timeline.version);
    if (e.ops) expect(plan.operations).toEqual(e.ops);
    for (const w of e.warnings_contains ?? []) expect(plan.warnings.join("\n")).toContain(w);

    if (e.status === "rejected") {
      expect(plan.timeline_after).toEqual(plan.timeline_before);
      expect(plan.timeline_after).toEqual(fx.timeline);
      expect(plan.diff).toEqual([]);
      expect(plan.reason).toBeTruthy();
      if (e.reason_contains) expect(plan.reason).toContain(e.reason_contains);
      return;
    }
    const after = plan.timeline_after;
    expect(plan.reason).toBeNull();
    expectSound(fx.timeline, after);
    expect(plan.diff.length).toBeGreaterThan(0);
    for (const d of plan.diff) expect(d.summary.length).toBeGreaterThan(5);
    if (e.scenes) {
      expect(after.scenes.map((s) => s.id)).toEqual(e.scenes.map((s) => s.id));
      e.scenes.forEach((want, i) => {
        const got = after.scenes[i]! as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(want)) {
          if (typeof value === "number") expect(got[key], `${want.id}.${key}`).toBeCloseTo(value, 3);
          else expect(got[key], `${want.id}.${key}`).toEqual(value);
        }
      });
    }
    if (e.cta !== undefined) expect(after.cta).toEqual(e.cta);
    if (e.output) expect({ width: after.width, height: after.height }).toEqual(e.output);
    for (const d of e.diff_contains ?? []) expect(plan.diff.map((x) => ({ kind: x.kind, scene_id: x.scene_id }))).toContainEqual(d);
  });
});
