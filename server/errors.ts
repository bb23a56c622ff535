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

/** An error that becomes an RFC 9457 problem document. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; type?: string; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export function validationError(error: z.ZodError, where: "body" | "query" | "params" | "header" = "body"): HttpError {
  const errors = error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
  const first = errors[0]!;
  return new HttpError(400, "Invalid request", `${first.path}: ${first.message}`, { errors, type: "/problems/validation" });
}

export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type("application/problem+json")
    .send(JSON.stringify({ type: (extra.type as string) ?? "about:blank", title, status, detail, instance: res.req.originalUrl, ...extra, ...(extra.type ? {} : {}) }));
}

/** Maps every error to a problem document; nothing leaks a stack trace, nothing is a 500 that is the caller's fault. */
export function problemHandler(log: { error(o: Record<string, unknown>, m?: string): void }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.extra.headers ?? {})) res.setHeader(k, v);
      return sendProblem(res, err.status, err.title, err.message, { ...(err.extra.errors ? { errors: err.extra.errors } : {}), ...(err.extra.type ? { type: err.extra.type } : {}) });
    }
    if (err instanceof NotFoundError) return sendProblem(res, 404, "Not found", err.message);
    if (err instanceof ConflictError) return sendProblem(res, 409, "Conflict", err.message);
    if (err instanceof SongRefError) return sendProblem(res, 400, "Invalid request", `body.audio.url: ${err.message}`, { errors: [{ path: "body.audio.url", message: err.message }] });
    if (err instanceof RunRejectedError) {
      const status = err.code === "shutting_down" ? 503 : 409;
      return sendProblem(res, status, status === 503 ? "Unavailable" : "Conflict", err.message);
    }
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    if (e.type === "entity.parse.failed") return sendProblem(res, 400, "Malformed JSON", `the body is not valid JSON: ${e.message ?? ""}`.trim());
    if (e.type === "entity.too.large") return sendProblem(res, 413, "Payload too large", "the request body is larger than this server accepts");
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return sendProblem(res, 415, "Unsupported encoding", e.message ?? "");
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500) return sendProblem(res, status, "Bad request", e.message ?? "bad request");
    log.error({ err: e.message, path: req.path }, "unhandled error");
    sendProblem(res, 500, "Internal error", "something went wrong on our side; the request was not completed");
  };
}

/** JSON.parse reviver that refuses keys used for prototype pollution. */
export function refusePollution(key: string, value: unknown): unknown {
  if (key === "__proto__" || key === "constructor" || key === "prototype") {
    throw Object.assign(new SyntaxError(`the key "${key}" is not allowed`), { type: "entity.parse.failed" });
  }
  return value;
}
