import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { problemType, sendProblem } from "../errors.js";

/**
 * Guards the internal routes with `Authorization: Bearer <REELGRAPH_INTERNAL_TOKEN>`. Both
 * sides are hashed to equal-length digests before timingSafeEqual, so neither the token's
 * content nor its length leaks through timing. With no token configured the routes are
 * closed (503) rather than open.
 */
export function requireBearer(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    if (!expected) {
      return sendProblem(res, 503, "Internal routes are disabled", "internal routes are disabled: set REELGRAPH_INTERNAL_TOKEN", { type: problemType("internal-routes-disabled") });
    }
    const given = bearerToken(req.headers.authorization);
    if (given !== null && timingSafeEqual(digest(given), expected)) return next();
    sendProblem(res, 401, "Unauthorized", given === null ? "missing bearer token: send Authorization: Bearer <REELGRAPH_INTERNAL_TOKEN>" : "the bearer token is not valid", {
      type: problemType("unauthorized"),
      headers: { "WWW-Authenticate": `Bearer realm="reelgraph-internal"${given === null ? "" : ', error="invalid_token"'}` },
    });
  };
}

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive, RFC 6750); null otherwise. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer +([^\s]+) *$/i.exec(header);
  return m ? m[1]! : null;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}
