import type { AddressInfo } from "node:net";
import { join } from "node:path";
import express from "express";
import type { Log } from "../../graph/ports.js";
import { analyzeAudioFile } from "../../tools/audio/analyze.js";
import { composeTimeline } from "../../tools/compose/index.js";
import { ffmpegStats } from "../../tools/ffmpeg/run.js";
import { createLogger } from "../../tools/log/index.js";
import { createMediaStore } from "../../tools/media/store.js";
import { openDb } from "../../tools/store/sqlite/db.js";
import { createInternalRouter, type InternalRouter, type InternalRouterDeps } from "./router.js";

export type FfmpegServiceAppOptions = Omit<InternalRouterDeps, "compose" | "analyzeAudio" | "onProcessingComplete"> & {
  /** Default: tools/compose composeTimeline. */
  compose?: InternalRouterDeps["compose"];
  /** Default: tools/audio analyzeAudioFile. */
  analyzeAudio?: InternalRouterDeps["analyzeAudio"];
};

/**
 * The FFmpeg service on its own (`reelgraph ffmpeg-service`): the internal router and an
 * unauthenticated GET /healthz, nothing of the public API. `internal` is the router, for
 * shutting down its jobs.
 */
export function createFfmpegServiceApp(opts: FfmpegServiceAppOptions): express.Express & { internal: InternalRouter } {
  const internal = createInternalRouter({ ...opts, compose: opts.compose ?? composeTimeline, analyzeAudio: opts.analyzeAudio ?? analyzeAudioFile });
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.set("cache-control", "no-store").json({ status: "ok", service: "reelgraph-ffmpeg", jobs_running: internal.running, ffmpeg: ffmpegStats() });
  });
  app.use(internal);
  return Object.assign(app, { internal });
}

export interface StartFfmpegServiceOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** REELGRAPH_INTERNAL_TOKEN; without it the routes answer 503. */
  token: string | undefined;
  /** Folder for the database and media (REELGRAPH_DATA_DIR). */
  dataDir: string;
  /** Base URL gateways reach this service at (output URLs); default: each request's host. */
  publicUrl?: string;
  log?: Log;
  logLevel?: string;
  composeTimeoutS?: number;
}

export interface RunningFfmpegService {
  /** http://host:port of the listening service. */
  url: string;
  port: number;
  /** Stops jobs and callback retries, closes the server and the database. */
  close(): Promise<void>;
}

/** Opens the data folder and listens; for the CLI and for tests that run it as a separate process. */
export async function startFfmpegService(opts: StartFfmpegServiceOptions): Promise<RunningFfmpegService> {
  const host = opts.host ?? "127.0.0.1";
  const db = openDb(join(opts.dataDir, "reelgraph.db"));
  const media = createMediaStore(opts.dataDir);
  const log = opts.log ?? createLogger(opts.logLevel ?? "info");
  const app = createFfmpegServiceApp({ token: opts.token, db, media, log, publicUrl: opts.publicUrl, composeTimeoutS: opts.composeTimeoutS });
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const s = app.listen(opts.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  log.info({ url, token_set: Boolean(opts.token) }, "FFmpeg service listening");
  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    close: () =>
      (closed ??= (async () => {
        await app.internal.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        db.close();
      })()),
  };
}
