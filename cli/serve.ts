import { loadConfiguration } from "../graph/configuration.js";
import { startServer } from "../server/main.js";
import { UsageError, type Flags } from "./args.js";

function portFlag(flags: Flags, fallback: number): number {
  if (flags.port === undefined) return fallback;
  const n = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || n > 65535) throw new UsageError(`--port must be a whole number from 0 (any free port) to 65535, got "${flags.port}"`);
  return n;
}

/** `reelgraph serve`: the HTTP API until SIGTERM/SIGINT, then a graceful stop. */
export async function serveCommand(flags: Flags): Promise<void> {
  const config = loadConfiguration();
  const running = await startServer({ config, port: portFlag(flags, config.server.port), host: process.env.HOST ?? "127.0.0.1" });
  process.stderr.write(`reelgraph API on ${running.url} (docs: ${running.url}/docs)\n`);
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
