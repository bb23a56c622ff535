/** An RFC 9457 problem document, as the API sends with every 4xx and 5xx. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [key: string]: unknown;
}

/** The API answered with an error status; `problem` is its body when it sent one. */
export class ReelgraphApiError extends Error {
  override readonly name = "ReelgraphApiError";
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    readonly method: string,
    readonly path: string,
    /** Seconds the server asked to wait (429, 503), when it said. */
    readonly retryAfterS: number | null = null,
  ) {
    super(`${method} ${path}: ${status}${problem?.detail ? ` ${problem.detail}` : problem?.title ? ` ${problem.title}` : ""}`);
  }
}

/** The event stream could not be (re)opened within the allowed attempts. */
export class ReelgraphStreamError extends Error {
  override readonly name = "ReelgraphStreamError";
  constructor(
    readonly generationId: string,
    readonly attempts: number,
    readonly lastEventId: string | null,
    options?: { cause?: unknown },
  ) {
    super(`events of ${generationId}: gave up after ${attempts} attempts (last event ${lastEventId ?? "none"})`, options);
  }
}

/** waitForGeneration ran out of time. */
export class ReelgraphTimeoutError extends Error {
  override readonly name = "ReelgraphTimeoutError";
  constructor(
    readonly generationId: string,
    readonly timeoutMs: number,
    readonly lastStatus: string | null,
  ) {
    super(`generation ${generationId} did not settle within ${timeoutMs} ms (last status ${lastStatus ?? "unknown"})`);
  }
}
