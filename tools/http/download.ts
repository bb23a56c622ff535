import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { dirname } from "node:path";
import { checkUrlShape, guardedLookup, UNSAFE_LOOKUP_CODE, UnsafeUrlError, type NetPolicy } from "../net/policy.js";
import { abortReason } from "./clock.js";
import { redactUrl } from "./fetch.js";

/** Why a download could not be used. */
export type DownloadFailure =
  /** The URL or an address it resolved to (or a redirect to) is not allowed. */
  | "forbidden"
  | "redirects"
  | "http_status"
  | "too_large"
  | "content_type"
  | "empty"
  | "network"
  | "timeout";

export class DownloadError extends Error {
  override readonly name = "DownloadError";
  constructor(
    message: string,
    readonly context: {
      /** The URL asked for, unredacted (redact it before it is shown). */
      url: string;
      kind: DownloadFailure;
      /** HTTP status when one arrived. */
      status: number | null;
      contentType: string | null;
      /** Retry-After of a 429/503, as sent. */
      retryAfter: string | null;
      /** Bytes received before the failure. */
      bytes: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether the same URL may give a usable file later (5xx, 408, 429, network, timeout). */
  get retryable(): boolean {
    const { kind, status } = this.context;
    if (kind === "network" || kind === "timeout") return true;
    return kind === "http_status" && status !== null && (status === 408 || status === 429 || status >= 500);
  }
}

export interface DownloadOptions extends NetPolicy {
  /** Deadline for the whole transfer: every redirect hop, the headers and the last byte. */
  timeoutMs: number;
  /** Larger files are refused (by Content-Length up front, and while streaming). */
  maxBytes: number;
  /** Media type prefixes accepted ("video/", "audio/"); application/octet-stream and a missing type always pass. */
  accept: readonly string[];
  /** The caller's cancellation; its reason is rethrown unchanged. */
  signal?: AbortSignal;
  /** Sent to the first URL's origin only, never across a redirect to another origin. */
  headers?: Record<string, string>;
  /** Default 3. */
  maxRedirects?: number;
  /** No data for this long fails the transfer (default: the smaller of timeoutMs and 30 s). */
  idleMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Media type without parameters, lower case. */
  contentType: string;
  /** Where the file came from after redirects. */
  finalUrl: string;
}

/** The media types a video output may be served as. */
export const VIDEO_TYPES = ["video/"] as const;
/** The media types a song may be served as (a music video's own track counts). */
export const AUDIO_TYPES = ["audio/", "video/"] as const;

/**
 * The one way reelgraph fetches a file over http(s). Checks the URL, every address a name
 * resolves to (the connection uses the address that was checked) and every redirect hop
 * against the policy; limits size, type and time; streams into a temporary sibling renamed
 * into place only when complete, so a refused or broken transfer never leaves a file at
 * `outPath`. Every failure is a DownloadError; the caller's abort reason passes unchanged.
 */
export async function downloadToFile(raw: string, outPath: string, options: DownloadOptions): Promise<DownloadResult> {
  const where = redactUrl(raw);
  const state = { status: null as number | null, contentType: null as string | null, retryAfter: null as string | null, bytes: 0 };
  const fail = (kind: DownloadFailure, message: string, cause?: unknown) =>
    new DownloadError(message, { url: raw, kind, status: state.status, contentType: state.contentType, retryAfter: state.retryAfter, bytes: state.bytes }, { cause });

  if (options.signal?.aborted) throw abortReason(options.signal);
  let url: URL;
  try {
    url = checkUrlShape(raw, options.allowPrivate, options.isForbidden);
  } catch (err) {
    throw fail("forbidden", (err as Error).message, err);
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(fail("timeout", `${where} did not finish within ${options.timeoutMs / 1000} s`)), Math.max(1, options.timeoutMs));
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const stopped = () => (options.signal?.aborted ? abortReason(options.signal) : (deadline.signal.reason as DownloadError));
  const tmp = `${outPath}.${process.pid}.${randomBytes(4).toString("hex")}.part`;
  const maxRedirects = options.maxRedirects ?? 3;
  const idleMs = options.idleMs ?? Math.min(options.timeoutMs, 30_000);
  const origin = url.origin;

  try {
    await mkdir(dirname(outPath), { recursive: true });
    for (let hop = 0; ; hop++) {
      const headers = url.origin === origin ? options.headers : undefined;
      const res = await get(url, options, headers, idleMs, signal, fail).catch((err: unknown) => {
        throw signal.aborted ? stopped() : err;
      });
      state.status = res.statusCode ?? 0;
      state.contentType = typeof res.headers["content-type"] === "string" ? res.headers["content-type"] : null;
      const location = res.headers.location;
      if (state.status >= 300 && state.status < 400 && location) {
        res.resume();
        if (hop >= maxRedirects) throw fail("redirects", `${where}: more than ${maxRedirects} redirects`);
        try {
          url = checkUrlShape(new URL(location, url).toString(), options.allowPrivate, options.isForbidden);
        } catch (err) {
          throw fail("forbidden", `${where} redirects where it may not: ${(err as Error).message}`, err);
        }
        continue;
      }
      if (state.status !== 200) {
        state.retryAfter = typeof res.headers["retry-after"] === "string" ? res.headers["retry-after"] : null;
        res.resume();
        throw fail("http_status", `${where} answered ${state.status}`);
      }
      const type = (state.contentType ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/octet-stream" && !options.accept.some((p) => type.startsWith(p))) {
        res.destroy();
        throw fail("content_type", `${where} is ${type}, expected ${options.accept.join(" or ")}`);
      }
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        res.destroy();
        throw fail("too_large", `${where} is ${declared} bytes, more than the ${options.maxBytes} allowed`);
      }
      await receive(res, tmp, options.maxBytes, state, fail, () => (signal.aborted ? stopped() : null), where);
      if (state.bytes === 0) throw fail("empty", `${where} sent an empty file`);
      await rename(tmp, outPath);
      return { path: outPath, bytes: state.bytes, contentType: type, finalUrl: url.toString() };
    }
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

type Fail = (kind: DownloadFailure, message: string, cause?: unknown) => DownloadError;

function get(url: URL, policy: NetPolicy, headers: Record<string, string> | undefined, idleMs: number, signal: AbortSignal, fail: Fail): Promise<http.IncomingMessage> {
  const where = redactUrl(url.toString());
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(
      url,
      { lookup: guardedLookup(policy), timeout: idleMs, signal, agent: false, headers: { "user-agent": "reelgraph", "accept-encoding": "identity", ...headers } },
      resolve,
    );
    req.on("timeout", () => req.destroy(fail("timeout", `${where} sent nothing for ${idleMs / 1000} s`)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e instanceof DownloadError) reject(e);
      else if (e.code === UNSAFE_LOOKUP_CODE) reject(fail("forbidden", `${e.message}: ${where}`, new UnsafeUrlError(url.toString(), e.message)));
      else reject(fail("network", `${where} could not be fetched (${e.code ?? e.message})`, e));
    });
  });
}

