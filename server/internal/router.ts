import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import express, { type Response } from "express";
import type { z } from "zod";
import type { Log } from "../../graph/ports.js";
import { systemClock, type Clock } from "../../tools/http/clock.js";
import { AUDIO_TYPES, DownloadError } from "../../tools/http/download.js";
import type { MediaStore } from "../../tools/media/store.js";
import type { Db } from "../../tools/store/sqlite/db.js";
import {
  AudioAnalysisRequestSchema,
  INTERNAL_PATHS,
  ProcessClipsRequestSchema,
  ProcessingCompleteSchema,
  type ProcessingComplete,
} from "../../tools/ffmpeg-service/schema.js";
import { requireBearer } from "./auth.js";
import { createJobStore, jobView, type JobStore } from "./jobs.js";
import { HttpError, problemHandler, problemType, validationError } from "../errors.js";
import { createJobRunner, type AnalyzeAudioFn, type ComposeFn } from "./runner.js";
import { confine, resolveSource, SourceError } from "./sources.js";

export interface InternalRouterDeps {
  /** REELGRAPH_INTERNAL_TOKEN; without it every internal route answers 503. */
  token?: string;
  media: MediaStore;
  /** The jobs table: the stores' (server/main.ts passes it, on SQLite or Postgres). */
  jobs?: JobStore;
  /** A SQLite file to keep the jobs table in when `jobs` is not given (the standalone service, tests). */
  db?: Db;
  compose: ComposeFn;
  analyzeAudio: AnalyzeAudioFn;
  /** For the JSON exchanges; files are fetched by tools/http/download.ts (node:http, behind the address guard). */
  fetch?: typeof fetch;
  log: Log;
  /** Gateway side: called once per job with its first accepted processing-complete. */
  onProcessingComplete?: (payload: ProcessingComplete) => void;
  /** Base URL peers use to reach this process (output URLs); default: the request's own host. */
  publicUrl?: string;
  /** Largest clip or song fetched over http(s), in bytes (default 1 GiB). */
  maxDownloadBytes?: number;
  /** One download, in ms (default 10 min). */
  downloadTimeoutMs?: number;
  /** Deadline of one compose, in seconds (passed to the compose tool). */
  composeTimeoutS?: number;
  /** Delivery of processing-complete (default 6 attempts, 1 s doubling to 30 s). */
  callbackRetry?: { attempts: number; initialMs: number; maxMs: number };
  /** Fail (and report) service jobs a previous process left unfinished (default true). */
  recoverInterrupted?: boolean;
  clock?: Clock;
}

/** The internal router, plus what its owner needs to shut it down cleanly. */
export type InternalRouter = express.Router & {
  /** Resolves when every job started so far has finished and reported. */
  idle(): Promise<void>;
  /** Stops running jobs and callback retries. */
  close(): Promise<void>;
  /** Jobs running in this process. */
  readonly running: number;
};

/**
 * Both sides of the internal API (contract: "Internal service API"), all behind the bearer
 * token: the FFmpeg service's audio-analysis, process-clips (+ status and outputs) and media
 * routes, and the gateway's processing-complete. Mount it at the app's root.
 */
