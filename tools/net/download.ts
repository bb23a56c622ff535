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

export interface DownloadOptions {
  maxBytes: number;
  /** Content-Type prefixes accepted (e.g. "audio/", "video/"); application/octet-stream always passes. */
  accept: string[];
  timeoutMs?: number;
  maxRedirects?: number;
  /** Tests on loopback only: skip the public-address rule. */
  allowPrivate?: boolean;
  signal?: AbortSignal;
}

/** Static checks on a user-supplied URL, before any network: scheme, credentials, literal addresses. */
export function checkUrlShape(raw: string, allowPrivate = false): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(raw, "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UnsafeUrlError(raw, "only http(s) URLs are accepted");
  if (url.username || url.password) throw new UnsafeUrlError(raw, "URLs with credentials are not accepted");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) && isForbiddenAddress(host)) throw new UnsafeUrlError(raw, "the URL points at a private or reserved address");
  if (!allowPrivate && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host)) throw new UnsafeUrlError(raw, "the URL points at a local host name");
  return url;
}

/**
 * A DNS lookup that refuses private answers. The connection uses the address this returned,
 * so a name cannot resolve to a public address for the check and a private one for the fetch.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 4);
      const list = addresses as { address: string; family: number }[];
      const bad = list.find((a) => isForbiddenAddress(a.address));
      if (bad && !allowPrivate) return callback(Object.assign(new Error(`${hostname} resolves to a private or reserved address`), { code: "EUNSAFE" }), "", 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Downloads a user-supplied http(s) URL to `dest` (atomically), checking every resolved
 * address and every redirect hop, with size, type and time limits.
 */
export async function safeDownload(raw: string, dest: string, opts: DownloadOptions): Promise<{ bytes: number; contentType: string; finalUrl: string }> {
  let url = checkUrlShape(raw, opts.allowPrivate);
  const maxRedirects = opts.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    const res = await request(url, opts);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= maxRedirects) throw new DownloadError(raw, `more than ${maxRedirects} redirects`);
      url = checkUrlShape(new URL(res.headers.location, url).toString(), opts.allowPrivate);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new DownloadError(raw, `the server answered ${status}`, status);
    }
    const type = String(res.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/octet-stream" && !opts.accept.some((p) => type.startsWith(p))) {
      res.resume();
      throw new UnsafeUrlError(raw, `the file is ${type}, expected ${opts.accept.join(" or ")}`);
    }
    const declared = Number(res.headers["content-length"] ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      res.resume();
      throw new UnsafeUrlError(raw, `the file is ${declared} bytes, more than the ${opts.maxBytes} allowed`);
    }
    const tmp = `${dest}.${process.pid}.part`;
    const bytes = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const out = createWriteStream(tmp);
      res.on("data", (chunk: Buffer) => {
        n += chunk.length;
        if (n > opts.maxBytes) {
          res.destroy();
          out.destroy();
          reject(new UnsafeUrlError(raw, `the file is larger than the ${opts.maxBytes} bytes allowed`));
        }
      });
      res.on("error", (e) => reject(new DownloadError(raw, "the download broke off", null, { cause: e })));
      out.on("error", reject);
      out.on("finish", () => resolve(n));
      res.pipe(out);
    }).catch((e) => {
      rmSync(tmp, { force: true });
      throw e;
    });
    renameSync(tmp, dest);
    return { bytes, contentType: type, finalUrl: url.toString() };
  }
}

function request(url: URL, opts: DownloadOptions): Promise<http.IncomingMessage> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { lookup: guardedLookup(!!opts.allowPrivate), timeout: opts.timeoutMs ?? 30_000, signal: opts.signal, headers: { "user-agent": "reelgraph" } }, resolve);
    req.on("timeout", () => req.destroy(new DownloadError(url.toString(), `no answer within ${(opts.timeoutMs ?? 30_000) / 1000} s`)));
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