function receive(res: http.IncomingMessage, tmp: string, maxBytes: number, state: { bytes: number }, fail: Fail, stopped: () => unknown, where: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const out = createWriteStream(tmp);
    const finish = (e: unknown) => {
      if (settled) return;
      settled = true;
      res.destroy();
      out.destroy();
      // Only once the file is closed can the caller's cleanup be sure to remove it.
      if (out.closed) reject(e);
      else out.once("close", () => reject(e));
    };
    res.on("data", (chunk: Buffer) => {
      state.bytes += chunk.length;
      if (state.bytes > maxBytes) finish(fail("too_large", `${where} is larger than the ${maxBytes} bytes allowed`));
    });
    res.on("aborted", () => finish(stopped() ?? fail("network", `${where}: the transfer broke off`)));
    res.on("error", (e) => finish(stopped() ?? fail("network", `${where}: the transfer broke off`, e)));
    res.on("close", () => {
      if (!res.complete) finish(stopped() ?? fail("network", `${where}: the transfer broke off`));
    });
    out.on("error", finish);
    out.on("finish", () => {
      if (settled) return;
      if (!res.complete) return finish(stopped() ?? fail("network", `${where}: the transfer broke off`));
      settled = true;
      resolve();
    });
    res.pipe(out);
  });
}
