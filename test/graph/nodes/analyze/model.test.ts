import { MockLanguageModelV3 } from "ai/test";
import { createStructuredModel } from "../../../../tools/llm/structured.js";
import { describe, expect, it } from "vitest";
import { analyzeWithModel } from "../../../../graph/nodes/analyze/model.js";
import type { AnalyzeOutput } from "../../../../graph/nodes/analyze/schema.js";
import { AnalysisSchema } from "../../../../core/schemas/analysis.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { system } from "../../../../prompts/analyze.js";
import { LlmOutputError } from "../../../../graph/errors.js";

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (value: unknown) => ({
  content: [{ type: "text" as const, text: typeof value === "string" ? value : JSON.stringify(value) }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage,
  warnings: [],
});
const userText = (call: { prompt: { role: string; content: unknown }[] }) =>
  call.prompt.filter((m) => m.role === "user").flatMap((m) => (m.content as { type: string; text?: string }[]).map((p) => p.text ?? "")).join("\n");

const request = GenerationRequestSchema.parse({
  pipeline: "ad",
  prompt: "45s ad for an oat-milk cold brew called Oatly Chill, playful, navy and amber",
  duration_s: 20,
  brand: { colors: ["#112233"], cta: { text: "Shop now", duration_s: 3 } },
});

const good: AnalyzeOutput = {
  product: "oat-milk cold brew",
  narrative: "Open on a sweating can, show the first sip, close on the pack.",
  audience: "Gen Z coffee drinkers",
  tone: "playful, upbeat",
  pacing: "fast",
  duration_s: 45,
  language: "EN",
  brand: { name: "Oatly Chill", colors: ["#1E3A8A", "#F59E0B"], cta: null },
  style_hints: ["bright"],
  key_messages: ["cold brew without the dairy"],
  assumptions: [{ topic: "Audience", assumption: "Gen Z coffee drinkers" }],
  warnings: ["the brief says 45 s, the request 20 s"],
};

describe("analyzeWithModel", () => {
  it("maps a valid answer, letting the request's facts win", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply(good)] });
    const r = await analyzeWithModel(createStructuredModel(model, "mock"), { request, audio: null });
    expect(() => AnalysisSchema.parse(r.value)).not.toThrow();
    expect(r.repaired).toEqual([]);
    expect(r.value.duration_s).toBe(20);
    expect(r.value.language).toBe("en");
    expect(r.value.brand).toEqual({ name: "Oatly Chill", colors: ["#112233", "#1E3A8A", "#F59E0B"], cta: { text: "Shop now", duration_s: 3 } });
    expect(r.adjusted.join("\n")).toMatch(/duration: 20 s instead of the model's 45 s/);
    // the model covered the audience; the setting (and the pacing) it left unstated are added
    const topics = r.value.assumptions.map((a) => a.topic);
    expect(topics.filter((t) => /audience/i.test(t))).toHaveLength(1);
    expect(topics).toContain("setting");
    expect(r.value.assumptions.find((a) => a.topic === "pacing")?.assumption).toMatch(/fast pacing/);

    const call = model.doGenerateCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: "system", content: system });
    expect(userText(call)).toContain("Oatly Chill");
    expect(userText(call)).toContain("20 s (binding)");
    expect(call.responseFormat?.type).toBe("json");
  });

  it("sends an invalid answer back once and uses the repaired one", async () => {
    const bad = { ...good, brand: { ...good.brand, colors: ["navy"] } };
    const model = new MockLanguageModelV3({ doGenerate: [reply(bad), reply(good)] });
    const r = await analyzeWithModel(createStructuredModel(model, "mock"), { request, audio: null });
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(r.repaired.join()).toMatch(/brand\.colors\.0/);
    expect(userText(model.doGenerateCalls[1]!)).toMatch(/could not be used:\n- brand\.colors\.0/);
    expect(r.value.brand.colors[0]).toBe("#112233");
  });

  it("gives up with LlmOutputError after a second invalid answer", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply("{\"product\": 3}"), reply("not json at all")] });
    const error = await analyzeWithModel(createStructuredModel(model, "mock"), { request, audio: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).task).toBe("analyze");
    expect((error as LlmOutputError).model).toBe("mock");
    expect(model.doGenerateCalls).toHaveLength(2);
  });
});
