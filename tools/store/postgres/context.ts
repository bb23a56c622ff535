import type pg from "pg";
import { loadPg } from "./driver.js";
import { migrate } from "./migrations.js";

export type Row = Record<string, unknown>;

/** Postgres's unique_violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === "23505";
export type Queryable = Pick<pg.PoolClient, "query">;

/** The ISO-8601 text of a timestamptz column, as the SQLite backend stores it (milliseconds, UTC). */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A JSON value as a jsonb parameter (pg would turn a JS array into a Postgres array). */
export const jsonb = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export interface PgContextOptions {
  /** Connections in the pool shared by the stores (default 10). */
  max?: number;
  /** Names the process's connections in pg_stat_activity. */
  applicationName?: string;
  /** A query waiting for a connection fails after this long (default 10 s) instead of hanging on an unreachable server. */
  connectTimeoutMs?: number;
}

/**
 * One connection pool shared by every store of a process, opened on first use. The schema is
 * brought up to date once, before the first query (migrations run under an advisory lock, so
 * processes that open the same database at once take turns); every query waits for that.
 */
export class PgContext {
  readonly url: string;
  private opened: pg.Pool | null = null;
  private readyPromise: Promise<void> | null = null;
  private closed = false;

  constructor(
    url: string,
    private readonly opts: PgContextOptions = {},
  ) {
    this.url = url;
  }

  /** The pool, once ready() has resolved. */
  get pool(): pg.Pool {
    if (!this.opened) throw new Error("the Postgres pool is opened by ready(); await it first");
    return this.opened;
  }

  /** Resolves once the pool is open and the schema current (runs the migrations on first call). */
  ready(): Promise<void> {
    return (this.readyPromise ??= this.open().then(migrate).then(
      () => undefined,
      (err: unknown) => {
        this.readyPromise = null;
        throw err;
      },
    ));
  }

  private async open(): Promise<pg.Pool> {
    if (this.closed) throw new Error("the Postgres stores are closed");
    if (this.opened) return this.opened;
    const { Pool } = await loadPg();
    const pool = new Pool({
      connectionString: this.url,
      max: this.opts.max ?? 10,
      application_name: this.opts.applicationName ?? "reelgraph",
      connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 10_000,
      keepAlive: true,
    });
    // An idle client that loses its server is dropped by the pool; without a listener the error would end the process.
    pool.on("error", () => undefined);
    return (this.opened = pool);
  }

  async query<R extends Row = Row>(text: string, values: unknown[] = []): Promise<R[]> {
    await this.ready();
    return (await this.pool.query<R>(text, values)).rows;
  }

  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  async tx<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    await this.ready();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      // A connection that cannot even roll back is not given back to the pool.
      await client.query("ROLLBACK").catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.readyPromise?.catch(() => undefined);
    await this.opened?.end();
  }
}
