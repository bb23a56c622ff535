import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/main.js";
import { testConfig } from "../helpers/env.js";
import { readSse } from "../server/harness.js";
import { silentLog } from "../helpers/env.js";

/**
 * The server's runs in their run thread (app/run-thread.ts): the default on SQLite. What the
 * API's thread sees must be what it saw when the runs were its own: events as they happen,
 * cancels that stop the run and stay, logs in the same place, a shutdown that keeps the
 * checkpoint, and a thread that dies replaced with its runs resumed.
 */

const brief = (duration_s = 15) => ({ pipeline: "ad", prompt: `A ${duration_s} second ad for a lemon soda, bright and fizzy, for summer afternoons`, duration_s });
const servers: RunningServer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close(0).catch(() => undefined);
  for (const c of cleanups.splice(0)) c();
});

async function start(env: Record<string, string> = {}, opts: { dataDir?: string; runThreadSetup?: string; overrides?: object } = {}) {
  const t = testConfig({ LOG_LEVEL: "info", ...(opts.dataDir ? { REELGRAPH_DATA_DIR: opts.dataDir } : {}), ...env });
  if (!opts.dataDir) cleanups.push(t.cleanup);
  const lines: string[] = [];
  const logStream = new PassThrough();
  logStream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  const server = await startServer({ config: t.config, port: 0, logStream, runThreadSetup: opts.runThreadSetup, overrides: opts.overrides as never });
  servers.push(server);
  const req = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json().catch(() => null)) as any };
  };
  const waitFor = async (id: string, pred: (g: any) => boolean, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const g = (await req("GET", `/api/v1/generations/${id}`)).json;
      if (pred(g)) return g;
      if (Date.now() > end) throw new Error(`timed out waiting on ${id}: ${JSON.stringify({ status: g.status, stage: g.stage })}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { server, req, waitFor, lines, dataDir: t.dataDir, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("the run thread", () => {
  it("runs the server's pipelines off the API's thread: events as they happen, logs in the server's stream", { timeout: 60_000 }, async () => {
    const api = await start();
    expect(api.server.app.runsIn).toBe("thread");
    const r = await api.req("POST", "/api/v1/generations", brief());
    expect(r.status).toBe(202);
    const events = await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "completed" || e.event === "failed" });
    expect(events.at(-1)!.event).toBe("completed");
    expect(events.filter((e) => e.event === "stage").map((e) => (e.data as { stage: string }).stage)).toEqual(["analyze", "plan", "stylize", "generate", "compose"]);
    const seqs = events.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const g = (await api.req("GET", `/api/v1/generations/${r.json.id}`)).json;
    expect(g).toMatchObject({ status: "completed", progress: { percent: 100 } });
    expect(existsSync(g.composition.video.path)).toBe(true);
    expect((await api.req("GET", "/healthz")).json.runs).toMatchObject({ in: "thread", active: 0 });
    // The run thread's lines reach the server's log stream, each saying where it came from.
    const stages = api.logs().filter((l) => l.msg === "stage entered" && l.generation_id === r.json.id);
    expect(stages.map((l) => l.node)).toEqual(["analyze", "plan", "stylize", "generate", "compose"]);
    expect(stages.every((l) => l.thread === "run")).toBe(true);
    expect(api.logs().some((l) => l.msg === "request completed" && l.thread === undefined)).toBe(true);
  });

  it("a cancel said on the API's thread stops the run in the run thread, and the generation stays cancelled", { timeout: 60_000 }, async () => {
    const api = await start();
    const r = await api.req("POST", "/api/v1/generations", brief(60));
    await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "clip_started" });
    const c = await api.req("POST", `/api/v1/generations/${r.json.id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.json.status).toBe("cancelled");
    const events = await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "stopped" });
    expect(events.map((e) => e.event)).toContain("cancelled");
    // Whatever the run thread was writing when the cancel came, nothing takes it back.
    await new Promise((res) => setTimeout(res, 1500));
    const g = (await api.req("GET", `/api/v1/generations/${r.json.id}`)).json;
    expect(g.status).toBe("cancelled");
    expect(g.composition).toBeNull();
    const after = await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "stopped" });
    expect(after.map((e) => e.event)).not.toContain("completed");
    expect((await api.req("GET", "/healthz")).json.runs).toMatchObject({ active: 0, queued: 0 });
  });

  it("a run thread that dies is started again, and the runs it had resume from their checkpoints and finish once", { timeout: 90_000 }, async () => {
    const api = await start({}, { runThreadSetup: new URL("../fakes/run-thread-crash-once.ts", import.meta.url).href });
    const r = await api.req("POST", "/api/v1/generations", brief(20));
    const g = await api.waitFor(r.json.id, (x) => ["completed", "failed", "cancelled"].includes(x.status), 60_000);
    expect(readFileSync(join(api.dataDir, "run-thread-crashed"), "utf8")).toBe(r.json.id);
    expect(g.status).toBe("completed");
    expect(g.composition.version).toBe(1);
    expect(api.logs().some((l) => l.msg === "the run thread stopped; starting it again and resuming its runs")).toBe(true);
    const db = new Database(join(api.dataDir, "reelgraph.db"), { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) AS n FROM composition_versions").get()).toEqual({ n: 1 });
      // Clips made before the death were kept, not made again.
      const clips = db.prepare("SELECT attempts FROM clips WHERE generation_id = ?").all(r.json.id) as { attempts: number }[];
      expect(clips.length).toBeGreaterThan(1);
      expect(clips.some((c) => c.attempts === 1)).toBe(true);
    } finally {
      db.close();
    }
  });

  it("a cancel said while the run thread is being replaced is answered at once, and the run stays cancelled", { timeout: 60_000 }, async () => {
    const api = await start({}, { runThreadSetup: new URL("../fakes/run-thread-crash-once.ts", import.meta.url).href });
    const r = await api.req("POST", "/api/v1/generations", brief(30));
    await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "clip_done" });
    const t0 = Date.now();
    const c = await api.req("POST", `/api/v1/generations/${r.json.id}/cancel`);
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(c.json.status).toBe("cancelled");
    // The replacement thread starts (0.5 s) and resumes what was unfinished: not this run.
    await new Promise((res) => setTimeout(res, 2500));
    expect(api.logs().some((l) => l.msg === "the run thread stopped; starting it again and resuming its runs")).toBe(true);
    const g = (await api.req("GET", `/api/v1/generations/${r.json.id}`)).json;
    expect(g.status).toBe("cancelled");
    expect(g.composition).toBeNull();
    const events = (await readSse(`${api.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "cancelled", timeoutMs: 5000 })).map((e) => e.event);
    expect(events).not.toContain("completed");
  });

  it("a shutdown lets the run reach a checkpoint; the next server on the same data resumes it", { timeout: 90_000 }, async () => {
    const first = await start();
    const r = await first.req("POST", "/api/v1/generations", brief(30));
    await readSse(`${first.server.url}/api/v1/generations/${r.json.id}/events`, { until: (e) => e.event === "clip_done" });
    await first.server.close(0);
    servers.splice(servers.indexOf(first.server), 1);
    const status = new Database(join(first.dataDir, "reelgraph.db"), { readonly: true });
    expect((status.prepare("SELECT status FROM generations WHERE id = ?").get(r.json.id) as { status: string }).status).toBe("running");
    status.close();
    const second = await start({}, { dataDir: first.dataDir });
    const g = await second.waitFor(r.json.id, (x) => ["completed", "failed"].includes(x.status));
    expect(g.status).toBe("completed");
    expect(second.logs().some((l) => l.msg === "resumed runs left in flight")).toBe(true);
  });

  it("a run thread that cannot start stops the server's start, saying what to do", { timeout: 30_000 }, async () => {
    const t = testConfig();
    cleanups.push(t.cleanup);
    await expect(startServer({ config: t.config, port: 0, logStream: new PassThrough(), runThreadSetup: new URL("../fakes/run-thread-broken.ts", import.meta.url).href })).rejects.toThrow(/run thread could not start .*REELGRAPH_RUN_THREAD=0.*this setup module is broken/);
  });

  it("REELGRAPH_RUN_THREAD=0, or ports given in-process, run on the API's thread", { timeout: 60_000 }, async () => {
    const off = await start({ REELGRAPH_RUN_THREAD: "0" });
    expect(off.server.app.runsIn).toBe("here");
    const r = await off.req("POST", "/api/v1/generations", brief());
    expect((await off.waitFor(r.json.id, (g) => g.status === "completed")).status).toBe("completed");
    expect((await off.req("GET", "/healthz")).json.runs.in).toBe("here");
    const overridden = await start({}, { overrides: { log: silentLog } });
    expect(overridden.server.app.runsIn).toBe("here");
  });
});
