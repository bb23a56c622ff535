import { loadConfiguration } from "../../graph/configuration.js";
import { startServer } from "../../server/main.js";
import type { Reelgraph } from "../../app/reelgraph.js";

/**
 * The reelgraph server as a process of its own, for the crash harness: configured from the
 * environment like `reelgraph serve`, it prints one JSON line `{url, pid}` on stdout once it
 * listens, then one `{"event": type, ...}` line per run-store event (the harness times its
 * kills on them).
 *
 * REELGRAPH_TEST_CRASH_AT makes the process SIGKILL itself at an exact point, from inside the
 * code that is running there (no signal can arrive sooner):
 *   `event:<type>[:<stage>][#<n>]` — the n-th (default 1st) event of that type (and stage)
 *   `create-accepted` — Replicate answered a create, before the caller sees the id
 * REELGRAPH_TEST_LIMITS ("writes/s,burst,reads/s,burst") replaces the per-client rate limits.
 */
const crashAt = process.env.REELGRAPH_TEST_CRASH_AT ?? "";
const die = (why: string) => {
  process.stdout.write(`${JSON.stringify({ crash: why })}\n`);
  process.kill(process.pid, "SIGKILL");
};

if (crashAt === "create-accepted") {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (method === "POST" && /\/predictions$/.test(new URL(url).pathname) && res.status === 201) die("create-accepted");
    return res;
  };
}

const config = loadConfiguration();
const eventRule = /^event:([a-z_]+)(?::([a-z_]+))?(?:#(\d+))?$/.exec(crashAt);
let seen = 0;
// Subscribed before the server resumes anything, so no early event is missed.
const watch = (app: Reelgraph) => app.stores.events.subscribe("*", (e) => {
  process.stdout.write(`${JSON.stringify({ event: e.type, stage: e.data.stage ?? null, generation_id: e.generation_id })}\n`);
  if (!eventRule) return;
  const [, type, stage, nth] = eventRule;
  if (e.type !== type || (stage && e.data.stage !== stage)) return;
  if (++seen === Number(nth ?? 1)) die(crashAt);
});

// "writes/s,burst,reads/s,burst": the fuzz test raises the limits to reach past them.
const l = process.env.REELGRAPH_TEST_LIMITS?.split(",").map(Number);
const limits = l?.length === 4 ? { writesPerSecond: l[0]!, writeBurst: l[1]!, readsPerSecond: l[2]!, readBurst: l[3]! } : undefined;
const server = await startServer({ config, port: Number(process.env.PORT ?? 0), limits, beforeResume: watch });
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
