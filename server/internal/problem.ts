import type { ErrorRequestHandler, Response } from "express";
import type { z } from "zod";

/**
 * Problem details (RFC 9457) for the internal routes: every error answer is
 * application/problem+json with type, title, status and detail. Types are URNs: stable
 * identifiers, not pages to fetch.
 */

export interface Problem {
  /** Short slug of the problem type (becomes urn:reelgraph:problem:<slug>). */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Extension members (RFC 9457 §3.2). */
  [extension: string]: unknown;
}

/** A problem to answer with; route handlers throw it and the router's error handler sends it. */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  constructor(
    readonly problem: Problem,
    options?: { cause?: unknown },
  ) {
    super(problem.detail, options);
  }
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const { type, ...rest } = problem;
  res.status(problem.status).set(headers).type("application/problem+json").send(JSON.stringify({ type: `urn:reelgraph:problem:${type}`, ...rest }));
}

/** A 400 naming each invalid field by its path (`clips.0.url`), first one in `detail`. */
export function validationProblem(error: z.ZodError, where = "body"): Problem {
  const errors = error.issues.map((i) => ({ path: i.path.length ? i.path.map(String).join(".") : where, message: i.message }));
  const first = errors[0]!;
  return {
    type: "invalid-request",
    title: "The request is invalid",
    status: 400,
    detail: `${first.path}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`,
    errors,
  };
}

export function notFound(detail: string): ProblemError {
  return new ProblemError({ type: "not-found", title: "Not found", status: 404, detail });
}

/**
 * The router's last handler: ProblemErrors as they are, body-parser failures as 400/413,
 * anything else as a 500 that does not leak internals.
 */
export function problemErrorHandler(log: { error(obj: Record<string, unknown>, msg?: string): void }): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ProblemError) return sendProblem(res, err.problem);
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.parse.failed") {
      return sendProblem(res, { type: "invalid-json", title: "The body is not valid JSON", status: 400, detail: `body: ${e.message ?? "unreadable JSON"}` });
    }
    if (e?.type === "entity.too.large") {
      return sendProblem(res, { type: "body-too-large", title: "The body is too large", status: 413, detail: "body: larger than the limit" });
    }
    if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
      return sendProblem(res, { type: "bad-request", title: "Bad request", status: e.status, detail: e.message ?? "bad request" });
    }
    log.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, "internal route failed");
    sendProblem(res, { type: "internal-error", title: "Internal error", status: 500, detail: "the request failed; see the service log" });
  };
}