export function createInternalRouter(deps: InternalRouterDeps): InternalRouter {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const jobs = jobsOf(deps);
  const runner = createJobRunner({
    jobs,
    media: deps.media,
    compose: deps.compose,
    fetch: fetchImpl,
    token: deps.token ?? "",
    log: deps.log,
    clock: deps.clock ?? systemClock,
    maxDownloadBytes: deps.maxDownloadBytes ?? 1024 ** 3,
    downloadTimeoutMs: deps.downloadTimeoutMs ?? 600_000,
    composeTimeoutS: deps.composeTimeoutS,
    callbackRetry: deps.callbackRetry ?? { attempts: 6, initialMs: 1_000, maxMs: 30_000 },
  });
  if (deps.token && deps.recoverInterrupted !== false) {
    void jobs
      .failInterrupted("the FFmpeg service restarted before the job finished")
      .then((rows) => rows.forEach((row) => void runner.notify(row)))
      .catch((err: unknown) => deps.log.error({ err: err instanceof Error ? err.message : String(err) }, "could not fail the jobs a previous process left"));
  }

  const router = express.Router();
  // Per route, not a prefix middleware: other /internal paths the app may own keep their own auth.
  const auth = requireBearer(deps.token);
  const json = express.json({ limit: "4mb", type: ["application/json", "application/*+json"] });

  router.post(INTERNAL_PATHS.audioAnalysis, auth, json, async (req, res) => {
    const body = parse(AudioAnalysisRequestSchema, req.body);
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("the client went away"));
    });
    const downloadPath = deps.media.tmpPath(`audio_${randomUUID()}`);
    let source: Awaited<ReturnType<typeof resolveSource>>;
    try {
      source = await resolveSource(body.audio_url, {
        mediaRoot: deps.media.root,
        downloadPath,
        maxBytes: deps.maxDownloadBytes ?? 1024 ** 3,
        timeoutMs: deps.downloadTimeoutMs ?? 600_000,
        signal: controller.signal,
        token: deps.token,
        accept: AUDIO_TYPES,
      });
    } catch (err) {
      throw sourceProblem(err, "audio_url");
    }
    let analysis: Awaited<ReturnType<AnalyzeAudioFn>>;
    try {
      analysis = await deps.analyzeAudio(source.path, { signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) return;
      if (!(err instanceof Error) || err.name !== "AudioAnalysisError") throw err;
      const detail = `audio_url: ${err.message.replaceAll(source.path, "the file")}`.slice(0, 2000);
      throw new HttpError(422, "The audio could not be analysed", detail, { type: problemType("audio-analysis-failed") }, { cause: err });
    } finally {
      if (source.temporary) await rm(source.path, { force: true }).catch(() => {});
    }
    res.json(analysis);
  });

  router.post(INTERNAL_PATHS.processClips, auth, json, async (req, res) => {
    const body = parse(ProcessClipsRequestSchema, req.body);
    const { job, created } = await runner.submit(body, deps.publicUrl ?? `${req.protocol}://${req.get("host")}`);
    if (!created) deps.log.info({ job_id: job.id, composition_id: job.composition_id, version: job.version, status: job.status }, "process-clips: same composition version, same job");
    res.status(202).location(INTERNAL_PATHS.job(job.id)).json({ job_id: job.id, status: jobView(job).status });
  });

  router.get(`${INTERNAL_PATHS.processClips}/:job_id`, auth, async (req, res) => {
    const row = await jobs.get(String(req.params.job_id));
    if (!row || row.side !== "service") throw notFound(`no job ${req.params.job_id}`);
    res.set("cache-control", "no-store").json(jobView(row));
  });

  router.get("/internal/v1/outputs/:file", auth, async (req, res, next) => {
    const m = /^(.+)\.mp4$/.exec(String(req.params.file));
    const row = m ? await jobs.get(m[1]!) : null;
    const path = row ? runner.outputOf(row) : null;
    if (!path) throw notFound(`no finished output ${req.params.file}`);
    sendFrom(res, dirname(path), basename(path), next);
  });

  router.get(`${INTERNAL_PATHS.media}/*path`, auth, async (req, res, next) => {
    const segments = (req.params as { path?: string[] | string }).path;
    const rel = Array.isArray(segments) ? segments.join("/") : String(segments ?? "");
    const missing = notFound(`no media file ${rel}`);
    if (!rel || rel.split("/").some((s) => s === ".." || s === "" || s.startsWith("."))) throw missing;
    const real = await confine(join(deps.media.root, rel), deps.media.root).catch(() => {
      throw missing;
    });
    sendFrom(res, dirname(real), basename(real), next);
  });

  router.post(INTERNAL_PATHS.processingComplete, auth, json, async (req, res) => {
    const payload = parse(ProcessingCompleteSchema, req.body);
    const outcome = await jobs.settle(payload, "callback");
    if (outcome === "unknown") throw notFound(`no job ${payload.job_id} was submitted from here`);
    if (outcome === "mismatch") {
      throw new HttpError(409, "The job belongs to another composition", `job_id: ${payload.job_id} was not submitted for ${payload.composition_id} v${payload.version}`, { type: problemType("job-mismatch") });
    }
    if (outcome === "settled") {
      deps.log.info({ job_id: payload.job_id, composition_id: payload.composition_id, version: payload.version, status: payload.status }, "processing-complete received");
      try {
        deps.onProcessingComplete?.(payload);
      } catch (err) {
        deps.log.error({ job_id: payload.job_id, err: err instanceof Error ? err.message : String(err) }, "processing-complete handler failed");
      }
    }
    res.status(204).end();
  });

  // Scoped to these routes' prefix, so errors from the rest of the app pass through untouched.
  router.use("/internal/v1", problemHandler(deps.log));

  return Object.defineProperties(router, {
    idle: { value: () => runner.idle() },
    close: { value: () => runner.close() },
    running: { get: () => runner.running },
  }) as InternalRouter;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw validationError(r.error, "body", { qualify: false });
  return r.data;
}

function sourceProblem(err: unknown, field: string): unknown {
  if (!(err instanceof SourceError)) return err;
  const { kind } = err.context;
  if (kind === "download") {
    // A file we refuse (too large, wrong type, empty) is the caller's to fix; a failed transfer is upstream's.
    const refused = err.cause instanceof DownloadError && ["too_large", "content_type", "empty"].includes(err.cause.context.kind);
    return refused
      ? new HttpError(422, "The file is not acceptable", `${field}: ${err.message}`, { type: problemType("source-refused") }, { cause: err })
      : new HttpError(502, "The file could not be fetched", `${field}: ${err.message}`, { type: problemType("download-failed") }, { cause: err });
  }
  if (kind === "not_found") return new HttpError(422, "The file does not exist", `${field}: ${err.message}`, { type: problemType("source-not-found") }, { cause: err });
  return new HttpError(400, "Invalid request", `${field}: ${err.message}`, { type: problemType("invalid-request"), errors: [{ path: field, message: err.message }] }, { cause: err });
}

/** res.sendFile confined to `root` (Range, HEAD and conditional GETs come with it). */
function sendFrom(res: Response, root: string, rel: string, next: (err?: unknown) => void): void {
  res.sendFile(rel, { root, dotfiles: "deny", acceptRanges: true, headers: { "cache-control": "private, max-age=0" } }, (err) => {
    if (!err) return;
    if (res.headersSent) return;
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    next(status === 404 || status === 403 ? notFound(`no media file ${rel}`) : err);
  });
}

function notFound(detail: string): HttpError {
  return new HttpError(404, "Not found", detail, { type: problemType("not-found") });
}

/** The jobs table given, or the one in the SQLite file given. */
export function jobsOf(deps: { jobs?: JobStore; db?: Db }): JobStore {
  if (deps.jobs) return deps.jobs;
  if (deps.db) return createJobStore(deps.db);
  throw new TypeError("the FFmpeg service needs a jobs table: pass jobs (a JobStore) or db (a SQLite file)");
}
