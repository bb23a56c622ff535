import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadConfiguration, type Configuration } from "../graph/configuration.js";
import type { GraphDeps } from "../graph/deps.js";
import { createDeps, openCheckpointer } from "../graph/defaults.js";
import { compileGraph } from "../graph/index.js";
import { RunManager } from "../graph/runner.js";
import { createLogger } from "../tools/log/index.js";
import { createApp, type AppDeps } from "./app.js";
import { createAudioResolver } from "./audio.js";
import { mountFfmpegService } from "./ffmpeg-wiring.js";

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  deps: GraphDeps;
  runner: RunManager;
  /** Stops taking work, lets checkpoints settle, closes the stores. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the API: stores and providers from configuration, the run manager (resuming runs a
 * previous process left in flight), the embedded FFmpeg service, and the HTTP listener.
 */
export async function startServer(opts: { config?: Configuration; host?: string; port?: number; overrides?: Partial<GraphDeps>; limits?: AppDeps["limits"]; allowPrivateUrls?: boolean; logStream?: NodeJS.WritableStream } = {}): Promise<RunningServer> {
  const config = opts.config ?? loadConfiguration();
  const logger = createLogger(config.logLevel, opts.logStream);
  const deps = createDeps(config, { log: logger, ...opts.overrides });
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? config.server.port;
  const checkpointer = openCheckpointer(config);
  const audio = createAudioResolver({ store: deps.store, media: deps.media, allowPrivate: opts.allowPrivateUrls });
  // The FFmpeg service may replace the composer (remote mode), so wire it before the graph.
  const ffmpeg = mountFfmpegService({ deps, logger });
  const graphDeps: GraphDeps = { ...deps, ...ffmpeg.overrides };
  const compiled = compileGraph(graphDeps, checkpointer);
  const runner = new RunManager(graphDeps, compiled, { concurrency: config.runConcurrency, downloadAudio: (url, id, signal) => audio.download(url, id, signal) });
  const app = createApp({ graph: graphDeps, compiled, runner, audio, logger, internal: ffmpeg.router, limits: opts.limits });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.on("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actual}`;
  const resumed = await runner.resumeUnfinished();
  if (resumed.length) logger.info({ resumed }, "resumed runs left in flight");
  logger.info({ url }, "reelgraph listening");
  let closing: Promise<void> | null = null;
  return {
    url,
    port: actual,
    server,
    deps: graphDeps,
    runner,
    close: (graceMs?: number) =>
      (closing ??= (async () => {
        await runner.shutdown(graceMs);
        await ffmpeg.router.close();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        deps.store.close();
        (checkpointer as unknown as { db?: { close(): void } }).db?.close();
      })()),
  };
}
