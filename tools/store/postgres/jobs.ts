import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { JobOutcomeReport, JobRow, JobStore, SettleResult } from "../../../core/jobs.js";
import { iso, type PgContext, type Row } from "./context.js";
import { loadPg } from "./driver.js";

const COLUMNS = `id, composition_id, version, status, output_url, duration_s, error, callback_url, side, settled_via,
  ${iso("settled_at")} AS settled_at, ${iso("notified_at")} AS notified_at, ${iso("created_at")} AS created_at, ${iso("updated_at")} AS updated_at`;

const ownerLock = (owner: string) => `reelgraph.jobs-owner:${owner}`;

/**
 * The FFmpeg service's jobs on Postgres, shared by every process on the database. A service
 * job's work lives in the memory of the process that took it (its `owner`), which holds an
 * advisory lock named after itself on one connection for as long as it lives. A job whose
 * owner's lock is free was left by a process that is gone: only those are failed as
 * interrupted, never the jobs of another live process.
 */
export class PgJobStore implements JobStore {
  readonly owner = randomUUID();
  private alive: Promise<pg.Client> | null = null;
  private closed = false;

  constructor(private readonly ctx: PgContext) {}

  async get(id: string): Promise<JobRow | null> {
    const [r] = await this.ctx.query(`SELECT ${COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return r ? rowToJob(r) : null;
  }

  async create(job: { id: string; composition_id: string; version: number; callback_url: string }): Promise<JobRow> {
    await this.holdOwnerLock();
    const [r] = await this.ctx.query(
      `INSERT INTO jobs (id, composition_id, version, status, callback_url, side, owner, created_at, updated_at) VALUES ($1, $2, $3, 'queued', $4, 'service', $5, now(), now()) RETURNING ${COLUMNS}`,
      [job.id, job.composition_id, job.version, job.callback_url, this.owner],
    );
    return rowToJob(r!);
  }

  async forComposition(compositionId: string): Promise<JobRow[]> {
    return (await this.ctx.query(`SELECT ${COLUMNS} FROM jobs WHERE composition_id = $1 ORDER BY created_at, ord`, [compositionId])).map(rowToJob);
  }

  async latestFor(compositionId: string, version: number): Promise<JobRow | null> {
    const [r] = await this.ctx.query(`SELECT ${COLUMNS} FROM jobs WHERE side = 'service' AND composition_id = $1 AND version = $2 ORDER BY created_at DESC, ord DESC LIMIT 1`, [compositionId, version]);
    return r ? rowToJob(r) : null;
  }

  async markRunning(id: string): Promise<void> {
    await this.ctx.query("UPDATE jobs SET status = 'running', updated_at = now() WHERE id = $1 AND side = 'service' AND status IN ('queued', 'running')", [id]);
  }

  async finish(id: string, outcome: { status: "succeeded" | "failed"; output_url: string | null; duration_s: number | null; error: string | null }): Promise<boolean> {
    const rows = await this.ctx.query(
      "UPDATE jobs SET status = $2, output_url = $3, duration_s = $4, error = $5, updated_at = now() WHERE id = $1 AND side = 'service' AND status IN ('queued', 'running') RETURNING 1",
      [id, outcome.status, outcome.output_url, outcome.duration_s, outcome.error],
    );
    return rows.length === 1;
  }

  async markNotified(id: string): Promise<void> {
    await this.ctx.query("UPDATE jobs SET notified_at = now(), updated_at = now() WHERE id = $1", [id]);
  }

  async failInterrupted(reason: string): Promise<JobRow[]> {
    await this.holdOwnerLock();
    const owners = await this.ctx.query("SELECT DISTINCT owner FROM jobs WHERE side = 'service' AND status IN ('queued', 'running') AND owner IS DISTINCT FROM $1", [this.owner]);
    const failed: JobRow[] = [];
    for (const { owner } of owners) {
      const rows = await this.ctx.tx(async (db) => {
        // Free only when the owner's connection is gone; held (briefly) so two processes starting together fail each job once.
        if (owner !== null) {
          const { rows: lock } = await db.query<{ free: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free", [ownerLock(String(owner))]);
          if (!lock[0]?.free) return [];
        }
        const { rows: done } = await db.query<Row>(
          `UPDATE jobs SET status = 'failed', output_url = NULL, duration_s = NULL, error = $2, updated_at = now()
            WHERE side = 'service' AND status IN ('queued', 'running') AND owner IS NOT DISTINCT FROM $1 RETURNING ${COLUMNS}`,
          [owner, reason],
        );
        return done;
      });
      failed.push(...rows.map(rowToJob));
    }
    return failed;
  }

  async expect(job: { job_id: string; composition_id: string; version: number; callback_url: string }): Promise<void> {
    await this.ctx.query(
      "INSERT INTO jobs (id, composition_id, version, status, callback_url, side, created_at, updated_at) VALUES ($1, $2, $3, 'submitted', $4, 'gateway', now(), now()) ON CONFLICT (id) DO NOTHING",
      [job.job_id, job.composition_id, job.version, job.callback_url],
    );
  }

  async settle(payload: JobOutcomeReport, via: "callback" | "poll"): Promise<SettleResult> {
    return this.ctx.tx(async (db) => {
      const { rows } = await db.query<Row>("SELECT composition_id, version, settled_at FROM jobs WHERE id = $1 FOR UPDATE", [payload.job_id]);
      const r = rows[0];
      if (!r) return "unknown";
      if (r.settled_at) return "duplicate";
      if (r.composition_id !== payload.composition_id || Number(r.version) !== payload.version) return "mismatch";
      const { rowCount } = await db.query(
        `UPDATE jobs SET settled_at = now(), settled_via = $2, updated_at = now(),
            status = CASE WHEN side = 'gateway' THEN $3 ELSE status END,
            output_url = CASE WHEN side = 'gateway' THEN $4 ELSE output_url END,
            duration_s = CASE WHEN side = 'gateway' THEN $5::double precision ELSE duration_s END,
            error = CASE WHEN side = 'gateway' THEN $6 ELSE error END
          WHERE id = $1 AND settled_at IS NULL`,
        [payload.job_id, via, payload.status, payload.output_url, payload.duration_s, payload.error],
      );
      return rowCount === 1 ? "settled" : "duplicate";
    });
  }

  /** Takes this process's owner lock on a connection of its own (once; again after that connection is lost). */
  private holdOwnerLock(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error("the Postgres job store is closed"));
    if (this.alive) return this.alive;
    const held: Promise<pg.Client> = this.connectOwner(() => {
      if (this.alive === held) this.alive = null;
    });
    this.alive = held;
    held.catch(() => {
      if (this.alive === held) this.alive = null;
    });
    return held;
  }

  private async connectOwner(onLost: () => void): Promise<pg.Client> {
    await this.ctx.ready();
    const { Client } = await loadPg();
    const client = new Client({ connectionString: this.ctx.url, application_name: "reelgraph-jobs-owner", keepAlive: true, connectionTimeoutMillis: 10_000 });
    client.on("error", onLost);
    client.on("end", onLost);
    await client.connect();
    await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [ownerLock(this.owner)]);
    return client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = await this.alive?.catch(() => null);
    this.alive = null;
    await client?.end().catch(() => undefined);
  }
}

function rowToJob(r: Row): JobRow {
  return {
    id: String(r.id),
    composition_id: String(r.composition_id),
    version: Number(r.version),
    status: r.status as JobRow["status"],
    output_url: (r.output_url as string | null) ?? null,
    duration_s: r.duration_s == null ? null : Number(r.duration_s),
    error: (r.error as string | null) ?? null,
    callback_url: (r.callback_url as string | null) ?? null,
    side: r.side as JobRow["side"],
    settled_at: (r.settled_at as string | null) ?? null,
    settled_via: (r.settled_via as JobRow["settled_via"]) ?? null,
    notified_at: (r.notified_at as string | null) ?? null,
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
  };
}
