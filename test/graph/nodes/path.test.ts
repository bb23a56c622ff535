import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import { analyzeOffline } from "../../../graph/nodes/analyze/logic.js";
import { readBrief } from "../../../graph/nodes/analyze/index.js";
import { createStructuredModel } from "../../../tools/llm/structured.js";

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 1, text: 1, reasoning: undefined } };
const reply = (text: string) => ({ content: [{ type: "text" as const, text }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] });
const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for Volt e-bikes, bold", brand: { colors: ["#111827"] } });

describe("a node's model-or-offline path", () => {
  it("uses the offline provider for a step whose model answer stays invalid after the repair round, and says so", async () => {
    const model = new MockLanguageModelV3({ doGenerate: async () => reply("this is not JSON") });
    const r = await readBrief({ request, audio: null }, createStructuredModel(model, "mock-1"));
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
    const r = await readBrief({ request, audio: null }, createStructuredModel(model, "mock-2"));
    expect(r.by).toBe("offline");
    expect(r.warnings[0]).toContain("503 upstream unavailable");
  });

  it("keeps the model's answer when it is valid", async () => {
    const offline = analyzeOffline(request, null);
    const model = new MockLanguageModelV3({ doGenerate: async () => reply(JSON.stringify({ ...offline, narrative: "A model-written arc from hook to close.", style_hints: [] })) });
    const r = await readBrief({ request, audio: null }, createStructuredModel(model, "mock-3"));
    expect(r.by).toBe("llm:mock-3");
    expect(r.value.narrative).toBe("A model-written arc from hook to close.");
    expect(r.warnings).toEqual([]);
  });
});

describe("without a configured model", () => {
  it("takes the offline path and never calls a model", async () => {
    const r = await readBrief({ request, audio: null }, null);
    expect(r.by).toBe("offline");
    expect(r.value).toEqual(analyzeOffline(request, null));
  });

  it("throws the model's failure instead of falling back when asked to (the evals score the model alone)", async () => {
    const model = new MockLanguageModelV3({ doGenerate: async () => reply("this is not JSON") });
    await expect(readBrief({ request, audio: null }, createStructuredModel(model, "mock-4"), { fallback: false })).rejects.toThrow(/unusable answer/);
  });
});
