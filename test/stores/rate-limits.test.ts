import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
import { startServer } from "../../server/main.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { testConfig } from "../helpers/env.js";

const db = await createTestDatabase();
afterAll(() => db?.drop());
const suite = db ? describe : describe.skip;

suite("rate limits shared by every API process (Postgres)", () => {
  it("gives a client one bucket across two stores: concurrent takes are counted once each", async () => {
    const url = await db!.freshSchema();
    const a = openPostgresStores(url);
    const b = openPostgresStores(url);
    try {
      const now = Date.now();
      // A bucket of 5 tokens (window 5 s, one token a second).
      const takes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).rateLimits.take("ip:1.2.3.4", now, 1000, 5000)));
      expect(takes.filter((t) => t.allowed)).toHaveLength(5);
      const refused = takes.find((t) => !t.allowed)!;
      expect(refused.fullAtMs).toBeGreaterThan(now);
      // One second later one more token has been earned, on either process.
      expect((await a.rateLimits.take("ip:1.2.3.4", now + 1000, 1000, 5000)).allowed).toBe(true);
      expect((await b.rateLimits.take("ip:1.2.3.4", now + 1000, 1000, 5000)).allowed).toBe(false);
      // Another client has a bucket of its own.
      expect((await b.rateLimits.take("ip:5.6.7.8", now, 1000, 5000)).allowed).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("refuses the client on API process B once it spent its writes on API process A", async () => {
    const url = await db!.freshSchema();
    const env = { DATABASE_URL: url, REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0.5", REELGRAPH_RATE_LIMIT_BURST_S: "6" };
    const ta = testConfig(env);
    const tb = testConfig(env);
    const a = await startServer({ config: ta.config, port: 0, role: "all" });
    const b = await startServer({ config: tb.config, port: 0, role: "all" });
    try {
      const post = (base: string) => fetch(`${base}/api/v1/generations`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(a.url)).status);
      for (let i = 0; i < 3; i++) statuses.push((await post(b.url)).status);
      // Bad bodies still count as writes: a burst of 3 (0.5/s × 6 s), then 429 on either process.
      expect(statuses).toEqual([400, 400, 400, 429, 429, 429]);
    } finally {
      await a.close();
      await b.close();
      ta.cleanup();
      tb.cleanup();
    }
  });
});
