import type { IdempotencyStore } from "../../../core/stores.js";
import { nowIso } from "./db.js";
import type { Row, SqliteContext } from "./context.js";

/** Idempotency keys on SQLite: the first claim of a key holds it. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly insert;
  private readonly get;

  constructor(ctx: SqliteContext) {
    this.insert = ctx.db.prepare("INSERT INTO idempotency_keys (key, value, fingerprint, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING");
    this.get = ctx.db.prepare("SELECT value, fingerprint FROM idempotency_keys WHERE key = ?");
  }

  async claim(key: string, value: string, fingerprint: string | null = null): Promise<{ value: string; fingerprint: string | null; claimed: boolean }> {
    const r = this.insert.run(key, value, fingerprint, nowIso());
    if (r.changes === 1) return { value, fingerprint, claimed: true };
    const held = this.get.get(key) as Row;
    return { value: String(held.value), fingerprint: (held.fingerprint as string | null) ?? null, claimed: false };
  }
}
