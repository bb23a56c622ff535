import { z } from "zod";
import type { ClipJob, ClipProgress, ClipResult, VideoModelDescription, VideoProvider } from "../../graph/ports.js";
import { priceOf } from "../../core/video-models/cost.js";
import { profileFromSchema, refineProfile, SchemaMappingError } from "../../core/video-models/from-schema.js";
import type { ModelProfile } from "../../core/video-models/profile.js";
import { buildInput as buildModelInput, InputBuildError, type BuiltInput } from "../../core/video-models/request.js";
import { validateInput } from "../../core/video-models/validate.js";
import { backoffDelay, type BackoffOptions } from "../../core/backoff.js";
import { systemClock, type Clock } from "../http/clock.js";
import { DownloadError, downloadToFile, VIDEO_TYPES } from "../http/download.js";
import { sameOrigin, type NetPolicy } from "../net/policy.js";
import {
  errorFromDownload,
  errorFromPrediction,
  errorNoOutput,
  ReplicateAuthError,
  ReplicateInputError,
  type InvalidField,
  ReplicateNetworkError,
  ReplicateServerError,
  ReplicateTimeoutError,
  type ReplicateCallScope,
} from "./errors.js";
import { catalogProfile } from "./catalog/index.js";
import { fileInputValue } from "./files.js";
import { createSchemaSource } from "./schemas.js";
import { recoverCreated, type CreateFingerprint } from "./recover.js";
import { isFinal, parseModelRef, pickOutputUrl, PredictionPageSchema, PredictionSchema, type ModelRef, type Prediction } from "./schema.js";
import { deadlineError, ReplicateTransport, withRetries, type CallBudget } from "./transport.js";

export interface ReplicateVideoProviderOptions {
  /** Replicate API token (sent as a Bearer token to the API only, never to output hosts). */
  token: string;
  /** `owner/name` (the model's latest version) or `owner/name:version` (pinned). */
  model: string;
  /** API base, default https://api.replicate.com/v1 (tests point it at a fake). */
  baseUrl?: string;
  /** For the JSON exchanges; files are fetched by tools/http/download.ts (node:http, behind the address guard). */
  fetch?: typeof fetch;
  /** Wall clock and sleep; tests pass a virtual one. */
  clock?: Clock;
  /** First wait between status polls (ms, default 2000); grows ×1.5 per poll. Also the first retry backoff. */
  pollIntervalMs?: number;
  /** Longest wait between polls or retries (ms, default 15000). */
  maxPollIntervalMs?: number;
  /** Limit for one API exchange, body included (ms, default 30000). */
  callTimeoutMs?: number;
  /** Deadline for the whole clip: create, polls, retries and download (ms, default 15 min). */
  clipTimeoutMs?: number;
  /** Largest output accepted (bytes, default 500 MB). */
  maxDownloadBytes?: number;
  /**
   * Where an output may be fetched from. Default: public addresses only, except on the API's
   * own origin (a self-hosted API or a test fake serves its outputs there).
   */
  outputPolicy?: NetPolicy;
  /** HTTPS URL Replicate calls when the prediction completes; polling still drives this provider. */
  webhookUrl?: string;
  /**
   * Overrides the profile-based mapping of a clip to the model's input (the result is still
   * checked against the model's schema before it is sent).
   */
  buildInput?: (job: ClipJob) => Record<string, unknown>;
  /** Known model profiles (default: the catalog in ./catalog); other models are mapped from their schema. */
  catalog?: (model: string) => ModelProfile | null;
  /** Folder where model schemas are cached on disk (e.g. `<data dir>/replicate-schemas`); memory only when unset. */
  schemaCacheDir?: string;
  /** How long the latest version's schema is trusted (ms, default 24 h); a pinned version's never expires. */
  schemaTtlMs?: number;
  /** Randomness for jitter, in [0, 1). */
  random?: () => number;
  /** How far Replicate's clock may lag ours when matching a possibly-created prediction (ms, default 120000). */
  recoverySkewMs?: number;
  userAgent?: string;
}

const DEFAULTS = {
  pollIntervalMs: 2_000,
  maxPollIntervalMs: 15_000,
  callTimeoutMs: 30_000,
  clipTimeoutMs: 15 * 60_000,
  maxDownloadBytes: 500 * 1024 * 1024,
  recoverySkewMs: 120_000,
};
const MAX_CLAIMED = 10_000;
const CANCEL_TIMEOUT_MS = 10_000;

