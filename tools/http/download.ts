import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HttpBodyTooLargeError, redactUrl, withRequestTimeout } from "./fetch.js";

/** Why a download could not be used. */
export type DownloadFailure = "http_status" | "too_large" | "content_type" | "empty" | "network" | "timeout";

export class DownloadError extends Error {
  override readonly name = "DownloadError";
  constructor(
    message: string,
    readonly context: {
      url: string;
      kind: DownloadFailure;
      /** HTTP status when one arrived. */
      status: number | null;
      contentType: string | null;
      /** Retry-After of a 429/503, as sent. */
      retryAfter: string | null;
      bytes: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether the same URL may give a usable file later (5xx, 429, network, timeout). */
  get retryable(): boolean {
    const { kind, status } = this.context;
    if (kind === "network" || kind === "timeout") return true;
    return kind === "http_status" && status !== null && (status === 408 || status === 429 || status >= 500);
  }
}

export interface DownloadOptions {
  fetch?: typeof fetch;
  /** The whole transfer, headers to last byte. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Larger files are refused (by Content-Length up front, and while streaming). */
  maxBytes: number;
  /** Media type check (parameters stripped, lower case); default: video/* or application/octet-stream. */
  acceptContentType?: (mediaType: string) => boolean;
  headers?: Record<string, string>;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  contentType: string;
}

/** The media types a video output may be served as. */
export function isVideoContentType(mediaType: string): boolean {
  return mediaType.startsWith("video/") || mediaType === "application/octet-stream";
}

/**
 * Streams `url` into `outPath` through a temporary sibling that is renamed into place only
 * when complete, so a crash or a refused file never leaves a partial file at `outPath`.
 */
export async function downloadToFile(url: string, outPath: string, options: DownloadOptions): Promise<DownloadResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const accept = options.acceptContentType ?? isVideoContentType;
  const tmp = `${outPath}.${process.pid}.${randomBytes(4).toString("hex")}.part`;
  const where = redactUrl(url);
  let bytes = 0;
  let status: number | null = null;
  let contentType: string | null = null;
  const fail = (kind: DownloadFailure, message: string, extra: { retryAfter?: string | null; cause?: unknown } = {}) =>
    new DownloadError(message, { url, kind, status, contentType, retryAfter: extra.retryAfter ?? null, bytes }, { cause: extra.cause });

  await mkdir(dirname(outPath), { recursive: true });
  try {
    await withRequestTimeout(url, { timeoutMs: options.timeoutMs, signal: options.signal }, async (signal) => {
      const res = await fetchImpl(url, { headers: options.headers, signal, redirect: "follow" });
      status = res.status;
      contentType = res.headers.get("content-type");
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw fail("http_status", `${where} answered ${res.status}`, { retryAfter: res.headers.get("retry-after") });
      }
      const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
      if (!accept(mediaType)) {
        await res.body?.cancel().catch(() => {});
        throw fail("content_type", `${where} is ${contentType ?? "of no declared type"}, not a video`);
      }
      const declared = Number(res.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        await res.body?.cancel().catch(() => {});
        throw fail("too_large", `${where} is ${declared} bytes, more than the ${options.maxBytes} allowed`);
      }
      if (!res.body) throw fail("empty", `${where} has no body`);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > options.maxBytes) return done(new HttpBodyTooLargeError(url, options.maxBytes));
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), counter, createWriteStream(tmp), { signal });
    }, (err) => err instanceof DownloadError);
    if (bytes === 0) throw fail("empty", `${where} sent an empty file`);
    await rename(tmp, outPath);
    return { path: outPath, bytes, contentType: contentType ?? "" };
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    if (err instanceof DownloadError) throw err;
    if (err instanceof HttpBodyTooLargeError) throw fail("too_large", `${where} is more than the ${options.maxBytes} bytes allowed`, { cause: err });
    if (err instanceof Error && err.name === "HttpTimeoutError") throw fail("timeout", err.message, { cause: err });
    if (err instanceof Error && err.name === "HttpNetworkError") throw fail("network", err.message, { cause: err });
    throw err;
  }
}
