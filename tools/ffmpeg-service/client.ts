import type { AudioAnalyzer, Composer, Log } from "../../graph/ports.js";
import { AudioAnalysisSchema, type AudioAnalysis } from "../../core/schemas/audio.js";
import { backoffDelay } from "../../core/backoff.js";
import { DownloadError, downloadToFile, VIDEO_TYPES } from "../http/download.js";
import { abortReason, systemClock, type Clock } from "../http/clock.js";
import { FfmpegServiceHttpError, RemoteComposeError, ServiceTimeoutError } from "./errors.js";
import { bearerFor, internalRequest, joinUrl, withRetries } from "./http.js";
import {
  INTERNAL_PATHS,
  isTerminal,
  JobViewSchema,
  ProcessClipsAcceptedSchema,
  type ProcessClipsRequest,
  type ProcessingComplete,
} from "./schema.js";

/** The gateway's memory of the jobs it submitted (the jobs table); optional. */
export interface RemoteJobJournal {
  /** Called once the service accepted a job, before waiting: the callback handler then knows it. */
  submitted(job: { job_id: string; composition_id: string; version: number; callback_url: string }): void | Promise<void>;
  /** Called when the outcome came from the status poll, so a later callback changes nothing. */
  settledByPoll(payload: ProcessingComplete): void | Promise<void>;
}

export interface RemoteComposerOptions {
  /** Base URL of the FFmpeg service (REELGRAPH_FFMPEG_SERVICE_URL). */
  serviceUrl: string;
  /** REELGRAPH_INTERNAL_TOKEN, sent as a bearer token on every call. */
  token: string;
  /** Where the service can reach this gateway's /internal/v1/processing-complete. */
  callbackBaseUrl: string;
  /** The URL the service fetches a clip from. */
  clipUrl: (clipId: string, path: string) => string;
  /** Resolves when the gateway receives the job's callback (a CallbackHub's wait). */
  waitForCallback: (jobId: string, options: { signal: AbortSignal }) => Promise<ProcessingComplete>;
  journal?: RemoteJobJournal;
  /** For the JSON exchanges; files are fetched by tools/http/download.ts (node:http, behind the address guard). */
  fetch?: typeof fetch;
  /** The whole compose (submit, wait, download), in ms (default 30 min). */
  deadlineMs?: number;
  /** Status poll period, the fallback for a lost callback (default 5 s). */
  pollIntervalMs?: number;
  /** One HTTP exchange, in ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Largest output accepted, in bytes (default 2 GiB). */
  maxOutputBytes?: number;
  log?: Log;
  clock?: Clock;
}

/**
 * A Composer backed by a remote FFmpeg service: submits process-clips, then takes whichever
 * comes first of the callback and a terminal status poll, within one overall deadline, and
 * downloads the MP4 to `outPath` atomically. A resubmission after a crash is safe: the
 * service answers the same job for the same composition and version.
 */