/**
 * The video provider backed by Replicate: the only module that talks to Replicate.
 *
 * Pay once: with `progress.predictionId` set it polls that prediction and never creates
 * another; otherwise it creates one and reports its id through `progress.onPrediction`
 * before any waiting. Ambiguous create failures are resolved as recover.ts describes.
 * Transient failures (429 with Retry-After, 5xx, network, per-call timeouts) are retried with
 * backoff inside the clip deadline; at the deadline an unfinished prediction is cancelled.
 * An abort through `progress.signal` stops waiting but leaves the prediction running, so a
 * resumed run can still collect what was paid for.
 */
export function createReplicateVideoProvider(opts: ReplicateVideoProviderOptions): VideoProvider {
  const model = parseModelRef(opts.model);
  const o = { ...DEFAULTS, ...definedOnly(opts) };
  const clock = opts.clock ?? systemClock;
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const lookup = opts.catalog ?? catalogProfile;
  if (!opts.token) {
    throw new ReplicateAuthError("no Replicate API token", { model: opts.model, operation: "create", predictionId: null, httpStatus: null, predictionStatus: null, generationId: null, clipId: null, sceneId: null, providerMessage: null });
  }
  if (opts.webhookUrl !== undefined && !/^https?:\/\//.test(opts.webhookUrl)) throw new Error(`webhookUrl must be an http(s) URL: ${opts.webhookUrl}`);
  const transport = new ReplicateTransport({ token: opts.token, baseUrl: opts.baseUrl, fetch: fetchImpl, userAgent: opts.userAgent });
  const claimed = new Set<string>();
  const claim = (id: string) => {
    claimed.add(id);
    if (claimed.size > MAX_CLAIMED) claimed.delete(claimed.values().next().value!);
  };
  const pollBackoff: BackoffOptions = { initialMs: o.pollIntervalMs, maxMs: o.maxPollIntervalMs, factor: 1.5, random: opts.random };
  const schemas = createSchemaSource({ transport, clock, cacheDir: opts.schemaCacheDir, ttlMs: opts.schemaTtlMs });
  const noClip = { model: opts.model, generationId: null, clipId: null, sceneId: null };

  /** The model's profile lined up with the schema of the version that runs. */
  async function describeWith(budget: CallBudget): Promise<VideoModelDescription> {
    const record = await schemas.get(model, budget);
    const known = lookup(model.slug);
    try {
      const mapped = known
        ? refineProfile(known, record.schema)
        : profileFromSchema(model.slug, record.schema, { url: `${opts.baseUrl ?? "https://api.replicate.com/v1"}${record.url}`, read_at: record.fetched_at }, record.version);
      return { model: opts.model, profile: mapped.profile, schema: record.schema, warnings: mapped.warnings };
    } catch (err) {
      if (err instanceof SchemaMappingError) throw inputError(budget, "schema", [{ field: err.field, type: "unmapped", description: err.message }], "the model's schema cannot be mapped", err);
      throw err;
    }
  }

  function inputError(budget: CallBudget, operation: "validate" | "schema", fields: InvalidField[], what: string, cause?: unknown): ReplicateInputError {
    return new ReplicateInputError(what, { ...budget.scope, operation, predictionId: null, httpStatus: null, predictionStatus: null, providerMessage: null }, fields, { cause });
  }

  async function upload(bytes: Buffer, contentType: string, budget: CallBudget): Promise<string> {
    const target = { operation: "upload" as const, predictionId: null };
    const file = await withRetries(budget, target, () =>
      transport.once(target, budget, (c) => c.files.create(new Blob([new Uint8Array(bytes)], { type: contentType }), {}, { signal: budget.signal }), FileSchema),
    );
    return file.urls.get;
  }

  interface Prepared {
    input: Record<string, unknown>;
    /** The input as compared when recovering an ambiguous create (uploaded file URLs left out). */
    fingerprint: Record<string, unknown>;
    built: BuiltInput | null;
    profile: ModelProfile;
    warnings: string[];
  }

  /** The exact input for a clip, checked against the model's schema: a mismatch fails here, before any create. */
  async function prepare(job: ClipJob, budget: CallBudget): Promise<Prepared> {
    const description = await describeWith(budget);
    const { profile } = description;
    const volatile = new Set<string>();
    const image = async (src: string | null | undefined, fieldName: string | undefined) => {
      if (!src) return null;
      const v = await fileInputValue(src, (bytes, type) => upload(bytes, type, budget));
      if (v.uploaded && fieldName) volatile.add(fieldName);
      return v.value;
    };
    let built: BuiltInput | null = null;
    let input: Record<string, unknown>;
    if (opts.buildInput) {
      input = opts.buildInput(job);
    } else {
      try {
        built = buildModelInput(profile, {
          prompt: job.prompt,
          duration_s: job.duration_s,
          width: job.width,
          height: job.height,
          first_frame: await image(job.firstFrame, profile.first_frame?.field),
          last_frame: await image(job.lastFrame, profile.last_frame?.field),
          seed: job.seed ?? null,
          negative_prompt: job.negativePrompt ?? null,
        });
      } catch (err) {
        if (err instanceof InputBuildError) throw inputError(budget, "validate", [{ field: err.field, type: "required", description: err.message }], "the clip cannot be asked of this model", err);
        throw err;
      }
      input = built.input;
    }
    if (input && typeof input === "object" && description.schema) {
      const issues = validateInput(description.schema, input);
      if (issues.length) throw inputError(budget, "validate", issues, "input refused before any prediction was created (nothing paid)");
    }
    const fingerprint = input && typeof input === "object" ? Object.fromEntries(Object.entries(input).filter(([k]) => !volatile.has(k))) : input;
    return { input, fingerprint, built, profile, warnings: [...description.warnings, ...(built?.warnings ?? [])] };
  }

  const getPrediction = (id: string, budget: CallBudget) =>
    withRetries(budget, { operation: "get", predictionId: id }, () =>
      transport.once({ operation: "get", predictionId: id }, budget, (c) => c.predictions.get(id, { signal: budget.signal }), PredictionSchema),
    );

  const listPredictions = (budget: CallBudget) =>
    withRetries(budget, { operation: "list", predictionId: null }, async () => {
      const page = await transport.once({ operation: "list", predictionId: null }, budget, (c) => c.predictions.list({ signal: budget.signal }), PredictionPageSchema);
      return page.results.flatMap((r) => {
        const p = PredictionSchema.safeParse(r);
        return p.success ? [p.data] : [];
      });
    });

  async function create(prepared: Prepared, budget: CallBudget, earlierAttemptAt: number | null): Promise<{ prediction: Prediction; duplicates: Prediction[] }> {
    const input = prepared.input;
    // An earlier process may have sent this create and died before learning the id: look
    // for that prediction before paying for another.
    const fingerprint: CreateFingerprint = { model, input: prepared.fingerprint, since: earlierAttemptAt ?? clock.now(), skewMs: o.recoverySkewMs };
    let ambiguous = earlierAttemptAt !== null;
    return withRetries(budget, { operation: "create", predictionId: null }, async () => {
      if (ambiguous) {
        const r = await recoverCreated({ list: () => listPredictions(budget), get: (id) => getPrediction(id, budget) }, fingerprint, claimed);
        if (r.found) return { prediction: r.found, duplicates: r.duplicates };
      }
      try {
        const prediction = await transport.once({ operation: "create", predictionId: null }, budget, (c) => c.predictions.create(createRequest(model, input, opts.webhookUrl, budget.signal)), PredictionSchema);
        return { prediction, duplicates: [] };
      } catch (err) {
        if (err instanceof ReplicateServerError || err instanceof ReplicateNetworkError) ambiguous = true;
        throw err;
      }
    });
  }

  async function waitForResult(id: string, first: Prediction | null, budget: CallBudget): Promise<Prediction> {
    let p = first ?? (await getPrediction(id, budget));
    for (let n = 0; ; n++) {
      if (isFinal(p.status)) {
        if (p.status === "succeeded") return p;
        throw errorFromPrediction(p, budget.scope);
      }
      const left = budget.deadline - clock.now();
      if (left <= 0) throw deadlineError(budget, { operation: "poll", predictionId: id }, undefined, { predictionStatus: p.status });
      await clock.sleep(Math.min(backoffDelay(n, pollBackoff), left), budget.signal);
      if (clock.now() >= budget.deadline) throw deadlineError(budget, { operation: "poll", predictionId: id }, undefined, { predictionStatus: p.status });
      p = await getPrediction(id, budget);
    }
  }

  async function cancelQuietly(id: string, budget: CallBudget): Promise<boolean> {
    try {
      await transport.once({ operation: "cancel", predictionId: id, timeoutMs: Math.min(o.callTimeoutMs, CANCEL_TIMEOUT_MS) }, budget, (c) => c.predictions.cancel(id), z.unknown());
      return true;
    } catch {
      return false;
    }
  }

  async function download(url: string, outPath: string, id: string, budget: CallBudget): Promise<void> {
    await withRetries(budget, { operation: "download", predictionId: id }, async () => {
      const left = budget.deadline - clock.now();
      if (left <= 0) throw deadlineError(budget, { operation: "download", predictionId: id }, undefined, { predictionStatus: "succeeded" });
      try {
        const policy = opts.outputPolicy ?? { allowPrivate: opts.baseUrl !== undefined && sameOrigin(url, opts.baseUrl) };
        await downloadToFile(url, outPath, { ...policy, timeoutMs: left, signal: budget.signal, maxBytes: o.maxDownloadBytes, accept: VIDEO_TYPES });
      } catch (err) {
        if (err instanceof DownloadError) throw errorFromDownload(err, budget.scope, id, clock.now());
        throw err;
      }
    });
  }

  async function generate(job: ClipJob, progress: ClipProgress): Promise<ClipResult> {
    const scope: ReplicateCallScope = { model: opts.model, generationId: job.generationId, clipId: job.clipId, sceneId: job.sceneId };
    const budget: CallBudget = { clock, deadline: clock.now() + o.clipTimeoutMs, callTimeoutMs: o.callTimeoutMs, signal: progress.signal, backoff: pollBackoff, scope };

    let id = progress.predictionId;
    let first: Prediction | null = null;
    let prepared: Prepared | null = null;
    if (!id) {
      prepared = await prepare(job, budget);
      const created = await create(prepared, budget, progress.createAttemptedAt ?? null);
      id = created.prediction.id;
      claim(id);
      await progress.onPrediction(id);
      first = created.prediction;
      for (const dup of created.duplicates) if (!isFinal(dup.status)) await cancelQuietly(dup.id, budget);
    } else {
      claim(id);
    }

    let done: Prediction;
    try {
      done = await waitForResult(id, first, budget);
    } catch (err) {
      if (!(err instanceof ReplicateTimeoutError)) throw err;
      const cancelled = await cancelQuietly(id, budget);
      throw new ReplicateTimeoutError(`clip deadline of ${o.clipTimeoutMs} ms passed before the prediction finished`, { ...err.context, predictionId: id }, err.deadlineMs, cancelled, { cause: err.cause });
    }

    const url = pickOutputUrl(done.output);
    if (!url) {
      const why = done.data_removed ? "Replicate has removed the output files (data_removed)" : `output holds no video URL: ${JSON.stringify(done.output ?? null).slice(0, 200)}`;
      throw errorNoOutput(scope, id, why);
    }
    await download(url, job.outPath, id, budget);
    const built = prepared?.built ?? null;
    return {
      path: job.outPath,
      duration_s: job.duration_s,
      prediction_id: id,
      ...(prepared ? { input: prepared.input, warnings: prepared.warnings } : {}),
      ...(built && prepared ? { requested_s: built.duration_s, cost_usd: priceOf(prepared.profile, { duration_s: built.duration_s, resolution: built.resolution?.value ?? null, sound: false }) } : {}),
    };
  }

  async function describe(signal?: AbortSignal): Promise<VideoModelDescription> {
    const budget: CallBudget = { clock, deadline: clock.now() + o.clipTimeoutMs, callTimeoutMs: o.callTimeoutMs, signal, backoff: pollBackoff, scope: noClip };
    return describeWith(budget);
  }

  return { name: `replicate:${opts.model}`, generate, describe };
}

const FileSchema = z.looseObject({
  id: z.string().describe("File id"),
  urls: z.looseObject({ get: z.string().url().describe("URL a model input can take") }),
});

function createRequest(model: ModelRef, input: Record<string, unknown>, webhookUrl: string | undefined, signal: AbortSignal | undefined) {
  const hook = webhookUrl ? { webhook: webhookUrl, webhook_events_filter: ["completed" as const] } : {};
  return model.version ? { version: model.version, input, signal, ...hook } : { model: model.slug, input, signal, ...hook };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
