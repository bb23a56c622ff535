import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { StructuredModel } from "../../../../graph/ports.js";
import { interpretOffline } from "../../../../graph/nodes/edit/interpret.js";
import { makeEditPlan } from "../../../../graph/nodes/edit/plan.js";
import { chooseEditPath } from "../../../../graph/nodes/edit/route.js";
import { interpretInstruction } from "../../../../graph/nodes/edit/index.js";
import type { ModelEditAnswer } from "../../../../graph/nodes/edit/schema.js";
import { createStructuredModel } from "../../../../tools/llm/structured.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const { ad } = loadTimelines() as { ad: ReturnType<typeof loadTimelines>[string] };

/** A model that answers with the scripted objects in turn (or fails), recording its calls. */
function model(...answers: Array<ModelEditAnswer | Error>) {
  let i = 0;
  return new MockLanguageModelV3({
    doGenerate: async () => {
      const a = answers[i++];
      if (!a) throw new Error("no more scripted answers");
      if (a instanceof Error) throw a;
      return {
        content: [{ type: "text" as const, text: JSON.stringify(a) }],
        finishReason: { unified: "stop" as const, raw: "stop" },
        usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } },
        warnings: [],
      };
    },
  });
}

const remove2: ModelEditAnswer = { operations: [{ op: "remove", scene: "scene_2" }], warnings: [], rejection: null };

const withModel = (m: MockLanguageModelV3) => createStructuredModel(m, "mock-1", { maxRetries: 0 });
const pathOf = (by: string) => (by === "offline" ? "offline" : "model");

describe("chooseEditPath", () => {
  it("stays offline without a model, for a sure reading, and for an ambiguous one; asks the model otherwise", () => {
    const sure = interpretOffline("swap scenes 2 and 3", ad.timeline);
    const ambiguous = interpretOffline("put scene 5 where scene 2 is", ad.timeline);
    const unread = interpretOffline("blorp the flibber", ad.timeline);
    expect(chooseEditPath(unread, false).path).toBe("offline");
    expect(chooseEditPath(sure, true).path).toBe("offline");
    expect(chooseEditPath(ambiguous, true).path).toBe("offline");
    expect(chooseEditPath(unread, true)).toEqual({ path: "model", reason: "the offline interpreter could not read it" });
    expect(chooseEditPath({ ...sure, confidence: 0.4 }, true).path).toBe("model");
  });
});

describe("interpretInstruction (the edit node's path)", () => {
  it("does not call the model when the offline reading is sure", async () => {
    const m = model(remove2);
    const r = await interpretInstruction({ instruction: "cut the kitchen scene in half", timeline: ad.timeline }, withModel(m));
    expect(m.doGenerateCalls).toHaveLength(0);
    expect(pathOf(r.by)).toBe("offline");
    expect(r.by).toBe("offline");
    expect(r.value.operations).toEqual([{ op: "trim", scene: "scene_4", duration_s: 3, from: "end" }]);
  });

  it("sends what the offline interpreter cannot read to the model, and the plan says so", async () => {
    const m = model(remove2);
    const instruction = "yeet the campfire bit into oblivion";
    const r = await interpretInstruction({ instruction, timeline: ad.timeline }, withModel(m));
    expect(m.doGenerateCalls).toHaveLength(1);
    expect(pathOf(r.by)).toBe("model");
    expect(r.by).toBe("llm:mock-1");
    expect(r.warnings[0]).toMatch(/could not read it; asked llm:mock-1/);
    const plan = makeEditPlan({ id: "e", compositionId: null, instruction, timeline: ad.timeline, interpretation: r.value, interpreter: r.by });
    expect(plan.status).toBe("proposed");
    expect(plan.path).toBe("model");
    expect(plan.interpreter).toBe("llm:mock-1");
  });

  it("falls back to the offline reading when the model call fails", async () => {
    const m = model(new Error("502 bad gateway"));
    const r = await interpretInstruction({ instruction: "blorp the flibber", timeline: ad.timeline }, withModel(m));
    expect(m.doGenerateCalls.length).toBeGreaterThanOrEqual(1);
    expect(pathOf(r.by)).toBe("offline");
    expect(r.value.rejection).toMatch(/could not understand/);
    expect(r.warnings.join(" ")).toMatch(/offline provider did this step/);
  });

  it("keeps an ambiguous instruction offline, rejected with its readings as alternatives", async () => {
    const calls: string[] = [];
    const fake: StructuredModel = {
      name: "llm:fake",
      generate: async (call) => {
        calls.push(call.prompt);
        throw new Error("the model must not be asked");
      },
    };
    const r = await interpretInstruction({ instruction: "replace scene 2 with scene 4", timeline: ad.timeline }, fake);
    expect(calls).toEqual([]);
    expect(r.value.rejection).toMatch(/swapping the two scenes or moving scene 4 to position 2/);
    expect(r.value.alternatives).toEqual(["swap scenes 4 and 2", "move scene 4 to position 2", "remove scene 2 and move scene 4 to position 2"]);
  });
});
