import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { StoredEvent } from "../core/domain.js";
import type { Configuration } from "../graph/configuration.js";
import type { Log } from "../graph/ports.js";
import type { RunDispatcher, RunJob } from "./jobs.js";

/**
 * The server's runs in a worker thread of their own (REELGRAPH_RUN_THREAD, on by default for
 * `reelgraph serve` on SQLite). The graph, its checkpoints, the offline brain, the providers'
 * polling and the projector's writes all cost the event loop that runs them; on the API's
 * thread they delay every status poll behind them (a CPU profile of 20 pipelines: event-loop
 * delay p99 28 ms, polls p99 58 ms). Here the API's thread only answers requests.
 *
 * The thread is a whole reelgraph of its own (createReelgraph, role "all") on the same SQLite
 * files through its own connections (WAL: each side reads what the other committed; the read
 * model's cache follows each generation's view_version, which any connection's write moves). Jobs go
 * to it as data (app/jobs.ts RunJob), like the queue carries them to worker processes. Events
 * cross both ways as they are written (SqliteEventLog.relay/deliver), so SSE, webhooks and
 * waiting edits on the API's side and cancels on the run side hear them as before. Logs go to
 * the same destination. A thread that dies (an uncaught error, an out-of-memory) is started
 * again and the runs it had are resumed from their checkpoints, as after a restart.
 */

/** Messages to the run thread. */
export type ToRunThread =
  /** `id` comes back in an `ended` message once the thread is done with the job (or did not take it). */
  | { t: "job"; id: number; job: RunJob }
  | { t: "drop"; id: number; generationId: string }
  | { t: "event"; event: StoredEvent }
  | { t: "shutdown"; graceMs: number };

/** Messages from the run thread. */
export type FromRunThread =
  | { t: "ready" }
  /** Events written over there since the last message, in the order written. */
  | { t: "events"; events: StoredEvent[] }
  | { t: "ended"; id: number }
  | { t: "log"; chunk: string }
  | { t: "stats"; active: number; queued: number }
  | { t: "dropped"; id: number; dropped: boolean }
  | { t: "closed" }
  | { t: "fatal"; message: string };

/** What the thread is started with (structured-cloned). */
export interface RunThreadData {
  config: Configuration;
  /** Send log lines to the API's thread (its logger writes to a stream of its own) instead of stderr. */
  forwardLogs: boolean;
  /**
   * A module the thread imports first (RunThreadSetup in ./run-thread-worker.ts): its default
   * export `(config) => Partial<GraphDeps>` replaces ports there (the benchmark times the
   * provider and composer this way), its `withApp(app)` sees the thread's reelgraph.
   */
  setup?: string;
}

export interface RunThreadOptions {
  config: Configuration;
  /** The API side's event log: the thread's events are delivered to it, its own are sent over. */
  events: { relay(sink: ((event: StoredEvent) => void) | null): void; deliver(event: StoredEvent): void; since(seq: number): StoredEvent[]; lastSeq(): number };
  log: Log;
  /** Where the API's logger writes when it is not stderr: the thread's lines go there too. */
  logStream?: NodeJS.WritableStream;
  setup?: string;
  /** After a thread that died was replaced: resume the runs it had (RunManager.resumeUnfinished). */
  onRestart: () => Promise<unknown>;
}

export class RunThreadError extends Error {
  override readonly name = "RunThreadError";
  constructor(message: string, readonly context: { exitCode?: number | null; cause?: string } = {}) {
    super(message);
  }
}

/** Where the thread's entry module is: beside this one as source (tsx), compiled, or bundled. */
function entry(): { href: string; tsx: boolean } {
  const here = import.meta.url;
  const ext = here.endsWith(".ts") ? ".ts" : here.endsWith(".cjs") ? ".cjs" : ".js";
  const url = new URL(here.endsWith("reelgraph.cjs") ? "./run-thread-worker.cjs" : `./run-thread-worker${ext}`, here);
  if (!existsSync(fileURLToPath(url))) throw new RunThreadError(`the run thread's module is missing: ${fileURLToPath(url)} (build it with npm run build, or set REELGRAPH_RUN_THREAD=0)`);
  return { href: url.href, tsx: ext === ".ts" };
}

/** tsx's ESM register API (its CommonJS build resolves the hooks it registers wrongly from a worker). */
function tsxApi(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
}

