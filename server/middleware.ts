import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { HttpError, sendProblem } from "./errors.js";

/** Accepts the caller's X-Request-Id when sane, else makes one; echoes it back. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get("X-Request-Id");
    const id = given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader("X-Request-Id", id);
    next();
  };
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** When an API key is configured, every /api/v1 route needs it (X-API-Key or Bearer). */
export function apiKeyAuth(key: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!key) return next();
    const bearer = req.get("Authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    const given = req.get("X-API-Key") ?? bearer;
    if (given && safeEqual(given, key)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="reelgraph"');
    sendProblem(res, 401, "Unauthorized", "this server needs an API key: send it as X-API-Key or Authorization: Bearer");
  };
}

/** Who a request is from, for rate limits and idempotency scopes. */
export function clientOf(req: Request): string {
  const key = req.get("X-API-Key") ?? req.get("Authorization");
  if (key) return "key:" + createHash("sha256").update(key).digest("hex").slice(0, 16);
  return "ip:" + (req.socket.remoteAddress ?? "unknown");
}

/**
 * The network a request comes from, for rate limits: the peer address (headers are the
 * caller's to choose, so they never pick the bucket), an IPv4-mapped IPv6 address as its
 * IPv4, and a native IPv6 address by its /64, which one subscriber usually holds whole.
 */
export function addressKey(req: Request): string {
  const raw = (req.socket.remoteAddress ?? "unknown").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(raw);
  if (mapped) return mapped[1]!;
  if (!raw.includes(":")) return raw;
  const [head, tail = ""] = raw.split("%")[0]!.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = raw.includes("::") ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * Per-client token buckets: `rate` requests a second, bursts up to `burst`. Separate buckets
 * for reads and writes, so polling never starves a POST and a POST flood never slows polling.
 * Buckets are keyed by `key` (default: the peer's network, see addressKey) — not by any
 * header, which a flood could vary to get a fresh bucket per request. At most `maxClients`
 * buckets are kept: refilled ones (no different from a new one) go first, then the oldest.
 */
export function rateLimit(opts: { rate: number; burst: number; methods: string[]; now?: () => number; key?: (req: Request) => string; maxClients?: number }): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const now = opts.now ?? (() => performance.now());
  const keyOf = opts.key ?? addressKey;
  const maxClients = opts.maxClients ?? 10_000;
  const prune = (t: number) => {
    for (const [k, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * opts.rate >= opts.burst) buckets.delete(k);
    for (const k of buckets.keys()) {
      if (buckets.size <= maxClients * 0.9) break;
      buckets.delete(k);
    }
  };
  return (req, _res, next) => {
    if (!opts.methods.includes(req.method)) return next();
    const key = keyOf(req);
    const t = now();
    const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.rate);
    b.at = t;
    buckets.delete(key);
    buckets.set(key, b);
    if (buckets.size > maxClients) prune(t);
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / opts.rate));
      return next(new HttpError(429, "Too many requests", `slow down: at most ${opts.rate} requests a second (burst ${opts.burst}); retry in ${wait} s`, { headers: { "Retry-After": String(wait) } }));
    }
    b.tokens -= 1;
    next();
  };
}
