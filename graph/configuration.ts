import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_PROMPT_CHARS, PROMPT_CHARS_CEILING, type RunOptions } from "../core/schemas/request.js";

/**
 * Every setting reelgraph reads, in one place, with its default. Nodes never read the
 * environment or pick a model: they get providers built from this (graph/index.ts).
 * `.env.example` lists the same names.
 */
const EnvSchema = z.object({
  REELGRAPH_DATA_DIR: z.string().default("./data").describe("Folder for the SQLite files and media"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .describe("Postgres for everything stored (runs, checkpoints, events, jobs), shared by every process on it; without it SQLite files in the data folder"),
  OPENAI_API_KEY: z.string().optional().describe("Enables the real LLM; without it the offline provider works"),
  OPENAI_BASE_URL: z.string().url().optional().describe("Any OpenAI-compatible server"),
  REELGRAPH_LLM_MODEL: z.string().default("gpt-4o-mini").describe("Model for analysis, planning and edits"),
  REELGRAPH_LLM_API: z.enum(["chat", "responses"]).default("chat").describe("chat: /chat/completions (most servers); responses: OpenAI's Responses API"),
  REELGRAPH_LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  REPLICATE_API_TOKEN: z.string().optional().describe("Enables Replicate; without it clips are rendered locally"),
  REPLICATE_BASE_URL: z.string().url().optional().describe("Replicate API base (tests point it at a fake)"),
  REELGRAPH_VIDEO_MODEL: z.string().default("bytedance/seedance-1-lite").describe("Replicate model owner/name[:version]; the default makes any whole-second length from 2 to 12 s in 16:9, 9:16 and 1:1 (README: Video models and cost)"),
  REELGRAPH_CLIP_TIMEOUT_S: z.coerce.number().positive().default(900).describe("Deadline for one clip, all attempts"),
  REELGRAPH_CLIP_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  REELGRAPH_CLIP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4).describe("Clips generated at once per run"),
  REELGRAPH_RUN_TIMEOUT_S: z.coerce.number().positive().default(7200).describe("Budget of one run (start, resume or edit), all stages"),
  REELGRAPH_WORKER_LEASE_S: z.coerce.number().min(1).max(3600).default(30).describe("With DATABASE_URL: how long a worker's hold on a run lasts without renewal; a dead worker's runs move to another worker after about this long"),
  REELGRAPH_MEDIA_S3_BUCKET: z.string().optional().describe("Publish every finished media file (clips, renders, songs) to this S3 bucket and fetch files this process lacks from it, so processes with different data folders serve each other's media; credentials from the standard AWS variables (AWS_ACCESS_KEY_ID…)"),
  REELGRAPH_MEDIA_S3_ENDPOINT: z.string().url().optional().describe("With the bucket: an S3-compatible server (MinIO, R2…) instead of AWS"),
  REELGRAPH_MEDIA_S3_REGION: z.string().default("us-east-1").describe("With the bucket: its region"),
  REELGRAPH_MEDIA_S3_PREFIX: z.string().default("").describe("With the bucket: a key prefix (reelgraph/ → reelgraph/clips/…)"),
  REELGRAPH_MEDIA_S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false").describe("With the bucket: path-style URLs (endpoint/bucket/key), which most S3-compatible servers need"),
  REELGRAPH_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8).describe("Pipelines run at once by the server"),
  REELGRAPH_FFMPEG_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional().describe("FFmpeg processes at once (default: the number of cores)"),
  REELGRAPH_FFMPEG_TIMEOUT_S: z.coerce.number().positive().default(600),
  REELGRAPH_FFMPEG_LAUNCHER: z.enum(["1", "0", "true", "false", "on", "off", "yes", "no"]).default("1").describe("Start FFmpeg from a small launcher process (tools/ffmpeg/launcher.ts) so a big process's fork never stalls its event loop; 0 starts it from this process"),
  REELGRAPH_RUN_THREAD: z.enum(["1", "0", "true", "false", "on", "off", "yes", "no"]).default("1").describe("The server runs its pipelines' graph in a worker thread of its own (app/run-thread.ts), so the API's event loop only answers requests; 0 runs them on the API's thread. SQLite only (with DATABASE_URL, scale out with `reelgraph worker`)"),
  REELGRAPH_SHORT_SIDE: z.coerce.number().int().min(64).max(2160).default(720).describe("Output short side in pixels (720 → 1280×720)"),
  REELGRAPH_FPS: z.coerce.number().int().min(1).max(60).default(30),
  REELGRAPH_FFMPEG_SERVICE_URL: z.string().url().optional().describe("Remote FFmpeg service; in-process when unset"),
  REELGRAPH_INTERNAL_TOKEN: z.string().optional().describe("Bearer token for /internal/v1 routes"),
  REELGRAPH_PUBLIC_URL: z.string().url().optional().describe("Public base URL (callbacks, Replicate webhooks)"),
  REELGRAPH_API_KEY: z.string().optional().describe("When set, frontend routes require it (X-API-Key or Bearer)"),
  REPLICATE_WEBHOOK_SECRET: z.string().optional().describe("Verifies Replicate webhook signatures"),
  REELGRAPH_WEBHOOK_SECRET: z.string().min(16, "use at least 16 characters").optional().describe("Signs the webhooks reelgraph sends to a caller's webhook_url (HMAC-SHA256); webhook_url is refused without it"),
  REELGRAPH_RATE_LIMIT_READS_PER_S: z.coerce.number().min(0).default(2000).describe("Reads (GET) a second per client on /api/v1; 0 turns the limit off"),
  REELGRAPH_RATE_LIMIT_WRITES_PER_S: z.coerce.number().min(0).default(5).describe("Writes (POST) a second per client on /api/v1; 0 turns the limit off"),
  REELGRAPH_RATE_LIMIT_BURST_S: z.coerce.number().positive().max(3600).default(6).describe("A client may spend this many seconds' worth of its rate at once"),
  REELGRAPH_TRUST_PROXY: z
    .string()
    .transform((v, ctx) => parseTrustProxy(v, ctx))
    .optional()
    .describe("Express trust proxy: true, a hop count, or the proxies' addresses/CIDRs (comma-separated); the client address comes from X-Forwarded-For only when set"),
  REELGRAPH_MAX_PROMPT_CHARS: z.coerce.number().int().min(100).max(PROMPT_CHARS_CEILING).default(DEFAULT_MAX_PROMPT_CHARS).describe("Longest brief (prompt) accepted by the API and the CLI, in characters"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type Env = z.infer<typeof EnvSchema>;

export interface Configuration {
  dataDir: string;
  /** DATABASE_URL: every store and the checkpointer on Postgres; unset: SQLite files in dataDir. */
  databaseUrl?: string;
  llm: { provider: "offline" } | { provider: "openai"; model: string; apiKey: string; baseURL?: string; api: "chat" | "responses"; timeoutMs: number };
  video:
    | { provider: "local" }
    | { provider: "replicate"; model: string; token: string; baseUrl?: string; webhookSecret?: string };
  clip: { attempts: number; timeoutS: number; concurrency: number };
  runConcurrency: number;
  /** REELGRAPH_RUN_THREAD: the server runs its pipelines in a worker thread (app/run-thread.ts). */
  runThread: boolean;
  /** Budget of one run, in seconds. */
  runTimeoutS: number;
  /** With DATABASE_URL: a worker's lease on a run, in seconds. */
  workerLeaseS: number;
  /** REELGRAPH_MEDIA_S3_*: media published to and fetched from a bucket; unset: the local media folder only. */
  mediaS3?: { bucket: string; endpoint?: string; region: string; prefix: string; forcePathStyle: boolean };
  ffmpeg: { concurrency: number; timeoutS: number; serviceUrl?: string };
  render: { shortSide: number; fps: number };
  server: {
    port: number;
    internalToken?: string;
    publicUrl?: string;
    apiKey?: string;
    /** REELGRAPH_WEBHOOK_SECRET: signs the webhooks sent to callers. */
    webhookSecret?: string;
    /** Express's `trust proxy`: false (the peer address), true, a hop count, or trusted addresses/CIDRs. */
    trustProxy: boolean | number | string[];
    /** Per-client limits on /api/v1 (a rate of 0 turns that limit off); bursts in requests. */
    rateLimit: { readsPerSecond: number; readBurst: number; writesPerSecond: number; writeBurst: number };
  };
  /** Longest prompt a generation request may carry, in characters. */
  maxPromptChars: number;
  logLevel: Env["LOG_LEVEL"];
}

export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
  }
}

