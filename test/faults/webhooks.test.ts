import express from "express";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { problemHandler, refusePollution } from "../../server/errors.js";
import { apiKeyAuth } from "../../server/middleware.js";
import { PREDICTION_EVENT, webhooksRouter } from "../../server/routes/webhooks.js";
import { replicateWebhookUrl, REPLICATE_WEBHOOK_PATH } from "../../tools/replicate/webhook.js";
import { createReplicateVideoProvider } from "../../tools/replicate/provider.js";
import { signReplicateWebhook } from "../../tools/replicate/webhook.js";
import { openSqliteStores, type SqliteStores } from "../../tools/store/sqlite/index.js";
import { FakeReplicateServer } from "../../devkit/fakes/replicate-server.js";
import { silentLog } from "../helpers/env.js";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
let dir: string;
let store: SqliteStores;
let generationId: string;
const servers: Server[] = [];

/** An app mounted the way the webhook route asks: before the JSON parser and the API key. */
async function serve(secret: string | undefined): Promise<string> {
  const app = express();
  app.use(webhooksRouter({ stores: store, secret, log: silentLog }));
  app.use(express.json({ limit: "256kb", reviver: refusePollution }));
  app.use("/api/v1", apiKeyAuth("frontend-key"));
  app.use((_req, res) => res.status(404).end());
  app.use(problemHandler(silentLog));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function signed(body: string, opts: { id?: string; ts?: number; secret?: string } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${randomBytes(8).toString("hex")}`;
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signReplicateWebhook(opts.secret ?? SECRET, id, ts, body) };
}

const prediction = (id: string, status = "succeeded", extra: Record<string, unknown> = {}) => JSON.stringify({ id, status, model: "acme/video", output: "https://replicate.delivery/x.mp4", logs: "", ...extra });
const events = async () => (await store.events.after(generationId, 0)).filter((e) => e.type === PREDICTION_EVENT);
const post = (base: string, body: string | Buffer, headers: Record<string, string>) => fetch(base + REPLICATE_WEBHOOK_PATH, { method: "POST", headers, body });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rg-webhook-"));
  store = openSqliteStores(join(dir, "reelgraph.db"));
  const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15 });
  generationId = "gen_webhooktest";
  await store.generations.create({ id: generationId, request });
  await store.clips.upsert(generationId, { id: "clip_a", scene_id: "scene_2", status: "running", provider: "replicate:acme/video", prompt: "rain", path: null, duration_s: null, attempts: 1, error: null, prediction_id: "pred_a", checksum: null });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/v1/webhooks/replicate", () => {
  it("is closed (503) when no signing secret is configured", async () => {
    const base = await serve(undefined);
    const body = prediction("pred_a");
    const r = await post(base, body, signed(body));
    expect(r.status).toBe(503);
    expect(((await r.json()) as { detail: string }).detail).toContain("REPLICATE_WEBHOOK_SECRET");
    expect(await events()).toEqual([]);
  });

  it("refuses (401) a missing, wrong, stale or replayed-onto-another-body signature, recording nothing", async () => {
    const base = await serve(SECRET);
    const body = prediction("pred_a");
    const good = signed(body);
    const cases: [string, string, Record<string, string>][] = [
      ["no headers", body, { "content-type": "application/json" }],
      ["other secret", body, signed(body, { secret: `whsec_${randomBytes(24).toString("base64")}` })],
      ["stale", body, signed(body, { ts: Math.floor(Date.now() / 1000) - 3600 })],
      ["future", body, signed(body, { ts: Math.floor(Date.now() / 1000) + 3600 })],
      ["tampered body", prediction("pred_a", "failed"), good],
      ["other id", body, { ...good, "webhook-id": "msg_other" }],
      ["garbage signature", body, { ...good, "webhook-signature": "v1,AAAA v2,zzz" }],
    ];
    for (const [name, b, h] of cases) expect((await post(base, b, h)).status, name).toBe(401);
    expect(await events()).toEqual([]);
  });

  it("records a verified prediction once for the clip that holds it, and only once per webhook-id, across restarts", async () => {
    const base = await serve(SECRET);
    const body = prediction("pred_a", "failed", { error: "NSFW content detected" });
    const headers = signed(body, { id: "msg_once" });
    const first = await post(base, body, headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false, clip_id: "clip_a" });
    const again = await post(base, body, headers);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // A new process (fresh memory) still sees the redelivery in the store.
    const restarted = await serve(SECRET);
    expect(await (await post(restarted, body, headers)).json()).toMatchObject({ duplicate: true, clip_id: "clip_a" });
    expect((await events()).map((e) => e.data)).toEqual([
      { source: "webhook", webhook_id: "msg_once", clip_id: "clip_a", scene_id: "scene_2", prediction_id: "pred_a", status: "failed", error: "NSFW content detected" },
    ]);
    // The webhook records; it does not decide the clip (polling does).
    expect((await store.clips.get("clip_a"))!.status).toBe("running");
  });

  it("acknowledges a prediction no clip holds, refuses a signed non-prediction, and limits the body", async () => {
    const base = await serve(SECRET);
    const unknown = prediction("pred_nobody");
    expect(await (await post(base, unknown, signed(unknown))).json()).toEqual({ received: true, duplicate: false, clip_id: null });
    const notPrediction = JSON.stringify({ hello: "world" });
    expect((await post(base, notPrediction, signed(notPrediction))).status).toBe(400);
    const huge = prediction("pred_a", "succeeded", { logs: "x".repeat(2 * 1024 * 1024) });
    expect((await post(base, huge, signed(huge))).status).toBe(413);
    const polluted = '{"id":"pred_a","status":"succeeded","__proto__":{"admin":true}}';
    const r = await post(base, polluted, signed(polluted));
    expect(r.status).toBe(200);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await events()).length).toBe(2);
  });

  it("needs no API key (the signature is its authentication) while the rest of /api/v1 still does", async () => {
    const base = await serve(SECRET);
    expect((await fetch(`${base}/api/v1/generations`)).status).toBe(401);
    const body = prediction("pred_a", "succeeded");
    expect((await post(base, body, signed(body))).status).toBe(200);
  });
});

describe("the provider asks Replicate for the webhook", () => {
  it("sends our public webhook URL with the completed filter on every create", async () => {
    const fake = await FakeReplicateServer.start({ video: Buffer.from("x"), token: "r8_t" });
    try {
      const url = replicateWebhookUrl("https://reelgraph.example.com/base/");
      expect(url).toBe("https://reelgraph.example.com/base/api/v1/webhooks/replicate");
      const provider = createReplicateVideoProvider({ token: "r8_t", model: "acme/video", baseUrl: fake.baseUrl, webhookUrl: url, pollIntervalMs: 10 });
      fake.scriptNext({ statuses: ["failed"], error: "boom" });
      const job = { generationId, clipId: "clip_b", sceneId: "scene_1", prompt: "rain", duration_s: 2, width: 320, height: 180, fps: 24, palette: [], text: "", motion: "static", outPath: join(dir, "b.mp4") };
      await expect(provider.generate(job, { predictionId: null, onPrediction: () => undefined })).rejects.toThrow(/boom/);
      expect(fake.creates()[0]!.body).toMatchObject({ webhook: url, webhook_events_filter: ["completed"] });
    } finally {
      await fake.close();
    }
  });
});
