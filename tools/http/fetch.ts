import { abortReason } from "./clock.js";

/** The request did not finish within its own time limit. */
export class HttpTimeoutError extends Error {
  override readonly name = "HttpTimeoutError";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`request to ${redactUrl(url)} timed out after ${timeoutMs} ms`);
  }
}

/** The connection failed (refused, reset, DNS…) before a complete response arrived. */
export class HttpNetworkError extends Error {
  override readonly name = "HttpNetworkError";
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`request to ${redactUrl(url)} failed: ${causeMessage(options?.cause)}`, options);
  }
}

/** The response body was larger than the caller allows. */
export class HttpBodyTooLargeError extends Error {
  override readonly name = "HttpBodyTooLargeError";
  constructor(
    readonly url: string,
    readonly limitBytes: number,
  ) {
    super(`response from ${redactUrl(url)} is larger than ${limitBytes} bytes`);
  }
}

export interface TimedRequestOptions {
  /** Abort the whole exchange (headers and body) after this many ms. */
  timeoutMs: number;
  /** The caller's own cancellation; its reason is rethrown unchanged. */
  signal?: AbortSignal;
}

/**
 * Runs `work` with a signal that fires after `timeoutMs` or when the caller aborts, and
 * turns the outcome into a typed error: HttpTimeoutError for our deadline, the caller's
 * abort reason for theirs, HttpNetworkError for anything the transport threw.
 */
export async function withRequestTimeout<T>(
  url: string,
  options: TimedRequestOptions,
  work: (signal: AbortSignal) => Promise<T>,
  /** Errors `work` throws on purpose, which pass through unchanged. */
  passThrough: (err: unknown) => boolean = () => false,
): Promise<T> {
  if (options.signal?.aborted) throw abortReason(options.signal);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new HttpTimeoutError(url, options.timeoutMs)), Math.max(1, options.timeoutMs));
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  try {
    return await work(signal);
  } catch (err) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (timeout.signal.aborted) throw timeout.signal.reason as HttpTimeoutError;
    if (err instanceof HttpBodyTooLargeError || passThrough(err)) throw err;
    throw new HttpNetworkError(url, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * fetch with a deadline that covers the body too: the body is read into memory (at most
 * `maxBytes`) inside the time limit, and a fresh Response over that buffer is returned. For
 * small JSON exchanges only; large files go through downloadToFile.
 */
export async function fetchBuffered(
  fetchImpl: typeof fetch,
  input: string | URL | Request,
  init: RequestInit | undefined,
  options: TimedRequestOptions & { maxBytes?: number },
): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  return withRequestTimeout(url, options, async (signal) => {
    const res = await fetchImpl(input, { ...init, signal });
    const body = await readCapped(res, maxBytes, url);
    const nullBody = [101, 204, 205, 304].includes(res.status);
    return new Response(nullBody || body.length === 0 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
  });
}

async function readCapped(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => {});
    throw new HttpBodyTooLargeError(url, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new HttpBodyTooLargeError(url, maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * What a failed answer says, for messages: an RFC 9457 problem's `detail` (or `title`, or the
 * `error`/`message` other APIs send), else the body as text; trimmed to `maxChars`; null when empty.
 */
export function problemDetail(body: string, maxChars = 500): string | null {
  const text = body.trim();
  if (!text) return null;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const detail = [json.detail, json.title, json.error, json.message].find((v) => typeof v === "string" && v);
    if (typeof detail === "string") return detail.slice(0, maxChars);
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, maxChars);
}

/** URLs may carry signed query strings: keep them out of messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return url.slice(0, 200);
  }
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const code = inner && typeof inner === "object" && "code" in inner ? String((inner as { code: unknown }).code) : "";
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
