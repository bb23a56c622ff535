import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { wrapLanguageModel, type LanguageModel, type LanguageModelMiddleware } from "ai";

/**
 * Record/replay of model calls for the evals: an AI SDK middleware keyed by a hash of the
 * call's prompt and settings. A recorded answer is replayed as is, so a rerun is free and gives
 * the same answer; in replay mode a call that was never recorded throws CacheMissError instead
 * of reaching the model.
 */

type WrapGenerate = NonNullable<LanguageModelMiddleware["wrapGenerate"]>;
type CallParams = Parameters<WrapGenerate>[0]["params"];
type GenerateResult = Awaited<ReturnType<Parameters<WrapGenerate>[0]["doGenerate"]>>;
type WrappableModel = Parameters<typeof wrapLanguageModel>[0]["model"];

/** record: replay what is stored, call the model (and store) for the rest; replay: never call. */
export type CacheMode = "record" | "replay";

export interface ModelCacheOptions {
  /** Folder of the cache files (evals/cache/ in the repository). */
  dir: string;
  mode: CacheMode;
  /** Names the model the answers came from (openai:gpt-4o-mini); part of the key and the folder. */
  namespace: string;
  /** Injected for tests. */
  now?: () => Date;
}

export interface CacheStats {
  hits: number;
  misses: number;
  recorded: number;
}

/** A call that is not in the cache, in replay mode. */
export class CacheMissError extends Error {
  override readonly name = "CacheMissError";
  constructor(
    readonly key: string,
    readonly namespace: string,
    readonly file: string,
  ) {
    super(`model call ${key.slice(0, 12)} for ${namespace} is not recorded (${file})`);
  }
}

/** The CacheMissError behind an error (the SDK and generateStructured wrap it), or null. */
export function cacheMissIn(error: unknown): CacheMissError | null {
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof CacheMissError) return e;
  }
  return null;
}

/** What a cache file holds: the request for people to read, and the answer to replay. */
interface CacheEntry {
  key: string;
  namespace: string;
  created_at: string;
  request: unknown;
  response: StoredResult;
}

type StoredResult = Omit<GenerateResult, "request" | "response"> & {
  response?: { id?: string; modelId?: string; timestamp?: string };
};

/** JSON with object keys sorted, so the same call always hashes the same. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    if (v instanceof URL) return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** The part of the call that decides the answer: everything but the abort signal and headers. */
export function cacheRequest(namespace: string, params: CallParams): unknown {
  const { abortSignal: _signal, headers: _headers, ...rest } = params;
  return { namespace, ...rest };
}

/** The key of a call: sha256 of its request. */
export function cacheKey(namespace: string, params: CallParams): string {
  return createHash("sha256").update(stableStringify(cacheRequest(namespace, params))).digest("hex");
}

/** The folder name for a namespace (openai:gpt-4o-mini → openai_gpt-4o-mini). */
export function namespaceDir(dir: string, namespace: string): string {
  return join(dir, namespace.replace(/[^A-Za-z0-9._-]+/g, "_"));
}

/** The middleware and its hit/miss counters. */
export function createModelCache(options: ModelCacheOptions): { middleware: LanguageModelMiddleware; stats: CacheStats } {
  const stats: CacheStats = { hits: 0, misses: 0, recorded: 0 };
  const folder = namespaceDir(options.dir, options.namespace);
  const middleware: LanguageModelMiddleware = {
    specificationVersion: "v3",
    wrapGenerate: async ({ doGenerate, params }) => {
      const key = cacheKey(options.namespace, params);
      const file = join(folder, `${key}.json`);
      const stored = readEntry(file);
      if (stored) {
        stats.hits++;
        return revive(stored.response);
      }
      stats.misses++;
      if (options.mode === "replay") throw new CacheMissError(key, options.namespace, file);
      const result = await doGenerate();
      const entry: CacheEntry = {
        key,
        namespace: options.namespace,
        created_at: (options.now ?? (() => new Date()))().toISOString(),
        request: cacheRequest(options.namespace, params),
        response: store(result),
      };
      mkdirSync(folder, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry, null, 1));
      renameSync(tmp, file);
      stats.recorded++;
      return result;
    },
    wrapStream: async ({ doStream, params }) => {
      // The evals only use generate; a streamed call is never cached and never reaches the model in replay.
      if (options.mode === "replay") throw new CacheMissError(cacheKey(options.namespace, params), options.namespace, "(streaming is not cached)");
      return doStream();
    },
  };
  return { middleware, stats };
}

/** The model with record/replay in front of it. */
export function withModelCache(model: LanguageModel, options: ModelCacheOptions): { model: LanguageModel; stats: CacheStats } {
  const { middleware, stats } = createModelCache(options);
  return { model: wrapLanguageModel({ model: model as WrappableModel, middleware }), stats };
}

function readEntry(file: string): CacheEntry | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const entry = JSON.parse(text) as CacheEntry;
  return entry && typeof entry === "object" && entry.response ? entry : null;
}

function store(result: GenerateResult): StoredResult {
  const { request: _request, response, ...rest } = result;
  return {
    ...rest,
    response: response ? { id: response.id, modelId: response.modelId, timestamp: response.timestamp?.toISOString() } : undefined,
  };
}

function revive(stored: StoredResult): GenerateResult {
  const { response, ...rest } = stored;
  return {
    ...rest,
    response: response ? { id: response.id, modelId: response.modelId, timestamp: response.timestamp ? new Date(response.timestamp) : undefined } : undefined,
  } as GenerateResult;
}
