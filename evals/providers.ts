import type { LanguageModel } from "ai";
import type { Configuration } from "../graph/configuration.js";
import { createLanguageModel, createStructuredModel } from "../tools/llm/structured.js";
import { nodeBrain, type Brain } from "./brain.js";
import { withModelCache, type CacheMode, type CacheStats } from "./cache.js";
import type { JudgeHandle } from "./core/context.js";

/**
 * The brain under test. offline: the deterministic provider. openai: the model brain (no
 * offline fallback: a failed call is the model's failure and must show in the scores) behind
 * the record/replay cache; with no key, replay only.
 */

export type ProviderName = "offline" | "openai";

type OpenAISettings = Extract<Configuration["llm"], { provider: "openai" }>;

/** Builds the raw model; injected in tests (MockLanguageModelV3). */
export type ModelFactory = (settings: OpenAISettings) => LanguageModel;

export interface ProviderOptions {
  provider: ProviderName;
  env: NodeJS.ProcessEnv;
  fps: number;
  cacheDir: string;
  /** Default: record with a key, replay without. */
  cacheMode?: CacheMode;
  /** Run the narrative judge (default: on for openai, off for offline). */
  judge?: boolean;
  createModel?: ModelFactory;
}

export interface ProviderSetup {
  /** offline | openai:<model> */
  name: string;
  brain: Brain;
  judge: JudgeHandle | null;
  judgeReason: string;
  cache: { mode: CacheMode | "off"; stats: CacheStats };
}

/** Bad flags or settings, said in one line. */
export class ProviderSetupError extends Error {
  override readonly name = "ProviderSetupError";
}

/** The model settings from the environment (the same variables the app reads). */
export function openAISettings(env: NodeJS.ProcessEnv): OpenAISettings & { hasKey: boolean } {
  const api = env.REELGRAPH_LLM_API === "responses" ? "responses" : "chat";
  if (env.REELGRAPH_LLM_API && env.REELGRAPH_LLM_API !== "chat" && env.REELGRAPH_LLM_API !== "responses")
    throw new ProviderSetupError(`REELGRAPH_LLM_API must be chat or responses, not ${env.REELGRAPH_LLM_API}`);
  return {
    provider: "openai",
    model: env.REELGRAPH_LLM_MODEL || "gpt-4o-mini",
    apiKey: env.OPENAI_API_KEY ?? "",
    baseURL: env.OPENAI_BASE_URL || undefined,
    api,
    timeoutMs: Number(env.REELGRAPH_LLM_TIMEOUT_MS) || 60_000,
    hasKey: !!env.OPENAI_API_KEY,
  };
}

/** A model that cannot be called: stands behind a replay-only cache when there is no key. */
function unreachableModel(modelId: string): LanguageModel {
  const fail = async (): Promise<never> => {
    throw new ProviderSetupError("OPENAI_API_KEY is not set: this model call cannot be made");
  };
  return { specificationVersion: "v3", provider: "openai", modelId, supportedUrls: {}, doGenerate: fail, doStream: fail } as unknown as LanguageModel;
}

/** The namespace answers are recorded under: the model, and the server when it is not OpenAI's. */
export function cacheNamespace(s: OpenAISettings): string {
  const host = s.baseURL ? `@${new URL(s.baseURL).host}` : "";
  return `openai:${s.model}${host}:${s.api}`;
}

/** The brain, the judge and the cache for this run. */
export function setupProvider(opts: ProviderOptions): ProviderSetup {
  const noCache = { mode: "off" as const, stats: { hits: 0, misses: 0, recorded: 0 } };
  const settings = opts.provider === "openai" || opts.judge ? openAISettings(opts.env) : null;
  const cached = () => {
    const s = settings!;
    const mode = opts.cacheMode ?? (s.hasKey ? "record" : "replay");
    if (mode === "record" && !s.hasKey) throw new ProviderSetupError("--cache record needs OPENAI_API_KEY (without a key the cache can only replay)");
    const raw = s.hasKey ? (opts.createModel ?? ((x: OpenAISettings) => createLanguageModel(x)))(s) : unreachableModel(s.model);
    const { model, stats } = withModelCache(raw, { dir: opts.cacheDir, mode, namespace: cacheNamespace(s) });
    return { model, stats, mode };
  };

  if (opts.provider === "offline") {
    const brain = nodeBrain(null, { fps: opts.fps });
    if (!opts.judge) return { name: "offline", brain, judge: null, judgeReason: "offline provider (add --judge with OPENAI_API_KEY to run the narrative judge)", cache: noCache };
    if (!settings!.hasKey) return { name: "offline", brain, judge: null, judgeReason: "no OPENAI_API_KEY for the narrative judge", cache: noCache };
    const c = cached();
    return { name: "offline", brain, judge: { model: c.model, modelName: settings!.model }, judgeReason: "", cache: { mode: c.mode, stats: c.stats } };
  }

  const c = cached();
  const brain = nodeBrain(createStructuredModel(c.model, settings!.model), { fps: opts.fps });
  const judgeOn = opts.judge ?? true;
  return {
    name: `openai:${settings!.model}`,
    brain,
    judge: judgeOn ? { model: c.model, modelName: settings!.model } : null,
    judgeReason: judgeOn ? "" : "--no-judge",
    cache: { mode: c.mode, stats: c.stats },
  };
}
