import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Address classes (ipaddr.js names, from the IANA special-purpose registries) a server-side
 * fetch may reach: ordinary unicast and the special blocks the registries mark globally
 * reachable (AS112 DNS sinks, AMT relays, ORCHIDv2, drone remote-ID tags). Everything else —
 * loopback, private, link-local (cloud metadata), CGNAT, multicast, broadcast, benchmarking,
 * documentation (only 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), the
 * IETF blocks, unique local, site-local, discard — is refused, and so is any class this
 * version of ipaddr.js names that is not listed here.
 */
const REACHABLE_V4 = new Set(["unicast", "as112", "amt"]);
const REACHABLE_V6 = new Set(["unicast", "as112v6", "amt", "orchid2", "droneRemoteIdProtocolEntityTags"]);

/** The NAT64 well-known prefix 64:ff9b::/96 (RFC 6052); its local-use /48 stays refused. */
const NAT64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

/**
 * Whether an IP address is one a server-side fetch must never reach. IPv6 forms that carry an
 * IPv4 address (mapped, translated, NAT64, 6to4) are judged by that IPv4 address; Teredo and
 * the deprecated IPv4-compatible form are refused outright. Anything that is not a plain
 * dotted-quad or RFC 4291 IPv6 literal is refused. Pure.
 */
export function isForbiddenAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return true;
  }
  if (kind === 4 && parsed.kind() === "ipv4") return isForbiddenV4(parsed as ipaddr.IPv4);
  if (kind === 6 && parsed.kind() === "ipv6") return isForbiddenV6(parsed as ipaddr.IPv6);
  return true;
}

function isForbiddenV4(a: ipaddr.IPv4): boolean {
  return !REACHABLE_V4.has(a.range());
}

function isForbiddenV6(a: ipaddr.IPv6): boolean {
  const range = a.range();
  const embedded = embeddedV4(a, range);
  if (embedded) return isForbiddenV4(embedded);
  if (isV4Compatible(a)) return true;
  return !REACHABLE_V6.has(range);
}

/** The IPv4 address an IPv6 address stands for, in the forms a resolver or a host may give. */
function embeddedV4(a: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = a.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  if (range === "ipv4Mapped" || range === "rfc6145") return fromWords(p[6]!, p[7]!);
  if (range === "rfc6052" && a.match(NAT64)) return fromWords(p[6]!, p[7]!);
  if (range === "6to4") return fromWords(p[1]!, p[2]!);
  return null;
}

/** ::a.b.c.d (RFC 4291 §2.5.5.1, deprecated): never routed, so never fetched. */
function isV4Compatible(a: ipaddr.IPv6): boolean {
  return a.parts.slice(0, 6).every((x) => x === 0);
}
