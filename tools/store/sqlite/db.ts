import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Db = Database.Database;

/**
 * The run store's schema. Each migration runs once, in order; `user_version` records how far
 * a database file has come, so an old data folder upgrades in place.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE generations (
    id TEXT PRIMARY KEY,
    pipeline TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT,
    request TEXT NOT NULL,
    percent REAL NOT NULL DEFAULT 0,
    clips_done INTEGER NOT NULL DEFAULT 0,
    clips_total INTEGER NOT NULL DEFAULT 0,
    analysis TEXT,
    plan TEXT,
    style TEXT,
    composition_id TEXT,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    idempotency_key TEXT UNIQUE,
    request_hash TEXT,
    client TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX generations_status ON generations(status, created_at);
  CREATE TABLE clips (
    id TEXT PRIMARY KEY,
    generation_id TEXT NOT NULL,
    scene_id TEXT NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    prompt TEXT NOT NULL,
    prompt_hash TEXT,
    path TEXT,
    duration_s REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    prediction_id TEXT,
    checksum TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX clips_generation ON clips(generation_id, created_at);
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    generation_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX events_generation ON events(generation_id, seq);
  CREATE TABLE compositions (
    id TEXT PRIMARY KEY,
    generation_id TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'ready',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE composition_versions (
    composition_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    timeline TEXT NOT NULL,
    video_path TEXT,
    duration_s REAL,
    edit_id TEXT,
    reverted_from INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (composition_id, version)
  );
  CREATE TABLE edits (
    id TEXT PRIMARY KEY,
    composition_id TEXT NOT NULL,
    generation_id TEXT NOT NULL,
    status TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX edits_composition ON edits(composition_id, created_at);
  CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    mime TEXT,
    bytes INTEGER NOT NULL,
    sha256 TEXT,
    source TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    composition_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    output_url TEXT,
    duration_s REAL,
    error TEXT,
    callback_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // jobs serves both sides of the internal API: the FFmpeg service's own jobs (side 'service')
  // and the gateway's record of jobs it submitted (side 'gateway'); settled_at marks the first
  // outcome the gateway accepted, so a repeated or late callback changes nothing.
  `
  ALTER TABLE jobs ADD COLUMN side TEXT NOT NULL DEFAULT 'service';
  ALTER TABLE jobs ADD COLUMN settled_at TEXT;
  ALTER TABLE jobs ADD COLUMN settled_via TEXT;
  ALTER TABLE jobs ADD COLUMN notified_at TEXT;
  CREATE INDEX jobs_composition ON jobs(composition_id, version, created_at);
  `,
  `
  ALTER TABLE clips ADD COLUMN create_attempted_at INTEGER;
  CREATE INDEX clips_prediction ON clips(prediction_id);
  `,
  // Idempotency keys get a table of their own (API retries, webhook deliveries); figures a
  // projection keeps beside the view (ETA inputs, cost) go in generations.extra.
  `
  CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    fingerprint TEXT,
    created_at TEXT NOT NULL
  );
  INSERT INTO idempotency_keys (key, value, fingerprint, created_at)
    SELECT idempotency_key, id, request_hash, created_at FROM generations WHERE idempotency_key IS NOT NULL;
  ALTER TABLE generations ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE composition_versions ADD COLUMN poster_path TEXT;
  `,
  // A generation's view is cached until view_version moves: every write to the rows its view is
  // made of (the generation, its clips, its composition and versions) moves it, from any
  // connection — the server's run thread, another process. SQLite's data_version moved on any
  // other connection's commit, so with the runs in a thread of their own every poll missed.
  `
  ALTER TABLE generations ADD COLUMN view_version INTEGER NOT NULL DEFAULT 0;
  CREATE TRIGGER generations_view_version AFTER UPDATE ON generations WHEN NEW.view_version = OLD.view_version
    BEGIN UPDATE generations SET view_version = OLD.view_version + 1 WHERE id = NEW.id; END;
  CREATE TRIGGER clips_view_version_insert AFTER INSERT ON clips
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id = NEW.generation_id; END;
  CREATE TRIGGER clips_view_version_update AFTER UPDATE ON clips
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id IN (OLD.generation_id, NEW.generation_id); END;
  CREATE TRIGGER clips_view_version_delete AFTER DELETE ON clips
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id = OLD.generation_id; END;
  CREATE TRIGGER compositions_view_version_insert AFTER INSERT ON compositions
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id = NEW.generation_id; END;
  CREATE TRIGGER compositions_view_version_update AFTER UPDATE ON compositions
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id IN (OLD.generation_id, NEW.generation_id); END;
  CREATE TRIGGER composition_versions_view_version_insert AFTER INSERT ON composition_versions
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id = (SELECT generation_id FROM compositions WHERE id = NEW.composition_id); END;
  CREATE TRIGGER composition_versions_view_version_update AFTER UPDATE ON composition_versions
    BEGIN UPDATE generations SET view_version = view_version + 1 WHERE id = (SELECT generation_id FROM compositions WHERE id = NEW.composition_id); END;
  `,
];

/**
 * A connection to the SQLite file at `path` (its folder made if needed), set up as every
 * reelgraph connection is: WAL, `synchronous = NORMAL` (a commit survives a crash of the
 * process; only an OS crash or power cut can lose the last ones), a busy timeout so that
 * several connections (the run thread, a CLI) share the file without SQLITE_BUSY.
 */
export function openConnection(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Opens (creating if needed) the run store at `path` and brings its schema up to date. */
export function openDb(path: string): Db {
  const db = openConnection(path);
  db.pragma("foreign_keys = ON");
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

export function nowIso(): string {
  return new Date().toISOString();
}
