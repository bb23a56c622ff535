import { afterEach, describe, expect, it } from "vitest";
import { analyzeWithModel } from "../../../graph/nodes/analyze/model.js";
import type { AnalyzeOutput } from "../../../graph/nodes/analyze/schema.js";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import { system } from "../../../prompts/analyze.js";
import { LlmCallError } from "../../../graph/errors.js";
import { createLanguageModel, createStructuredModel } from "../../../tools/llm/structured.js";
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from "../../fakes/openai-server.js";

/** The real provider (AI SDK + @ai-sdk/openai, chat API) against a fake OpenAI-compatible server. */

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for an oat-milk cold brew called Oatly Chill, playful, Gen Z, end with Shop now" });
const answer: AnalyzeOutput = {
  product: "oat-milk cold brew",
  narrative: "Hook on the can, show the sip, end on Shop now.",
  audience: "Gen Z",
  tone: "playful",
  pacing: "medium",
  duration_s: 30,
  language: "en",
  brand: { name: "Oatly Chill", colors: [], cta: { text: "Shop now", duration_s: 3 } },
  style_hints: [],
  key_messages: ["dairy-free cold brew"],
  assumptions: [{ topic: "setting", assumption: "a sunny café" }],
  warnings: [],
};

let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const modelFor = (f: FakeOpenAI) =>
  createLanguageModel({ provider: "openai", model: "gpt-test-mini", apiKey: "sk-test-123", baseURL: f.baseURL, api: "chat", timeoutMs: 5_000 });
const messageText = (r: RecordedRequest, role: string) =>
  (r.body?.messages ?? [])
    .filter((m) => m.role === role)
    .map((m) => (typeof m.content === "string" ? m.content : (m.content as { text?: string }[]).map((p) => p.text ?? "").join("")))
    .join("\n");

describe("createLanguageModel (chat API) against a fake OpenAI server", () => {
  it("sends the model name, the system prompt and the JSON schema, and reads the answer", async () => {
    fake = await startFakeOpenAI([{ content: JSON.stringify(answer) }]);
    const r = await analyzeWithModel(createStructuredModel(modelFor(fake), "gpt-test-mini"), { request, audio: null });
    expect(r.value.product).toBe("oat-milk cold brew");
    expect(r.value.brand.cta).toEqual({ text: "Shop now", duration_s: 3 });

    const [sent] = fake.chatRequests();
    expect(fake.requests).toHaveLength(1);
    expect(sent!.method).toBe("POST");
    expect(sent!.headers.authorization).toBe("Bearer sk-test-123");
    expect(sent!.body?.model).toBe("gpt-test-mini");
    expect(sent!.body?.response_format?.type).toBe("json_schema");
    const schema = sent!.body?.response_format?.json_schema?.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["product", "pacing", "brand", "assumptions", "warnings"]));
    expect(schema.required).toEqual(expect.arrayContaining(["product", "brand", "assumptions"]));
    expect(messageText(sent!, "system")).toBe(system);
    expect(messageText(sent!, "user")).toContain("Oatly Chill");
  });

  it("runs the repair round over HTTP", async () => {
    fake = await startFakeOpenAI([{ content: '{"product": "half an answer"' }, { content: JSON.stringify(answer) }]);
    const r = await analyzeWithModel(createStructuredModel(modelFor(fake), "gpt-test-mini"), { request, audio: null });
    expect(r.repaired).toHaveLength(1);
    const [, second] = fake.chatRequests();
    expect(messageText(second!, "user")).toContain("Your previous answer could not be used");
    expect(messageText(second!, "user")).toContain('{"product": "half an answer"');
  });

  it("reports an API error as LlmCallError", async () => {
    fake = await startFakeOpenAI([{ status: 500, message: "upstream exploded" }]);
    const error = await analyzeWithModel(createStructuredModel(modelFor(fake), "gpt-test-mini", { maxRetries: 0 }), { request, audio: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as Error).message).toMatch(/upstream exploded/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it("answers unscripted requests with an error rather than a made-up reply", async () => {
    fake = await startFakeOpenAI([]);
    const res = await fetch(`${fake.baseURL}/models`);
    expect(res.status).toBe(404);
    const empty = await fetch(`${fake.baseURL}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
    expect(empty.status).toBe(500);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/no scripted reply/);
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1/models", "/v1/chat/completions"]);
  });
});
