import { isIP } from "node:net";

/**
 * Whether an IP address is one a server-side fetch must never reach: loopback, private,
 * link-local (cloud metadata), CGNAT, multicast, reserved, unspecified, and the IPv6 forms
 * that embed such an IPv4 address. Pure.
 */
export function isForbiddenAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return isForbiddenV4(address);
  if (kind === 6) return isForbiddenV6(address);
  return true;
}

function v4Parts(a: string): number[] {
  return a.split(".").map(Number);
}

function isForbiddenV4(a: string): boolean {
  const [x, y] = v4Parts(a) as [number, number, number, number];
  return (
    x === 0 || // this network
    x === 10 ||
    x === 127 ||
    (x === 100 && y >= 64 && y <= 127) || // CGNAT
    (x === 169 && y === 254) || // link-local, cloud metadata
    (x === 172 && y >= 16 && y <= 31) ||
    (x === 192 && y === 0) || // IETF protocol assignments, incl. 192.0.0.0/24 and TEST-NET-1 192.0.2.0/24
    (x === 192 && y === 168) ||
    (x === 198 && (y === 18 || y === 19)) || // benchmarking
    (x === 198 && y === 51) || // TEST-NET-2
    (x === 203 && y === 0) || // TEST-NET-3
    x >= 224 // multicast, reserved, broadcast
  );
}

function expandV6(a: string): number[] | null {
  let s = a.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    if (isIP(maybeV4) !== 4) return null;
    const p = v4Parts(maybeV4);
    tail = [(p[0]! << 8) | p[1]!, (p[2]! << 8) | p[3]!];
    s = s.slice(0, lastColon + 1) + "0:0";
  }
  const [head, rest] = s.split("::");
  const h = head ? head.split(":") : [];
  const r = rest !== undefined ? (rest ? rest.split(":") : []) : [];
  const fill = rest !== undefined ? 8 - h.length - r.length : 0;
  const groups = [...h, ...Array(Math.max(0, fill)).fill("0"), ...r].map((g) => parseInt(g || "0", 16));
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function isForbiddenV6(a: string): boolean {
  const g = expandV6(a);
  if (!g) return true;
  const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUpTo(8)) return true; // ::
  if (allZeroUpTo(7) && g[7] === 1) return true; // ::1
  const embedded = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (allZeroUpTo(5) && g[5] === 0xffff) return isForbiddenV4(embedded(g[6]!, g[7]!)); // ::ffff:a.b.c.d
  if (allZeroUpTo(6)) return isForbiddenV4(embedded(g[6]!, g[7]!)); // ::a.b.c.d (deprecated compat)
  if (g[0] === 0x64 && g[1] === 0xff9b) return isForbiddenV4(embedded(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) return isForbiddenV4(embedded(g[1]!, g[2]!)); // 6to4
  const first = g[0]!;
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0x0db8) || // documentation
    (first === 0x2001 && g[1]! < 0x0200) // Teredo & other IETF special-purpose
  );
}
