import { createPostgresBackend, Queue, runMigrations, Worker, type Job } from "bullmq";
import pg from "pg";
import type { Log } from "../graph/ports.js";
import { jobIdOf, type RunDispatcher, type RunJob } from "./jobs.js";
import type { Stores } from "../core/stores.js";
import type { RunManager } from "./runner.js";

/**
 * The run queue for scale-out: BullMQ on its PostgreSQL backend, in the same database as the
 * stores (schema `bullmq`). API processes put run jobs on it; `reelgraph worker` processes take
 * them, a bounded number each. A worker holds a lock on each job it runs and renews it while
 * alive; when a worker dies (SIGKILL, a lost host) its lock lapses and BullMQ's stalled-job
 * check hands the job to another worker, which resumes the thread from its checkpoint — the
 * shared clip ledger keeps every paid prediction from being paid again.
 */
export const RUN_QUEUE = "reelgraph-runs";

export interface RunQueueOptions {
  databaseUrl: string;
  /** How long a worker's hold on a run lasts without renewal: a dead worker's runs move after about this long. */
  leaseMs?: number;
  log: Log;
}

/** A pool whose connections find BullMQ's functions (they live in its own schema). */
function bullPool(databaseUrl: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, options: "-c search_path=bullmq", max });
}

/** Creates BullMQ's schema when it is missing (under BullMQ's own advisory lock, so processes may race). */
export async function migrateRunQueue(databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await runMigrations(pool as never);
  } finally {
    await pool.end();
  }
}

/** The API side: jobs go on the queue; nothing runs in this process. */
export async function openRunQueue(o: RunQueueOptions): Promise<RunDispatcher> {
  await migrateRunQueue(o.databaseUrl);
  const queue = new Queue(RUN_QUEUE, { connection: bullPool(o.databaseUrl) } as never, createPostgresBackend as never);
  return {
    async dispatch(job) {
      const urgent = job.kind === "edit" || job.kind === "decide";
      await queue.add(job.kind, job, {
        jobId: jobIdOf(job),
        priority: urgent ? 1 : 10,
        // A job whose worker stopped before the run ended (a drained deploy) goes back on the queue and resumes.
        attempts: 1000,
        backoff: { type: "fixed", delay: 1000 },
        removeOnComplete: { count: 10_000 },
        removeOnFail: { count: 10_000 },
      });
    },
    async drop(generationId) {
      const job = await queue.getJob(`${generationId}.start`);
      if (!job || !(await job.isWaiting().catch(() => false))) return false;
      await job.remove().catch(() => undefined);
      return true;
    },
    close: () => queue.close(),
  };
}

/** The run stopped in this worker before it ended (a drain): the job goes back on the queue. */
export class RunStoppedError extends Error {
  override readonly name = "RunStoppedError";
  constructor(readonly generationId: string) {
    super(`the run ${generationId} stopped before it ended; another worker resumes it from its checkpoint`);
  }
}

export interface RunWorker {
  /** Stops taking jobs and waits up to `graceMs` for the runs in hand; what is left resumes elsewhere. */
  close(graceMs?: number): Promise<void>;
}

/** The worker side: takes run jobs (at most `concurrency` at once) and runs each through the run manager. */
export async function startRunWorker(app: { runner: RunManager; stores: Stores }, o: RunQueueOptions & { concurrency: number }): Promise<RunWorker> {
  const { runner, stores } = app;
  await migrateRunQueue(o.databaseUrl);
  const leaseMs = o.leaseMs ?? 30_000;
  const worker = new Worker(
    RUN_QUEUE,
    async (job: Job<RunJob>) => {
      o.log.info({ generation_id: job.data.generationId, job: job.data.kind, job_id: job.id }, "run job taken");
      await runner.process(job.data);
      const g = await stores.generations.get(job.data.generationId);
      if (g.status === "running" || g.status === "queued") throw new RunStoppedError(job.data.generationId);
    },
    {
      connection: bullPool(o.databaseUrl, o.concurrency + 3),
      concurrency: o.concurrency,
      lockDuration: leaseMs,
      stalledInterval: Math.max(1000, Math.round(leaseMs / 2)),
      // A run taken over from a dead worker resumes from its checkpoint: no limit on take-overs.
      maxStalledCount: 1_000_000,
    } as never,
    createPostgresBackend as never,
  );
  worker.on("error", (error) => o.log.warn({ err: String(error) }, "run queue error"));
  await worker.waitUntilReady();
  return {
    async close(graceMs = 30_000) {
      const closing = worker.close();
      const timer = new Promise<"late">((r) => setTimeout(() => r("late"), graceMs).unref());
      if ((await Promise.race([closing.then(() => "closed" as const), timer])) === "late") {
        // Runs still in hand stop here; their locks lapse and another worker resumes them.
        await runner.shutdown(0);
        await worker.close(true).catch(() => undefined);
      }
    },
  };
}