/** Starts the run thread and returns the dispatcher that sends it jobs. */
export function startRunThread(o: RunThreadOptions): RunDispatcher {
  const { href, tsx } = entry();
  const data: RunThreadData = { config: o.config, forwardLogs: !!o.logStream, setup: o.setup };
  // Source files need tsx's loader in the thread too: registered there before the entry is imported.
  const load = tsx
    ? `import(${JSON.stringify(tsxApi())}).then((m) => m.register()).then(() => import(${JSON.stringify(href)}))`
    : `import(${JSON.stringify(href)})`;
  let started!: { resolve: () => void; reject: (e: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
  let everReady = false;
  let stats = { active: 0, queued: 0 };
  let stopping: Promise<void> | null = null;
  let restarts = 0;
  let nextRequest = 1;
  let nextJob = 1;
  /** Jobs sent and not yet reported ended, in the order sent: a replaced thread gets them again. */
  const outstanding = new Map<number, RunJob>();
  /** Events for the thread while there is none (being replaced); it gets them when it starts. */
  const held: StoredEvent[] = [];
  /** The highest event seq heard from the thread: what it wrote after that is read back if it dies. */
  let heardSeq = o.events.lastSeq();
  const pending = new Map<number, (dropped: boolean) => void>();
  let closed: (() => void) | null = null;
  let worker: Worker | null = null;

  const post = (w: Worker, m: ToRunThread) => {
    try {
      w.postMessage(m);
    } catch {
      // Gone between the check and the post: the exit handler takes it from here.
    }
  };

  const spawn = (): Worker => {
    const w = new Worker(`${load}.catch((e) => { require("node:worker_threads").parentPort.postMessage({ t: "fatal", message: String(e && e.stack || e) }); process.exit(1); })`, {
      eval: true,
      workerData: data,
      // Its own stdout/stderr go where the process's go (pino writes to fd 2 directly).
      stdout: false,
      stderr: false,
    });
    w.on("message", (m: FromRunThread) => {
      switch (m.t) {
        case "events":
          for (const event of m.events) {
            heardSeq = Math.max(heardSeq, event.seq);
            o.events.deliver(event);
          }
          return;
        case "ended":
          outstanding.delete(m.id);
          return;
        case "log":
          o.logStream?.write(m.chunk);
          return;
        case "stats":
          stats = { active: m.active, queued: m.queued };
          return;
        case "dropped":
          pending.get(m.id)?.(m.dropped);
          pending.delete(m.id);
          return;
        case "ready":
          restarts = 0;
          everReady = true;
          started.resolve();
          return;
        case "closed":
          closed?.();
          return;
        case "fatal":
          o.log.error({ err: m.message }, "the run thread failed");
          if (!everReady) started.reject(new RunThreadError(`the run thread could not start (set REELGRAPH_RUN_THREAD=0 to run on the API's thread): ${m.message.split("\n")[0]}`, { cause: m.message }));
          return;
      }
    });
    w.on("error", (err) => o.log.error({ err: err.message }, "the run thread failed with an uncaught error"));
    w.on("exit", (code) => {
      if (worker === w) worker = null;
      for (const resolve of pending.values()) resolve(false);
      pending.clear();
      stats = { active: 0, queued: 0 };
      if (stopping) return closed?.();
      if (!everReady) {
        started.reject(new RunThreadError(`the run thread stopped before it was ready (exit code ${code}; set REELGRAPH_RUN_THREAD=0 to run on the API's thread)`, { exitCode: code }));
        return;
      }
      // Events it wrote but had not sent yet are read back, so listeners here miss none.
      try {
        for (const event of o.events.since(heardSeq)) {
          heardSeq = Math.max(heardSeq, event.seq);
          o.events.deliver(event);
        }
      } catch (err) {
        o.log.error({ err: err instanceof Error ? err.message : String(err) }, "the run thread's last events could not be read back");
      }
      // Replaced: the jobs it had are sent again, and its runs resume from their checkpoints.
      const delay = Math.min(30_000, 500 * 2 ** restarts++);
      o.log.error({ exit_code: code, restart_in_ms: delay, jobs: outstanding.size }, "the run thread stopped; starting it again and resuming its runs");
      setTimeout(() => {
        if (stopping) return;
        const next = spawn();
        worker = next;
        for (const [id, job] of outstanding) post(next, { t: "job", id, job });
        for (const event of held.splice(0)) post(next, { t: "event", event });
        void o.onRestart().catch((err: unknown) => o.log.error({ err: err instanceof Error ? err.message : String(err) }, "resuming the run thread's runs failed"));
      }, delay).unref();
    });
    return w;
  };

  worker = spawn();
  // What this side writes (queued, cancelled, prediction_status from webhooks…) is told over
  // there — held while the thread is being replaced, and kept up until it has closed.
  o.events.relay((event) => {
    if (worker) post(worker, { t: "event", event });
    else if (held.push(event) > 10_000) held.shift();
  });

  const shutdown = (graceMs: number): Promise<void> =>
    (stopping ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        o.events.relay(null);
        const w = worker;
        worker = null;
        if (w) void w.terminate().finally(resolve);
        else resolve();
      };
      closed = done;
      // A thread that does not answer within the grace (and a few seconds to close its stores) is stopped.
      const timer = setTimeout(done, graceMs + 5000);
      timer.unref();
      if (worker) post(worker, { t: "shutdown", graceMs });
      else done();
    }));

  return {
    ready: () => ready,
    dispatch: async (job) => {
      const id = nextJob++;
      outstanding.set(id, job);
      if (worker) post(worker, { t: "job", id, job });
    },
    drop: (generationId) =>
      new Promise<boolean>((resolve) => {
        if (stopping) return resolve(false);
        const forget = () => {
          for (const [id, job] of outstanding) if (job.generationId === generationId && (job.kind === "start" || job.kind === "resume")) outstanding.delete(id);
        };
        // No thread right now: a run still waiting to be sent again is simply not sent.
        if (!worker) {
          const before = outstanding.size;
          forget();
          return resolve(outstanding.size < before);
        }
        const id = nextRequest++;
        // A busy thread answers within milliseconds; one that does not within seconds is not waited on.
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(false);
        }, 5000);
        timer.unref();
        pending.set(id, (dropped) => {
          clearTimeout(timer);
          if (dropped) forget();
          resolve(dropped);
        });
        post(worker, { t: "drop", id, generationId });
      }),
    stats: () => stats,
    shutdown,
    close: () => shutdown(0),
  };
}

/** Whether the server should run its graph in the run thread (see startRunThread). */
export function runThreadApplies(config: Configuration, o: { role?: string; overrides?: object; stores?: string }): boolean {
  return config.runThread && (o.role ?? "all") === "all" && !o.overrides && !config.databaseUrl && !config.ffmpeg.serviceUrl && o.stores !== ":memory:";
}
