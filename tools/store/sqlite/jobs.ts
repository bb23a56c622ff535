import type { JobOutcomeReport, JobRow, JobStore, SettleResult } from "../../../core/jobs.js";
import { nowIso, type Db } from "./db.js";

/**
 * The FFmpeg service's jobs table on SQLite (migrated by openDb). One file belongs to one
 * process, so every unfinished service job found at start-up was left by one that is gone.
 */
export class SqliteJobStore implements JobStore {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly now: () => string = nowIso,
  ) {
    this.stmts = {
      get: db.prepare("SELECT * FROM jobs WHERE id = ?"),
      forComposition: db.prepare("SELECT * FROM jobs WHERE composition_id = ? ORDER BY created_at, rowid"),
      latest: db.prepare("SELECT * FROM jobs WHERE side = 'service' AND composition_id = ? AND version = ? ORDER BY created_at DESC, rowid DESC LIMIT 1"),
      insert: db.prepare(
        "INSERT INTO jobs (id, composition_id, version, status, callback_url, side, created_at, updated_at) VALUES (@id, @composition_id, @version, @status, @callback_url, @side, @at, @at)",
      ),
      expect: db.prepare(
        "INSERT OR IGNORE INTO jobs (id, composition_id, version, status, callback_url, side, created_at, updated_at) VALUES (@id, @composition_id, @version, 'submitted', @callback_url, 'gateway', @at, @at)",
      ),
      setStatus: db.prepare("UPDATE jobs SET status = ?, updated_at = ? WHERE id = ? AND side = 'service' AND status IN ('queued', 'running')"),
      finish: db.prepare(
        "UPDATE jobs SET status = @status, output_url = @output_url, duration_s = @duration_s, error = @error, updated_at = @at WHERE id = @id AND side = 'service' AND status IN ('queued', 'running')",
      ),
      notified: db.prepare("UPDATE jobs SET notified_at = ?, updated_at = ? WHERE id = ?"),
      unfinished: db.prepare("SELECT * FROM jobs WHERE side = 'service' AND status IN ('queued', 'running')"),
      settle: db.prepare(`UPDATE jobs SET settled_at = @at, settled_via = @via, updated_at = @at,
          status = CASE WHEN side = 'gateway' THEN @status ELSE status END,
          output_url = CASE WHEN side = 'gateway' THEN @output_url ELSE output_url END,
          duration_s = CASE WHEN side = 'gateway' THEN @duration_s ELSE duration_s END,
          error = CASE WHEN side = 'gateway' THEN @error ELSE error END
        WHERE id = @id AND settled_at IS NULL`),
    };
  }

  private row(id: string): JobRow | null {
    return (this.stmts.get.get(id) as JobRow | undefined) ?? null;
  }

  async get(id: string): Promise<JobRow | null> {
    return this.row(id);
  }

  async create(job: { id: string; composition_id: string; version: number; callback_url: string }): Promise<JobRow> {
    this.stmts.insert.run({ ...job, status: "queued", side: "service", at: this.now() });
    return this.row(job.id)!;
  }

  async forComposition(compositionId: string): Promise<JobRow[]> {
    return this.stmts.forComposition.all(compositionId) as JobRow[];
  }

  async latestFor(compositionId: string, version: number): Promise<JobRow | null> {
    return (this.stmts.latest.get(compositionId, version) as JobRow | undefined) ?? null;
  }

  async markRunning(id: string): Promise<void> {
    this.stmts.setStatus.run("running", this.now(), id);
  }

  async finish(id: string, outcome: { status: "succeeded" | "failed"; output_url: string | null; duration_s: number | null; error: string | null }): Promise<boolean> {
    return this.stmts.finish.run({ id, ...outcome, at: this.now() }).changes === 1;
  }

  async markNotified(id: string): Promise<void> {
    const at = this.now();
    this.stmts.notified.run(at, at, id);
  }

  async failInterrupted(reason: string): Promise<JobRow[]> {
    return this.db.transaction(() => {
      const rows = this.stmts.unfinished.all() as JobRow[];
      for (const r of rows) this.stmts.finish.run({ id: r.id, status: "failed", output_url: null, duration_s: null, error: reason, at: this.now() });
      return rows.map((r) => this.row(r.id)!);
    })();
  }

  async expect(job: { job_id: string; composition_id: string; version: number; callback_url: string }): Promise<void> {
    this.stmts.expect.run({ id: job.job_id, composition_id: job.composition_id, version: job.version, callback_url: job.callback_url, at: this.now() });
  }

  async settle(payload: JobOutcomeReport, via: "callback" | "poll"): Promise<SettleResult> {
    return this.db
      .transaction((): SettleResult => {
        const r = this.row(payload.job_id);
        if (!r) return "unknown";
        if (r.settled_at) return "duplicate";
        if (r.composition_id !== payload.composition_id || r.version !== payload.version) return "mismatch";
        const changes = this.stmts.settle.run({
          id: payload.job_id,
          via,
          at: this.now(),
          status: payload.status,
          output_url: payload.output_url,
          duration_s: payload.duration_s,
          error: payload.error,
        }).changes;
        return changes === 1 ? "settled" : "duplicate";
      })
      .immediate();
  }
}
