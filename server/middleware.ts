import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { sendProblem } from "./errors.js";

/** Accepts the caller's X-Request-Id when sane, else makes one; echoes it back. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    assignRequestId(req, res);
    next();
  };
}

/** What requestId() does to one request. */
export function assignRequestId(req: Request, res: Response): void {
  res.setHeader("X-Request-Id", takeRequestId(req));
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The request's id (the caller's X-Request-Id when sane, else a new one), set as `req.id`; the caller echoes it. */
export function takeRequestId(req: Request): string {
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && given && REQUEST_ID.test(given) ? given : randomUUID();
  (req as Request & { id: string }).id = id;
  return id;
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The configured key's SHA-256 (one entry per configured key). */
const keyDigests = new Map<string, Buffer>();

/** Whether a request carries the API key (X-API-Key or Bearer); true when none is configured. */
export function hasApiKey(req: Request, key: string | undefined): boolean {
  if (!key) return true;
  // The headers as node:http gives them (what req.get returns): this also runs ahead of Express.
  const bearer = (req.headers.authorization as string | undefined)?.match(/^Bearer\s+(.+)$/i)?.[1];
  const given = (req.headers["x-api-key"] as string | undefined) ?? bearer;
  if (!given) return false;
  // As safeEqual, with the configured key's digest made once.
  let expected = keyDigests.get(key);
  if (!expected) keyDigests.set(key, (expected = createHash("sha256").update(key).digest()));
  return timingSafeEqual(createHash("sha256").update(given).digest(), expected);
}

/** When an API key is configured, every /api/v1 route needs it (X-API-Key or Bearer). */
export function apiKeyAuth(key: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (hasApiKey(req, key)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="reelgraph"');
    sendProblem(res, 401, "Unauthorized", "this server needs an API key: send it as X-API-Key or Authorization: Bearer");
  };
}

/** Who a request is from, for idempotency scopes (rate limits: rate-limit.ts clientKey). */
export function clientOf(req: Request): string {
  const key = req.get("X-API-Key") ?? req.get("Authorization");
  if (key) return "key:" + createHash("sha256").update(key).digest("hex").slice(0, 16);
  return "ip:" + (req.ip ?? req.socket.remoteAddress ?? "unknown");
}
