import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LlmCallError, LlmOutputError } from "../../../graph/errors.js";
import { generateStructured } from "../../../tools/llm/structured.js";

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (text: string) => ({ content: [{ type: "text" as const, text }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] });
const userText = (call: { prompt: { role: string; content: unknown }[] }) =>
  call.prompt.filter((m) => m.role === "user").flatMap((m) => (m.content as { text?: string }[]).map((p) => p.text ?? "")).join("\n");

const Schema = z.object({ scenes: z.number().int().min(1).describe("How many scenes"), title: z.string() });
const call = (model: MockLanguageModelV3, check?: (v: z.infer<typeof Schema>) => string[]) =>
  generateStructured({ task: "test", model, modelName: "mock", schema: Schema, system: "Be brief.", prompt: "Plan it.", check, maxRetries: 0 });

describe("generateStructured", () => {
  it("returns a valid answer and sends the schema as the response format", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply('{"scenes": 4, "title": "Chill"}')] });
    const r = await call(model);
    expect(r).toEqual({ value: { scenes: 4, title: "Chill" }, repaired: [] });
    const sent = model.doGenerateCalls[0]!;
    expect(sent.prompt[0]).toEqual({ role: "system", content: "Be brief." });
    expect(sent.responseFormat?.type).toBe("json");
    const schema = (sent.responseFormat as { schema?: { properties?: Record<string, { description?: string }> } }).schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(["scenes", "title"]);
    expect(schema?.properties?.scenes?.description).toBe("How many scenes");
  });

  it("repairs unparsable JSON once, quoting the previous answer", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply("{scenes: four"), reply('{"scenes": 3, "title": "Ok"}')] });
    const r = await call(model);
    expect(r.value.scenes).toBe(3);
    expect(r.repaired).toHaveLength(1);
    const second = userText(model.doGenerateCalls[1]!);
    expect(second).toContain("Plan it.");
    expect(second).toContain("Previous answer:\n{scenes: four");
  });

  it("repairs a schema violation, naming the field", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply('{"scenes": 0, "title": "x"}'), reply('{"scenes": 2, "title": "x"}')] });
    const r = await call(model);
    expect(r.repaired[0]).toMatch(/^scenes: /);
    expect(userText(model.doGenerateCalls[1]!)).toMatch(/- scenes: /);
  });

  it("repairs what the check rejects", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply('{"scenes": 9, "title": "x"}'), reply('{"scenes": 5, "title": "x"}')] });
    const r = await call(model, (v) => (v.scenes > 5 ? [`an ad has at most 5 scenes, not ${v.scenes}`] : []));
    expect(r).toEqual({ value: { scenes: 5, title: "x" }, repaired: ["an ad has at most 5 scenes, not 9"] });
    expect(userText(model.doGenerateCalls[1]!)).toContain("- an ad has at most 5 scenes, not 9");
  });

  it("throws LlmOutputError when the repair fails too", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply('{"scenes": 9, "title": "x"}'), reply('{"scenes": 8, "title": "x"}')] });
    const error = await call(model, (v) => (v.scenes > 5 ? [`too many scenes: ${v.scenes}`] : [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).problems).toEqual(["too many scenes: 8"]);
    expect((error as Error).message).toMatch(/^test: mock gave an unusable answer/);
  });

  it("wraps a failing API call in LlmCallError without a repair round", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error("connection refused");
      },
    });
    const error = await call(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as Error).message).toMatch(/connection refused/);
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});
