import type { ErrorRequestHandler, Response } from "express";
import type { z } from "zod";
import { ConflictError, NotFoundError } from "../core/stores.js";
import { RunRejectedError } from "../app/runner.js";
import { SongRefError } from "../app/songs.js";

/** One field that failed validation, by its path in the request. */
export interface FieldError {
  path: string;
  message: string;
}

/** A problem type: a URN, a stable identifier rather than a page to fetch (RFC 9457 §3.1.1). */
export function problemType(slug: string): string {
  return `urn:reelgraph:problem:${slug}`;
}

/** The members of an RFC 9457 problem document, as every route of this server answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Extension members (RFC 9457 §3.2), e.g. `errors`. */
  [extension: string]: unknown;
}

export interface HttpErrorExtra {
  /** Each invalid field (validation problems). */
  errors?: FieldError[];
  /** A problemType(); default about:blank. */
  type?: string;
  /** Response headers to send with the problem (WWW-Authenticate, Retry-After…). */
  headers?: Record<string, string>;
}

/** An error that becomes a problem document: route handlers throw it, problemHandler sends it. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: HttpErrorExtra = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/**
 * A 400 naming each invalid field, the first one in `detail`. Paths start with `where`
 * (`body.audio.url`) unless `qualify` is false, for APIs whose fields are named bare
 * (`clips.0.url`; `where` alone for the whole body).
 */
export function validationError(error: z.ZodError, where: "body" | "query" | "params" | "header" = "body", options: { qualify?: boolean } = {}): HttpError {
  const qualify = options.qualify ?? true;
  const errors = error.issues.map((i) => {
    const path = i.path.map(String);
    const named = qualify ? [where, ...path] : path.length ? path : [where];
    return { path: named.join("."), message: i.message };
  });
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return new HttpError(400, "Invalid request", `${first.path}: ${first.message}${more}`, { errors, type: problemType("invalid-request") });
}

/** Answers with a problem document (nothing when the headers are already out). */
export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> & { headers?: Record<string, string> } = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const { headers, type, ...members } = extra;
  const problem: Problem = { type: typeof type === "string" ? type : "about:blank", title, status, detail, instance: res.req.originalUrl, ...members };
  res
    .status(status)
    .set(headers ?? {})
    .type("application/problem+json")
    .send(JSON.stringify(problem));
}

/**
 * The last handler of every router (public API and internal routes): maps each error to a
 * problem document. Nothing leaks a stack trace; nothing that is the caller's fault is a 500.
 */
export function problemHandler(log: { error(o: Record<string, unknown>, m?: string): void }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      return sendProblem(res, err.status, err.title, err.message, { ...(err.extra.errors ? { errors: err.extra.errors } : {}), type: err.extra.type, headers: err.extra.headers });
    }
    if (err instanceof NotFoundError) return sendProblem(res, 404, "Not found", err.message, { type: problemType("not-found") });
    if (err instanceof ConflictError) return sendProblem(res, 409, "Conflict", err.message, { type: problemType("conflict") });
    if (err instanceof SongRefError) return sendProblem(res, 400, "Invalid request", `body.audio.url: ${err.message}`, { errors: [{ path: "body.audio.url", message: err.message }] });
    if (err instanceof RunRejectedError) {
      const status = err.code === "shutting_down" ? 503 : 409;
      return sendProblem(res, status, status === 503 ? "Unavailable" : "Conflict", err.message, { type: problemType(status === 503 ? "unavailable" : "conflict") });
    }
    const e = (err ?? {}) as { type?: string; status?: number; statusCode?: number; message?: string };
    if (e.type === "entity.parse.failed") return sendProblem(res, 400, "Malformed JSON", `body: not valid JSON (${e.message ?? "unreadable"})`, { type: problemType("invalid-json") });
    if (e.type === "entity.too.large") return sendProblem(res, 413, "Payload too large", "body: larger than this server accepts", { type: problemType("body-too-large") });
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return sendProblem(res, 415, "Unsupported encoding", e.message ?? "", { type: problemType("unsupported-encoding") });
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500) return sendProblem(res, status, "Bad request", e.message ?? "bad request", { type: problemType("bad-request") });
    log.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, "unhandled error");
    sendProblem(res, 500, "Internal error", "something went wrong on our side; the request was not completed", { type: problemType("internal-error") });
  };
}

/** JSON.parse reviver that refuses keys used for prototype pollution. */
export function refusePollution(key: string, value: unknown): unknown {
  if (key === "__proto__" || key === "constructor" || key === "prototype") {
    throw Object.assign(new SyntaxError(`the key "${key}" is not allowed`), { type: "entity.parse.failed" });
  }
  return value;
}
