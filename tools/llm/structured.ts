import { createOpenAI } from "@ai-sdk/openai";
import { generateText, NoObjectGeneratedError, Output, type LanguageModel } from "ai";
import type { z } from "zod";
import type { Configuration } from "../../graph/configuration.js";
import { LlmCallError, LlmOutputError } from "../../graph/errors.js";
import type { StructuredModel } from "../../graph/ports.js";

/** Builds the configured language model; the only place a model is constructed. */
export function createLanguageModel(llm: Extract<Configuration["llm"], { provider: "openai" }>, fetchImpl?: typeof fetch): LanguageModel {
  const provider = createOpenAI({ apiKey: llm.apiKey, baseURL: llm.baseURL, fetch: fetchImpl });
  return llm.api === "responses" ? provider(llm.model) : provider.chat(llm.model);
}

export interface StructuredCall<T> {
  task: string;
  model: LanguageModel;
  modelName: string;
  schema: z.ZodType<T>;
  system: string;
  prompt: string;
  /** Checks beyond the schema (e.g. plan invariants); problems send the answer back once. */
  check?: (value: T) => string[];
  timeoutMs?: number;
  /** Calls the API makes again on transient errors (429/5xx), with the SDK's backoff. */
  maxRetries?: number;
}

export interface StructuredAnswer<T> {
  value: T;
  /** What the repair round fixed, if there was one. */
  repaired: string[];
}

/**
 * One structured call with zod validation: if the answer fails the schema or `check`, the
 * model is asked once more with the problems listed; a second failure throws LlmOutputError.
 */
export async function generateStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
  const first = await attempt(call, call.prompt);
  if (first.ok) return { value: first.value, repaired: [] };
  const repairPrompt =
    `${call.prompt}\n\nYour previous answer could not be used:\n` +
    first.problems.map((p) => `- ${p}`).join("\n") +
    (first.text ? `\n\nPrevious answer:\n${first.text.slice(0, 4000)}` : "") +
    "\n\nAnswer again with a corrected object that fixes every problem.";
  const second = await attempt(call, repairPrompt);
  if (second.ok) return { value: second.value, repaired: first.problems };
  throw new LlmOutputError(call.task, call.modelName, second.problems);
}

type Attempt<T> = { ok: true; value: T } | { ok: false; problems: string[]; text?: string };

async function attempt<T>(call: StructuredCall<T>, prompt: string): Promise<Attempt<T>> {
  let output: T;
  try {
    const result = await generateText({
      model: call.model,
      system: call.system,
      prompt,
      output: Output.object({ schema: call.schema }),
      maxRetries: call.maxRetries ?? 2,
      abortSignal: AbortSignal.timeout(call.timeoutMs ?? 60_000),
    });
    output = result.output as T;
  } catch (error) {
    if (NoObjectGeneratedError.isInstance(error)) {
      return { ok: false, problems: [describeParseFailure(error)], text: error.text };
    }
    throw new LlmCallError(call.task, call.modelName, error instanceof Error ? error.message : String(error), { cause: error });
  }
  const parsed = call.schema.safeParse(output);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
  }
  const problems = call.check?.(parsed.data) ?? [];
  if (problems.length) return { ok: false, problems, text: JSON.stringify(parsed.data) };
  return { ok: true, value: parsed.data };
}

function describeParseFailure(error: NoObjectGeneratedError): string {
  const cause = error.cause as { issues?: { path: PropertyKey[]; message: string }[]; message?: string } | undefined;
  const inner = (cause as { cause?: { issues?: { path: PropertyKey[]; message: string }[] } } | undefined)?.cause;
  const issues = cause?.issues ?? inner?.issues;
  if (issues?.length) return issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  return cause?.message ?? error.message;
}

/** The graph's StructuredModel port on an AI SDK model: every call structured, validated, repaired once. */
export function createStructuredModel(model: LanguageModel, modelName: string, opts: { timeoutMs?: number; maxRetries?: number } = {}): StructuredModel {
  return {
    name: `llm:${modelName}`,
    generate: (call) => generateStructured({ ...call, model, modelName, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries }),
  };
}
