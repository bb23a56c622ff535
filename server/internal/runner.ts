import { randomUUID } from "node:crypto";
import { clipIdsNeeded } from "../../core/timeline/shots.js";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Log } from "../../graph/ports.js";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import type { Timeline } from "../../core/timeline/schema.js";
import { backoffDelay } from "../../core/backoff.js";
import type { Clock } from "../../tools/http/clock.js";
import { VIDEO_TYPES } from "../../tools/http/download.js";
import type { MediaStore } from "../../tools/media/store.js";
import { FfmpegServiceHttpError } from "../../tools/ffmpeg-service/errors.js";
import { internalRequest, joinUrl } from "../../tools/ffmpeg-service/http.js";
import { INTERNAL_PATHS, type ProcessClipsRequest } from "../../tools/ffmpeg-service/schema.js";
import { completionOf, type JobRow, type JobStore } from "./jobs.js";
import { resolveSource, SourceError } from "./sources.js";

/** The compose tool's shape (tools/compose composeTimeline), injected so tests and the lead choose. */
export type ComposeFn = (input: { timeline: Timeline; clips: Record<string, string>; outPath: string; media: MediaStore; timeoutS?: number; signal?: AbortSignal }) => Promise<{ path: string; duration_s: number }>;

/** The audio tool's shape (tools/audio analyzeAudioFile). */
export type AnalyzeAudioFn = (path: string, options: { signal?: AbortSignal }) => Promise<AudioAnalysis>;

export interface JobRunnerDeps {
  jobs: JobStore;
  media: MediaStore;
  compose: ComposeFn;
  fetch: typeof fetch;
  token: string;
  log: Log;
  clock: Clock;
  maxDownloadBytes: number;
  downloadTimeoutMs: number;
  composeTimeoutS?: number;
  /** Delivery of processing-complete: attempts and backoff. */
  callbackRetry: { attempts: number; initialMs: number; maxMs: number };
}

/** Callback answers that retrying cannot fix (the gateway refuses this payload or this token). */
const FINAL_CALLBACK_STATUSES = new Set([400, 401, 403, 409, 410, 413, 422]);

/**
 * Runs process-clips jobs in this process: fetch the clips, compose, record the outcome, then
 * deliver processing-complete with retries. A job's work lives in memory; the jobs table
 * records what the status route and a restarted process need.
 */
