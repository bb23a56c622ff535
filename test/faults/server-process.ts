import { loadConfiguration } from "../../graph/configuration.js";
import { startServer } from "../../server/main.js";
import type { Reelgraph } from "../../app/reelgraph.js";
import { installCreateHook, killOnEvent } from "./crash-points.js";

/**
 * The reelgraph server as a process of its own, for the crash harness: configured from the
 * environment like `reelgraph serve`, it prints one JSON line `{url, pid}` on stdout once it
 * listens, then one `{"event": type, ...}` line per run-store event (the harness times its
 * kills on them).
 *
 * REELGRAPH_TEST_CRASH_AT makes the process SIGKILL itself at an exact point (./crash-points.ts),
 * in the run thread when the server has one (./thread-setup.ts), else here.
 * REELGRAPH_TEST_LIMITS ("writes/s,burst,reads/s,burst") replaces the per-client rate limits.
 */
const config = loadConfiguration();
// The exact crash points are where the pipelines run: the run thread (./thread-setup.ts), or here.
if (!config.runThread) installCreateHook();
// Subscribed before the server resumes anything, so no early event is missed.
const watch = (app: Reelgraph) => {
  app.stores.events.subscribe("*", (e) => {
    process.stdout.write(`${JSON.stringify({ event: e.type, stage: e.data.stage ?? null, generation_id: e.generation_id })}\n`);
  });
  if (!config.runThread) killOnEvent(app);
};

// "writes/s,burst,reads/s,burst": the fuzz test raises the limits to reach past them.
const l = process.env.REELGRAPH_TEST_LIMITS?.split(",").map(Number);
const limits = l?.length === 4 ? { writesPerSecond: l[0]!, writeBurst: l[1]!, readsPerSecond: l[2]!, readBurst: l[3]! } : undefined;
const server = await startServer({ config, port: Number(process.env.PORT ?? 0), limits, beforeResume: watch, runThreadSetup: new URL("./thread-setup.ts", import.meta.url).href });
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
