import { createHash } from "node:crypto";
import { copyFileSync, existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { ConfigurationError, type Configuration } from "../../graph/configuration.js";
import type { AudioAnalyzer, Composer, Log } from "../../graph/ports.js";
import type { MediaStore } from "../../tools/media/store.js";
import type { Db } from "../../tools/store/sqlite/db.js";
import { createRemoteAudioAnalyzer, createRemoteComposer } from "../../tools/ffmpeg-service/client.js";
import { mediaFileUrl } from "../../tools/ffmpeg-service/http.js";
import { createCallbackHub, type CallbackHub } from "../../tools/ffmpeg-service/hub.js";
import type { ProcessingComplete } from "../../tools/ffmpeg-service/schema.js";
import type { JobStore } from "./jobs.js";
import { jobsOf } from "./router.js";
import { isInside } from "./sources.js";

export interface RemoteFfmpegOptions {
  /** REELGRAPH_FFMPEG_SERVICE_URL. */
  serviceUrl: string;
  /** REELGRAPH_INTERNAL_TOKEN (both processes share it). */
  token: string | undefined;
  /** REELGRAPH_PUBLIC_URL: where the service reaches this gateway (callbacks and media). */
  publicUrl: string | undefined;
  /** The jobs table (the stores'), or a SQLite file holding it. */
  jobs?: JobStore;
  db?: Db;
  media: MediaStore;
  log: Log;
  fetch?: typeof fetch;
  /** Whole remote compose, in ms (default 30 min). */
  deadlineMs?: number;
  /** Status poll period when no callback arrives (default 5 s). */
  pollIntervalMs?: number;
}

export interface RemoteFfmpeg {
  composer: Composer;
  audio: AudioAnalyzer;
  hub: CallbackHub;
  /** Pass to createInternalRouter's onProcessingComplete. */
  onProcessingComplete(payload: ProcessingComplete): void;
}

/**
 * The gateway's side of a remote FFmpeg service (REELGRAPH_FFMPEG_SERVICE_URL set): a
 * composer and audio analyser over HTTP, the hub the processing-complete route resolves,
 * and the jobs table as the record of what was submitted. Clips and songs are offered to the
 * service at this gateway's /internal/v1/media route.
 */
export function createRemoteFfmpeg(opts: RemoteFfmpegOptions): RemoteFfmpeg {
  if (!opts.token) throw new ConfigurationError("REELGRAPH_INTERNAL_TOKEN", "required when REELGRAPH_FFMPEG_SERVICE_URL is set");
  if (!opts.publicUrl) throw new ConfigurationError("REELGRAPH_PUBLIC_URL", "required when REELGRAPH_FFMPEG_SERVICE_URL is set: the FFmpeg service calls back and fetches clips there");
  const { token, publicUrl, media } = opts;
  const hub = createCallbackHub();
  const jobs = jobsOf(opts);
  const servable = (path: string) => mediaFileUrl(publicUrl, media.root, underMedia(media, path));
  const composer = createRemoteComposer({
    serviceUrl: opts.serviceUrl,
    token,
    callbackBaseUrl: publicUrl,
    clipUrl: (_clipId, path) => servable(path),
    waitForCallback: (jobId, { signal }) => hub.wait(jobId, { signal }),
    journal: {
      submitted: (job) => jobs.expect(job),
      settledByPoll: (payload) => jobs.settle(payload, "poll").then(() => undefined),
    },
    fetch: opts.fetch,
    deadlineMs: opts.deadlineMs,
    pollIntervalMs: opts.pollIntervalMs,
    log: opts.log,
  });
  const audio = createRemoteAudioAnalyzer({ serviceUrl: opts.serviceUrl, token, fileUrl: servable, fetch: opts.fetch });
  return { composer, audio, hub, onProcessingComplete: (payload) => void hub.resolve(payload) };
}

/**
 * The remote side when REELGRAPH_FFMPEG_SERVICE_URL is set, null otherwise (the compose step
 * then stays in-process, graph/defaults.ts). Pass `composer` and `audio` as createDeps
 * overrides and `onProcessingComplete` to createInternalRouter.
 */
export function remoteFfmpegFromConfig(config: Configuration, deps: { jobs?: JobStore; db?: Db; media: MediaStore; log: Log; fetch?: typeof fetch }): RemoteFfmpeg | null {
  if (!config.ffmpeg.serviceUrl) return null;
  return createRemoteFfmpeg({
    serviceUrl: config.ffmpeg.serviceUrl,
    token: config.server.internalToken,
    publicUrl: config.server.publicUrl,
    // the service's own FFmpeg deadline per run, plus room for fetching clips and the output
    deadlineMs: (config.ffmpeg.timeoutS * 2 + 300) * 1000,
    ...deps,
  });
}

/**
 * A file outside the media folder (a song given on the command line) cannot be served; it is
 * copied in once per version of the file (path, size and mtime name the copy).
 */
function underMedia(media: MediaStore, path: string): string {
  const abs = resolve(path);
  if (isInside(resolve(media.root), abs)) return abs;
  const { size, mtimeMs } = statSync(abs);
  const key = createHash("sha256").update(`${abs}\0${size}\0${mtimeMs}`).digest("hex").slice(0, 24);
  const copy = media.tmpPath(`offered_${key}${extname(abs).slice(0, 8)}`);
  if (!existsSync(copy)) copyFileSync(abs, copy);
  return copy;
}