export function createJobRunner(deps: JobRunnerDeps) {
  const active = new Map<string, Promise<void>>();
  const byVersion = new Map<string, string>();
  const closing = new AbortController();
  const versionKey = (c: string, v: number) => `${c}\u0000${v}`;
  const outputPath = (c: string, v: number) => deps.media.renderPath(c, v);

  async function run(job: JobRow, request: ProcessClipsRequest, baseUrl: string, signal: AbortSignal): Promise<void> {
    await deps.jobs.markRunning(job.id);
    const temporary: string[] = [];
    try {
      // Scenes made of shots use one clip per shot.
      const used = new Set(clipIdsNeeded(request.timeline));
      const local: Record<string, string> = {};
      for (const [i, clip] of request.clips.entries()) {
        if (!used.has(clip.clip_id)) continue;
        const src = await resolveSource(clip.url, {
          mediaRoot: deps.media.root,
          downloadPath: deps.media.tmpPath(`${job.id}_${i}.mp4`),
          maxBytes: deps.maxDownloadBytes,
          timeoutMs: deps.downloadTimeoutMs,
          signal,
          token: deps.token,
          accept: VIDEO_TYPES,
        }).catch((err: unknown) => {
          if (err instanceof SourceError) throw new SourceError(`clip ${clip.clip_id}: ${err.message}`, err.context, { cause: err });
          throw err;
        });
        if (src.temporary) temporary.push(src.path);
        local[clip.clip_id] = src.path;
      }
      const result = await deps.compose({ timeline: request.timeline, clips: local, outPath: outputPath(job.composition_id, job.version), media: deps.media, timeoutS: deps.composeTimeoutS, signal });
      await deps.jobs.finish(job.id, { status: "succeeded", output_url: joinUrl(baseUrl, INTERNAL_PATHS.output(job.id)), duration_s: result.duration_s, error: null });
      deps.log.info({ job_id: job.id, composition_id: job.composition_id, version: job.version, duration_s: result.duration_s }, "process-clips job succeeded");
    } catch (err) {
      const error = signal.aborted ? "the FFmpeg service stopped before the job finished" : describe(err);
      await deps.jobs.finish(job.id, { status: "failed", output_url: null, duration_s: null, error });
      deps.log.warn({ job_id: job.id, composition_id: job.composition_id, version: job.version, err: error }, "process-clips job failed");
    } finally {
      await Promise.all(temporary.map((p) => rm(p, { force: true }).catch(() => {})));
      if (byVersion.get(versionKey(job.composition_id, job.version)) === job.id) byVersion.delete(versionKey(job.composition_id, job.version));
    }
    const finished = await deps.jobs.get(job.id);
    if (finished) await notify(finished);
  }

  /** POSTs processing-complete to the job's callback URL, retrying with backoff. */
  async function notify(row: JobRow): Promise<boolean> {
    if (!row.callback_url) return false;
    const { attempts, initialMs, maxMs } = deps.callbackRetry;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        await internalRequest(deps.fetch, { method: "POST", url: row.callback_url, token: deps.token, body: completionOf(row), timeoutMs: 15_000, signal: closing.signal });
        await deps.jobs.markNotified(row.id);
        return true;
      } catch (err) {
        if (closing.signal.aborted) return false;
        const final = err instanceof FfmpegServiceHttpError && err.context.status !== null && FINAL_CALLBACK_STATUSES.has(err.context.status);
        const last = final || attempt + 1 >= attempts;
        deps.log[last ? "error" : "warn"]({ job_id: row.id, attempt: attempt + 1, err: err instanceof Error ? err.message : String(err) }, last ? "processing-complete was not delivered; the gateway can still poll" : "processing-complete failed; retrying");
        if (last) return false;
        await deps.clock.sleep(backoffDelay(attempt, { initialMs, maxMs }), closing.signal).catch(() => {});
        if (closing.signal.aborted) return false;
      }
    }
    return false;
  }

  return {
    /**
     * Starts a job, or returns the one already running (or finished, with its output still
     * on disk) for the same composition and version.
     */
    async submit(request: ProcessClipsRequest, baseUrl: string): Promise<{ job: JobRow; created: boolean }> {
      const key = versionKey(request.composition_id, request.version);
      const runningId = byVersion.get(key);
      const running = runningId ? await deps.jobs.get(runningId) : null;
      if (running) return { job: running, created: false };
      const last = await deps.jobs.latestFor(request.composition_id, request.version);
      if (last?.status === "succeeded" && existsSync(outputPath(last.composition_id, last.version))) return { job: last, created: false };
      const job = await deps.jobs.create({ id: `job_${randomUUID()}`, composition_id: request.composition_id, version: request.version, callback_url: request.callback_url });
      byVersion.set(key, job.id);
      active.set(job.id, run(job, request, baseUrl, closing.signal).finally(() => active.delete(job.id)));
      return { job, created: true };
    },

    /** The MP4 of a succeeded job, or null. */
    outputOf(row: JobRow): string | null {
      if (row.side !== "service" || row.status !== "succeeded") return null;
      const path = outputPath(row.composition_id, row.version);
      return existsSync(path) ? path : null;
    },

    notify,

    get running(): number {
      return active.size;
    },

    /** Resolves when every job started so far has finished and reported. */
    async idle(): Promise<void> {
      while (active.size) await Promise.allSettled([...active.values()]);
    },

    /** Stops running jobs (they are recorded as failed) and pending callback retries. */
    async close(): Promise<void> {
      closing.abort(new Error("the FFmpeg service is shutting down"));
      await Promise.allSettled([...active.values()]);
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;

function describe(err: unknown): string {
  const message = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
  return message.slice(0, 2000);
}
