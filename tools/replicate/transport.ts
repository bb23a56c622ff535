import Replicate from "replicate";
import type { z } from "zod";
import { abortReason, type Clock } from "../http/clock.js";
import { backoffDelay, type BackoffOptions } from "../../core/backoff.js";
import { fetchBuffered } from "../http/fetch.js";
import {
  errorFromPayload,
  errorFromResponse,
  errorFromTransport,
  ReplicateError,
  ReplicateRateLimitedError,
  ReplicateTimeoutError,
  type ReplicateCallScope,
  type ReplicateErrorContext,
  type ReplicateOperation,
} from "./errors.js";

/**
 * How we talk to Replicate through the official client without inheriting its retries.
 *
 * The client (1.4) retries internally: GETs on 429/5xx and every method on a thrown fetch
 * error, back to back, with no usable backoff and no Retry-After. A retried POST /predictions
 * after a network error could pay twice. So each of our attempts builds a client whose
 * `fetch` lets exactly one request through: a failure is recorded and thrown, the client's
 * hidden retries hit the same closed door without touching the network, and the recorded
 * outcome is mapped to a typed ReplicateError. Retrying is then ours (withRetries).
 */

/** Limits for one clip: the deadline over everything and the cap for each HTTP exchange. */
export interface CallBudget {
  clock: Clock;
  /** Clock time (ms) after which nothing more is attempted. */
  deadline: number;
  callTimeoutMs: number;
  signal?: AbortSignal;
  /** Delays between failed attempts. */
  backoff: BackoffOptions;
  scope: ReplicateCallScope;
}

export interface TransportOptions {
  token: string;
  baseUrl?: string;
  fetch: typeof fetch;
  userAgent?: string;
}

export interface CallTarget {
  operation: ReplicateOperation;
  predictionId: string | null;
  /** Time limit for this exchange; defaults to the budget's, cut to the deadline. */
  timeoutMs?: number;
}

type Outcome = { kind: "http"; status: number; headers: Headers; body: string } | { kind: "transport"; error: unknown };

const SPENT = Symbol("replicate-attempt-spent");

export class ReplicateTransport {
  constructor(private readonly options: TransportOptions) {}

  /** One HTTP request through the client; any failure comes back as a ReplicateError. */
  async once<T>(target: CallTarget, budget: CallBudget, run: (client: Replicate) => Promise<unknown>, schema: z.ZodType<T>): Promise<T> {
    const ctx = contextFor(target, budget);
    const timeoutMs = target.timeoutMs ?? remaining(budget, ctx);
    let outcome: Outcome | null = null;
    let sent = false;
    const oneShot = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
      if (sent) throw SPENT;
      sent = true;
      try {
        const res = await fetchBuffered(this.options.fetch, input, init, { timeoutMs, signal: init?.signal ?? budget.signal });
        if (res.ok) return res;
        outcome = { kind: "http", status: res.status, headers: res.headers, body: await res.text() };
      } catch (error) {
        if (budget.signal?.aborted) throw abortReason(budget.signal);
        outcome = { kind: "transport", error };
      }
      throw SPENT;
    };
    const client = new Replicate({ auth: this.options.token, baseUrl: this.options.baseUrl, fetch: oneShot, userAgent: this.options.userAgent });

    let value: unknown;
    try {
      value = await run(client);
    } catch (err) {
      if (budget.signal?.aborted) throw abortReason(budget.signal);
      const o = outcome as Outcome | null;
      if (o?.kind === "http") throw errorFromResponse(o.status, o.headers, o.body, ctx, budget.clock.now());
      if (o?.kind === "transport") throw errorFromTransport(o.error, ctx);
      if (sent) throw errorFromPayload(String((err as Error)?.message ?? err), ctx, err);
      throw err;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw errorFromPayload(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), ctx);
    return parsed.data;
  }
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the deadline would pass while waiting.
 * Waits follow Retry-After when Replicate sends one, else exponential backoff with jitter.
 */
export async function withRetries<T>(budget: CallBudget, target: CallTarget, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ReplicateError) || !err.retryable || err instanceof ReplicateTimeoutError) throw err;
      const backoff = backoffDelay(n, budget.backoff);
      const wait = err instanceof ReplicateRateLimitedError && err.retryAfterMs !== null ? Math.max(err.retryAfterMs, budget.backoff.initialMs) : backoff;
      if (budget.clock.now() + wait >= budget.deadline) throw deadlineError(budget, { ...target, predictionId: err.context.predictionId ?? target.predictionId }, err);
      await budget.clock.sleep(wait, budget.signal);
    }
  }
}

/** The clip deadline passed (or would, before the next attempt could start). */
export function deadlineError(budget: CallBudget, target: CallTarget, cause?: unknown, extra: { predictionStatus?: string | null; cancelRequested?: boolean } = {}): ReplicateTimeoutError {
  const last = cause instanceof ReplicateError ? cause.context : null;
  return new ReplicateTimeoutError(
    `clip deadline passed during Replicate ${target.operation}`,
    {
      ...contextFor(target, budget),
      httpStatus: last?.httpStatus ?? null,
      providerMessage: last?.providerMessage ?? null,
      predictionStatus: extra.predictionStatus ?? last?.predictionStatus ?? null,
    },
    budget.deadline,
    extra.cancelRequested ?? false,
    { cause },
  );
}

function contextFor(target: CallTarget, budget: CallBudget): Omit<ReplicateErrorContext, "httpStatus" | "providerMessage"> {
  return { ...budget.scope, operation: target.operation, predictionId: target.predictionId, predictionStatus: null };
}

function remaining(budget: CallBudget, ctx: Omit<ReplicateErrorContext, "httpStatus" | "providerMessage">): number {
  const left = budget.deadline - budget.clock.now();
  if (left <= 0) throw deadlineError(budget, { operation: ctx.operation, predictionId: ctx.predictionId });
  return Math.min(budget.callTimeoutMs, left);
}
