import { createRequire, syncBuiltinESMExports } from "node:module";
import { setPriority } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfiguration } from "../graph/configuration.js";
import { BroadcastChannel } from "node:worker_threads";
import type { Reelgraph } from "../app/reelgraph.js";
import { startServer } from "../server/main.js";
import { probeFast } from "../tools/ffmpeg/probe.js";
import type { GenerationView } from "../core/domain.js";
import type { ChildMessage, ChildOptions, ParentMessage, PipelineRecord, Span } from "./protocol.js";
import { SPAN_CHANNEL, timedDeps, type Recorder, type SpanMessage } from "./timing.js";

/**
 * The reelgraph server as the benchmarks run it: `startServer` on 127.0.0.1 in a process of
 * its own (forked by bench/child.ts), configured from the environment like `reelgraph serve`.
 * The embedded video provider and composer are the defaults of createReelgraph, wrapped only
 * to time each call (bench/timing.ts, in the server's run thread); the bench asks for those
 * spans over IPC.
 */

const options = JSON.parse(process.env.REELGRAPH_BENCH_CHILD ?? "{}") as ChildOptions;
if (options.niceChildren !== undefined) niceSpawnedProcesses(options.niceChildren);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const spans = new Map<string, { provider: Span[]; compose: Span[] }>();

/**
 * Lowers the CPU priority of every child process as it starts (the experiment behind
 * ChildOptions.niceChildren): node:child_process's spawn is wrapped and the ESM bindings
 * of the built-in module are re-synced, so tools/ffmpeg/run.ts picks the wrapper up.
 */
function niceSpawnedProcesses(nice: number): void {
  const childProcess = createRequire(import.meta.url)("node:child_process") as typeof import("node:child_process");
  const original = childProcess.spawn;
  childProcess.spawn = ((...args: Parameters<typeof original>) => {
    const child = original(...args);
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, nice);
      } catch {
        // the process already ended
      }
    }
    return child;
  }) as typeof original;
  syncBuiltinESMExports();
}

function spansOf(generationId: string) {
  let s = spans.get(generationId);
  if (!s) spans.set(generationId, (s = { provider: [], compose: [] }));
  return s;
}

/** Per generation: when it was accepted, when it ended, and its provider and FFmpeg spans. */
async function records(app: Reelgraph): Promise<PipelineRecord[]> {
  const views: GenerationView[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await app.stores.generations.list({ limit: 200, cursor });
    views.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return Promise.all(
    views.map(async (view) => {
      const s = spans.get(view.id) ?? { provider: [], compose: [] };
      const ends = (await app.stores.events.after(view.id, 0, 100_000)).filter((e) => ["completed", "failed", "cancelled"].includes(e.type));
      const ended = ends.length ? Math.max(...ends.map((e) => Date.parse(e.created_at))) : null;
      const error = view.status === "failed" ? view.error : null;
      return {
        id: view.id,
        status: view.status,
        created_ms: Date.parse(view.created_at),
        ended_ms: ended,
        clips: view.clips.length,
        provider: s.provider,
        compose: s.compose,
        error: error ? `${error.stage ?? "?"}: ${error.message}` : null,
        warnings: view.warnings,
        short_clips: await shortClips(view),
      };
    }),
  );
}

/** Scenes whose clip file holds less source than the scene plays (the composer holds the last frame). */
async function shortClips(view: GenerationView): Promise<{ scenes: number; missing_s: number }> {
  const timeline = view.composition?.timeline;
  if (!timeline) return { scenes: 0, missing_s: 0 };
  let scenes = 0;
  let missing = 0;
  for (const scene of timeline.scenes) {
    const path = view.clips.find((c) => c.id === scene.clip_id)?.path;
    if (!path) continue;
    const info = await probeFast(path).catch(() => null);
    if (!info) continue;
    const need = scene.source_in_s + scene.duration_s * scene.speed;
    if (info.video_duration_s < need - 0.5 / timeline.fps) {
      scenes++;
      missing += need - info.video_duration_s;
    }
  }
  return { scenes, missing_s: Math.round(missing * 100) / 100 };
}

async function main(): Promise<void> {
  const config = loadConfiguration();
  const record: Recorder = (generationId, kind, span) => spansOf(generationId)[kind].push(span);
  // The pipelines run in the server's run thread: the timers are set up there and their spans come over a channel.
  const channel = new BroadcastChannel(SPAN_CHANNEL);
  channel.unref();
  channel.onmessage = (m) => {
    const { generationId, kind, span } = (m as { data: SpanMessage }).data;
    record(generationId, kind, span);
  };
  const server = await startServer({
    config,
    host: "127.0.0.1",
    port: 0,
    limits: options.limits,
    ...(config.runThread ? { runThreadSetup: new URL("./timing.ts", import.meta.url).href } : { overrides: timedDeps(config, record) }),
  });
  const send = (m: ChildMessage) => process.send?.(m);
  process.on("message", (raw) => {
    const m = raw as ParentMessage;
    if (m.type === "records") {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      void records(server.app).then((list) => send({ type: "records", records: list, loop: { p50_ms: ms(loop.percentile(50)), p99_ms: ms(loop.percentile(99)), max_ms: ms(loop.max) } }));
    }
    if (m.type === "close")
      void server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
  send({ type: "ready", url: server.url, pid: process.pid });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
