import type { RateLimitCounter } from "../../../core/stores.js";
import type { PgContext } from "./context.js";

/**
 * Rate-limit buckets on Postgres, one row per client: a take is one statement that moves the
 * bucket's full-again time forward only when that leaves it within the window, so concurrent
 * requests on any number of API processes are counted exactly once each.
 */
export class PgRateLimitCounter implements RateLimitCounter {
  constructor(private readonly ctx: PgContext) {}

  async take(key: string, nowMs: number, intervalMs: number, windowMs: number): Promise<{ allowed: boolean; fullAtMs: number }> {
    const taken = await this.ctx.query(
      `INSERT INTO rate_limits AS r (key, full_at) VALUES ($1, $2::double precision + $3)
       ON CONFLICT (key) DO UPDATE SET full_at = GREATEST(r.full_at, $2::double precision) + $3
         WHERE GREATEST(r.full_at, $2::double precision) + $3 - $2::double precision <= $4::double precision + 0.001
       RETURNING full_at`,
      [key, nowMs, intervalMs, windowMs],
    );
    if (taken.length) return { allowed: true, fullAtMs: Number(taken[0]!.full_at) };
    const [row] = await this.ctx.query("SELECT full_at FROM rate_limits WHERE key = $1", [key]);
    return { allowed: false, fullAtMs: Number(row?.full_at ?? nowMs) - windowMs + intervalMs };
  }

  async giveBack(key: string, intervalMs: number): Promise<void> {
    await this.ctx.query("UPDATE rate_limits SET full_at = full_at - $2 WHERE key = $1", [key, intervalMs]);
  }

  async reset(key: string): Promise<void> {
    await this.ctx.query("DELETE FROM rate_limits WHERE key = $1", [key]);
  }
}
