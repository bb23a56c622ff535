import { describe, expect, it } from "vitest";
import { checkOperations, repairOperations } from "../../../../graph/nodes/edit/checks.js";
import { interpretOffline } from "../../../../graph/nodes/edit/interpret.js";
import { makeEditPlan } from "../../../../graph/nodes/edit/plan.js";
import { EditPlanSchema } from "../../../../core/schemas/edit.js";
import { renderEditPrompt, renderTimelineListing } from "../../../../prompts/edit.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const fx = loadTimelines();
const ad = fx.ad!;

const plan = (instruction: string, extra: Partial<Parameters<typeof makeEditPlan>[0]> = {}) =>
  makeEditPlan({
    id: "edit_7",
    compositionId: "comp_3",
    instruction,
    timeline: ad.timeline,
    interpretation: interpretOffline(instruction, ad.timeline),
    interpreter: "offline",
    clipDurations: ad.clipDurations,
    now: () => new Date("2024-05-01T10:00:00Z"),
    ...extra,
  });

describe("makeEditPlan", () => {
  it("proposes a plan with the contract's fields", () => {
    const p = plan("swap the second and third scenes and end on the logo");
    expect(EditPlanSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({
      id: "edit_7",
      composition_id: "comp_3",
      base_version: 3,
      instruction: "swap the second and third scenes and end on the logo",
      status: "proposed",
      reason: null,
      interpreter: "offline",
      result_version: null,
      created_at: "2024-05-01T10:00:00.000Z",
      warnings: [],
    });
    expect(p.timeline_before).toBe(ad.timeline);
    expect(p.diff.map((d) => d.summary)).toEqual(["scene_3 moved from #3 to #2", "scene_2 moved from #2 to #3"]);
  });

  it("rejects with the interpreter's reason and leaves the timeline as it was", () => {
    const p = plan("delete scene 9");
    expect(p).toMatchObject({ status: "rejected", reason: "there is no scene 9 (the video has 5 scenes)", diff: [] });
    expect(p.timeline_after).toEqual(ad.timeline);
  });

  it("quotes at most 80 characters of an instruction it cannot read", () => {
    const p = plan(`blorp ${"x".repeat(500)}`);
    expect(p.status).toBe("rejected");
    const quoted = /^could not understand “(blorp x+…)”\. I can /.exec(p.reason!);
    expect(quoted?.[1]!.length).toBeLessThanOrEqual(80);
    expect(p.reason).toMatch(/e\.g\. “swap scenes 2 and 3”/);
  });

  it("rejects operations that cannot be applied, an empty list and a no-op", () => {
    const bad = makeEditPlan({
      id: "e",
      compositionId: null,
      instruction: "x",
      timeline: ad.timeline,
      interpretation: { operations: [{ op: "cta", action: "set", start_s: 29 }], warnings: ["w"], rejection: null },
      interpreter: "llm:test",
    });
    expect(bad).toMatchObject({ status: "rejected", reason: "the CTA (29–33 s) would lie outside the video (0–30 s)", warnings: ["w"], composition_id: null });
    const none = makeEditPlan({ id: "e", compositionId: null, instruction: "x", timeline: ad.timeline, interpretation: { operations: [], warnings: [], rejection: null }, interpreter: "offline" });
    expect(none.reason).toBe("the instruction asks for no edit");
    const noop = makeEditPlan({
      id: "e",
      compositionId: null,
      instruction: "x",
      timeline: ad.timeline,
      interpretation: { operations: [{ op: "transition", scene: "scene_5", transition: "fade" }], warnings: [], rejection: null },
      interpreter: "offline",
    });
    expect(noop.reason).toBe("the edit changes nothing");
  });

  it("lists what the interpreter repaired and what applying adjusted", () => {
    const p = plan("extnd scene 1 by 4 seconds");
    expect(p.status).toBe("proposed");
    expect(p.warnings).toEqual(["read “extnd” as “extend”", "scene_1 can only be 8 s long: its clip clip_1 has 8 s"]);
  });

  it("uses clip lengths only when given", () => {
    const p = plan("extend scene 1 by 4 seconds", { clipDurations: undefined });
    expect(p.timeline_after.scenes[0]!.duration_s).toBe(10);
    expect(p.warnings[0]).toMatch(/clip's length is unknown/);
  });
});

describe("checkOperations / repairOperations", () => {
  it("lists every problem against the timeline as each operation would meet it", () => {
    expect(
      checkOperations(
        [
          { op: "remove", scene: "scene_2" },
          { op: "swap", a: "scene_2", b: "scene_3" },
          { op: "speed", scene: "scene_1", factor: -1 },
          { op: "duplicate", scene: "scene_1" },
          { op: "trim", scene: "scene_6", duration_s: 2, from: "end" },
        ],
        ad.timeline,
      ),
    ).toEqual([
      'operation 2 (swap): there is no scene "scene_2" (the scenes are scene_1, scene_3, scene_4, scene_5)',
      "operation 3 (speed): a speed factor must be more than 0 (got -1)",
    ]);
    expect(checkOperations([{ op: "reverse" }], ad.timeline)).toEqual([]);
  });

  it("repairs references by position or spelling, doubled trim fields and CTA overruns", () => {
    const r = repairOperations(
      [
        { op: "swap", a: "Scene 2", b: "#4" },
        { op: "trim", scene: "scene-3", duration_s: 4, delta_s: -1, from: "end" },
        { op: "cta", action: "set", start_s: 28 },
        { op: "remove", scene: "the bonfire" },
      ],
      ad.timeline,
    );
    expect(r.ops).toEqual([
      { op: "swap", a: "scene_2", b: "scene_4" },
      { op: "trim", scene: "scene_3", duration_s: 4, from: "end" },
      { op: "cta", action: "set", start_s: 23 },
      { op: "remove", scene: "the bonfire" },
    ]);
    expect(r.repairs).toHaveLength(5);
    expect(checkOperations(r.ops, ad.timeline)).toEqual(['operation 4 (remove): there is no scene "the bonfire" (the scenes are scene_1, scene_4, scene_3, scene_2, scene_5)']);
  });
});

describe("prompts/edit", () => {
  it("lists scenes, CTA and bars compactly", () => {
    expect(renderTimelineListing(fx.music!.timeline).split("\n")).toEqual([
      "Video: 32 s, 1280×720 (16:9), 30 fps, 5 scenes.",
      '#1 scene_1: 0 s–4 s (4 s), purpose intro, 2 bars — "Close-up of a vinyl record spinning under a neon glow"',
      '#2 scene_2: 4 s–12 s (8 s), purpose verse, 4 bars — "Singer walking through a rainy alley at night, neon reflections"',
      '#3 scene_3: 12 s–20 s (8 s), purpose chorus, 4 bars — "Crowd dancing in a warehouse with strobe lights"',
      '#4 scene_4: 20 s–24 s (4 s), purpose bridge, 2 bars — "Slow-motion silhouette against a pink sunset sky"',
      '#5 scene_5: 24 s–32 s (8 s), purpose chorus, 4 bars — "Band playing on a rooftop under fireworks"',
      "CTA: none",
      "Music: 120 bpm, one bar = 2 s, 16 bar starts from 0 s; cuts stay on bar starts.",
    ]);
    const promo = renderEditPrompt({ instruction: "make it square", timeline: fx.promo!.timeline });
    expect(promo).toContain("#1 scene_1: 0 s–3 s (3 s), speed 2×, crop 1:1");
    expect(promo).toContain("#2 scene_2: 3 s–8 s (5 s), clip from 0.5 s, enters with dissolve");
    expect(promo.endsWith('Instruction: "make it square"')).toBe(true);
  });
});
