import type { AddressInfo } from "node:net";
import express from "express";
import { MemoryStore, type Store } from "express-rate-limit";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, loadConfiguration } from "../../graph/configuration.js";
import { problemHandler } from "../../server/errors.js";
import { rateLimiters } from "../../server/rate-limit.js";
import { silentLog } from "../helpers/env.js";
import { startApi, type ApiHarness } from "./harness.js";

/**
 * Rate limits from the REELGRAPH_RATE_LIMIT_* settings over real HTTP: who shares a bucket
 * (peer address, X-Forwarded-For only behind a trusted proxy, the API key when there is one),
 * 0 turning a limit off, and a store given from outside.
 */

const bad = { pipeline: "nope" };
let api: ApiHarness | null = null;
afterEach(async () => {
  await api?.close(0);
  api = null;
});

const posts = async (h: ApiHarness, n: number, headers: Record<string, string>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await h.req("POST", "/api/v1/generations", bad, headers)).status);
  return out;
};

describe("rate limit keys", () => {
  const tight = { REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0.5", REELGRAPH_RATE_LIMIT_BURST_S: "4" }; // burst 2, then one per 2 s

  it("ignores X-Forwarded-For without REELGRAPH_TRUST_PROXY: every forwarded address shares the peer's bucket", async () => {
    api = await startApi({ env: tight });
    expect(await posts(api, 3, { "X-Forwarded-For": "198.51.100.1" })).toEqual([400, 400, 429]);
    expect(await posts(api, 1, { "X-Forwarded-For": "198.51.100.2" })).toEqual([429]);
  });

  it("behind a trusted proxy, keys by the forwarded client address", async () => {
    api = await startApi({ env: { ...tight, REELGRAPH_TRUST_PROXY: "loopback" } });
    expect(await posts(api, 3, { "X-Forwarded-For": "198.51.100.1" })).toEqual([400, 400, 429]);
    expect(await posts(api, 2, { "X-Forwarded-For": "198.51.100.2" })).toEqual([400, 400]);
    // a client that puts its own X-Forwarded-For in front gets the proxy's view (the right-most untrusted address)
    expect(await posts(api, 1, { "X-Forwarded-For": "10.9.9.9, 198.51.100.1" })).toEqual([429]);
    const limited = await api.req("POST", "/api/v1/generations", bad, { "X-Forwarded-For": "198.51.100.2" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.json.detail).toMatch(/writes a second/);
  });

  it("keys by the API key when the server has one: one bucket for the key wherever it comes from", async () => {
    api = await startApi({ env: { ...tight, REELGRAPH_TRUST_PROXY: "1", REELGRAPH_API_KEY: "k-123" } });
    expect(await posts(api, 2, { "X-API-Key": "k-123", "X-Forwarded-For": "198.51.100.1" })).toEqual([400, 400]);
    expect(await posts(api, 1, { Authorization: "Bearer k-123", "X-Forwarded-For": "198.51.100.2" })).toEqual([429]);
    // a wrong key is refused before the limiter and costs the key's bucket nothing
    expect(await posts(api, 1, { "X-API-Key": "wrong", "X-Forwarded-For": "198.51.100.3" })).toEqual([401]);
  });
});

describe("0 turns a limit off", () => {
  it("serves 300 reads and 40 writes at once with both limits at 0, and sends no RateLimit header", async () => {
    api = await startApi({ env: { REELGRAPH_RATE_LIMIT_READS_PER_S: "0", REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0" } });
    const reads = await Promise.all(Array.from({ length: 300 }, () => api!.req("GET", "/api/v1/generations?limit=1")));
    expect(new Set(reads.map((r) => r.status))).toEqual(new Set([200]));
    expect(reads[0]!.headers.get("ratelimit")).toBeNull();
    expect(new Set(await posts(api, 40, {}))).toEqual(new Set([400]));
  });

  it("limits reads alone when writes are off", async () => {
    api = await startApi({ env: { REELGRAPH_RATE_LIMIT_READS_PER_S: "1", REELGRAPH_RATE_LIMIT_BURST_S: "3", REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0" } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.req("GET", "/api/v1/generations")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(new Set(await posts(api, 10, {}))).toEqual(new Set([400]));
  });
});

describe("the store is injectable (express-rate-limit Store API)", () => {
  it("works with a fixed-window store and sends every hit to it, reads and writes apart", async () => {
    const seen: string[] = [];
    const stores = new Map<string, Store>();
    const factory = (name: "reads" | "writes") => {
      const inner = new MemoryStore();
      const store: Store = {
        init: (o) => inner.init(o),
        increment: (key) => {
          seen.push(`${name}:${key}`);
          return inner.increment(key);
        },
        decrement: (key) => inner.decrement(key),
        resetKey: (key) => inner.resetKey(key),
        shutdown: () => inner.shutdown(),
      };
      stores.set(name, store);
      return store;
    };
    const app = express();
    app.set("trust proxy", false);
    for (const l of rateLimiters({ policy: { readsPerSecond: 10, readBurst: 3, writesPerSecond: 1, writeBurst: 2 }, store: factory, logger: silentLog as never })) app.use(l);
    app.all("/x", (_req, res) => void res.json({ ok: true }));
    app.use(problemHandler(silentLog as never));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const get = async () => (await fetch(url)).status;
      const post = async () => (await fetch(url, { method: "POST" })).status;
      expect([await get(), await get(), await get(), await get()]).toEqual([200, 200, 200, 429]);
      expect([await post(), await post(), await post()]).toEqual([200, 200, 429]);
      expect(seen.filter((s) => s.startsWith("reads:"))).toHaveLength(4);
      expect(seen.filter((s) => s.startsWith("writes:"))).toHaveLength(3);
      expect(new Set(seen.map((s) => s.split(":").slice(1).join(":")))).toEqual(new Set(["ip:127.0.0.1"]));
    } finally {
      await new Promise((r) => server.close(r));
      for (const s of stores.values()) await s.shutdown?.();
    }
  });
});

describe("settings", () => {
  const load = (env: Record<string, string>) => loadConfiguration({ REELGRAPH_DATA_DIR: "/tmp/x", ...env });

  it("defaults: 2000 reads and 5 writes a second with 6 s bursts, no trusted proxy, 20,000-character prompts", () => {
    const c = load({});
    expect(c.server.rateLimit).toEqual({ readsPerSecond: 2000, readBurst: 12000, writesPerSecond: 5, writeBurst: 30 });
    expect(c.server.trustProxy).toBe(false);
    expect(c.maxPromptChars).toBe(20_000);
  });

  it("reads REELGRAPH_TRUST_PROXY as Express does (boolean, hop count, addresses and CIDRs) and refuses anything else", () => {
    expect(load({ REELGRAPH_TRUST_PROXY: "true" }).server.trustProxy).toBe(true);
    expect(load({ REELGRAPH_TRUST_PROXY: "false" }).server.trustProxy).toBe(false);
    expect(load({ REELGRAPH_TRUST_PROXY: "2" }).server.trustProxy).toBe(2);
    expect(load({ REELGRAPH_TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7" }).server.trustProxy).toEqual(["loopback", "10.0.0.0/8", "fd00::/8", "192.0.2.7"]);
    for (const v of ["yes", "10.0.0.0/33", "proxy.internal", "1.2.3"]) expect(() => load({ REELGRAPH_TRUST_PROXY: v }), v).toThrow(ConfigurationError);
    expect(() => load({ REELGRAPH_RATE_LIMIT_READS_PER_S: "-1" })).toThrow(/REELGRAPH_RATE_LIMIT_READS_PER_S/);
  });
});
