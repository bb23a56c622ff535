import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use: 127.0.0.1:5432, user postgres, trust auth (REELGRAPH_TEST_PG_URL overrides). */
export const ADMIN_URL = process.env.REELGRAPH_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  /** The fresh database's URL. */
  url: string;
  name: string;
  /** A URL on a new, empty schema of the database (search_path), for a store set of its own. */
  freshSchema(): Promise<string>;
  /** Runs one statement as the admin on the test database. */
  query(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Drops the database (ending every connection left on it). */
  drop(): Promise<void>;
}

export class PostgresUnavailableError extends Error {
  override readonly name = "PostgresUnavailableError";
  constructor(readonly url: string, options: { cause: unknown }) {
    super(`no Postgres at ${url.replace(/:[^:@/]*@/, ":***@")}: ${String((options.cause as Error)?.message ?? options.cause)}`, options);
  }
}

/**
 * A fresh database for one test file (`reelgraph_test_<random>`), or null when no Postgres
 * can be reached here — then the reason is printed and the caller skips. In CI (CI or
 * REELGRAPH_REQUIRE_POSTGRES set) an unreachable Postgres fails instead: .ci/run starts it.
 */
export async function createTestDatabase(): Promise<TestDatabase | null> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (cause) {
    const err = new PostgresUnavailableError(ADMIN_URL, { cause });
    if (process.env.CI || process.env.REELGRAPH_REQUIRE_POSTGRES) throw err;
    process.stderr.write(`\n[skip] Postgres tests skipped: ${err.message}\n`);
    await admin.end().catch(() => undefined);
    return null;
  }
  const name = `reelgraph_test_${randomBytes(6).toString("hex")}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(ADMIN_URL, name);
  const asAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let schemas = 0;
  return {
    url,
    name,
    async freshSchema() {
      const schema = `s${schemas++}_${randomBytes(3).toString("hex")}`;
      await asAdmin((c) => c.query(`CREATE SCHEMA ${schema}`));
      const u = new URL(url);
      u.searchParams.set("options", `-c search_path=${schema}`);
      return u.toString();
    },
    query: (sql, values) => asAdmin((c) => c.query(sql, values)),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
