import { join } from "node:path";
import type { FakeStatus } from "../devkit/fakes/replicate-server.js";
import { startFakeReplicate } from "./fake-replicate.js";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { startBenchServer } from "./child.js";
import { adBrief, postJson, pollUntilEnded } from "./http.js";
import type { LoopDelay, PipelineRecord } from "./protocol.js";
import { median, percentile, round, unionLength } from "./stats.js";

export interface PipelinesOptions {
  n: number;
  /** Folder for the server's data, the fake's clip and the server log. */
  dir: string;
  /** "processing" answers before "succeeded": each costs one more poll (~2 s, then ×1.5). */
  processingPolls: number;
  /** Length of the clip the fake serves for every prediction, in seconds. */
  clipS: number;
  /** Output short side the server renders at. */
  shortSide: number;
  /** A pipeline not ended by then is counted as hung. */
  timeoutS: number;
  log?: (line: string) => void;
  /** More server settings (e.g. REELGRAPH_FFMPEG_CONCURRENCY) for experiments. */
  extraEnv?: Record<string, string>;
  /** Experiment: nice value for the processes the server spawns (see ChildOptions.niceChildren). */
  niceChildren?: number;
}

export interface PipelinesResult {
  concurrent_pipelines: {
    n: number;
    completed: number;
    failed: number;
    wall_s: number;
    peak_rss_mb: number;
    hung: number;
    sampled_max_rss_mb: number;
    predictions: number;
    provider_s_p50: number;
    compose_s_p50: number;
    pipeline_s_p50: number;
    pipeline_s_max: number;
    /** The bench's polls: every open generation once a second, all at once (a burst of up to n requests). */
    status_poll_p99_ms: number;
    /** One client watching one generation, a request every 100 ms on one connection, while the pipelines run. */
    status_probe_p99_ms: number;
    /** The burst's POST /api/v1/generations round trips (all n sent at once), median and slowest. */
    post_p50_ms: number;
    post_max_ms: number;
    event_loop_delay_ms: LoopDelay;
    failures: string[];
    warnings: string[];
    short_clip_scenes: number;
    short_clip_missing_s_per_pipeline: number;
    settings: Record<string, string | number>;
  };
  orchestration_overhead_ms: {
    p50: number;
    p99: number;
    max: number;
    samples: number;
    /** Accepted → first provider call (analyze, plan, stylize, checkpoints, queueing). */
    before_first_clip_p50: number;
    /** Last provider call → composer called. */
    clips_to_compose_p50: number;
    /** Composer done → run marked completed. */
    after_compose_p50: number;
    method: string;
  };
}

/**
 * n ad pipelines at once through the HTTP API against the fake Replicate server. The server
 * runs in its own process (bench/server-child.ts) with the embedded defaults except: the
 * video provider is Replicate pointed at the fake, runs are not queued (run concurrency n),
 * one client may POST n generations at once, and the output is small so that compose
 * stays cheap next to n slow predictions.
 */
