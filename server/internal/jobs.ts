import { nowIso, type Db } from "../../tools/store/sqlite/db.js";
import type { JobStatus, JobView, ProcessingComplete } from "../../tools/ffmpeg-service/schema.js";

/**
 * The jobs table, for both sides of the internal API:
 * - side 'service': the FFmpeg service's own process-clips jobs (queued → running → succeeded | failed);
 * - side 'gateway': a job this gateway submitted to a remote service ('submitted' until settled).
 * When one process is both (a service URL pointing at itself), the service's row stands for
 * both. `settled_at` is set once, by the first callback or poll result the gateway accepts.
 */
export interface JobRow {
  id: string;
  composition_id: string;
  version: number;
  status: JobStatus | "submitted";
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

/** What recording an outcome did: the first one wins. */
export type SettleResult = "settled" | "duplicate" | "unknown" | "mismatch";

export type JobStore = ReturnType<typeof createJobStore>;

/** Statements over the jobs table of `db` (migrated by openDb). */
export function createJobStore(db: Db, now: () => string = nowIso) {
  const get = db.prepare("SELECT * FROM jobs WHERE id = ?");
  const latest = db.prepare("SELECT * FROM jobs WHERE side = 'service' AND composition_id = ? AND version = ? ORDER BY created_at DESC, rowid DESC LIMIT 1");
  const insert = db.prepare(
    "INSERT INTO jobs (id, composition_id, version, status, callback_url, side, created_at, updated_at) VALUES (@id, @composition_id, @version, @status, @callback_url, @side, @at, @at)",
  );
  const expect = db.prepare(
    "INSERT OR IGNORE INTO jobs (id, composition_id, version, status, callback_url, side, created_at, updated_at) VALUES (@id, @composition_id, @version, 'submitted', @callback_url, 'gateway', @at, @at)",
  );
  const setStatus = db.prepare("UPDATE jobs SET status = ?, updated_at = ? WHERE id = ? AND side = 'service' AND status IN ('queued', 'running')");
  const finish = db.prepare(
    "UPDATE jobs SET status = @status, output_url = @output_url, duration_s = @duration_s, error = @error, updated_at = @at WHERE id = @id AND side = 'service' AND status IN ('queued', 'running')",
  );
  const notified = db.prepare("UPDATE jobs SET notified_at = ?, updated_at = ? WHERE id = ?");
  const unfinished = db.prepare("SELECT * FROM jobs WHERE side = 'service' AND status IN ('queued', 'running')");
  const settle = db.prepare(`UPDATE jobs SET settled_at = @at, settled_via = @via, updated_at = @at,
      status = CASE WHEN side = 'gateway' THEN @status ELSE status END,
      output_url = CASE WHEN side = 'gateway' THEN @output_url ELSE output_url END,
      duration_s = CASE WHEN side = 'gateway' THEN @duration_s ELSE duration_s END,
      error = CASE WHEN side = 'gateway' THEN @error ELSE error END
    WHERE id = @id AND settled_at IS NULL`);

  const row = (id: string) => (get.get(id) as JobRow | undefined) ?? null;

  return {
    get: row,

    /** A new service job, queued. */
    create(job: { id: string; composition_id: string; version: number; callback_url: string }): JobRow {
      insert.run({ ...job, status: "queued", side: "service", at: now() });
      return row(job.id)!;
    },

    /** The newest service job for a composition version. */
    latestFor(compositionId: string, version: number): JobRow | null {
      return (latest.get(compositionId, version) as JobRow | undefined) ?? null;
    },

    markRunning(id: string): void {
      setStatus.run("running", now(), id);
    },

    /** Records a service job's outcome; a job already finished is left as it is. */
    finish(id: string, outcome: { status: "succeeded" | "failed"; output_url: string | null; duration_s: number | null; error: string | null }): boolean {
      return finish.run({ id, ...outcome, at: now() }).changes === 1;
    },

    markNotified(id: string): void {
      notified.run(now(), now(), id);
    },

    /**
     * Fails the service jobs a previous process left queued or running: their work lived in
     * that process's memory, so nothing will finish them.
     */
    failInterrupted(reason: string): JobRow[] {
      return db.transaction(() => {
        const rows = unfinished.all() as JobRow[];
        for (const r of rows) finish.run({ id: r.id, status: "failed", output_url: null, duration_s: null, error: reason, at: now() });
        return rows.map((r) => row(r.id)!);
      })();
    },

    /** Gateway side: remembers a submitted job so its callback is recognised (no-op if known). */
    expect(job: { job_id: string; composition_id: string; version: number; callback_url: string }): void {
      expect.run({ id: job.job_id, composition_id: job.composition_id, version: job.version, callback_url: job.callback_url, at: now() });
    },

    /** Gateway side: records a job's outcome once; later or repeated ones change nothing. */
    settle(payload: ProcessingComplete, via: "callback" | "poll"): SettleResult {
      return db.transaction((): SettleResult => {
        const r = row(payload.job_id);
        if (!r) return "unknown";
        if (r.settled_at) return "duplicate";
        if (r.composition_id !== payload.composition_id || r.version !== payload.version) return "mismatch";
        const changes = settle.run({
          id: payload.job_id,
          via,
          at: now(),
          status: payload.status,
          output_url: payload.output_url,
          duration_s: payload.duration_s,
          error: payload.error,
        }).changes;
        return changes === 1 ? "settled" : "duplicate";
      }).immediate();
    },
  };
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
