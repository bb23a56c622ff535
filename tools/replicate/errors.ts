import { DownloadError } from "../http/download.js";
import { parseRetryAfter } from "../../core/backoff.js";
import { HttpNetworkError, HttpTimeoutError, problemDetail } from "../http/fetch.js";

/**
 * Every failure of the Replicate provider, mapped here and nowhere else. Callers decide on
 * `retryable`; `requiresNewPrediction` tells them a retry would have to pay for a new
 * prediction (clear the saved prediction id first).
 */

export type ReplicateOperation = "create" | "get" | "list" | "cancel" | "download" | "poll" | "schema" | "upload" | "validate";

export interface ReplicateErrorContext {
  operation: ReplicateOperation;
  /** The model as configured (owner/name or owner/name:version). */
  model: string;
  predictionId: string | null;
  /** HTTP status of the failed exchange, when there was one. */
  httpStatus: number | null;
  /** The prediction's own status when it was last seen. */
  predictionStatus: string | null;
  generationId: string | null;
  clipId: string | null;
  sceneId: string | null;
  /** What Replicate said (problem detail, prediction error), trimmed. */
  providerMessage: string | null;
}

/** Who the call was for: fixed per clip, completed per failure. */
export type ReplicateCallScope = Pick<ReplicateErrorContext, "model" | "generationId" | "clipId" | "sceneId">;

export abstract class ReplicateError extends Error {
  abstract readonly retryable: boolean;
  readonly requiresNewPrediction: boolean = false;
  constructor(
    message: string,
    readonly context: ReplicateErrorContext,
    options?: { cause?: unknown },
  ) {
    super(`${message}${describe(context)}`, options);
  }
}

/** 429: too many requests; `retryAfterMs` from the Retry-After header when sent. */
export class ReplicateRateLimitedError extends ReplicateError {
  override readonly name = "ReplicateRateLimitedError";
  readonly retryable = true;
  constructor(
    message: string,
    context: ReplicateErrorContext,
    readonly retryAfterMs: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
  }
}

/** 5xx, or a 2xx whose body was not a prediction. */
export class ReplicateServerError extends ReplicateError {
  override readonly name = "ReplicateServerError";
  readonly retryable = true;
}

/** No complete answer: connection failure or our per-call time limit. */
export class ReplicateNetworkError extends ReplicateError {
  override readonly name = "ReplicateNetworkError";
  readonly retryable = true;
  constructor(
    message: string,
    context: ReplicateErrorContext,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
  }
}

/** 401/403: the token is missing, wrong or lacks access. Never retried. */
export class ReplicateAuthError extends ReplicateError {
  override readonly name = "ReplicateAuthError";
  readonly retryable = false;
}

/** Other 4xx (422 invalid input, 404 unknown model or prediction…). Never retried. */
export class ReplicateRequestError extends ReplicateError {
  override readonly name: string = "ReplicateRequestError";
  readonly retryable = false;
}

/** One input the model refused (or would refuse), as Replicate names it in `invalid_fields`. */
export interface InvalidField {
  /** The input's name, without Replicate's `input.` prefix. */
  field: string;
  /** Kind of mismatch: required, invalid_type, enum, number_lte… */
  type: string;
  description: string;
}

/**
 * The input does not fit the model's schema: found by our own check before any create (so
 * nothing was paid), or answered by Replicate as a 4xx with `detail` / `invalid_fields`.
 * Never retried: the same input fails the same way. `field` names the first bad input.
 */
export class ReplicateInputError extends ReplicateRequestError {
  override readonly name: string = "ReplicateInputError";
  readonly field: string;
  constructor(
    message: string,
    context: ReplicateErrorContext,
    readonly invalidFields: InvalidField[],
    options?: { cause?: unknown },
  ) {
    super(`${message}: ${invalidFields.map((f) => `${f.field} (${f.description})`).join("; ") || "invalid input"}`, context, options);
    this.field = invalidFields[0]?.field ?? "input";
  }
}

/** The prediction ended as `failed`; `providerMessage` holds Replicate's error. */
export class ReplicatePredictionFailedError extends ReplicateError {
  override readonly name = "ReplicatePredictionFailedError";
  readonly retryable = false;
  override readonly requiresNewPrediction = true;
}

/** The prediction was canceled (or aborted) on Replicate's side. */
export class ReplicatePredictionCanceledError extends ReplicateError {
  override readonly name = "ReplicatePredictionCanceledError";
  readonly retryable = false;
  override readonly requiresNewPrediction = true;
}

/** The prediction succeeded but its video cannot be had: no output, 404, too large, not a video. */
export class ReplicateOutputUnavailableError extends ReplicateError {
  override readonly name = "ReplicateOutputUnavailableError";
  readonly retryable = false;
  override readonly requiresNewPrediction = true;
}

/** The clip deadline passed. `cancelRequested`: a cancel was sent for the unfinished prediction. */
export class ReplicateTimeoutError extends ReplicateError {
  override readonly name = "ReplicateTimeoutError";
  readonly retryable = true;
  override readonly requiresNewPrediction: boolean;
  constructor(
    message: string,
    context: ReplicateErrorContext,
    readonly deadlineMs: number,
    readonly cancelRequested: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.requiresNewPrediction = cancelRequested;
  }
}