export async function measurePipelines(o: PipelinesOptions): Promise<PipelinesResult> {
  const say = o.log ?? (() => {});
  const width = Math.round((o.shortSide * 16) / 9 / 2) * 2;
  const clipPath = join(o.dir, "fake-output.mp4");
  await runFfmpeg(
    ["-f", "lavfi", "-i", `testsrc2=size=${width}x${o.shortSide}:rate=30:duration=${o.clipS}`, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", clipPath],
    { timeoutS: 120 },
  );
  const token = "r8_bench_token";
  const statuses: FakeStatus[] = [...Array<FakeStatus>(o.processingPolls).fill("processing"), "succeeded"];
  // In a process of its own, so serving the pipelines does not delay the bench's polls. Every
  // prediction of this run follows the same script (more than the scenes can use).
  const fake = await startFakeReplicate({ clipPath, token, statuses, predictions: o.n * 8 });
  const env = {
    REELGRAPH_DATA_DIR: join(o.dir, "data"),
    REPLICATE_API_TOKEN: token,
    REPLICATE_BASE_URL: fake.baseUrl,
    REELGRAPH_RUN_CONCURRENCY: String(o.n),
    REELGRAPH_SHORT_SIDE: String(o.shortSide),
    ...o.extraEnv,
  };
  const server = await startBenchServer({
    env,
    logPath: join(o.dir, "server.log"),
    options: { limits: { writesPerSecond: 5, writeBurst: Math.max(30, o.n), readsPerSecond: 2000, readBurst: 4000 }, niceChildren: o.niceChildren },
  });
  try {
    say(`  ${o.n} pipelines → ${server.url} (fake Replicate ${fake.origin}, ${o.processingPolls} processing poll(s), ${o.clipS} s clips)`);
    // Each POST's round trip: a server that starts runs on its API thread answers the later POSTs of a burst late.
    const postLatencies: number[] = [];
    const ids = await Promise.all(
      Array.from({ length: o.n }, (_, i) => {
        const t0 = performance.now();
        return postJson<{ id: string }>(`${server.url}/api/v1/generations`, adBrief(i)).then((r) => (postLatencies.push(performance.now() - t0), r.id));
      }),
    );
    const pollLatencies: number[] = [];
    const timedFetch = globalThis.fetch;
    const probe = watchOne(`${server.url}/api/v1/generations/${ids[0]}`, 100);
    const last = await pollUntilEnded(server.url, ids, {
      intervalMs: 1000,
      timeoutMs: o.timeoutS * 1000,
      fetch: async (url) => {
        const t0 = performance.now();
        const res = await timedFetch(url);
        pollLatencies.push(performance.now() - t0);
        return res;
      },
    });
    const probeLatencies = await probe.stop();
    const memory = server.memory();
    const { records: all, loop } = await server.records();
    const records = all.filter((r) => ids.includes(r.id));
    const ended = records.filter((r) => r.ended_ms !== null);
    const completed = records.filter((r) => r.status === "completed");
    const failed = records.filter((r) => r.status === "failed");
    const hung = ids.filter((id) => !["completed", "failed", "cancelled"].includes(last.get(id)?.status ?? "running"));
    const wallS = ended.length ? (Math.max(...ended.map((r) => r.ended_ms!)) - Math.min(...records.map((r) => r.created_ms))) / 1000 : Number.NaN;
    const overheads = completed.map(overheadMs);
    const providerS = records.flatMap((r) => r.provider.map((s) => (s.end - s.start) / 1000));
    const composeS = records.flatMap((r) => r.compose.map((s) => (s.end - s.start) / 1000));
    const pipelineS = ended.map((r) => (r.ended_ms! - r.created_ms) / 1000);
    return {
      concurrent_pipelines: {
        n: o.n,
        completed: completed.length,
        failed: failed.length,
        wall_s: round(wallS, 1),
        peak_rss_mb: memory.peak_rss_mb,
        hung: hung.length,
        sampled_max_rss_mb: memory.sampled_max_rss_mb,
        predictions: await fake.creates(),
        provider_s_p50: round(percentile(providerS, 50), 2),
        compose_s_p50: round(percentile(composeS, 50), 2),
        pipeline_s_p50: round(percentile(pipelineS, 50), 1),
        pipeline_s_max: round(Math.max(...pipelineS), 1),
        status_poll_p99_ms: round(percentile(pollLatencies, 99), 1),
        status_probe_p99_ms: round(percentile(probeLatencies, 99), 1),
        post_p50_ms: Math.round(percentile(postLatencies, 50)),
        post_max_ms: Math.round(Math.max(...postLatencies)),
        event_loop_delay_ms: loop,
        failures: [...new Set(failed.map((r) => r.error ?? "unknown"))].slice(0, 5),
        warnings: [...new Set(records.flatMap((r) => r.warnings))].slice(0, 5),
        short_clip_scenes: records.reduce((n, r) => n + r.short_clips.scenes, 0),
        short_clip_missing_s_per_pipeline: round(median(records.map((r) => r.short_clips.missing_s)), 2),
        settings: {
          ...env,
          REELGRAPH_DATA_DIR: "(temporary)",
          REPLICATE_BASE_URL: "(fake on 127.0.0.1)",
          REPLICATE_API_TOKEN: "(fake)",
          write_burst: Math.max(30, o.n),
          fake_statuses: ["starting", ...statuses].join("→"),
          fake_clip: `${width}x${o.shortSide} 30 fps ${o.clipS} s H.264`,
          ...(o.niceChildren !== undefined ? { ffmpeg_nice: o.niceChildren } : {}),
        },
      },
      orchestration_overhead_ms: {
        p50: Math.round(percentile(overheads, 50)),
        p99: Math.round(percentile(overheads, 99)),
        max: Math.round(Math.max(...overheads)),
        samples: overheads.length,
        before_first_clip_p50: Math.round(percentile(completed.map((r) => Math.min(...r.provider.map((p) => p.start)) - r.created_ms), 50)),
        clips_to_compose_p50: Math.round(percentile(completed.map((r) => r.compose[0]!.start - Math.max(...r.provider.map((p) => p.end))), 50)),
        after_compose_p50: Math.round(percentile(completed.map((r) => r.ended_ms! - r.compose[r.compose.length - 1]!.end), 50)),
        method: "per completed pipeline: (ended − created) − |union of video-provider calls and composer calls|, timed in the server",
      },
    };
  } finally {
    await server.close();
    await fake.close();
  }
}

/** Wall time of one pipeline not covered by a provider call or the composer, in ms. */
export function overheadMs(r: PipelineRecord): number {
  const wall = (r.ended_ms ?? r.created_ms) - r.created_ms;
  return wall - unionLength([...r.provider, ...r.compose]);
}

/** Requests `url` every `intervalMs`, one at a time, until stopped; the latencies (to the whole body), ms. */
function watchOne(url: string, intervalMs: number): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      await fetch(url)
        .then((r) => r.arrayBuffer())
        .then(() => latencies.push(performance.now() - t0))
        .catch(() => {});
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return latencies;
    },
  };
}
