import { ConflictError, type IdempotencyStore } from "../../../core/stores.js";
import type { PgContext } from "./context.js";

/**
 * Idempotency keys on Postgres. The insert is the claim: of any number of processes claiming
 * one key at once, exactly one inserts; the others wait for it to commit and read the holder.
 */
export class PgIdempotencyStore implements IdempotencyStore {
  constructor(private readonly ctx: PgContext) {}

  async claim(key: string, value: string, fingerprint: string | null = null): Promise<{ value: string; fingerprint: string | null; claimed: boolean }> {
    const inserted = await this.ctx.query("INSERT INTO idempotency_keys (key, value, fingerprint, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT (key) DO NOTHING RETURNING key", [key, value, fingerprint]);
    if (inserted.length) return { value, fingerprint, claimed: true };
    const [held] = await this.ctx.query("SELECT value, fingerprint FROM idempotency_keys WHERE key = $1", [key]);
    if (!held) throw new ConflictError(`idempotency key ${key} was claimed and then removed`, { key });
    return { value: String(held.value), fingerprint: (held.fingerprint as string | null) ?? null, claimed: false };
  }
}
