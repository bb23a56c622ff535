import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type IncrementResponse, type Options, type Store } from "express-rate-limit";
import type { Logger } from "pino";
import type { RateLimitCounter } from "../core/stores.js";
import { HttpError } from "./errors.js";

/** Per-client limits: separate allowances for reads and writes, so polling never starves a POST. */
export interface RateLimitPolicy {
  /** Reads (GET, HEAD) a second per client, sustained; 0 turns the read limit off. */
  readsPerSecond: number;
  /** Reads a client may make at once before the sustained rate applies. */
  readBurst: number;
  /** Writes (POST, PUT, PATCH, DELETE) a second per client, sustained; 0 turns the write limit off. */
  writesPerSecond: number;
  /** Writes a client may make at once. */
  writeBurst: number;
}

/**
 * Makes the hit-counter store of one limiter (express-rate-limit's Store API). The limiter
 * calls `init` with `limit` = the burst and `windowMs` = the time the sustained rate takes to
 * earn a whole burst: a fixed-window counter over those (a shared database, say) allows at most
 * `limit` a window, and the in-memory TokenBucketStore refills continuously at the rate.
 */
export type RateLimitStoreFactory = (limiter: "reads" | "writes") => Store;

const READS = ["GET", "HEAD"];
const WRITES = ["POST", "PUT", "PATCH", "DELETE"];

/**
 * The /api/v1 rate limiters. A client is its API key when the server has one (apiKeyAuth runs
 * first, so the key was checked: a made-up header never buys a fresh allowance), otherwise its
 * address as Express reports it (`req.ip`: the peer, or X-Forwarded-For only when trust proxy
 * says which proxies to believe), IPv6 by its /64.
 */
export function rateLimiters(opts: { policy: RateLimitPolicy; apiKey?: string; store?: RateLimitStoreFactory; logger?: Logger }): RequestHandler[] {
  const { policy } = opts;
  const makeStore = opts.store ?? (() => new TokenBucketStore());
  const keyOf = (req: Request) => clientKey(req, opts.apiKey);
  const limiters: RequestHandler[] = [];
  for (const [name, rate, burst, methods] of [
    ["writes", policy.writesPerSecond, policy.writeBurst, WRITES],
    ["reads", policy.readsPerSecond, policy.readBurst, READS],
  ] as const) {
    if (rate <= 0) continue;
    const limit = Math.max(1, Math.round(burst));
    const options: Partial<Options> = {
      windowMs: Math.max(1, Math.round((limit / rate) * 1000)),
      limit,
      store: makeStore(name),
      keyGenerator: keyOf,
      skip: (req) => !(methods as readonly string[]).includes(req.method),
      standardHeaders: "draft-7",
      legacyHeaders: false,
      handler: (_req, res, next) => {
        const wait = res.getHeader("Retry-After") ?? "1";
        next(new HttpError(429, "Too many requests", `slow down: at most ${rate} ${name} a second (burst ${limit}); retry in ${wait} s`, { headers: { "Retry-After": String(wait) } }));
      },
      ...(opts.logger ? { logger: opts.logger } : {}),
    };
    limiters.push(rateLimit(options));
  }
  return limiters;
}

/** Who a request is from for rate limits: `key:<hash>` of a checked API key, else `ip:<address or /64>`. */
export function clientKey(req: Request, apiKey: string | undefined): string {
  if (apiKey) {
    const given = req.get("X-API-Key") ?? req.get("Authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (given) return "key:" + createHash("sha256").update(given).digest("hex").slice(0, 16);
  }
  return "ip:" + ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown", 64);
}

/**
 * An in-memory token bucket behind express-rate-limit's Store API (GCRA: one timestamp per
 * client, the time its bucket is full again). Capacity `limit`, refilled at `limit` per
 * `windowMs`, continuously: a client that waits 1/rate seconds may send one more, and a
 * refused request costs nothing. `totalHits` is the bucket's level (limit + 1 when refused);
 * `resetTime` is when the next request would pass (refused) or the bucket is full (passed).
 * Buckets that are full again are dropped; at most `maxClients` are kept.
 */
export class TokenBucketStore implements Store {
  readonly localKeys = true;
  private readonly full = new Map<string, number>();
  private limit = 1;
  private windowMs = 1000;

  constructor(private readonly opts: { now?: () => number; maxClients?: number } = {}) {}

  init(options: Options): void {
    if (typeof options.limit === "number") this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  private get interval(): number {
    return this.windowMs / this.limit;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  increment(key: string): IncrementResponse {
    const t = this.now();
    const fullAt = Math.max(this.full.get(key) ?? t, t);
    const next = fullAt + this.interval;
    if (next - t > this.windowMs + 1e-6) return { totalHits: this.limit + 1, resetTime: new Date(next - this.windowMs) };
    this.full.delete(key);
    this.full.set(key, next);
    if (this.full.size > (this.opts.maxClients ?? 100_000)) this.prune(t);
    return { totalHits: Math.max(1, Math.ceil((next - t) / this.interval - 1e-9)), resetTime: new Date(next) };
  }

  decrement(key: string): void {
    const fullAt = this.full.get(key);
    if (fullAt !== undefined) this.full.set(key, fullAt - this.interval);
  }

  resetKey(key: string): void {
    this.full.delete(key);
  }

  resetAll(): void {
    this.full.clear();
  }

  get(key: string) {
    const t = this.now();
    const fullAt = this.full.get(key);
    if (fullAt === undefined || fullAt <= t) return undefined;
    return { totalHits: Math.ceil((fullAt - t) / this.interval - 1e-9), resetTime: new Date(fullAt) };
  }

  private prune(t: number): void {
    const cap = (this.opts.maxClients ?? 100_000) * 0.9;
    for (const [k, fullAt] of this.full) if (fullAt <= t) this.full.delete(k);
    for (const k of this.full.keys()) {
      if (this.full.size <= cap) break;
      this.full.delete(k);
    }
  }
}

/**
 * express-rate-limit's Store API over a shared RateLimitCounter (core/stores.ts): the same token
 * bucket as TokenBucketStore, kept in the database every API process uses.
 */
export class SharedBucketStore implements Store {
  private limit = 1;
  private windowMs = 1000;

  constructor(
    private readonly counter: RateLimitCounter,
    private readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {}

  init(options: Options): void {
    if (typeof options.limit === "number") this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  private get interval(): number {
    return this.windowMs / this.limit;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const t = this.now();
    const r = await this.counter.take(`${this.bucket}:${key}`, t, this.interval, this.windowMs);
    if (!r.allowed) return { totalHits: this.limit + 1, resetTime: new Date(r.fullAtMs) };
    return { totalHits: Math.max(1, Math.ceil((r.fullAtMs - t) / this.interval - 1e-9)), resetTime: new Date(r.fullAtMs) };
  }

  async decrement(key: string): Promise<void> {
    await this.counter.giveBack(`${this.bucket}:${key}`, this.interval);
  }

  async resetKey(key: string): Promise<void> {
    await this.counter.reset(`${this.bucket}:${key}`);
  }
}

/** The limiters' stores on a shared counter (several API processes: one allowance per client). */
export function sharedRateLimitStores(counter: RateLimitCounter): RateLimitStoreFactory {
  return (limiter) => new SharedBucketStore(counter, limiter);
}
