import { createServer, Socket as NetSocket, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReelgraphClient, ReelgraphApiError, ReelgraphStreamError, ReelgraphTimeoutError, type GenerationEvent, type GenerationRequest } from "../../client/index.js";
import { startApi, type ApiHarness } from "../server/harness.js";

/** The typed client against a real server on 127.0.0.1 (offline brain, local animatic). */

const brief: GenerationRequest = { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas, calm", duration_s: 15, aspect_ratio: "16:9", options: { llm: "offline", video_model: "local" } };

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { REELGRAPH_RATE_LIMIT_WRITES_PER_S: "0", REELGRAPH_RATE_LIMIT_READS_PER_S: "0" } });
});
afterAll(() => api.close(0));

/**
 * A TCP proxy in front of the server that cuts every event stream after it has passed `cutAfter`
 * events (a flaky network or a proxy's idle timeout), counting the connections it carried.
 */
async function cuttingProxy(target: string, cutAfter: number): Promise<{ url: string; streams: number; close(): Promise<void> }> {
  const t = new URL(target);
  const sockets = new Set<Socket>();
  const state = { streams: 0 };
  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = new NetSocket();
    sockets.add(upstream);
    let isStream = false;
    let events = 0;
    client.on("data", (d: Buffer) => {
      if (!isStream && /^GET [^ ]*\/events /.test(d.toString("latin1"))) {
        isStream = true;
        state.streams++;
      }
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      client.write(d);
      if (!isStream) return;
      events += (d.toString("utf8").match(/^id: /gm) ?? []).length;
      if (events >= cutAfter) {
        client.destroy();
        upstream.destroy();
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    upstream.connect(Number(t.port), t.hostname);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get streams() {
      return state.streams;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("the typed client", () => {
  it("starts a generation and waits for it, seeing its events in order", async () => {
    const client = createReelgraphClient({ baseUrl: api.url });
    const accepted = await client.createGeneration(brief);
    expect(accepted.links.events).toBe(`/api/v1/generations/${accepted.id}/events`);
    const events: GenerationEvent[] = [];
    const g = await client.waitForGeneration(accepted.id, { timeoutMs: 60_000, onEvent: (e) => events.push(e) });
    expect(g.status).toBe("completed");
    expect(g.composition?.video.duration_s).toBeCloseTo(15, 0);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.map((e) => e.type)).toContain("stage");
    expect(events.at(-1)?.type).toBe("completed");
    expect(events.every((e) => e.data.type === e.type && typeof e.data.at === "string")).toBe(true);
    // an ended generation: waitForGeneration answers at once
    expect((await client.waitForGeneration(accepted.id, { timeoutMs: 5_000 })).status).toBe("completed");
  });

  it("follows a stream that keeps being cut, reconnecting with Last-Event-ID: every event once, none missing", async () => {
    const proxy = await cuttingProxy(api.url, 2);
    try {
      const viaProxy = createReelgraphClient({ baseUrl: proxy.url });
      const { id } = await viaProxy.createGeneration(brief);
      const seen: GenerationEvent[] = [];
      for await (const e of viaProxy.followEvents(id, { reconnectDelayMs: 50, maxReconnects: 100 })) seen.push(e);
      expect(proxy.streams).toBeGreaterThan(2);
      const direct: GenerationEvent[] = [];
      for await (const e of createReelgraphClient({ baseUrl: api.url }).followEvents(id)) direct.push(e);
      expect(seen.map((e) => e.id)).toEqual(direct.map((e) => e.id));
      expect(seen.map((e) => e.type)).toEqual(direct.map((e) => e.type));
      expect(seen.at(-1)?.type).toBe("completed");
    } finally {
      await proxy.close();
    }
  });

  it("resumes after a given event id", async () => {
    const client = createReelgraphClient({ baseUrl: api.url });
    const { id } = await client.createGeneration(brief);
    const all: GenerationEvent[] = [];
    for await (const e of client.followEvents(id)) all.push(e);
    const from = all[2]!.id;
    const rest: GenerationEvent[] = [];
    for await (const e of client.followEvents(id, { lastEventId: from })) rest.push(e);
    expect(rest.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
  });

  it("gives up on a stream that cannot be opened, naming the attempts", async () => {
    const dead = createReelgraphClient({ baseUrl: "http://127.0.0.1:9" });
    const err = await (async () => {
      for await (const _ of dead.followEvents("gen_x", { reconnectDelayMs: 10, maxReconnects: 2 })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelgraphStreamError);
    expect((err as ReelgraphStreamError).attempts).toBe(3);
  });

  it("turns problem documents into ReelgraphApiError (400 naming the field, 404 on the stream)", async () => {
    const client = createReelgraphClient({ baseUrl: api.url });
    const bad = await client.createGeneration({ ...brief, duration_s: 5 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ReelgraphApiError);
    expect((bad as ReelgraphApiError).status).toBe(400);
    expect((bad as ReelgraphApiError).problem?.errors?.[0]?.path).toBe("body.duration_s");
    const missing = await (async () => {
      for await (const _ of client.followEvents("gen_missing")) void _;
    })().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ReelgraphApiError);
    expect((missing as ReelgraphApiError).status).toBe(404);
  });

  it("sends an Idempotency-Key (the retry returns the first generation)", async () => {
    const client = createReelgraphClient({ baseUrl: api.url });
    const a = await client.createGeneration(brief, { idempotencyKey: "client-test-1" });
    const b = await client.createGeneration(brief, { idempotencyKey: "client-test-1" });
    expect(b.id).toBe(a.id);
    await client.waitForGeneration(a.id, { timeoutMs: 60_000 });
  });

  it("times out with ReelgraphTimeoutError naming the last status", async () => {
    const client = createReelgraphClient({ baseUrl: api.url });
    const { id } = await client.createGeneration(brief);
    const err = await client.waitForGeneration(id, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelgraphTimeoutError);
    expect(["queued", "running"]).toContain((err as ReelgraphTimeoutError).lastStatus);
    await client.waitForGeneration(id, { timeoutMs: 60_000 });
  });
});

describe("with an API key", () => {
  let keyed: ApiHarness;
  beforeAll(async () => {
    keyed = await startApi({ env: { REELGRAPH_API_KEY: "k-client" } });
  });
  afterAll(() => keyed.close(0));

  it("sends it on calls and on the event stream; without it: 401", async () => {
    const without = await createReelgraphClient({ baseUrl: keyed.url }).listGenerations().catch((e: unknown) => e);
    expect((without as ReelgraphApiError).status).toBe(401);
    const client = createReelgraphClient({ baseUrl: keyed.url, apiKey: "k-client" });
    const { id } = await client.createGeneration(brief);
    const events: string[] = [];
    const g = await client.waitForGeneration(id, { timeoutMs: 60_000, onEvent: (e) => events.push(e.type) });
    expect(g.status).toBe("completed");
    expect(events).toContain("completed");
    expect((await client.listGenerations({ limit: 5 })).items.map((x) => x.id)).toContain(id);
  });
});
