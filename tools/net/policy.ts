import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { redactUrl } from "../http/fetch.js";
import { isForbiddenAddress } from "./address.js";

/** A URL that policy refuses before or while it is fetched; the message says what to fix. */
export class UnsafeUrlError extends Error {
  override readonly name = "UnsafeUrlError";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${reason}: ${redactUrl(url)}`);
  }
}

/** One DNS answer. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Where a server-side fetch may go. Production uses the defaults; tests replace the resolver
 * (names that resolve to loopback without a DNS server) and the address rule (a loopback
 * alias that stands in for a public host).
 */
export interface NetPolicy {
  /** Every address a host name resolves to (default: the system resolver, all answers). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Whether an address may not be reached (default: isForbiddenAddress). */
  isForbidden?: (address: string) => boolean;
  /**
   * Skip the address rules: only for a peer the operator configured (the FFmpeg service, the
   * gateway, a self-hosted API), never for a URL a user supplied. Scheme and credential checks stay.
   */
  allowPrivate?: boolean;
}

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i;

/** Static checks on a URL, before any network: scheme, credentials, literal addresses, local names. */
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

/** The error code a guarded lookup fails with when a name resolves to a forbidden address. */
export const UNSAFE_LOOKUP_CODE = "EUNSAFE";

/**
 * A DNS lookup for http(s).request that refuses private answers. The connection uses the
 * address this returned, so a name cannot resolve to a public address for the check and a
 * private one for the fetch. Every answer must be allowed, not only the first.
 */
export function guardedLookup(policy: NetPolicy): LookupFunction {
  const resolveName = policy.resolve ?? systemResolve;
  const forbidden = policy.isForbidden ?? isForbiddenAddress;
  return (hostname, options, callback) => {
    resolveName(hostname).then(
      (all) => {
        const family = (options as { family?: number | string }).family;
        const want = family === 4 || family === "IPv4" ? 4 : family === 6 || family === "IPv6" ? 6 : null;
        const wanted = want === null ? all : all.filter((a) => a.family === want);
        const list = wanted.length ? wanted : all;
        if (!list.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 4);
        if (!policy.allowPrivate && all.some((a) => forbidden(a.address))) {
          return callback(Object.assign(new Error(`${hostname} resolves to a private or reserved address`), { code: UNSAFE_LOOKUP_CODE }), "", 4);
        }
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

/** Whether two URLs share scheme, host and port; false when either is not a URL. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
