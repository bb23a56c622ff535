import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { existsSync, statSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { JobStore } from "../core/jobs.js";
import type { Stores } from "../core/stores.js";
import { ConfigurationError, configurationForRun, type Configuration } from "../graph/configuration.js";
import { compileGraph, type CompiledReelgraph } from "../graph/index.js";
import type { AudioAnalyzer, ClipFiles, Composer, GraphDeps, Log, MediaStore, StructuredModel, VideoProvider } from "../graph/ports.js";
import { probeFast } from "../tools/ffmpeg/probe.js";
import { setFfmpegConcurrency } from "../tools/ffmpeg/run.js";
import { systemClock } from "../tools/http/clock.js";
import { createS3MediaStore } from "../tools/media/s3.js";
import { createMediaStore, sha256File } from "../tools/media/store.js";
import { createLocalVideoProvider } from "../tools/render/local-provider.js";
import { postGuarded } from "../tools/http/post.js";
import { openPostgresStores } from "../tools/store/postgres/index.js";
import { openSqliteCheckpointer } from "../tools/store/sqlite/checkpointer.js";
import type { SqliteEventLog } from "../tools/store/sqlite/events.js";
import { openSqliteStores } from "../tools/store/sqlite/index.js";
import { Projector } from "./projector.js";
import { lazyRunQueue, type RunJob } from "./jobs.js";
import { runThreadApplies, startRunThread } from "./run-thread.js";
import { WebhookNotifier, type WebhookOptions } from "./webhooks.js";
import { RunManager } from "./runner.js";
import { createSongs, type Songs } from "./songs.js";

/** The stores the app is built on, on whichever backend: the store interfaces and the FFmpeg service's jobs. */
export interface AppStores extends Stores {
  readonly jobs: JobStore;
}

export interface ReelgraphOptions {
  /** Replace any port (tests pass fakes; the server passes a remote composer). */
  overrides?: Partial<GraphDeps>;
  /** Default: Postgres with DATABASE_URL, else SQLite in the data folder; ":memory:" keeps nothing (SQLite in memory). */
  stores?: "file" | ":memory:";
  /** Default: LangGraph's Postgres checkpointer with DATABASE_URL, else a SQLite file in the data folder; false: none (LangGraph's API server brings its own). */
  checkpointer?: BaseCheckpointSaver | false;
  /** Where the app logs (the server's pino logger; a silent one for a plan). */
  log: Log;
  /** Song URLs on private addresses (tests of the guard itself pass false; never true in production). */
  allowPrivateUrls?: boolean;
  /** Songs given as absolute paths on this machine (the CLI, Studio). */
  allowLocalFiles?: boolean;
  /**
   * What this process does with runs. all (default): runs them here. api: puts them on the queue
   * (DATABASE_URL) for `reelgraph worker` processes and only reads. worker: takes them from the
   * queue (the caller starts the worker: app/queue.ts startRunWorker).
   */
  role?: "all" | "api" | "worker";
  /** Webhook delivery settings (tests shorten the backoff); false: this process sends none. */
  webhooks?: Partial<Pick<WebhookOptions, "attempts" | "backoff" | "post">> | false;
  /**
   * Wires parts that need the stores before the graph is compiled (the FFmpeg service's
   * remote composer); returns port overrides.
   */
  wire?: (app: { config: Configuration; deps: GraphDeps; stores: AppStores; log: Log }) => Partial<GraphDeps>;
  /**
   * Run the graph in a worker thread of its own (app/run-thread.ts) when the configuration
   * allows (REELGRAPH_RUN_THREAD, role all, SQLite files, no overrides, no remote FFmpeg):
   * the server passes its log stream and, for the benchmark, a setup module. Default: here.
   */
  runThread?: false | { logStream?: NodeJS.WritableStream; setup?: string };
  /** Told when a job run here has ended (the run thread reports it). */
  onJobEnd?: (job: RunJob) => void;
}

/** reelgraph, built once: the one place that wires configuration, stores, ports, graph and runs. */
export interface Reelgraph {
  config: Configuration;
  deps: GraphDeps;
  stores: AppStores;
  graph: CompiledReelgraph;
  projector: Projector;
  runner: RunManager;
  songs: Songs;
  log: Log;
  /** What this process does with runs (ReelgraphOptions.role). */
  role: "all" | "api" | "worker";
  /** Where this app's runs execute: on this thread, in its run thread (app/run-thread.ts), or on the queue's workers. */
  runsIn: "here" | "thread" | "queue";
  /** Whether URLs callers give may point at private addresses (tests of the guard pass false; never true in production). */
  allowPrivateUrls: boolean;
  /** Stops taking work, lets checkpoints settle, closes the stores. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Builds everything from configuration: stores and media under the data folder, the models
 * and video providers chosen per run, the in-process composer and audio analyser, the
 * compiled graph with its checkpointer, the projector and the run manager. The server, the
 * CLI, the Studio entry and the benches all call this.
 */
export function createReelgraph(config: Configuration, opts: ReelgraphOptions): Reelgraph {
  mkdirSync(config.dataDir, { recursive: true });
  setFfmpegConcurrency(config.ffmpeg.concurrency);
  const { log } = opts;
  const opened = openStores(config, opts.stores, log);
  const { stores } = opened;
  const media = opts.overrides?.media ?? createMediaFor(config);
  const stills = new Set<Promise<unknown>>();
  const songs = createSongs({ assets: stores.assets, media, allowPrivate: opts.allowPrivateUrls, allowLocalFiles: opts.allowLocalFiles });
  let deps: GraphDeps = {
    config,
    clips: stores.clips,
    media,
    files: clipFilesWith(stills),
    modelFor: modelChooser(config),
    videoFor: videoChooser(config),
    composer: inProcessComposer(media, config.ffmpeg.timeoutS),
    audio: inProcessAudioAnalyzer,
    songs,
    log,
    now: () => systemClock.now(),
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    ...opts.overrides,
  };
  if (opts.wire) deps = { ...deps, ...opts.wire({ config, deps, stores, log }) };
  const checkpointer = opts.checkpointer === undefined ? opened.checkpointer() : opts.checkpointer || undefined;
  const graph = compileGraph(deps, checkpointer);
  const projector = new Projector(stores, log);
  const role = opts.role ?? "all";
  if (role !== "all" && !config.databaseUrl) throw new ConfigurationError("DATABASE_URL", `the ${role} role needs a shared store and queue: set DATABASE_URL=postgres://…`);
  const threaded = opts.runThread && runThreadApplies(config, { role, overrides: opts.overrides, stores: opts.stores }) ? opts.runThread : null;
  let runner: RunManager;
  const dispatcher =
    role === "api"
      ? lazyRunQueue({ databaseUrl: config.databaseUrl!, log, leaseMs: config.workerLeaseS * 1000 })
      : threaded
        ? startRunThread({ config, events: stores.events as SqliteEventLog, log, logStream: threaded.logStream, setup: threaded.setup, onRestart: () => runner.resumeUnfinished() })
        : undefined;
  runner = new RunManager(stores, graph, projector, log, { concurrency: config.runConcurrency, runTimeoutS: config.runTimeoutS, dispatcher, onJobEnd: opts.onJobEnd });
  const webhooks = config.server.webhookSecret && opts.webhooks !== false ? new WebhookNotifier({ stores, secret: config.server.webhookSecret, log, post: (url, body, headers) => postGuarded(url, body, headers, { allowPrivate: opts.allowPrivateUrls }), ...opts.webhooks }) : null;
  let closing: Promise<void> | null = null;
  return {
    config,
    deps,
    stores,
    graph,
    projector,
    runner,
    songs,
    log,
    allowPrivateUrls: opts.allowPrivateUrls ?? false,
    role,
    runsIn: role === "api" ? "queue" : threaded ? "thread" : "here",
    close: (graceMs) =>
      (closing ??= (async () => {
        await runner.shutdown(graceMs);
        await Promise.allSettled([...stills]);
        await dispatcher?.close();
        await webhooks?.close();
        await stores.close();
        if (checkpointer && opts.checkpointer === undefined) await opened.closeCheckpointer(checkpointer);
      })()),
  };
}

/**
 * The stores and the durable checkpointer on one backend: Postgres when DATABASE_URL is set
 * (the checkpointer on the stores' pool, which the stores close), else SQLite files in the data
 * folder; ":memory:" keeps nothing.
 */
function openStores(config: Configuration, kind: ReelgraphOptions["stores"], log: Log): { stores: AppStores; checkpointer(): BaseCheckpointSaver; closeCheckpointer(c: BaseCheckpointSaver): Promise<void> } {
  if (config.databaseUrl && kind !== ":memory:") {
    const stores = openPostgresStores(config.databaseUrl, {
      onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "Postgres event fan-out: a connection or read failed; retrying"),
    });
    return { stores, checkpointer: () => stores.checkpointer(), closeCheckpointer: async () => undefined };
  }
  const stores = openSqliteStores(kind === ":memory:" ? ":memory:" : join(config.dataDir, "reelgraph.db"));
  return {
    stores,
    checkpointer: () => openCheckpointer(config),
    closeCheckpointer: async (c) => (c as unknown as { db?: { close(): void } }).db?.close(),
  };
}

/** The durable checkpointer without DATABASE_URL: a SQLite file beside the stores. */
export function openCheckpointer(config: Configuration): SqliteSaver {
  return openSqliteCheckpointer(join(config.dataDir, "checkpoints.db"));
}

/** The media store configuration asks for: the local folder, wrapped by the S3 store with REELGRAPH_MEDIA_S3_BUCKET. */
export function createMediaFor(config: Configuration): MediaStore {
  const local = createMediaStore(config.dataDir);
  return config.mediaS3 ? createS3MediaStore(local, config.mediaS3) : local;
}

/** Facts about files, and the stills made of them; stills still being made are awaited on close. */
function clipFilesWith(pending: Set<Promise<unknown>>): ClipFiles {
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };
  return {
    exists: (p) => existsSync(p) && statSync(p).size > 0,
    sha256: sha256File,
    duration: async (p) => (await probeFast(p).catch(() => null))?.duration_s ?? null,
    still: (video, out, atS, signal) => track(heavy.stills().then((m) => m.writeStill(video, out, atS, { signal, background: true }))),
    lastFrame: async (video, out, signal) => (await heavy.stills()).writeLastFrame(video, out, { signal }),
  };
}

