import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { createReelgraph, type Reelgraph } from "../app/reelgraph.js";
import { loadConfiguration, type Configuration } from "../graph/configuration.js";
import type { GraphDeps } from "../graph/ports.js";
import { createLogger } from "../tools/log/index.js";
import { createApp, requestListener, type AppDeps } from "./app.js";
import { mountFfmpegService } from "./ffmpeg-wiring.js";
import { sharedRateLimitStores } from "./rate-limit.js";

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  app: Reelgraph;
  /** Stops taking work, lets checkpoints settle, closes the stores. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the API: reelgraph built from configuration (createReelgraph), the embedded FFmpeg
 * service, the HTTP listener, and the runs a previous process left in flight, resumed. With
 * role "api" (DATABASE_URL) runs go on the queue for `reelgraph worker` processes instead; on
 * SQLite they run in a worker thread (REELGRAPH_RUN_THREAD, app/run-thread.ts) unless ports are
 * overridden (`overrides` cannot cross into a thread; `runThreadSetup` names a module that
 * replaces ports there instead).
 */
export async function startServer(opts: { config?: Configuration; host?: string; port?: number; overrides?: Partial<GraphDeps>; limits?: AppDeps["limits"]; allowPrivateUrls?: boolean; logStream?: NodeJS.WritableStream; beforeResume?: (app: Reelgraph) => void; role?: "all" | "api"; runThreadSetup?: string } = {}): Promise<RunningServer> {
  const config = opts.config ?? loadConfiguration();
  const logger = createLogger(config.logLevel, opts.logStream);
  let ffmpeg: ReturnType<typeof mountFfmpegService> | null = null;
  // The FFmpeg service may replace the composer (remote mode), so it is wired before the graph is compiled.
  const app = createReelgraph(config, {
    log: logger,
    overrides: opts.overrides,
    allowPrivateUrls: opts.allowPrivateUrls,
    role: opts.role,
    // Runs in a thread of their own when the configuration allows (app/run-thread.ts).
    runThread: { logStream: opts.logStream, setup: opts.runThreadSetup },
    wire: (w) => (ffmpeg = mountFfmpegService({ config: w.config, media: w.deps.media, jobs: w.stores.jobs, logger })).overrides,
  });
  // A run thread that cannot start is said now, with what to do, not after the first request.
  await app.runner.ready().catch(async (err: unknown) => {
    await app.close(0);
    throw err;
  });
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? config.server.port;
  const router = ffmpeg!.router;
  // On a shared store every API process draws from the same allowance per client.
  const rateLimitStore = app.stores.rateLimits ? sharedRateLimitStores(app.stores.rateLimits) : undefined;
  const http = createApp({ app, logger, internal: router, limits: opts.limits, rateLimitStore });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(requestListener(http)).listen(port, host, () => resolve(s));
    s.on("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actual}`;
  opts.beforeResume?.(app);
  // An API process leaves runs to the workers (the queue hands a dead worker's runs to another).
  if (app.role === "all") {
    const resumed = await app.runner.resumeUnfinished();
    if (resumed.length) logger.info({ resumed }, "resumed runs left in flight");
  }
  logger.info({ url }, "reelgraph listening");
  let closing: Promise<void> | null = null;
  return {
    url,
    port: actual,
    server,
    app,
    close: (graceMs?: number) =>
      (closing ??= (async () => {
        await app.runner.shutdown(graceMs);
        await router.close();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await app.close(0);
      })()),
  };
}
