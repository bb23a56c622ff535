import { writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { loadTest, type LoadResult } from "./autocannon.js";
import { cpuMs, startBareServer, startBenchServer } from "./child.js";
import { adBrief, pollUntilEnded, postJson } from "./http.js";
import { overheadMs } from "./pipelines.js";
import { median, round } from "./stats.js";

export interface StatusFigures {
  status_latency: {
    /** Requests a second served while paced at `fixed_rate_rps`. */
    rps: number;
    p50_ms: number;
    /** p99 at the fixed rate: the run with the median p99. */
    p99_ms: number;
    /** The bare-Node floor's p99 at the same rate, in the same run (the median of its runs). */
    floor_p99_ms: number;
    /** The rate both were paced at (autocannon `-R`). */
    fixed_rate_rps: number;
    floor_p50_ms: number;
    p90_ms: number;
    max_ms: number;
    requests: number;
    non2xx: number;
    errors: number;
    connections: number;
    duration_s: number;
    body_bytes: number;
    /** CPU time the server process spent per request at the fixed rate (median of the runs), µs. */
    cpu_us_per_req: number;
    /** The same for the bare-Node floor. */
    floor_cpu_us_per_req: number;
    /** Every timed run at the fixed rate, the server's and the floor's, interleaved. */
    runs: { rps: number; p50_ms: number; p99_ms: number; floor_p99_ms: number; cpu_us_per_req: number; floor_cpu_us_per_req: number }[];
    /** One run flat out (no pacing): the throughput. */
    flat_out: { rps: number; p50_ms: number; p99_ms: number; floor_rps: number };
    method: string;
  };
  /** Orchestration overhead of pipelines run one at a time on the local provider. */
  solo_overhead_ms: number[];
}

/** The paced rate the target is set at (autocannon `-R 2000 -c 10`). */
export const FIXED_RATE_RPS = 2000;
const CONNECTIONS = 10;

/**
 * GET /api/v1/generations/{id} of a completed ad generation, requested by autocannon from its
 * own process with 10 connections at a fixed 2,000 req/s, beside its floor: a bare node:http
 * server in a process of its own answering the same bytes (bench/bare-server.ts). Floor and
 * server runs alternate (`runs` of each, `durationS` each, after a warm-up of both), so both
 * see the same neighbours; the run with the median p99 is reported. Then one run of each
 * flat out, for the throughput. The server is the embedded default (local animatic provider,
 * offline brain, info logging to a file), rendering at a small size only so that making the
 * generation to poll is quick.
 */
export async function measureStatus(o: { dir: string; durationS: number; runs: number; soloRuns: number; log?: (line: string) => void }): Promise<StatusFigures> {
  const say = o.log ?? (() => {});
  // The read limit is raised (still checked on every request): flat out, this server now serves
  // more than the default 2,000 reads a second, and the figure is about serving, not refusing.
  const server = await startBenchServer({
    env: { REELGRAPH_DATA_DIR: join(o.dir, "data"), REELGRAPH_SHORT_SIDE: "180" },
    options: { limits: { writesPerSecond: 5, writeBurst: 30, readsPerSecond: 200_000, readBurst: 400_000 } },
    logPath: join(o.dir, "server.log"),
  });
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  try {
    const ids: string[] = [];
    for (let i = 0; i < o.soloRuns; i++) {
      const { id } = await postJson<{ id: string }>(`${server.url}/api/v1/generations`, adBrief(i));
      const last = await pollUntilEnded(server.url, [id], { intervalMs: 100, timeoutMs: 300_000 });
      if (last.get(id)?.status !== "completed") throw new Error(`the generation to poll ended ${last.get(id)?.status}: ${last.get(id)?.error?.message ?? ""}`);
      ids.push(id);
    }
    const records = (await server.records()).records.filter((r) => ids.includes(r.id));
    // The first run of a process pays for lazy loading and JIT warm-up.
    const solo = records.sort((a, b) => a.created_ms - b.created_ms).slice(1).map(overheadMs);
    const url = `${server.url}/api/v1/generations/${ids[ids.length - 1]}`;
    const body = await (await fetch(url)).text();
    const bodyPath = join(o.dir, "status-body.json");
    await writeFile(bodyPath, body, "utf8");
    bare = await startBareServer(bodyPath);
    say(`  polling ${url} (${body.length} bytes) beside the bare-Node floor ${bare.url}`);
    // CPU per request of each process (from /proc): steadier than latency on a shared machine.
    const paced = async (target: string, pid: number) => {
      const before = cpuMs(pid) ?? 0;
      const r = await loadTest({ url: target, connections: CONNECTIONS, durationS: o.durationS, rate: FIXED_RATE_RPS });
      return { ...r, cpu_us_per_req: r.requests ? Math.round((((cpuMs(pid) ?? 0) - before) * 1000) / r.requests) : Number.NaN };
    };
    await loadTest({ url: bare.url, connections: CONNECTIONS, durationS: 2 });
    await loadTest({ url, connections: CONNECTIONS, durationS: 2 });
    type Paced = LoadResult & { cpu_us_per_req: number };
    const runs: { server: Paced; floor: Paced }[] = [];
    for (let i = 0; i < o.runs; i++) {
      const floor = await paced(bare.url, bare.pid);
      const r = await paced(url, server.pid);
      say(
        `  run ${i + 1} at ${FIXED_RATE_RPS} req/s: server ${round(r.rps)} req/s p50 ${r.p50_ms} ms p99 ${r.p99_ms} ms ${r.cpu_us_per_req} µs CPU/req; ` +
          `floor p99 ${floor.p99_ms} ms ${floor.cpu_us_per_req} µs CPU/req (load ${os.loadavg()[0]!.toFixed(2)})`,
      );
      runs.push({ server: r, floor });
    }
    const flatFloor = await loadTest({ url: bare.url, connections: CONNECTIONS, durationS: o.durationS });
    const flat = await loadTest({ url, connections: CONNECTIONS, durationS: o.durationS });
    say(`  flat out: server ${round(flat.rps)} req/s p99 ${flat.p99_ms} ms; floor ${round(flatFloor.rps)} req/s`);
    const mid = [...runs].sort((a, b) => a.server.p99_ms - b.server.p99_ms)[Math.floor(runs.length / 2)]!.server;
    const floorP99 = median(runs.map((r) => r.floor.p99_ms));
    const floorP50 = median(runs.map((r) => r.floor.p50_ms));
    const all = [...runs.map((r) => r.server), flat];
    return {
      status_latency: {
        rps: round(mid.rps, 0),
        p50_ms: mid.p50_ms,
        p99_ms: mid.p99_ms,
        floor_p99_ms: floorP99,
        fixed_rate_rps: FIXED_RATE_RPS,
        floor_p50_ms: floorP50,
        p90_ms: mid.p90_ms,
        max_ms: mid.max_ms,
        requests: mid.requests,
        non2xx: all.reduce((n, r) => n + r.non2xx, 0),
        errors: all.reduce((n, r) => n + r.errors + r.timeouts, 0),
        connections: mid.connections,
        duration_s: mid.duration_s,
        body_bytes: Buffer.byteLength(body),
        cpu_us_per_req: median(runs.map((r) => r.server.cpu_us_per_req)),
        floor_cpu_us_per_req: median(runs.map((r) => r.floor.cpu_us_per_req)),
        runs: runs.map((r) => ({ rps: round(r.server.rps, 0), p50_ms: r.server.p50_ms, p99_ms: r.server.p99_ms, floor_p99_ms: r.floor.p99_ms, cpu_us_per_req: r.server.cpu_us_per_req, floor_cpu_us_per_req: r.floor.cpu_us_per_req })),
        flat_out: { rps: round(flat.rps, 0), p50_ms: flat.p50_ms, p99_ms: flat.p99_ms, floor_rps: round(flatFloor.rps, 0) },
        method:
          `autocannon in its own process, ${CONNECTIONS} connections at a fixed ${FIXED_RATE_RPS} req/s (-R); ${o.runs} runs of ${o.durationS} s, each after a run of the bare-Node floor ` +
          `(node:http answering the same bytes, its own process); the run with the median p99, the floor's median p99; then one run of each flat out`,
      },
      solo_overhead_ms: solo.map((x) => Math.round(x)),
    };
  } finally {
    await bare?.close();
    await server.close();
  }
}
