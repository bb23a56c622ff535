/** Exponential backoff with jitter, and the Retry-After header, for every retry loop we own. */

export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /**
   * Fraction of the delay that is random (default 0.2): the delay lies in
   * [base·(1−jitter), base], so clients that failed together do not retry together.
   */
  jitter?: number;
  /** Source of randomness in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const factor = options.factor ?? 2;
  const jitter = clamp(options.jitter ?? 0.2, 0, 1);
  const random = options.random ?? Math.random;
  const base = Math.min(options.maxMs, options.initialMs * factor ** Math.max(0, attempt));
  return Math.max(0, Math.round(base * (1 - jitter + jitter * clamp(random(), 0, 1))));
}

/**
 * Milliseconds to wait according to a Retry-After header: either delay-seconds or an
 * HTTP date (RFC 9110 §10.2.3). Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // an HTTP date always names the weekday or month; this keeps Date.parse from reading "-5" as a year
  if (!/[A-Za-z]/.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
