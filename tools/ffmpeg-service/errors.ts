/** Typed failures of talking to the FFmpeg service, so callers can tell them apart. */

/** The service did not finish in time: no callback and no terminal status before the deadline. */
export class ServiceTimeoutError extends Error {
  override readonly name = "ServiceTimeoutError";
  constructor(
    readonly context: {
      /** Null when the deadline passed before the job was accepted. */
      jobId: string | null;
      deadlineMs: number;
      /** What was under way when time ran out. */
      phase: "submit" | "wait" | "download";
      serviceUrl: string;
    },
    options?: { cause?: unknown },
  ) {
    super(`the FFmpeg service at ${context.serviceUrl} did not finish ${context.jobId ?? "the submission"} within ${context.deadlineMs} ms (${context.phase})`, options);
  }
}

/** The service ran the job and it failed; `serviceError` is the service's own reason. */
export class RemoteComposeError extends Error {
  override readonly name = "RemoteComposeError";
  constructor(
    message: string,
    readonly context: { jobId: string | null; compositionId: string; version: number; serviceError: string | null },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The service answered a request with an error status (or an unreadable body). */
export class FfmpegServiceHttpError extends Error {
  override readonly name = "FfmpegServiceHttpError";
  constructor(
    message: string,
    readonly context: {
      url: string;
      /** HTTP status; null when no response arrived. */
      status: number | null;
      /** The problem document's detail (RFC 9457), when it sent one. */
      detail: string | null;
      /** Retry-After of a 429/503, as sent. */
      retryAfter?: string | null;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether the same request may succeed later (no answer, 429 or 5xx). */
  get retryable(): boolean {
    const s = this.context.status;
    return s === null || s === 408 || s === 429 || s >= 500;
  }
}
