import type { LanguageModel } from "ai";
import { createStructuredModel } from "../../../tools/llm/structured.js";
import { describe, expect, it } from "vitest";
import { analyzeWithModel } from "../../../graph/nodes/analyze/model.js";
import { analyzeOffline } from "../../../graph/nodes/analyze/logic.js";
import { interpretWithModel } from "../../../graph/nodes/edit/model.js";
import { planWithModel } from "../../../graph/nodes/plan/model.js";
import { planOffline } from "../../../graph/nodes/plan/logic.js";
import { stylizeWithModel } from "../../../graph/nodes/stylize/model.js";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import { createLanguageModel } from "../../../tools/llm/structured.js";
import { loadTimelines } from "../../../evals/datasets/edits.js";

/**
 * A guard for the model path: the exact JSON schema each node sends (captured from the HTTP
 * request the OpenAI provider builds, for both the chat and the Responses API) must follow
 * OpenAI's strict structured-output rules — an object at the root, every property required,
 * `additionalProperties: false` on every object, only supported keywords, at most 10 levels
 * of nesting and 5000 properties. A schema that breaks one of them is refused by the API at
 * run time; this test fails first.
 */

const SUPPORTED = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "description", "title",
  "$ref", "$defs", "definitions", "$schema", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "multipleOf", "minItems", "maxItems",
]);

/** Every breach of the strict rules, as "path: problem". */
function strictProblems(schema: unknown): string[] {
  const problems: string[] = [];
  let properties = 0;
  const root = schema as Record<string, unknown>;
  if (root.type !== "object" || "anyOf" in root) problems.push("(root): must be an object, not a union");
  const walk = (node: unknown, path: string, depth: number) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`, depth));
    const s = node as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!SUPPORTED.has(k)) problems.push(`${path}: unsupported keyword "${k}"`);
    const types = ([] as unknown[]).concat(s.type ?? []);
    if (types.includes("object") || s.properties) {
      const props = Object.keys((s.properties as object | undefined) ?? {});
      properties += props.length;
      if (s.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
      const required = new Set((s.required as string[] | undefined) ?? []);
      for (const p of props) if (!required.has(p)) problems.push(`${path}.${p}: every property must be required (use a nullable type for an optional one)`);
      if (depth > 10) problems.push(`${path}: more than 10 levels of nesting`);
      for (const p of props) walk((s.properties as Record<string, unknown>)[p], `${path}.${p}`, depth + 1);
    }
    if (s.items) walk(s.items, `${path}[]`, depth);
    if (s.anyOf) walk(s.anyOf, `${path}|`, depth);
    for (const defs of [s.$defs, s.definitions]) if (defs && typeof defs === "object") for (const [k, v] of Object.entries(defs)) walk(v, `#/${k}`, depth);
  };
  walk(schema, "(root)", 1);
  if (properties > 5000) problems.push(`(root): ${properties} properties, more than 5000`);
  return problems;
}

/** A fetch that records the request body and answers 400, so the call stops after one request. */
function capturing() {
  const bodies: Record<string, unknown>[] = [];
  const fetchImpl = (async (_url: unknown, init?: { body?: unknown }) => {
    bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
    return new Response(JSON.stringify({ error: { message: "captured", type: "invalid_request_error" } }), { status: 400, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { bodies, fetchImpl };
}

function sentSchema(body: Record<string, unknown>): unknown {
  const chat = (body.response_format as { json_schema?: { schema: unknown; strict?: boolean } } | undefined)?.json_schema;
  if (chat) return chat.schema;
  return (body.text as { format?: { schema: unknown } } | undefined)?.format?.schema;
}

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for an oat-milk cold brew, playful, Gen Z", duration_s: 30 });
const analysis = analyzeOffline(request, null);
const storyboard = planOffline(request, analysis, null);
const { ad } = loadTimelines() as { ad: ReturnType<typeof loadTimelines>[string] };

const sm = (m: LanguageModel) => createStructuredModel(m, "gpt-test", { maxRetries: 0 });
const NODES: Record<string, (model: LanguageModel) => Promise<unknown>> = {
  analyze: (m) => analyzeWithModel(sm(m), { request, audio: null }),
  plan: (m) => planWithModel(sm(m), { request, analysis, audio: null }),
  stylize: (m) => stylizeWithModel(sm(m), { request, analysis, storyboard }),
  edit: (m) => interpretWithModel(sm(m), { instruction: "swap 1 and 2", timeline: ad.timeline }),
};

describe("strict structured-output schemas (OpenAI)", () => {
  it("the checker catches what OpenAI refuses", () => {
    expect(strictProblems({ type: "object", properties: { a: { type: "string" } }, required: [], additionalProperties: false })).toEqual([
      "(root).a: every property must be required (use a nullable type for an optional one)",
    ]);
    expect(strictProblems({ type: "object", properties: { a: { type: "string", default: "x" } }, required: ["a"] })).toEqual([
      "(root): additionalProperties must be false",
      '(root).a: unsupported keyword "default"',
    ]);
    expect(strictProblems({ anyOf: [{ type: "object" }] })[0]).toMatch(/root/);
  });

  for (const api of ["chat", "responses"] as const) {
    it.each(Object.keys(NODES))(`%s sends a strict-valid schema (${api} API)`, async (node) => {
      const { bodies, fetchImpl } = capturing();
      const model = createLanguageModel({ provider: "openai", model: "gpt-test", apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1", api, timeoutMs: 5000 }, fetchImpl);
      await NODES[node]!(model).catch(() => undefined);
      expect(bodies.length).toBeGreaterThanOrEqual(1);
      const schema = sentSchema(bodies[0]!);
      expect(schema, "the request carries a JSON schema").toBeTruthy();
      if (api === "chat") expect((bodies[0]!.response_format as { json_schema: { strict: boolean } }).json_schema.strict).toBe(true);
      expect(strictProblems(schema)).toEqual([]);
    });
  }
});
