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
export function rateLimiters(opts: { policy: RateLimitPolicy; apiKey?: string; store?: RateLimitStoreFactory; logger?: Logger; trustProxy?: unknown }): RequestHandler[] {
  const { policy } = opts;
  const makeStore = opts.store ?? (() => new TokenBucketStore());
  // Trusting no proxy, `req.ip` is the peer's address: the key of a connection without an API
  // key is worked out once per connection (keep-alive pollers send many requests on one).
  const peerOnly = trustsNoProxy(opts.trustProxy);
  const peerKeys = new WeakMap<object, string>();
  const keyOf = (req: Request) => {
    if (!peerOnly || opts.apiKey) return clientKey(req, opts.apiKey);
    const socket = req.socket;
    let key = peerKeys.get(socket);
    if (key === undefined) {
      key = clientKey(req, opts.apiKey);
      if (socket.remoteAddress !== undefined) peerKeys.set(socket, key);
    }
    return key;
  };
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
    const limiter = rateLimit(options);
    const store = options.store;
    if (store instanceof TokenBucketStore) {
      // The same counting and headers without the middleware's promises, for the status poll's fast path.
      const policyHeader = `${limit};w=${Math.ceil(options.windowMs! / 1000)}`;
      const take: SyncLimiter["take"] = (req, headers) => {
        if (!(methods as readonly string[]).includes(req.method)) return true;
        const t = store.now();
        const hits = store.take(keyOf(req), t);
        if (hits > limit) return false;
        const reset = Math.max(0, Math.ceil((store.lastResetMs - Date.now()) / 1000));
        headers.push("RateLimit-Policy", policyHeader, "RateLimit", `limit=${limit}, remaining=${Math.max(limit - hits, 0)}, reset=${reset}`);
        return true;
      };
      (limiter as RequestHandler & { [SYNC]?: SyncLimiter })[SYNC] = { take };
    }
    limiters.push(limiter);
  }
  return limiters;
}

const SYNC = Symbol("reelgraph.syncLimiter");

/**
 * A limiter whose store answers at once (the in-memory TokenBucketStore), counted without the
 * middleware: `take` counts the request against the same bucket as the middleware would and
 * appends the headers the middleware would set (draft-7 `RateLimit-Policy`, `RateLimit`) as
 * name, value pairs; false when it refuses — then nothing was counted (a refused request costs
 * nothing), and the middleware itself should answer the request.
 */
export interface SyncLimiter {
  take(req: Request, headers: string[]): boolean;
}

/** The synchronous form of each limiter, or null when any of them needs its store's promise (a shared store). */
export function syncLimiters(limiters: RequestHandler[]): SyncLimiter[] | null {
  const sync: SyncLimiter[] = [];
  for (const l of limiters) {
    const s = (l as RequestHandler & { [SYNC]?: SyncLimiter })[SYNC];
    if (!s) return null;
    sync.push(s);
  }
  return sync;
}

/** Whether Express's `trust proxy` setting trusts nobody: then `req.ip` is the peer's address. */
export function trustsNoProxy(trustProxy: unknown): boolean {
  return trustProxy === undefined || trustProxy === false || trustProxy === 0;
}

/**
 * Who a request is from for rate limits: `key:<hash>` of a checked API key, else `ip:<address or /64>`.
 * Reads the headers as node:http gives them (what `req.get` returns), so it also works ahead of Express.
 */
export function clientKey(req: Request, apiKey: string | undefined): string {
  if (apiKey) {
    const given = header(req, "x-api-key") ?? header(req, "authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    // The key was checked before (apiKeyAuth): it is the server's, hashed once.
    if (given === apiKey) return (keyHashes.get(given) ?? keyHashes.set(given, keyOfApiKey(given)).get(given))!;
    if (given) return keyOfApiKey(given);
  }
  return "ip:" + ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown", 64);
}

const keyOfApiKey = (key: string) => "key:" + createHash("sha256").update(key).digest("hex").slice(0, 16);
/** The server's API key → its limiter key (one entry per configured key). */
const keyHashes = new Map<string, string>();

const header = (req: Request, name: string) => req.headers[name] as string | undefined;

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

  /** The store's clock (injectable for tests), ms. */
  now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  increment(key: string): IncrementResponse {
    const hits = this.take(key, this.now());
    return { totalHits: hits, resetTime: new Date(this.lastResetMs) };
  }

  /** When the last `take` said the next request would pass (refused) or the bucket is full (passed), ms. */
  lastResetMs = 0;

  /** `increment` without its object: the hits (limit + 1 when refused); the reset time goes to `lastResetMs`. */
  take(key: string, t: number): number {
    const fullAt = Math.max(this.full.get(key) ?? t, t);
    const next = fullAt + this.interval;
    if (next - t > this.windowMs + 1e-6) {
      this.lastResetMs = next - this.windowMs;
      return this.limit + 1;
    }
    // Re-inserted only when it was not the newest key already: the map stays in order of last use.
    if (this.lastKey !== key) {
      this.full.delete(key);
      this.lastKey = key;
    }
    this.full.set(key, next);
    if (this.full.size > (this.opts.maxClients ?? 100_000)) this.prune(t);
    this.lastResetMs = next;
    return Math.max(1, Math.ceil((next - t) / this.interval - 1e-9));
  }

  /** The key set last (the newest in `full`), so a client polling alone does not reorder the map every time. */
  private lastKey: string | undefined;

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
