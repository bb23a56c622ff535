import { loadConfiguration } from "../graph/configuration.js";
import { startServer } from "../server/main.js";
import { UsageError, type Flags } from "./args.js";

function portFlag(flags: Flags, fallback: number): number {
  if (flags.port === undefined) return fallback;
  const n = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || n > 65535) throw new UsageError(`--port must be a whole number from 0 (any free port) to 65535, got "${flags.port}"`);
  return n;
}

function roleFlag(flags: Flags, databaseUrl: string | undefined): "all" | "api" {
  const role = flags.role ?? (databaseUrl ? "api" : "all");
  if (role !== "all" && role !== "api") throw new UsageError(`--role must be api (serve the API; workers run the graph) or all (run the graph here too), got "${role}"`);
  if (role === "api" && !databaseUrl) throw new UsageError("--role api needs DATABASE_URL=postgres://… (the store and queue the workers share)");
  return role;
}

/**
 * `reelgraph serve`: the HTTP API until SIGTERM/SIGINT, then a graceful stop. With
 * DATABASE_URL it is an API process (role api): runs go on the queue for `reelgraph worker`
 * processes; `--role all` runs them here too.
 */
export async function serveCommand(flags: Flags): Promise<void> {
  const config = loadConfiguration();
  const role = roleFlag(flags, config.databaseUrl);
  const running = await startServer({ config, port: portFlag(flags, config.server.port), host: process.env.HOST ?? "127.0.0.1", role });
  process.stderr.write(`reelgraph API on ${running.url} (docs: ${running.url}/docs)${role === "api" ? " — runs go to the workers" : ""}\n`);
  const stop = async (signal: string) => {
    process.stderr.write(`${signal}: finishing; runs in flight resume on the next start\n`);
    await running.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

/** `reelgraph ffmpeg-service`: only the internal FFmpeg routes, for running on another machine. */
export async function ffmpegServiceCommand(flags: Flags): Promise<void> {
  const config = loadConfiguration();
  const { startFfmpegService } = await import("../server/internal/service.js");
  const svc = await startFfmpegService({ port: portFlag(flags, 8090), host: process.env.HOST ?? "127.0.0.1", token: config.server.internalToken, dataDir: config.dataDir });
  process.stderr.write(`reelgraph FFmpeg service on ${svc.url}\n`);
  const stop = async () => {
    await svc.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

/**
 * `reelgraph worker`: takes runs from the queue (DATABASE_URL), at most REELGRAPH_RUN_CONCURRENCY
 * (or --concurrency) at once, until SIGTERM/SIGINT; then it drains: it takes no new run and
 * waits up to --drain-s (default 60) for the ones in hand, whose locks then lapse so another
 * worker resumes them from their checkpoints.
 */
export async function workerCommand(flags: Flags): Promise<void> {
  const config = loadConfiguration();
  if (!config.databaseUrl) throw new UsageError("reelgraph worker needs DATABASE_URL=postgres://… (the store and queue it shares with the API processes)");
  const concurrency = flags.concurrency === undefined ? config.runConcurrency : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw new UsageError(`--concurrency must be a whole number from 1 to 1000, got "${flags.concurrency}"`);
  const drainS = flags["drain-s"] === undefined ? 60 : Number(flags["drain-s"]);
  if (!Number.isFinite(drainS) || drainS < 0) throw new UsageError(`--drain-s must be a number of seconds, got "${flags["drain-s"]}"`);
  const [{ createReelgraph }, { startRunWorker }, { createLogger }] = await Promise.all([import("../app/reelgraph.js"), import("../app/queue.js"), import("../tools/log/index.js")]);
  const log = createLogger(config.logLevel);
  const app = createReelgraph({ ...config, runConcurrency: concurrency }, { log, role: "worker" });
  const worker = await startRunWorker(app, { databaseUrl: config.databaseUrl, log, leaseMs: config.workerLeaseS * 1000, concurrency });
  process.stderr.write(`reelgraph worker ${process.pid}: taking up to ${concurrency} run(s) at once\n`);
  const stop = async (signal: string) => {
    process.stderr.write(`${signal}: draining (up to ${drainS} s); runs still in hand resume on another worker\n`);
    await worker.close(drainS * 1000);
    await app.close(0);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