/** A failed HTTP exchange with the API (status, headers and body as received). */
export function errorFromResponse(
  status: number,
  headers: Headers,
  body: string,
  context: Omit<ReplicateErrorContext, "httpStatus" | "providerMessage">,
  nowMs: number,
): ReplicateError {
  const ctx = { ...context, httpStatus: status, providerMessage: problemDetail(body) };
  const what = `Replicate ${context.operation} answered ${status}`;
  if (status === 401 || status === 403) return new ReplicateAuthError(what, ctx);
  if (status === 429) return new ReplicateRateLimitedError(what, ctx, parseRetryAfter(headers.get("retry-after"), nowMs));
  if (status >= 500 || status === 408) return new ReplicateServerError(what, ctx);
  const invalid = invalidFieldsOf(status, body);
  if (invalid) return new ReplicateInputError(`${what}: the model refused the input`, ctx, invalid);
  return new ReplicateRequestError(what, ctx);
}

/** No answer at all: a timeout of ours, or the transport failed. */
export function errorFromTransport(err: unknown, context: Omit<ReplicateErrorContext, "httpStatus" | "providerMessage">): ReplicateError {
  const ctx = { ...context, httpStatus: null, providerMessage: null };
  if (err instanceof HttpTimeoutError) return new ReplicateNetworkError(`Replicate ${context.operation} timed out after ${err.timeoutMs} ms`, ctx, true, { cause: err });
  const message = err instanceof HttpNetworkError ? err.message : String((err as Error)?.message ?? err);
  return new ReplicateNetworkError(`Replicate ${context.operation} failed: ${message}`, ctx, false, { cause: err });
}

/** A 2xx whose body is not what the API documents. */
export function errorFromPayload(problem: string, context: Omit<ReplicateErrorContext, "httpStatus" | "providerMessage">, cause?: unknown): ReplicateError {
  return new ReplicateServerError(`Replicate ${context.operation} returned an unexpected body`, { ...context, httpStatus: null, providerMessage: problem.slice(0, 500) }, { cause });
}

/** A prediction that ended without success. */
export function errorFromPrediction(
  prediction: { id: string; status: string; error?: unknown },
  scope: ReplicateCallScope,
): ReplicateError {
  const ctx: ReplicateErrorContext = {
    ...scope,
    operation: "poll",
    predictionId: prediction.id,
    httpStatus: null,
    predictionStatus: prediction.status,
    providerMessage: predictionMessage(prediction.error),
  };
  if (prediction.status === "failed") return new ReplicatePredictionFailedError("prediction failed", ctx);
  return new ReplicatePredictionCanceledError(`prediction was ${prediction.status}`, ctx);
}

/** The output of a succeeded prediction could not be fetched or used. */
export function errorFromDownload(err: DownloadError, scope: ReplicateCallScope, predictionId: string, nowMs: number): ReplicateError {
  const ctx: ReplicateErrorContext = {
    ...scope,
    operation: "download",
    predictionId,
    httpStatus: err.context.status,
    predictionStatus: "succeeded",
    providerMessage: err.message,
  };
  const what = "prediction output could not be downloaded";
  if (!err.retryable) return new ReplicateOutputUnavailableError(what, ctx, { cause: err });
  if (err.context.status === 429) return new ReplicateRateLimitedError(what, ctx, parseRetryAfter(err.context.retryAfter, nowMs), { cause: err });
  if (err.context.kind === "network" || err.context.kind === "timeout") return new ReplicateNetworkError(what, ctx, err.context.kind === "timeout", { cause: err });
  return new ReplicateServerError(what, ctx, { cause: err });
}

/** A succeeded prediction with nothing we can download. */
export function errorNoOutput(scope: ReplicateCallScope, predictionId: string, detail: string): ReplicateError {
  return new ReplicateOutputUnavailableError("prediction has no usable output", {
    ...scope,
    operation: "download",
    predictionId,
    httpStatus: null,
    predictionStatus: "succeeded",
    providerMessage: detail,
  });
}

/**
 * The fields a 4xx validation answer names: its `invalid_fields` (`{type, field, description}`,
 * field as `input.duration`), or, for a 422 with only a `detail`, the `input.X:` lines in it.
 * Null when the answer is not about the input. Replicate does not document the status code,
 * so any 4xx carrying `invalid_fields` counts.
 */
export function invalidFieldsOf(status: number, body: string): InvalidField[] | null {
  if (status < 400 || status >= 500) return null;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!json || typeof json !== "object") return null;
  const strip = (f: string) => f.replace(/^input\.?/, "") || "input";
  if (Array.isArray(json.invalid_fields)) {
    return json.invalid_fields.flatMap((raw) => {
      if (!raw || typeof raw !== "object") return [];
      const f = raw as Record<string, unknown>;
      return [{ field: strip(String(f.field ?? "input")), type: String(f.type ?? "invalid"), description: String(f.description ?? "").slice(0, 300) }];
    });
  }
  if (status === 422 && typeof json.detail === "string") {
    const lines = [...json.detail.matchAll(/input(?:\.([\w.]+))?:\s*([^\n]+)/g)];
    if (lines.length) return lines.map((m) => ({ field: m[1] ?? "input", type: "invalid", description: m[2]!.trim().slice(0, 300) }));
    return [{ field: "input", type: "invalid", description: json.detail.slice(0, 300) }];
  }
  return null;
}

function predictionMessage(error: unknown): string | null {
  if (error == null || error === "") return null;
  if (typeof error === "string") return error.slice(0, 1000);
  try {
    return JSON.stringify(error).slice(0, 1000);
  } catch {
    return String(error).slice(0, 1000);
  }
}

function describe(c: ReplicateErrorContext): string {
  const parts = [
    c.clipId && `clip ${c.clipId}`,
    c.sceneId && `scene ${c.sceneId}`,
    c.predictionId && `prediction ${c.predictionId}`,
    c.providerMessage && `Replicate said: ${c.providerMessage}`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join("; ")})` : "";
}
