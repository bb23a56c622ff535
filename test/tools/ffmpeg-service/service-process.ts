import { startFfmpegService } from "../../../server/internal/service.js";

/**
 * Runs the FFmpeg service as its own process for the remote-composer tests: listens on a
 * free port, prints {"url"} as one JSON line on stdout, and stops when stdin closes.
 */
const dataDir = process.env.REELGRAPH_DATA_DIR;
if (!dataDir) throw new Error("REELGRAPH_DATA_DIR must be set");
const service = await startFfmpegService({ port: 0, host: "127.0.0.1", token: process.env.REELGRAPH_INTERNAL_TOKEN, dataDir, logLevel: process.env.LOG_LEVEL ?? "warn" });
process.stdout.write(`${JSON.stringify({ url: service.url, pid: process.pid })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