/*
 * Heavy parts (the composer, the beat analyser, the Replicate client, the AI SDK) are loaded
 * the first time a run needs them, so a command that needs none of them (`reelgraph plan`)
 * starts without them. Each is imported once: an `import()` of a module already loaded still
 * asks the module loader (and its hooks, under tsx) to resolve it again, on every clip.
 */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
};
export const heavy = {
  stills: once(() => import("../tools/ffmpeg/stills.js")),
  compose: once(() => import("../tools/compose/index.js")),
  audio: once(() => import("../tools/audio/analyze.js")),
  replicate: once(() => Promise.all([import("../tools/replicate/provider.js"), import("../tools/replicate/webhook.js")])),
};

const inProcessAudioAnalyzer: AudioAnalyzer = {
  analyze: async (path, signal) => (await heavy.audio()).analyzeAudioFile(path, { signal }),
};

/** The in-process composer: the compose tool on this machine's FFmpeg. */
export function inProcessComposer(media: GraphDeps["media"], timeoutS: number): Composer {
  return {
    async compose(input) {
      const { composeTimeline } = await heavy.compose();
      const r = await composeTimeline({ timeline: input.timeline, clips: input.clips, outPath: input.outPath, media, timeoutS, signal: input.signal });
      return {
        path: r.path,
        duration_s: r.duration_s,
        reused: r.segments.filter((s) => s.reused).length,
        encoded: r.segments.filter((s) => !s.reused).length,
        warnings: r.warnings,
      };
    },
  };
}

