import type pg from "pg";

/**
 * The Postgres schema, in versions. Each version runs once, in order, in one transaction;
 * `reelgraph_migrations` records how far a database has come. Processes that open the same
 * database at once (an API and its workers starting together) take turns on an advisory lock,
 * so each version is applied exactly once.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE generations (
    id TEXT PRIMARY KEY,
    pipeline TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT,
    request JSONB NOT NULL,
    percent DOUBLE PRECISION NOT NULL DEFAULT 0,
    clips_done INTEGER NOT NULL DEFAULT 0,
    clips_total INTEGER NOT NULL DEFAULT 0,
    analysis JSONB,
    plan JSONB,
    style JSONB,
    composition_id TEXT,
    error JSONB,
    warnings JSONB NOT NULL DEFAULT '[]',
    extra JSONB NOT NULL DEFAULT '{}',
    client TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX generations_created ON generations (created_at DESC, id DESC);
  CREATE INDEX generations_status ON generations (status, created_at DESC, id DESC);

  CREATE TABLE clips (
    id TEXT PRIMARY KEY,
    generation_id TEXT NOT NULL,
    scene_id TEXT NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    prompt TEXT NOT NULL,
    prompt_hash TEXT,
    path TEXT,
    duration_s DOUBLE PRECISION,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    prediction_id TEXT,
    checksum TEXT,
    create_attempted_at BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX clips_generation ON clips (generation_id, created_at, id);
  CREATE INDEX clips_prediction ON clips (prediction_id) WHERE prediction_id IS NOT NULL;

  CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    generation_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX events_generation ON events (generation_id, seq);

  CREATE TABLE compositions (
    id TEXT PRIMARY KEY,
    generation_id TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE composition_versions (
    composition_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    timeline JSONB NOT NULL,
    video_path TEXT,
    duration_s DOUBLE PRECISION,
    edit_id TEXT,
    reverted_from INTEGER,
    poster_path TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (composition_id, version)
  );
  CREATE TABLE edits (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL,
    composition_id TEXT NOT NULL,
    generation_id TEXT NOT NULL,
    status TEXT NOT NULL,
    plan JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX edits_composition ON edits (composition_id, created_at, ord);

  CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    mime TEXT,
    bytes BIGINT NOT NULL,
    sha256 TEXT,
    source TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );

  CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    fingerprint TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );

  -- Appending takes a lock per generation until commit, so one generation's events commit in
  -- the order of their numbers: a reader that has seen seq n of a generation never later finds
  -- one below n. The notification (sent on commit) names the generation and the number; a
  -- listener reads the log rather than trusting it.
  CREATE FUNCTION reelgraph_append_event(p_generation TEXT, p_type TEXT, p_data JSONB, p_created TIMESTAMPTZ, OUT out_seq BIGINT, OUT out_prev BIGINT)
  LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('reelgraph.events:' || p_generation, 0));
    SELECT max(e.seq) INTO out_prev FROM events e WHERE e.generation_id = p_generation;
    INSERT INTO events (generation_id, type, data, created_at) VALUES (p_generation, p_type, p_data, p_created) RETURNING events.seq INTO out_seq;
    PERFORM pg_notify('reelgraph_events', p_generation || ' ' || out_seq);
  END
  $fn$;
  `,
  // The FFmpeg service's jobs (side 'service') and the gateway's record of jobs it submitted
  // (side 'gateway'); settled_at marks the first outcome the gateway accepted; owner names the
  // process whose memory holds a service job's work.
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL,
    composition_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    output_url TEXT,
    duration_s DOUBLE PRECISION,
    error TEXT,
    callback_url TEXT,
    side TEXT NOT NULL DEFAULT 'service',
    owner TEXT,
    settled_at TIMESTAMPTZ,
    settled_via TEXT,
    notified_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX jobs_composition ON jobs (composition_id, version, created_at DESC, ord DESC);
  CREATE INDEX jobs_unfinished ON jobs (side, status);
  `,
  // The API's rate limits, shared by every API process: when each client's bucket is full again.
  `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    full_at DOUBLE PRECISION NOT NULL
  );
  `,
  // Rate-limit buckets are not worth a WAL flush: every API request takes a token, and on a
  // logged table each take is a commit that waits for the WAL to reach the disk. Unlogged, a
  // commit that touches only this table does not wait (status polls through an API process on
  // Postgres: 1,494 → 1,686 a second here), and a Postgres crash empties the buckets — every
  // client then starts again with a full one.
  `
  ALTER TABLE rate_limits SET UNLOGGED;
  `,
];

/** The channel every process's event log listens on. */
export const EVENTS_CHANNEL = "reelgraph_events";

/** Key of the advisory lock migrations run under (any constant shared by every process). */
const MIGRATION_LOCK = "reelgraph.migrations";

export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(readonly version: number, options: { cause: unknown }) {
    super(`the Postgres schema migration to version ${version} failed: ${String((options.cause as Error)?.message ?? options.cause)}`, options);
  }
}

/** Applies the versions a database lacks; safe to call from several processes at once. */
export async function migrate(pool: pg.Pool, migrations: string[] = MIGRATIONS): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS reelgraph_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM reelgraph_migrations");
    const current = rows[0]?.v ?? 0;
    for (let v = current; v < migrations.length; v++) {
      try {
        await client.query(migrations[v]!);
      } catch (cause) {
        throw new MigrationError(v + 1, { cause });
      }
      await client.query("INSERT INTO reelgraph_migrations (version) VALUES ($1)", [v + 1]);
    }
    await client.query("COMMIT");
    return migrations.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
