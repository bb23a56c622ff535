import { describe, expect, it } from "vitest";
import { isForbiddenAddress } from "../../../tools/net/address.js";

/** The edges of each refused block: the first and last address inside, the neighbours outside. */
describe("isForbiddenAddress: block edges", () => {
  const cases: [string, boolean][] = [
    // documentation (TEST-NET-2, TEST-NET-3): only the /24s, not the /16s around them
    ["198.51.99.255", false], ["198.51.100.0", true], ["198.51.100.255", true], ["198.51.101.0", false], ["198.51.0.1", false],
    ["203.0.112.255", false], ["203.0.113.0", true], ["203.0.113.255", true], ["203.0.114.0", false], ["203.0.0.1", false],
    // IETF assignments and TEST-NET-1: 192.0.0.0/24 and 192.0.2.0/24, not all of 192.0.0.0/16
    ["192.0.0.8", true], ["192.0.1.1", false], ["192.0.2.0", true], ["192.0.2.255", true], ["192.0.3.0", false],
    // benchmarking 198.18.0.0/15
    ["198.17.255.255", false], ["198.18.0.0", true], ["198.19.255.255", true], ["198.20.0.0", false],
    // private, CGNAT, link-local, loopback, this-network, multicast, reserved, broadcast
    ["172.15.255.255", false], ["172.16.0.0", true], ["172.31.255.255", true], ["172.32.0.0", false],
    ["100.63.255.255", false], ["100.64.0.0", true], ["100.127.255.255", true], ["100.128.0.0", false],
    ["169.253.255.255", false], ["169.254.0.0", true], ["169.255.0.0", false],
    ["126.255.255.255", false], ["127.0.0.0", true], ["128.0.0.0", false], ["0.255.255.255", true], ["1.0.0.0", false],
    ["223.255.255.255", false], ["224.0.0.0", true], ["240.0.0.1", true], ["255.255.255.255", true],
    // globally reachable special blocks (AS112, AMT) stay reachable
    ["192.31.196.1", false], ["192.52.193.1", false],
    // IPv6: documentation 2001:db8::/32 and 3fff::/20, the IETF block 2001::/23, ULA, link-local, discard, SRv6
    ["2001:db7:ffff::1", false], ["2001:db8::", true], ["2001:db8:ffff:ffff::1", true], ["2001:db9::", false],
    ["3fff::1", true], ["3fff:fff::1", true], ["3ffe:ffff::1", false],
    ["2001::1", true], ["2001:1ff:ffff::1", true], ["2001:200::1", false],
    ["fbff::1", false], ["fc00::", true], ["fdff:ffff::1", true], ["fe80::1%eth0", true], ["febf::1", true], ["fec0::1", true],
    ["100::1", true], ["5f00::1", true],
    ["2001:4:112::1", false], ["2606:4700::1111", false],
    // forms that carry an IPv4 address are judged by it
    ["::ffff:198.51.100.1", true], ["::ffff:198.51.101.1", false], ["::ffff:0:7f00:1", true], ["::ffff:0:808:808", false],
    ["64:ff9b::7f00:1", true], ["64:ff9b::808:808", false], ["64:ff9b:1::808:808", true],
    ["2002:c633:6401::", true], ["2002:c633:6501::", false],
    ["::7f00:1", true], ["::808:808", true],
    // not plain literals
    ["127.1", true], ["0x7f.0.0.1", true], ["2130706433", true], ["", true], ["example.com", true],
  ];
  for (const [address, forbidden] of cases)
    it(`${address || "(empty)"} is ${forbidden ? "refused" : "allowed"}`, () => expect(isForbiddenAddress(address)).toBe(forbidden));
});
