import { isAbsolute, relative, resolve, sep } from "node:path";
import type { z } from "zod";
import { backoffDelay, parseRetryAfter } from "../../core/backoff.js";
import { abortReason, type Clock } from "../http/clock.js";
import { fetchBuffered, problemDetail, redactUrl } from "../http/fetch.js";
import { FfmpegServiceHttpError } from "./errors.js";

/** One JSON exchange with a reelgraph internal route, with the bearer token. */
export interface InternalRequest<T> {
  method: "GET" | "POST";
  url: string;
  token: string;
  body?: unknown;
  /** Validates the answer; omit for answers without a body (204). */
  schema?: z.ZodType<T>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Sends one request; any non-2xx, transport failure or unexpected body becomes an
 * FfmpegServiceHttpError carrying the problem document's detail. The caller's abort reason
 * passes through unchanged.
 */
export async function internalRequest<T>(fetchImpl: typeof fetch, req: InternalRequest<T>): Promise<{ status: number; body: T; headers: Headers }> {
  let res: Response;
  try {
    res = await fetchBuffered(
      fetchImpl,
      req.url,
      {
        method: req.method,
        headers: {
          authorization: `Bearer ${req.token}`,
          accept: "application/json",
          ...(req.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      },
      { timeoutMs: req.timeoutMs, signal: req.signal, maxBytes: 4 * 1024 * 1024 },
    );
  } catch (err) {
    if (req.signal?.aborted) throw abortReason(req.signal);
    throw new FfmpegServiceHttpError(`${req.method} ${redactUrl(req.url)} failed: ${err instanceof Error ? err.message : String(err)}`, { url: req.url, status: null, detail: null }, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) {
    const detail = problemDetail(text);
    throw new FfmpegServiceHttpError(`${req.method} ${redactUrl(req.url)} answered ${res.status}${detail ? `: ${detail}` : ""}`, { url: req.url, status: res.status, detail, retryAfter: res.headers.get("retry-after") });
  }
  if (!req.schema) return { status: res.status, body: undefined as T, headers: res.headers };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FfmpegServiceHttpError(`${req.method} ${redactUrl(req.url)} sent a body that is not JSON`, { url: req.url, status: res.status, detail: null }, { cause: err });
  }
  const parsed = req.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join(".") || "body";
    throw new FfmpegServiceHttpError(`${req.method} ${redactUrl(req.url)} sent an unexpected body (${where}: ${issue.message})`, { url: req.url, status: res.status, detail: null }, { cause: parsed.error });
  }
  return { status: res.status, body: parsed.data, headers: res.headers };
}

/** Retries `work` on retryable service errors with backoff (honouring Retry-After). */
export async function withRetries<T>(work: () => Promise<T>, options: { attempts: number; initialMs: number; maxMs: number; clock: Clock; signal?: AbortSignal }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const retryable = err instanceof FfmpegServiceHttpError && err.retryable;
      if (!retryable || attempt + 1 >= options.attempts || options.signal?.aborted) throw err;
      const after = parseRetryAfter(err.context.retryAfter, options.clock.now());
      await options.clock.sleep(Math.min(options.maxMs, after ?? backoffDelay(attempt, options)), options.signal);
    }
  }
}

/**
 * The internal routes need the bearer token, other hosts must never see it: downloads send
 * it only to `/internal/v1/…` paths (a reelgraph peer's media and output routes).
 */
export function bearerFor(url: string, token: string): Record<string, string> {
  try {
    return new URL(url).pathname.startsWith("/internal/v1/") ? { authorization: `Bearer ${token}` } : {};
  } catch {
    return {};
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

/**
 * The URL of a file under a reelgraph peer's media folder, as its GET /internal/v1/media/…
 * route serves it. Throws for a path outside the folder or through a dot-segment.
 */
export function mediaFileUrl(baseUrl: string, mediaRoot: string, path: string): string {
  const rel = relative(resolve(mediaRoot), resolve(path));
  const parts = rel.split(sep);
  if (!rel || isAbsolute(rel) || parts.some((p) => p === "" || p.startsWith("."))) {
    throw new Error(`${path} is not under the media folder ${mediaRoot}`);
  }
  return joinUrl(baseUrl, `/internal/v1/media/${parts.map(encodeURIComponent).join("/")}`);
}
