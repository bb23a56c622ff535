import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/postgres.js";
import { readSse, startApi, type ApiHarness } from "./harness.js";

/**
 * Two API processes on one Postgres (DATABASE_URL) and one media folder, as behind a load
 * balancer: a request may land on either, and each serves what the other wrote.
 */
const db = await createTestDatabase();
afterAll(() => db?.drop());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const brief = { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas, calm, for commuters", duration_s: 15 };

describe.skipIf(!db)("two API processes on one Postgres", () => {
  it("a retried POST on the other process returns the first generation; either streams its events once, with Last-Event-ID", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rg-pg-api-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATABASE_URL: db!.url };
    const servers: ApiHarness[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startApi({ env, dataDir });
      cleanups.push(() => s.close(0));
      servers.push(s);
    }
    const [a, b] = servers as [ApiHarness, ApiHarness];
    const key = { "Idempotency-Key": "retry-me-1" };
    const first = await a.req("POST", "/api/v1/generations", brief, key);
    expect(first.status).toBe(202);
    const retried = await b.req("POST", "/api/v1/generations", brief, key);
    expect([202, 200]).toContain(retried.status);
    expect(retried.json.id).toBe(first.json.id);
    const id: string = first.json.id;

    const live = await readSse(`${b.url}/api/v1/generations/${id}/events`, { until: (e) => e.event === "completed" || e.event === "failed", timeoutMs: 90_000 });
    expect(live.at(-1)!.event).toBe("completed");
    const ids = live.map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((x, i) => i === 0 || x > ids[i - 1]!)).toBe(true);
    expect(live.map((e) => e.event)).toContain("stage");

    const middle = live[Math.floor(live.length / 2)]!;
    const resumed = await readSse(`${a.url}/api/v1/generations/${id}/events`, { lastEventId: middle.id, until: (e) => e.event === "completed", timeoutMs: 30_000 });
    expect(resumed.map((e) => e.id)).toEqual(live.filter((e) => Number(e.id) > Number(middle.id)).map((e) => e.id));

    const g = (await b.req("GET", `/api/v1/generations/${id}`)).json;
    expect(g.status).toBe("completed");
    expect(g.clips.length).toBeGreaterThanOrEqual(3);
    const video = await fetch(b.url + g.composition.video.url);
    expect(video.status).toBe(200);
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await a.req("GET", `/api/v1/generations?limit=10`)).json.items.map((x: { id: string }) => x.id)).toContain(id);
  });
});
