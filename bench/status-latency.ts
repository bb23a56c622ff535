import { join } from "node:path";
import { loadTest, type LoadResult } from "./autocannon.js";
import { startBenchServer } from "./child.js";
import { adBrief, pollUntilEnded, postJson } from "./http.js";
import { overheadMs } from "./pipelines.js";
import { round } from "./stats.js";

export interface StatusFigures {
  status_latency: {
    rps: number;
    p50_ms: number;
    p99_ms: number;
    p90_ms: number;
    max_ms: number;
    requests: number;
    non2xx: number;
    errors: number;
    connections: number;
    duration_s: number;
    body_bytes: number;
    /** Every timed run; the figures above are the run with the median p99. */
    runs: { rps: number; p50_ms: number; p99_ms: number }[];
    method: string;
  };
  /** Orchestration overhead of pipelines run one at a time on the local provider. */
  solo_overhead_ms: number[];
}

/**
 * GET /api/v1/generations/{id} of a completed ad generation, requested by autocannon from
 * its own process with 10 connections flat out: `runs` timed runs of `durationS` each after
 * a warm-up, the run with the median p99 reported (the machine is shared; one run can be
 * disturbed by another process). The server is the embedded default (local animatic
 * provider, offline brain, info logging to a file), rendering at a small size only so that
 * making the generation to poll is quick.
 */
export async function measureStatus(o: { dir: string; durationS: number; runs: number; soloRuns: number; log?: (line: string) => void }): Promise<StatusFigures> {
  const say = o.log ?? (() => {});
  const server = await startBenchServer({ env: { REELGRAPH_DATA_DIR: join(o.dir, "data"), REELGRAPH_SHORT_SIDE: "180" }, logPath: join(o.dir, "server.log") });
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
    say(`  polling ${url} (${body.length} bytes)`);
    await loadTest({ url, connections: 10, durationS: 3 });
    const runs: LoadResult[] = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await loadTest({ url, connections: 10, durationS: o.durationS });
      say(`  run ${i + 1}: ${round(r.rps)} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`);
      runs.push(r);
    }
    const mid = [...runs].sort((a, b) => a.p99_ms - b.p99_ms)[Math.floor(runs.length / 2)]!;
    return {
      status_latency: {
        rps: round(mid.rps, 0),
        p50_ms: mid.p50_ms,
        p99_ms: mid.p99_ms,
        p90_ms: mid.p90_ms,
        max_ms: mid.max_ms,
        requests: mid.requests,
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        errors: runs.reduce((n, r) => n + r.errors + r.timeouts, 0),
        connections: mid.connections,
        duration_s: mid.duration_s,
        body_bytes: Buffer.byteLength(body),
        runs: runs.map((r) => ({ rps: round(r.rps, 0), p50_ms: r.p50_ms, p99_ms: r.p99_ms })),
        method: `autocannon in its own process, ${mid.connections} connections flat out; ${o.runs} runs of ${o.durationS} s after a 3 s warm-up; the run with the median p99`,
      },
      solo_overhead_ms: solo.map((x) => Math.round(x)),
    };
  } finally {
    await server.close();
  }
}

