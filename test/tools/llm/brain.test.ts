import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import { analyzeOffline } from "../../../graph/nodes/analyze/logic.js";
import { createModelBrain, createOfflineBrain, withFallback } from "../../../tools/llm/brain.js";

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 1, text: 1, reasoning: undefined } };
const reply = (text: string) => ({ content: [{ type: "text" as const, text }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] });
const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for Volt e-bikes, bold", brand: { colors: ["#111827"] } });

describe("the brain with a fallback", () => {
  it("uses the offline provider for a step whose model answer stays invalid after the repair round, and says so", async () => {
    const model = new MockLanguageModelV3({ doGenerate: async () => reply("this is not JSON") });
    const brain = withFallback(createModelBrain(model, "mock-1", { fps: 30 }), createOfflineBrain({ fps: 30 }));
    const r = await brain.analyze({ request, audio: null });
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(r.by).toBe("offline");
    expect(r.value).toEqual(analyzeOffline(request, null));
    expect(r.warnings.join(" ")).toMatch(/analyze: llm:mock-1 failed .*offline provider did this step/s);
  });

  it("falls back when the model API itself fails", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error("503 upstream unavailable");
      },
    });
    const brain = withFallback(createModelBrain(model, "mock-2", { fps: 30 }), createOfflineBrain({ fps: 30 }));
    const r = await brain.analyze({ request, audio: null });
    expect(r.by).toBe("offline");
    expect(r.warnings[0]).toContain("503 upstream unavailable");
  });

  it("keeps the model's answer when it is valid", async () => {
    const offline = analyzeOffline(request, null);
    const model = new MockLanguageModelV3({ doGenerate: async () => reply(JSON.stringify({ ...offline, narrative: "A model-written arc from hook to close.", style_hints: [] })) });
    const brain = withFallback(createModelBrain(model, "mock-3", { fps: 30 }), createOfflineBrain({ fps: 30 }));
    const r = await brain.analyze({ request, audio: null });
    expect(r.by).toBe("llm:mock-3");
    expect(r.value.narrative).toBe("A model-written arc from hook to close.");
    expect(r.warnings).toEqual([]);
  });
});
