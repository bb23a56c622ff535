import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { FakeReplicateServer, renderTinyMp4 } from "../devkit/fakes/replicate-server.js";
import { loadTest } from "./autocannon.js";
import { adBrief, pollUntilEnded, postJson } from "./http.js";
import { round } from "./stats.js";

/**
 * Scale-out on this machine's Postgres: one API process (`reelgraph serve` with DATABASE_URL)
 * and 1, 2 and 4 `reelgraph worker` processes against the slow fake Replicate, each as an OS
 * process of the built CLI. For each worker count: pipelines finished per minute; with two
 * workers, the status route's latency through the API process while they run; and the status
 * route of a finished generation on Postgres beside the same on the SQLite default.
 */

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ADMIN_URL = process.env.REELGRAPH_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TOKEN = "r8_bench_token";

export interface ScaleOutFigures {
  scale_out: Record<string, unknown>;
}

function cli(args: string[], env: Record<string, string>): { child: ChildProcess; ready: Promise<string> } {
  const built = join(ROOT, "dist", "reelgraph.js");
  const argv = existsSync(built) ? [built, ...args] : ["--import", "tsx", "cli/main.ts", ...args];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-5000);
      const m = /reelgraph API on (http:\/\/\S+)/.exec(err) ?? (/taking up to/.test(err) ? [err, ""] : null);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
  return { child, ready };
}

const stop = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once("exit", () => resolve());
    c.kill("SIGTERM");
    setTimeout(() => c.kill("SIGKILL"), 5_000).unref();
  });

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reelgraph_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function measureScaleOut(o: { dir: string; n: number; workers: number[]; latencyS: number; log?: (line: string) => void }): Promise<ScaleOutFigures> {
  const say = o.log ?? (() => {});
  await renderTinyMp4(join(o.dir, "tiny.mp4"));
  const fake = await FakeReplicateServer.start({ video: readFileSync(join(o.dir, "tiny.mp4")), token: TOKEN });
  for (let i = 0; i < 10_000; i++) fake.scriptNext({ statuses: ["starting", "processing", "processing", "succeeded"] });
  const runs: Record<string, unknown>[] = [];
  let during: Record<string, unknown> | null = null;
  let pgStatus: Record<string, unknown> | null = null;
  try {
    for (const w of o.workers) {
      const db = await freshDatabase();
      const env = {
        DATABASE_URL: db.url,
        REELGRAPH_DATA_DIR: join(o.dir, `data-${w}`),
        REPLICATE_API_TOKEN: TOKEN,
        REPLICATE_BASE_URL: fake.baseUrl,
        REELGRAPH_SHORT_SIDE: "180",
        REELGRAPH_RATE_LIMIT_READS_PER_S: "0",
        REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0",
        LOG_LEVEL: "warn",
      };
      const procs: ChildProcess[] = [];
      try {
        const api = cli(["serve", "--port", "0"], env);
        procs.push(api.child);
        const url = await api.ready;
        const workers = Array.from({ length: w }, () => cli(["worker", "--concurrency", "8"], env));
        procs.push(...workers.map((x) => x.child));
        await Promise.all(workers.map((x) => x.ready));
        const t0 = performance.now();
        const ids: string[] = [];
        for (let i = 0; i < o.n; i++) ids.push((await postJson<{ id: string }>(`${url}/api/v1/generations`, adBrief(i))).id);
        let load: Promise<Awaited<ReturnType<typeof loadTest>>> | null = null;
        if (w === 2) load = loadTest({ url: `${url}/api/v1/generations/${ids[0]}`, connections: 10, durationS: o.latencyS });
        const last = await pollUntilEnded(url, ids, { intervalMs: 250, timeoutMs: 600_000 });
        const wallS = (performance.now() - t0) / 1000;
        const completed = ids.filter((id) => last.get(id)?.status === "completed").length;
        runs.push({ workers: w, pipelines: o.n, completed, wall_s: round(wallS, 1), per_minute: round((completed / wallS) * 60, 1) });
        say(`  ${w} worker(s): ${completed}/${o.n} in ${wallS.toFixed(1)} s (${((completed / wallS) * 60).toFixed(1)}/min)`);
        if (load) {
          const r = await load;
          during = { workers: 2, rps: round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms, non2xx: r.non2xx };
        }
        if (w === o.workers[0]) {
          const r = await loadTest({ url: `${url}/api/v1/generations/${ids[0]}`, connections: 10, durationS: o.latencyS });
          pgStatus = { rps: round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms };
        }
      } finally {
        await Promise.all(procs.map(stop));
        await db.drop().catch(() => undefined);
      }
    }
    // The SQLite default, one process, same route, same load.
    const local = cli(["serve", "--port", "0"], { REELGRAPH_DATA_DIR: join(o.dir, "data-sqlite"), REELGRAPH_SHORT_SIDE: "180", REELGRAPH_RATE_LIMIT_READS_PER_S: "0", LOG_LEVEL: "warn", DATABASE_URL: "" });
    try {
      const url = await local.ready;
      const { id } = await postJson<{ id: string }>(`${url}/api/v1/generations`, adBrief(0));
      await pollUntilEnded(url, [id], { intervalMs: 200, timeoutMs: 300_000 });
      const r = await loadTest({ url: `${url}/api/v1/generations/${id}`, connections: 10, durationS: o.latencyS });
      const sqlite = { rps: round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms };
      return {
        scale_out: {
          runs,
          status_during_runs: during,
          status_postgres: pgStatus,
          status_sqlite: sqlite,
          method: `one API process (reelgraph serve, DATABASE_URL) and 1/2/4 reelgraph worker processes (concurrency 8 each) of the built CLI, ${o.n} ad pipelines each against the slow fake Replicate on 127.0.0.1; per_minute = completed pipelines / wall time; status: autocannon 10 connections for ${o.latencyS} s on GET /api/v1/generations/{id} through the API process (during: while 2 workers run; postgres/sqlite: a finished generation)`,
        },
      };
    } finally {
      await stop(local.child);
    }
  } finally {
    await fake.close();
  }
}
