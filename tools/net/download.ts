import { lookup as dnsLookup } from "node:dns";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isForbiddenAddress } from "./address.js";

/** A URL or download that policy refuses; the message says what to fix. */
export class UnsafeUrlError extends Error {
  override readonly name = "UnsafeUrlError";
  constructor(readonly url: string, reason: string) {
    super(`${reason}: ${redactUrl(url)}`);
  }
}

export class DownloadError extends Error {
  override readonly name = "DownloadError";
  constructor(readonly url: string, message: string, readonly status: number | null = null, options?: { cause?: unknown }) {
    super(`${message}: ${redactUrl(url)}`, options);
  }
}

/** One DNS answer. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Where a fetch may go. Production uses the defaults; tests replace the resolver (names
 * that resolve to loopback without a DNS server) and the address rule (a loopback alias
 * that stands in for a public host).
 */
export interface NetPolicy {
  /** Every address a host name resolves to (default: the system resolver, all answers). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Whether an address may not be reached (default: isForbiddenAddress). */
  isForbidden?: (address: string) => boolean;
}

export interface DownloadOptions extends NetPolicy {
  maxBytes: number;
  /** Content-Type prefixes accepted (e.g. "audio/", "video/"); application/octet-stream always passes. */
  accept: string[];
  /** Deadline for the whole download: every redirect hop, the headers and the last byte (default 30 s). */
  timeoutMs?: number;
  maxRedirects?: number;
  /** Tests on loopback only: skip the public-address rule. */
  allowPrivate?: boolean;
  signal?: AbortSignal;
}

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i;

/** Static checks on a user-supplied URL, before any network: scheme, credentials, literal addresses. */
export function checkUrlShape(raw: string, allowPrivate = false, isForbidden: (address: string) => boolean = isForbiddenAddress): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(raw, "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UnsafeUrlError(raw, "only http(s) URLs are accepted");
  if (url.username || url.password) throw new UnsafeUrlError(raw, "URLs with credentials are not accepted");
  // The WHATWG parser has already turned 0x7f000001, 2130706433, 017700000001 and 127.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (!host) throw new UnsafeUrlError(raw, "the URL has no host");
  if (!allowPrivate && isIP(host) && isForbidden(host)) throw new UnsafeUrlError(raw, "the URL points at a private or reserved address");
  if (!allowPrivate && LOCAL_NAMES.test(host)) throw new UnsafeUrlError(raw, "the URL points at a local host name");
  return url;
}

function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/**
 * A DNS lookup that refuses private answers. The connection uses the address this returned,
 * so a name cannot resolve to a public address for the check and a private one for the fetch.
 */
function guardedLookup(allowPrivate: boolean, policy: NetPolicy): LookupFunction {
  const resolveName = policy.resolve ?? systemResolve;
  const forbidden = policy.isForbidden ?? isForbiddenAddress;
  return (hostname, options, callback) => {
    resolveName(hostname).then(
      (all) => {
        const family = (options as { family?: number | string }).family;
        const wanted = family === 4 || family === 6 || family === "IPv4" || family === "IPv6" ? all.filter((a) => a.family === (family === "IPv4" ? 4 : family === "IPv6" ? 6 : family)) : all;
        const list = wanted.length ? wanted : all;
        if (!list.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 4);
        const bad = list.find((a) => forbidden(a.address));
        if (bad && !allowPrivate) return callback(Object.assign(new Error(`${hostname} resolves to a private or reserved address`), { code: "EUNSAFE" }), "", 4);
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

/**
 * Downloads a user-supplied http(s) URL to `dest` (atomically), checking every resolved
 * address and every redirect hop, with size, type and time limits. One deadline covers the
 * whole transfer, so a server that drips a byte at a time cannot hold the run.
 */
export async function safeDownload(raw: string, dest: string, opts: DownloadOptions): Promise<{ bytes: number; contentType: string; finalUrl: string }> {
  const forbidden = opts.isForbidden ?? isForbiddenAddress;
  let url = checkUrlShape(raw, opts.allowPrivate, forbidden);
  const maxRedirects = opts.maxRedirects ?? 3;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DownloadError(raw, `the download did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  const abortError = () => (deadline.signal.aborted ? (deadline.signal.reason as DownloadError) : (opts.signal?.reason ?? new DownloadError(raw, "the download was cancelled")));
  try {
    for (let hop = 0; ; hop++) {
      const res = await request(url, opts, signal).catch((e: unknown) => {
        throw signal.aborted ? abortError() : e;
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hop >= maxRedirects) throw new DownloadError(raw, `more than ${maxRedirects} redirects`);
        url = checkUrlShape(new URL(res.headers.location, url).toString(), opts.allowPrivate, forbidden);
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new DownloadError(raw, `the server answered ${status}`, status);
      }
      const type = String(res.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/octet-stream" && !opts.accept.some((p) => type.startsWith(p))) {
        res.destroy();
        throw new UnsafeUrlError(raw, `the file is ${type}, expected ${opts.accept.join(" or ")}`);
      }
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.destroy();
        throw new UnsafeUrlError(raw, `the file is ${declared} bytes, more than the ${opts.maxBytes} allowed`);
      }
      const tmp = `${dest}.${process.pid}.part`;
      const bytes = await receive(res, tmp, raw, opts.maxBytes, () => (signal.aborted ? abortError() : null)).catch((e: unknown) => {
        rmSync(tmp, { force: true });
        throw e;
      });
      if (bytes === 0) {
        rmSync(tmp, { force: true });
        throw new DownloadError(raw, "the server sent an empty file");
      }
      renameSync(tmp, dest);
      return { bytes, contentType: type, finalUrl: url.toString() };
    }
  } finally {
    clearTimeout(timer);
  }
}

function receive(res: http.IncomingMessage, tmp: string, raw: string, maxBytes: number, aborted: () => unknown): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let n = 0;
    let settled = false;
    const out = createWriteStream(tmp);
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      res.destroy();
      out.destroy();
      reject(e);
    };
    res.on("data", (chunk: Buffer) => {
      n += chunk.length;
      if (n > maxBytes) fail(new UnsafeUrlError(raw, `the file is larger than the ${maxBytes} bytes allowed`));
    });
    res.on("aborted", () => fail(aborted() ?? new DownloadError(raw, "the download broke off")));
    res.on("error", (e) => fail(aborted() ?? new DownloadError(raw, "the download broke off", null, { cause: e })));
    out.on("error", fail);
    out.on("finish", () => {
      if (settled) return;
      if (!res.complete) return fail(aborted() ?? new DownloadError(raw, "the download broke off"));
      settled = true;
      resolve(n);
    });
    res.pipe(out);
  });
}

function request(url: URL, opts: DownloadOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  const mod = url.protocol === "https:" ? https : http;
  const idleMs = Math.min(opts.timeoutMs ?? 30_000, 30_000);
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { lookup: guardedLookup(!!opts.allowPrivate, opts), timeout: idleMs, signal, headers: { "user-agent": "reelgraph", "accept-encoding": "identity" }, agent: false }, resolve);
    req.on("timeout", () => req.destroy(new DownloadError(url.toString(), `no data for ${idleMs / 1000} s`)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EUNSAFE") reject(new UnsafeUrlError(url.toString(), e.message));
      else if (e instanceof DownloadError) reject(e);
      else reject(new DownloadError(url.toString(), `could not fetch (${e.code ?? e.message})`, null, { cause: e }));
    });
  });
}

/** A URL for messages and logs: no query string (it may carry a signature). */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return raw.slice(0, 100);
  }
}