/** Reads the environment (validated) into a Configuration. */
export function loadConfiguration(env: NodeJS.ProcessEnv = process.env, cores = defaultCores()): Configuration {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError(String(issue.path[0] ?? "env"), issue.message);
  }
  const e = parsed.data;
  return {
    dataDir: resolve(e.REELGRAPH_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    llm: e.OPENAI_API_KEY
      ? { provider: "openai", model: e.REELGRAPH_LLM_MODEL, apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, api: e.REELGRAPH_LLM_API, timeoutMs: e.REELGRAPH_LLM_TIMEOUT_MS }
      : { provider: "offline" },
    video: e.REPLICATE_API_TOKEN
      ? { provider: "replicate", model: e.REELGRAPH_VIDEO_MODEL, token: e.REPLICATE_API_TOKEN, baseUrl: e.REPLICATE_BASE_URL, webhookSecret: e.REPLICATE_WEBHOOK_SECRET }
      : { provider: "local" },
    clip: { attempts: e.REELGRAPH_CLIP_ATTEMPTS, timeoutS: e.REELGRAPH_CLIP_TIMEOUT_S, concurrency: e.REELGRAPH_CLIP_CONCURRENCY },
    runConcurrency: e.REELGRAPH_RUN_CONCURRENCY,
    runThread: ["1", "true", "on", "yes"].includes(e.REELGRAPH_RUN_THREAD),
    runTimeoutS: e.REELGRAPH_RUN_TIMEOUT_S,
    workerLeaseS: e.REELGRAPH_WORKER_LEASE_S,
    mediaS3: e.REELGRAPH_MEDIA_S3_BUCKET
      ? { bucket: e.REELGRAPH_MEDIA_S3_BUCKET, endpoint: e.REELGRAPH_MEDIA_S3_ENDPOINT, region: e.REELGRAPH_MEDIA_S3_REGION, prefix: e.REELGRAPH_MEDIA_S3_PREFIX, forcePathStyle: e.REELGRAPH_MEDIA_S3_FORCE_PATH_STYLE === "true" }
      : undefined,
    ffmpeg: { concurrency: e.REELGRAPH_FFMPEG_CONCURRENCY ?? cores, timeoutS: e.REELGRAPH_FFMPEG_TIMEOUT_S, serviceUrl: e.REELGRAPH_FFMPEG_SERVICE_URL },
    render: { shortSide: e.REELGRAPH_SHORT_SIDE, fps: e.REELGRAPH_FPS },
    server: {
      port: e.PORT,
      internalToken: e.REELGRAPH_INTERNAL_TOKEN,
      publicUrl: e.REELGRAPH_PUBLIC_URL,
      webhookSecret: e.REELGRAPH_WEBHOOK_SECRET,
      apiKey: e.REELGRAPH_API_KEY,
      trustProxy: e.REELGRAPH_TRUST_PROXY ?? false,
      rateLimit: {
        readsPerSecond: e.REELGRAPH_RATE_LIMIT_READS_PER_S,
        readBurst: burst(e.REELGRAPH_RATE_LIMIT_READS_PER_S, e.REELGRAPH_RATE_LIMIT_BURST_S),
        writesPerSecond: e.REELGRAPH_RATE_LIMIT_WRITES_PER_S,
        writeBurst: burst(e.REELGRAPH_RATE_LIMIT_WRITES_PER_S, e.REELGRAPH_RATE_LIMIT_BURST_S),
      },
    },
    maxPromptChars: e.REELGRAPH_MAX_PROMPT_CHARS,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * Applies a run's own overrides (`options.llm`, `options.video_model`) to the configuration.
 * 'offline' and 'local' force the embedded providers.
 */
export function configurationForRun(base: Configuration, options: RunOptions | undefined): Configuration {
  if (!options) return base;
  let llm = base.llm;
  if (options.llm === "offline") llm = { provider: "offline" };
  else if (options.llm && llm.provider === "openai") llm = { ...llm, model: options.llm };
  let video = base.video;
  if (options.video_model === "local") video = { provider: "local" };
  else if (options.video_model && video.provider === "replicate") video = { ...video, model: options.video_model };
  return { ...base, llm, video };
}

export const SETTINGS = Object.entries(EnvSchema.shape).map(([name, schema]) => ({
  name,
  description: (schema as z.ZodType).description ?? "",
}));

function burst(rate: number, seconds: number): number {
  return Math.max(1, Math.ceil(rate * seconds));
}

const TRUST_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** REELGRAPH_TRUST_PROXY as Express takes it: true/false, a hop count, or a list of addresses, CIDRs and named ranges. */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): boolean | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(",").map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => !TRUST_NAMES.has(x) && isIP(x) === 0 && !isCidr(x));
  if (bad.length || !list.length) {
    ctx.addIssue({ code: "custom", message: `use true, a hop count, or addresses/CIDRs (loopback, linklocal, uniquelocal allowed); not ${bad.join(", ") || "empty"}` });
    return z.NEVER;
  }
  return list;
}

function isCidr(x: string): boolean {
  const [ip, bits, more] = x.split("/");
  if (more !== undefined || !ip || !bits || !/^\d+$/.test(bits)) return false;
  const kind = isIP(ip);
  return kind !== 0 && Number(bits) <= (kind === 4 ? 32 : 128);
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}

function defaultCores(): number {
  return Math.max(1, availableParallelism());
}