/** The configured model for a run's options (one instance per model), or null for the offline path. */
export function modelChooser(config: Configuration): (options: Parameters<GraphDeps["modelFor"]>[0]) => StructuredModel | null {
  const models = new Map<string, StructuredModel>();
  return (options) => {
    const llm = configurationForRun(config, options).llm;
    if (llm.provider === "offline") return null;
    const key = `${llm.baseURL ?? ""}|${llm.model}|${llm.api}`;
    let model = models.get(key);
    if (!model) {
      let loaded: Promise<StructuredModel> | null = null;
      const load = () =>
        (loaded ??= import("../tools/llm/structured.js").then((m) => m.createStructuredModel(m.createLanguageModel(llm), llm.model, { timeoutMs: llm.timeoutMs })));
      models.set(key, (model = { name: `llm:${llm.model}`, generate: async (call) => (await load()).generate(call) }));
    }
    return model;
  };
}

/** The video provider for a run's options (one instance per model): Replicate with a token, else the local renderer. */
export function videoChooser(config: Configuration): (options: Parameters<GraphDeps["videoFor"]>[0]) => VideoProvider {
  const local = createLocalVideoProvider({ timeoutS: config.ffmpeg.timeoutS });
  const providers = new Map<string, VideoProvider>();
  return (options) => {
    const video = configurationForRun(config, options).video;
    if (video.provider === "local") return local;
    let provider = providers.get(video.model);
    if (!provider) {
      let loaded: Promise<VideoProvider> | null = null;
      const load = () =>
        (loaded ??= heavy.replicate().then(([p, w]) =>
          p.createReplicateVideoProvider({
            token: video.token,
            model: video.model,
            baseUrl: video.baseUrl,
            clipTimeoutMs: config.clip.timeoutS * 1000,
            // Model schemas read once a day, kept across restarts.
            schemaCacheDir: join(config.dataDir, "replicate-schemas"),
            // Polling drives completion; the webhook only tells us sooner (server/routes/webhooks.ts).
            webhookUrl: config.server.publicUrl && video.webhookSecret ? w.replicateWebhookUrl(config.server.publicUrl) : undefined,
          }),
        ));
      provider = {
        name: `replicate:${video.model}`,
        generate: async (job, progress) => (await load()).generate(job, progress),
        describe: async (signal) => (await load()).describe!(signal),
      };
      providers.set(video.model, provider);
    }
    return provider;
  };
}
