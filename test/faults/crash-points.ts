import { writeSync } from "node:fs";
import type { Reelgraph } from "../../app/reelgraph.js";

/**
 * REELGRAPH_TEST_CRASH_AT for the crash harness (test/faults/server-process.ts): the process
 * SIGKILLs itself at an exact point, from inside the code running there (no signal can arrive
 * sooner), in whichever thread runs the pipelines (the server's run thread by default):
 *   `event:<type>[:<stage>][#<n>]` — as the n-th (default 1st) event of that type (and stage) is written
 *   `create-accepted` — Replicate answered a create, before the caller sees the id
 * The crash line goes straight to fd 1: a worker thread's process.stdout passes through the
 * main thread, which a SIGKILL does not wait for.
 */
export const crashAt = process.env.REELGRAPH_TEST_CRASH_AT ?? "";

export function die(why: string): never {
  writeSync(1, `${JSON.stringify({ crash: why })}\n`);
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}

/** Wraps fetch so that an accepted prediction create kills the process. */
export function installCreateHook(): void {
  if (crashAt !== "create-accepted") return;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (method === "POST" && /\/predictions$/.test(new URL(url).pathname) && res.status === 201) die("create-accepted");
    return res;
  };
}

/** Kills the process as the event REELGRAPH_TEST_CRASH_AT names is written through `app`'s event log. */
export function killOnEvent(app: Reelgraph): void {
  const rule = /^event:([a-z_]+)(?::([a-z_]+))?(?:#(\d+))?$/.exec(crashAt);
  if (!rule) return;
  const [, type, stage, nth] = rule;
  let seen = 0;
  app.stores.events.subscribe("*", (e) => {
    if (e.type !== type || (stage && e.data.stage !== stage)) return;
    if (++seen === Number(nth ?? 1)) die(crashAt);
  });
}
