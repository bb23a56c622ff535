import { BroadcastChannel } from "node:worker_threads";
import { inProcessComposer, videoChooser } from "../app/reelgraph.js";
import type { Configuration } from "../graph/configuration.js";
import type { Composer, GraphDeps, VideoProvider } from "../graph/ports.js";
import { createMediaStore } from "../tools/media/store.js";
import type { Span } from "./protocol.js";

/**
 * The bench's timers around the server's default video provider and composer (the defaults
 * of createReelgraph, wrapped only to time each call). The server runs its pipelines in its
 * run thread (app/run-thread.ts), so this module is that thread's setup (startServer's
 * `runThreadSetup`): each finished call is posted on a BroadcastChannel that the bench's
 * server (bench/server-child.ts) listens on. With REELGRAPH_RUN_THREAD=0 the server passes
 * `timedDeps` as overrides and records the calls directly.
 */

export type SpanKind = "provider" | "compose";
export type Recorder = (generationId: string, kind: SpanKind, span: Span) => void;

/** The channel the run thread's spans cross on. */
export const SPAN_CHANNEL = "reelgraph-bench-spans";
export interface SpanMessage {
  generationId: string;
  kind: SpanKind;
  span: Span;
}

async function timed<T>(record: (span: Span) => void, work: () => Promise<T>): Promise<T> {
  const span: Span = { start: Date.now(), end: 0, ok: false };
  try {
    const result = await work();
    span.ok = true;
    return result;
  } finally {
    span.end = Date.now();
    record(span);
  }
}

/** The default provider and composer of `config`, each call timed and handed to `record`. */
export function timedDeps(config: Configuration, record: Recorder): Partial<GraphDeps> {
  const media = createMediaStore(config.dataDir);
  const videoFor = videoChooser(config);
  const composer = inProcessComposer(media, config.ffmpeg.timeoutS);
  const timedProvider = (p: VideoProvider): VideoProvider => ({ ...p, generate: (job, progress) => timed((s) => record(job.generationId, "provider", s), () => p.generate(job, progress)) });
  const timedComposer = (c: Composer): Composer => ({ compose: (input) => timed((s) => record(input.generationId, "compose", s), () => c.compose(input)) });
  return { media, videoFor: (o) => timedProvider(videoFor(o)), composer: timedComposer(composer) };
}

/** The run thread's setup: the timed ports, their spans posted to the server's thread. */
export default function runThreadSetup(config: Configuration): Partial<GraphDeps> {
  const channel = new BroadcastChannel(SPAN_CHANNEL);
  channel.unref();
  return timedDeps(config, (generationId, kind, span) => channel.postMessage({ generationId, kind, span } satisfies SpanMessage));
}