export function createRemoteComposer(opts: RemoteComposerOptions): Composer {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const clock = opts.clock ?? systemClock;
  const deadlineMs = opts.deadlineMs ?? 30 * 60_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 5_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const callbackUrl = joinUrl(opts.callbackBaseUrl, INTERNAL_PATHS.processingComplete);

  return {
    async compose(input) {
      const started = clock.now();
      const ctx = { compositionId: input.compositionId, version: input.timeline.version };
      let phase: ServiceTimeoutError["context"]["phase"] = "submit";
      let jobId: string | null = null;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new ServiceTimeoutError({ jobId, deadlineMs, phase, serviceUrl: opts.serviceUrl })), deadlineMs);
      const signal = input.signal ? AbortSignal.any([deadline.signal, input.signal]) : deadline.signal;
      const timeoutOf = () => Math.max(1, Math.min(requestTimeoutMs, deadlineMs - (clock.now() - started)));
      try {
        const body: ProcessClipsRequest = {
          composition_id: input.compositionId,
          version: input.timeline.version,
          timeline: input.timeline,
          clips: Object.entries(input.clips).map(([clip_id, path]) => ({ clip_id, url: opts.clipUrl(clip_id, path) })),
          callback_url: callbackUrl,
        };
        const accepted = await withRetries(
          () => internalRequest(fetchImpl, { method: "POST", url: joinUrl(opts.serviceUrl, INTERNAL_PATHS.processClips), token: opts.token, body, schema: ProcessClipsAcceptedSchema, timeoutMs: timeoutOf(), signal }),
          { attempts: 4, initialMs: 500, maxMs: 5_000, clock, signal },
        );
        jobId = accepted.body.job_id;
        phase = "wait";
        await opts.journal?.submitted({ job_id: jobId, composition_id: input.compositionId, version: input.timeline.version, callback_url: callbackUrl });
        opts.log?.info({ job_id: jobId, composition_id: input.compositionId, version: input.timeline.version }, "remote compose submitted");

        const outcome = await firstOutcome(jobId, signal, {
          waitForCallback: opts.waitForCallback,
          poll: (s) => pollStatus(jobId!, ctx, s, accepted.body.status !== undefined && isTerminal(accepted.body.status)),
        });
        if (outcome.via === "poll") await opts.journal?.settledByPoll(outcome.payload);
        const p = outcome.payload;
        if (p.composition_id !== input.compositionId || p.version !== input.timeline.version) {
          throw new RemoteComposeError(`job ${jobId} answered for ${p.composition_id} v${p.version}`, { jobId, ...ctx, serviceError: null });
        }
        if (p.status === "failed") {
          throw new RemoteComposeError(`the FFmpeg service failed job ${jobId}: ${p.error ?? "no reason given"}`, { jobId, ...ctx, serviceError: p.error });
        }
        if (!p.output_url) throw new RemoteComposeError(`job ${jobId} succeeded without an output_url`, { jobId, ...ctx, serviceError: null });

        phase = "download";
        const outputUrl = p.output_url;
        await withDownloadRetries(() =>
          // The service is a peer the operator configured, on a private network as a rule.
          downloadToFile(outputUrl, input.outPath, {
            timeoutMs: Math.max(1, deadlineMs - (clock.now() - started)),
            signal,
            maxBytes: opts.maxOutputBytes ?? 2 * 1024 ** 3,
            headers: bearerFor(outputUrl, opts.token),
            accept: VIDEO_TYPES,
            allowPrivate: true,
          }),
          clock,
          signal,
        ).catch((err: unknown) => {
          if (signal.aborted) throw err;
          throw new RemoteComposeError(`could not fetch the output of job ${jobId}: ${err instanceof Error ? err.message : String(err)}`, { jobId, ...ctx, serviceError: null }, { cause: err });
        });
        return { path: input.outPath, duration_s: p.duration_s ?? input.timeline.duration_s, reused: 0, encoded: input.timeline.scenes.length };
      } catch (err) {
        if (deadline.signal.aborted && !input.signal?.aborted) {
          throw new ServiceTimeoutError({ jobId, deadlineMs, phase, serviceUrl: opts.serviceUrl }, { cause: err === deadline.signal.reason ? undefined : err });
        }
        if (input.signal?.aborted) throw abortReason(input.signal);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  /** Polls until the job is terminal; the first look is immediate when the service said it already is. */
  async function pollStatus(jobId: string, ctx: { compositionId: string; version: number }, signal: AbortSignal, immediate: boolean): Promise<ProcessingComplete> {
    for (let first = true; ; first = false) {
      if (!first || !immediate) await clock.sleep(pollIntervalMs, signal);
      try {
        const { body: view } = await internalRequest(fetchImpl, { method: "GET", url: joinUrl(opts.serviceUrl, INTERNAL_PATHS.job(jobId)), token: opts.token, schema: JobViewSchema, timeoutMs: requestTimeoutMs, signal });
        if (isTerminal(view.status)) {
          return { job_id: view.job_id, composition_id: view.composition_id, version: view.version, status: view.status, output_url: view.output_url, duration_s: view.duration_s, error: view.error };
        }
      } catch (err) {
        if (signal.aborted) throw abortReason(signal);
        if (err instanceof FfmpegServiceHttpError && err.context.status === 404) {
          throw new RemoteComposeError(`the FFmpeg service no longer knows job ${jobId}`, { jobId, ...ctx, serviceError: err.context.detail }, { cause: err });
        }
        if (!(err instanceof FfmpegServiceHttpError) || !err.retryable) throw err;
        opts.log?.warn({ job_id: jobId, err: err.message }, "status poll failed; will poll again");
      }
    }
  }
}

/**
 * Races the callback against the poll; the loser is stopped. A resubmission of a finished job
 * gets no new callback, so the poll's first look is then immediate.
 */
async function firstOutcome(
  jobId: string,
  signal: AbortSignal,
  how: { waitForCallback: RemoteComposerOptions["waitForCallback"]; poll: (signal: AbortSignal) => Promise<ProcessingComplete> },
): Promise<{ via: "callback" | "poll"; payload: ProcessingComplete }> {
  const stop = new AbortController();
  const inner = AbortSignal.any([signal, stop.signal]);
  const callback = how.waitForCallback(jobId, { signal: inner }).then((payload) => ({ via: "callback" as const, payload }));
  const poll = how.poll(inner).then((payload) => ({ via: "poll" as const, payload }));
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(abortReason(signal));
    signal.addEventListener("abort", () => reject(abortReason(signal)), { once: true });
  });
  try {
    return await Promise.race([callback, poll, aborted]);
  } finally {
    stop.abort();
    for (const p of [callback, poll, aborted]) p.catch(() => {});
  }
}

const DOWNLOAD_BACKOFF = { initialMs: 500, maxMs: 4_000 };

async function withDownloadRetries<T>(work: () => Promise<T>, clock: Clock, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof DownloadError) || !err.retryable || attempt >= 2 || signal.aborted) throw err;
      await clock.sleep(backoffDelay(attempt, DOWNLOAD_BACKOFF), signal);
    }
  }
}

export interface RemoteAudioAnalyzerOptions {
  serviceUrl: string;
  token: string;
  /** The URL the service fetches a local audio file from. */
  fileUrl: (path: string) => string;
  fetch?: typeof fetch;
  /** One analysis, in ms (default 5 min). */
  timeoutMs?: number;
  clock?: Clock;
}

/** An AudioAnalyzer backed by the FFmpeg service's POST /internal/v1/audio-analysis. */
export function createRemoteAudioAnalyzer(opts: RemoteAudioAnalyzerOptions): AudioAnalyzer {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const clock = opts.clock ?? systemClock;
  return {
    async analyze(path, signal): Promise<AudioAnalysis> {
      const url = joinUrl(opts.serviceUrl, INTERNAL_PATHS.audioAnalysis);
      const { body } = await withRetries(
        () => internalRequest(fetchImpl, { method: "POST", url, token: opts.token, body: { audio_url: opts.fileUrl(path) }, schema: AudioAnalysisSchema, timeoutMs: opts.timeoutMs ?? 300_000, signal }),
        { attempts: 3, initialMs: 500, maxMs: 5_000, clock, signal },
      );
      return body;
    },
  };
}
