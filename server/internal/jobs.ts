import type { JobRow } from "../../core/jobs.js";
import type { JobView, ProcessingComplete } from "../../tools/ffmpeg-service/schema.js";
import type { Db } from "../../tools/store/sqlite/db.js";
import { SqliteJobStore } from "../../tools/store/sqlite/jobs.js";

/**
 * The jobs table, for both sides of the internal API, behind the JobStore interface
 * (core/jobs.ts): SQLite (tools/store/sqlite/jobs.ts) or Postgres (tools/store/postgres/jobs.ts),
 * whichever backend the stores are on. Here: how a row is shown on the wire.
 */
export type { JobRow, JobStore, SettleResult } from "../../core/jobs.js";

/** The jobs table of a SQLite file (migrated by openDb). */
export function createJobStore(db: Db, now?: () => string): SqliteJobStore {
  return new SqliteJobStore(db, now);
}

/** A service job as GET /internal/v1/process-clips/{job_id} shows it. */
export function jobView(r: JobRow): JobView {
  return {
    job_id: r.id,
    composition_id: r.composition_id,
    version: r.version,
    status: r.status === "submitted" ? "queued" : r.status,
    output_url: r.output_url,
    duration_s: r.duration_s,
    error: r.error,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The processing-complete payload a finished service job sends. */
export function completionOf(r: JobRow): ProcessingComplete {
  return {
    job_id: r.id,
    composition_id: r.composition_id,
    version: r.version,
    status: r.status === "succeeded" ? "succeeded" : "failed",
    output_url: r.output_url,
    duration_s: r.duration_s,
    error: r.error,
  };
}
