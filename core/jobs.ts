/**
 * The FFmpeg service's jobs table as an interface, for both sides of the internal API:
 * - side 'service': the service's own process-clips jobs (queued → running → succeeded | failed);
 * - side 'gateway': a job this gateway submitted to a remote service ('submitted' until settled).
 * When one process is both (a service URL pointing at itself), the service's row stands for
 * both. `settled_at` is set once, by the first callback or poll result the gateway accepts.
 * Backends: SQLite (tools/store/sqlite/jobs.ts) and Postgres (tools/store/postgres/jobs.ts);
 * one contract suite (test/stores/contracts/jobs.ts) runs against each.
 */

export type JobRowStatus = "queued" | "running" | "succeeded" | "failed" | "submitted";

export interface JobRow {
  id: string;
  composition_id: string;
  version: number;
  status: JobRowStatus;
  output_url: string | null;
  duration_s: number | null;
  error: string | null;
  callback_url: string | null;
  side: "service" | "gateway";
  settled_at: string | null;
  settled_via: "callback" | "poll" | null;
  notified_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A job's outcome as the service reports it (the processing-complete payload). */
export interface JobOutcomeReport {
  job_id: string;
  composition_id: string;
  version: number;
  status: "succeeded" | "failed";
  output_url: string | null;
  duration_s: number | null;
  error: string | null;
}

/** What recording an outcome did: the first one wins. */
export type SettleResult = "settled" | "duplicate" | "unknown" | "mismatch";

export interface JobStore {
  get(id: string): Promise<JobRow | null>;
  /** A new service job, queued, owned by this process. */
  create(job: { id: string; composition_id: string; version: number; callback_url: string }): Promise<JobRow>;
  /** Every job (either side) of a composition, oldest first. */
  forComposition(compositionId: string): Promise<JobRow[]>;
  /** The newest service job for a composition version. */
  latestFor(compositionId: string, version: number): Promise<JobRow | null>;
  markRunning(id: string): Promise<void>;
  /** Records a service job's outcome; a job already finished is left as it is (false). */
  finish(id: string, outcome: { status: "succeeded" | "failed"; output_url: string | null; duration_s: number | null; error: string | null }): Promise<boolean>;
  markNotified(id: string): Promise<void>;
  /**
   * Fails the service jobs that a process which is gone left queued or running: their work
   * lived in that process's memory, so nothing will finish them. Jobs of a live process
   * sharing the database are left alone.
   */
  failInterrupted(reason: string): Promise<JobRow[]>;
  /** Gateway side: remembers a submitted job so its callback is recognised (no-op if known). */
  expect(job: { job_id: string; composition_id: string; version: number; callback_url: string }): Promise<void>;
  /** Gateway side: records a job's outcome once; later or repeated ones change nothing. */
  settle(payload: JobOutcomeReport, via: "callback" | "poll"): Promise<SettleResult>;
}
