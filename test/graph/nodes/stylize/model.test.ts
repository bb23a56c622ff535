import { MockLanguageModelV3 } from "ai/test";
import { createStructuredModel } from "../../../../tools/llm/structured.js";
import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { checkStyle } from "../../../../graph/nodes/stylize/logic.js";
import { stylizeWithModel } from "../../../../graph/nodes/stylize/model.js";
import type { StyleOutput } from "../../../../graph/nodes/stylize/schema.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { StyleGuideSchema } from "../../../../core/schemas/style.js";
import { system } from "../../../../prompts/stylize.js";
import { LlmOutputError } from "../../../../graph/errors.js";

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (value: unknown) => ({
  content: [{ type: "text" as const, text: JSON.stringify(value) }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage,
  warnings: [],
});
const userText = (call: { prompt: { role: string; content: unknown }[] }) =>
  call.prompt.filter((m) => m.role === "user").flatMap((m) => (m.content as { text?: string }[]).map((p) => p.text ?? "")).join("\n");

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for an oat-milk cold brew called Oatly Chill, brand colours #1E3A8A and #F59E0B" });
const analysis = analyzeOffline(request, null);
const storyboard = planOffline(request, analysis, null);

const good: StyleOutput = {
  palette: ["#FFFFFF", "#1E3A8A", "#F59E0B"],
  lighting: "soft morning window light",
  environment: "a sunlit café counter",
  camera: "50mm, gentle push-ins",
  texture: "clean digital finish",
  mood: "playful, fresh",
  anchors: ["the oat-milk carton with a navy label", "soft amber rim light"],
  negative: ["watermarks"],
  resolved_conflicts: [],
};

describe("stylizeWithModel", () => {
  it("puts the brand colours first whatever the model answered", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply(good)] });
    const r = await stylizeWithModel(createStructuredModel(model, "mock"), { request, analysis, storyboard });
    expect(() => StyleGuideSchema.parse(r.value)).not.toThrow();
    expect(r.value.palette).toEqual(["#1E3A8A", "#F59E0B", "#FFFFFF"]);
    expect(r.adjusted).toContain("palette: brand colours moved to the front");
    expect(checkStyle(r.value, analysis)).toEqual([]);
    expect(model.doGenerateCalls[0]!.prompt[0]).toEqual({ role: "system", content: system });
    expect(userText(model.doGenerateCalls[0]!)).toContain("first in the palette, in this order): #1E3A8A, #F59E0B");
  });

  it("sends contradictory style terms back once", async () => {
    const contradictory = { ...good, lighting: "low-key, moody light", mood: "bright and airy" };
    const model = new MockLanguageModelV3({ doGenerate: [reply(contradictory), reply(good)] });
    const r = await stylizeWithModel(createStructuredModel(model, "mock"), { request, analysis, storyboard });
    expect(r.repaired.join()).toMatch(/dark vs bright lighting/);
    expect(r.value.lighting).toBe(good.lighting);
  });

  it("gives up with LlmOutputError after a second invalid answer", async () => {
    const oneAnchor = { ...good, anchors: ["only one"] };
    const model = new MockLanguageModelV3({ doGenerate: [reply(oneAnchor), reply(oneAnchor)] });
    const error = await stylizeWithModel(createStructuredModel(model, "mock"), { request, analysis, storyboard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).problems.join()).toMatch(/anchors/);
  });
});
