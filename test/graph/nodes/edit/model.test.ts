import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { MockLanguageModelV3 } from "ai/test";
import { createStructuredModel } from "../../../../tools/llm/structured.js";
import { describe, expect, it } from "vitest";
import { interpretWithModel } from "../../../../graph/nodes/edit/model.js";
import { makeEditPlan } from "../../../../graph/nodes/edit/plan.js";
import { toEditOperations, type ModelEditAnswer } from "../../../../graph/nodes/edit/schema.js";
import { EDIT_SYSTEM } from "../../../../prompts/edit.js";
import { LlmCallError } from "../../../../graph/errors.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const { ad } = loadTimelines() as { ad: ReturnType<typeof loadTimelines>[string] };

/** A mock model that answers with the scripted objects in turn and records every call. */
function scripted(...answers: Array<ModelEditAnswer | string>) {
  return new MockLanguageModelV3({
    doGenerate: answers.map((a) => ({
      content: [{ type: "text" as const, text: typeof a === "string" ? a : JSON.stringify(a) }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } },
      warnings: [],
    })),
  });
}

function userText(call: LanguageModelV3CallOptions): string {
  const user = call.prompt.find((m) => m.role === "user");
  if (!user || typeof user.content === "string") return "";
  return user.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function systemText(call: LanguageModelV3CallOptions): string {
  const system = call.prompt.find((m) => m.role === "system");
  return system && typeof system.content === "string" ? system.content : "";
}

const input = { instruction: "swap the first two scenes and make the CTA 5 seconds", timeline: ad.timeline };
const good: ModelEditAnswer = {
  operations: [
    { op: "swap", a: "scene_1", b: "scene_2" },
    { op: "cta", action: "set", text: null, start_s: null, duration_s: 5 },
  ],
  warnings: [],
  rejection: null,
};

describe("interpretWithModel", () => {
  it("sends the system text and a timeline listing, and returns the operations", async () => {
    const model = scripted(good);
    const out = await interpretWithModel(createStructuredModel(model, "mock"), input);
    expect(out).toEqual({
      operations: [
        { op: "swap", a: "scene_1", b: "scene_2" },
        { op: "cta", action: "set", duration_s: 5 },
      ],
      warnings: [],
      rejection: null,
      repaired: [],
    });
    expect(model.doGenerateCalls).toHaveLength(1);
    const call = model.doGenerateCalls[0]!;
    expect(systemText(call)).toBe(EDIT_SYSTEM);
    const prompt = userText(call);
    expect(prompt).toContain('#2 scene_2: 6 s–11 s (5 s), purpose mood — "A bonfire crackling on the sand at dusk, sparks rising, close-up"');
    expect(prompt).toContain('CTA: "Shop now" 26 s–30 s (4 s, closes the video)');
    expect(prompt).toContain("Music: none");
    expect(prompt).toContain(`Instruction: "${input.instruction}"`);
    expect(call.responseFormat).toMatchObject({ type: "json" });
  });

  it("sends an inconsistent plan back once with its problems listed, then uses the corrected one", async () => {
    const bad: ModelEditAnswer = { ...good, operations: [{ op: "remove", scene: "scene_9" }, { op: "trim", scene: "scene_2", duration_s: -1, delta_s: null, from: "end" }] };
    const model = scripted(bad, good);
    const out = await interpretWithModel(createStructuredModel(model, "mock"), input);
    expect(out.operations).toEqual(toEditOperations(good));
    expect(out.rejection).toBeNull();
    expect(out.repaired).toEqual([
      'operation 1 (remove): there is no scene "scene_9" (the scenes are scene_1, scene_2, scene_3, scene_4, scene_5)',
      "operation 2 (trim): scene_2 cannot last -1 s: a length must be more than 0",
    ]);
    expect(model.doGenerateCalls).toHaveLength(2);
    const second = userText(model.doGenerateCalls[1]!);
    expect(second).toContain("Your previous answer could not be used:");
    expect(second).toContain('- operation 1 (remove): there is no scene "scene_9"');
    expect(second).toContain("- operation 2 (trim): scene_2 cannot last -1 s");
    expect(second).toContain('"scene":"scene_9"');
    expect(userText(model.doGenerateCalls[0]!)).not.toContain("previous answer");
  });

  it("repairs what it can after a second inconsistent answer (positions instead of ids) and says so", async () => {
    const positional: ModelEditAnswer = {
      operations: [
        { op: "swap", a: "1", b: "scene 2" },
        { op: "move", scene: "#5", position: 1, to: "start", before: null, after: null },
      ],
      warnings: ["read “swpa” as “swap”"],
      rejection: null,
    };
    const model = scripted(positional, positional);
    const out = await interpretWithModel(createStructuredModel(model, "mock"), input);
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(out.rejection).toBeNull();
    expect(out.operations).toEqual([
      { op: "swap", a: "scene_1", b: "scene_2" },
      { op: "move", scene: "scene_5", position: 1 },
    ]);
    expect(out.warnings[0]).toBe("read “swpa” as “swap”");
    expect(out.warnings.join("\n")).toContain("read scene reference “1” as scene_1");
    expect(out.warnings.join("\n")).toContain("a move had 2 targets");
    expect(out.repaired.length).toBeGreaterThan(0);
  });

  it("rejects when the plan is still inconsistent after the repair round", async () => {
    const empty: ModelEditAnswer = { operations: ["scene_1", "scene_2", "scene_3", "scene_4", "scene_5"].map((scene) => ({ op: "remove" as const, scene })), warnings: [], rejection: null };
    const model = scripted(empty, empty);
    const out = await interpretWithModel(createStructuredModel(model, "mock"), { instruction: "delete everything", timeline: ad.timeline });
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(out.operations).toEqual([]);
    expect(out.rejection).toContain("even after one correction");
    expect(out.rejection).toContain("removing scene_5 would leave the video empty");
    const plan = makeEditPlan({ id: "edit_1", compositionId: null, instruction: "delete everything", timeline: ad.timeline, interpretation: out, interpreter: "llm:mock" });
    expect(plan.status).toBe("rejected");
    expect(plan.timeline_after).toEqual(ad.timeline);
  });

  it("passes the model's own rejection through", async () => {
    const model = scripted({ operations: [], warnings: [], rejection: "there is no scene 9" });
    const out = await interpretWithModel(createStructuredModel(model, "mock"), { instruction: "delete scene 9", timeline: ad.timeline });
    expect(out).toEqual({ operations: [], warnings: [], rejection: "there is no scene 9", repaired: [] });
  });

  it("asks again when the answer has neither operations nor a rejection, or is not valid JSON", async () => {
    const nothing = scripted({ operations: [], warnings: [], rejection: null }, good);
    expect((await interpretWithModel(createStructuredModel(nothing, "mock"), input)).repaired[0]).toMatch(/no operations and no rejection/);
    const broken = scripted("{not json", good);
    const out = await interpretWithModel(createStructuredModel(broken, "mock"), input);
    expect(out.operations).toEqual(toEditOperations(good));
    expect(broken.doGenerateCalls).toHaveLength(2);
  });

  it("lets a failing model call surface as LlmCallError", async () => {
    const failing = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error("connection refused");
      },
    });
    await expect(interpretWithModel(createStructuredModel(failing, "mock", { maxRetries: 0 }), input)).rejects.toBeInstanceOf(LlmCallError);
  });

  it("feeds makeEditPlan like the offline interpreter does", async () => {
    const out = await interpretWithModel(createStructuredModel(scripted(good), "mock"), input);
    const plan = makeEditPlan({ id: "edit_2", compositionId: "comp_1", instruction: input.instruction, timeline: ad.timeline, interpretation: out, interpreter: "llm:mock", now: () => new Date(0) });
    expect(plan.status).toBe("proposed");
    expect(plan.interpreter).toBe("llm:mock");
    expect(plan.timeline_after.scenes.map((s) => s.id)).toEqual(["scene_2", "scene_1", "scene_3", "scene_4", "scene_5"]);
    expect(plan.timeline_after.cta).toEqual({ text: "Shop now", start_s: 25, duration_s: 5 });
  });
});
