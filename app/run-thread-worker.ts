import { setPriority } from "node:os";
import { Writable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import type { StoredEvent } from "../core/domain.js";
import type { RunJob } from "./jobs.js";
import type { GraphDeps } from "../graph/ports.js";
import { createLogger } from "../tools/log/index.js";
import type { SqliteEventLog } from "../tools/store/sqlite/events.js";
import { createReelgraph, heavy } from "./reelgraph.js";
import type { Reelgraph } from "./reelgraph.js";
import type { FromRunThread, RunThreadData, ToRunThread } from "./run-thread.js";

/**
 * A setup module (RunThreadData.setup): its default export may replace ports in the thread,
 * and `withApp` sees the thread's reelgraph before it takes any job (the crash harness
 * subscribes to the thread's events there, to stop the process at an exact point).
 */
export interface RunThreadSetup {
  default: (config: RunThreadData["config"]) => Partial<GraphDeps> | void;
  withApp?: (app: Reelgraph) => void;
}

/**
 * The run thread's side (app/run-thread.ts): a reelgraph of its own on the same SQLite files
 * that runs the jobs the API's thread sends, reports its events, logs and job counts back,
 * and on shutdown lets its runs reach a checkpoint and closes its stores.
 */
if (!parentPort) throw new Error("app/run-thread-worker is the run thread's entry: start it with startRunThread");
const port = parentPort;
const data = workerData as RunThreadData;
const post = (m: FromRunThread) => port.postMessage(m);

/**
 * This thread yields the CPU to the API's thread: on Linux a nice value belongs to a thread
 * (setpriority on "process 0" sets the calling thread's), so a status poll is answered at once
 * while runs are busy; FFmpeg runs at nice 10 (tools/ffmpeg), behind both.
 */
export const RUN_THREAD_NICE = 5;
try {
  setPriority(0, RUN_THREAD_NICE);
} catch {
  // Not permitted here: the thread runs at the process's priority.
}

// Every line says it came from the run thread.
const log = (data.forwardLogs
  ? createLogger(
      data.config.logLevel,
      new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          post({ t: "log", chunk: chunk.toString() });
          callback();
        },
      }),
    )
  : createLogger(data.config.logLevel)
).child({ thread: "run" });

async function main(): Promise<void> {
  let overrides: Partial<GraphDeps> | undefined;
  const setup = data.setup ? ((await import(data.setup)) as RunThreadSetup) : null;
  if (setup) overrides = setup.default(data.config) || undefined;

  let reportStats = () => {};
  /** The id each job came with, to say when it has ended. */
  const ids = new Map<RunJob, number>();
  const ended = (job: RunJob) => {
    const id = ids.get(job);
    if (id === undefined) return;
    ids.delete(job);
    post({ t: "ended", id });
  };
  const app = createReelgraph(data.config, {
    log,
    overrides,
    role: "all",
    // The API's thread sends the caller's webhooks: it hears every event of this thread.
    webhooks: false,
    runThread: false,
    onJobEnd: (job) => {
      ended(job);
      reportStats();
    },
  });
  reportStats = () => post({ t: "stats", ...app.runner.stats });
  setup?.withApp?.(app);
  // The run thread only runs on SQLite files (runThreadApplies).
  const events = app.stores.events as SqliteEventLog;
  // Events go over in batches, one message per turn of this thread's loop: each message wakes
  // the API's thread, and a busy stage writes several events at once.
  let batch: StoredEvent[] = [];
  const flush = () => {
    const events = batch;
    batch = [];
    post({ t: "events", events });
  };
  events.relay((event) => {
    if (batch.push(event) === 1) setImmediate(flush);
  });

  let closing = false;
  port.on("message", (m: ToRunThread) => {
    switch (m.t) {
      case "job":
        // Not taken while closing: the API's thread keeps it and its run resumes on the next start.
        if (closing) return;
        ids.set(m.job, m.id);
        // Not taken because the same run is already in hand here: that is the end of this copy.
        if (!app.runner.accept(m.job)) ended(m.job);
        reportStats();
        return;
      case "drop":
        post({ t: "dropped", id: m.id, dropped: app.runner.drop(m.generationId) });
        reportStats();
        return;
      case "event":
        events.deliver(m.event);
        return;
      case "shutdown":
        closing = true;
        void app
          .close(m.graceMs)
          .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, "the run thread did not close cleanly"))
          .finally(() => {
            events.relay(null);
            if (batch.length) flush();
            // pino's last lines first, then the API's thread ends this one.
            log.flush?.();
            post({ t: "closed" });
          });
        return;
    }
  });
  post({ t: "ready" });
  // What every run needs, loaded while the thread waits for its first job rather than during it.
  void Promise.all([heavy.compose(), heavy.stills(), data.config.video.provider === "replicate" ? heavy.replicate() : null]).catch((err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : String(err) }, "the run thread could not load a module ahead of its runs"),
  );
}

main().catch((err: unknown) => {
  post({ t: "fatal", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
