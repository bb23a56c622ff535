import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VideoProvider } from "../../graph/ports.js";
import { probe } from "../../tools/ffmpeg/probe.js";
import { createReplicateVideoProvider, type ReplicateVideoProviderOptions } from "../../tools/replicate/provider.js";
import { startHttpTarget, type HttpTarget } from "../fakes/http-target.js";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.js";
import { dropQueuedScripts, FakeReplicateServer, renderTinyMp4, type RecordedRequest } from "../../devkit/fakes/replicate-server.js";
import { startFaultApi, type FaultApi } from "./api.js";

/**
 * Provider faults end to end: the real server, graph and Replicate provider against the fake
 * Replicate (and a fake model API) over HTTP on 127.0.0.1. Only the provider's timings are
 * shortened (polls every 40 ms, 1.5 s per call) so a streak of faults takes seconds.
 */

const TOKEN = "r8_faults";
const MODEL = "acme/video";
const CREATE = `/v1/models/${MODEL}/predictions`;
const GET_ONE = /^\/v1\/predictions\/[a-f0-9]+$/;
const brief = (prompt: string) => ({ pipeline: "ad", prompt, duration_s: 15, brand: { name: "Nimbus", cta: { text: "Stay dry" } } });

let fake: FakeReplicateServer;
let api: FaultApi;
let provider: VideoProvider;
const useProvider = (o: Partial<ReplicateVideoProviderOptions> = {}) => {
  provider = createReplicateVideoProvider({ token: TOKEN, model: MODEL, baseUrl: fake.baseUrl, pollIntervalMs: 40, maxPollIntervalMs: 200, callTimeoutMs: 1500, clipTimeoutMs: 20_000, ...o });
};

beforeAll(async () => {
  const tmp = mkdtempSync(join(tmpdir(), "rg-faults-"));
  await renderTinyMp4(join(tmp, "tiny.mp4"));
  fake = await FakeReplicateServer.start({ video: readFileSync(join(tmp, "tiny.mp4")), token: TOKEN });
  rmSync(tmp, { recursive: true, force: true });
  useProvider();
  api = await startFaultApi({ env: { REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: fake.baseUrl, REELGRAPH_VIDEO_MODEL: MODEL, REELGRAPH_CLIP_ATTEMPTS: "2" }, overrides: { videoFor: () => provider } });
});

afterAll(async () => {
  await api?.close();
  await fake?.close();
});

/** Predictions (paid) made with each clip's input since `from` requests. */
function predictionsByInput(since: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of fake.creates().filter((c) => c.at >= since)) {
    const key = JSON.stringify((r.body as { input: unknown }).input);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const paid = (since: number) => [...fake.predictions.values()].filter((p) => Date.parse(p.createdAt) >= since);

describe("Replicate faults through the whole graph", () => {
  it("rides out 5xx, an answered-but-lost create, 429 with Retry-After, a dropped connection, a slow call and a 404 output", async () => {
    const since = Date.now();
    fake.fail({ method: "POST", path: CREATE, status: 503, times: 2 });
    fake.fail({ method: "POST", path: CREATE, status: 502, afterEffect: true, times: 1 });
    fake.fail({ method: "GET", path: GET_ONE, status: 429, headers: { "retry-after": "1" }, times: 1 });
    fake.fail({ method: "GET", path: GET_ONE, destroy: true, times: 1 });
    fake.fail({ method: "GET", path: GET_ONE, delayMs: 2500, times: 1 });
    fake.fail({ method: "GET", path: /^\/files\//, status: 500, times: 1 });
    fake.fail({ method: "GET", path: /^\/files\//, status: 404, times: 1 });
    const r = await api.req("POST", "/api/v1/generations", brief("15 second ad for Nimbus umbrellas, witty, for commuters"));
    expect(r.status).toBe(202);
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 60_000);
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    const info = await probe(g.composition.video.path);
    expect(Math.abs(info.duration_s - g.composition.timeline.duration_s)).toBeLessThanOrEqual(1 / g.composition.timeline.fps + 1e-6);

    // Retry-After honoured: the next poll of the rate-limited prediction came at least 1 s later.
    const gets = fake.requests.filter((q) => q.method === "GET" && GET_ONE.test(q.path) && q.at >= since);
    const limited = gets[0]!;
    const nextSame = gets.find((q) => q.path === limited.path && q.at > limited.at) as RecordedRequest;
    expect(nextSame.at - limited.at).toBeGreaterThanOrEqual(950);

    // Pay once: the lost-answer create was found again by recovery, not paid twice; the one
    // clip whose output 404'd needed (and got) exactly one new prediction.
    const clips = g.clips.length;
    const counts = [...predictionsByInput(since).values()];
    expect(counts.length).toBe(clips);
    const made = paid(since);
    const byInput = new Map<string, number>();
    for (const p of made) byInput.set(JSON.stringify(p.input), (byInput.get(JSON.stringify(p.input)) ?? 0) + 1);
    expect([...byInput.values()].sort()).toEqual([...Array(clips - 1).fill(1), 2].sort());
    expect(fake.count("GET", "/v1/predictions")).toBeGreaterThanOrEqual(1); // the recovery listing
    const events = (await api.server.app.stores.events.after(g.id, 0));
    expect(events.filter((e) => e.type === "clip_retry").map((e) => String(e.data.error))).toEqual([expect.stringMatching(/could not be downloaded.*404/)]);
  });

  it("ends the run failed, naming the scene and Replicate's message, when every prediction fails", async () => {
    const since = Date.now();
    for (let i = 0; i < 20; i++) fake.scriptNext({ statuses: ["processing", "failed"], error: "CUDA out of memory while sampling frame 41" });
    const r = await api.req("POST", "/api/v1/generations", brief("15 second ad for Nimbus umbrellas, moody, rainy city"));
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 60_000);
    expect(g.status).toBe("failed");
    expect(g.error).toMatchObject({ stage: "generate", code: "clip_failed", provider: `replicate:${MODEL}`, scene_id: expect.stringMatching(/^scene_\d+$/) });
    expect(g.error.message).toContain(`the clip for ${g.error.scene_id} could not be made with replicate:${MODEL}`);
    expect(g.error.message).toContain("Replicate said: CUDA out of memory while sampling frame 41");
    expect(g.composition).toBeNull();
    // Each attempt needed a new prediction (a failed one never succeeds), and no more than the attempts allowed.
    expect([...predictionsByInput(since).values()].every((n) => n === 2)).toBe(true);
    const failed = (await api.server.app.stores.events.after(g.id, 0)).filter((e) => e.type === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data.message).toBe(g.error.message);
    dropQueuedScripts(fake);
  });

  it("gives up at the clip deadline, cancels the prediction it paid for, and says so", async () => {
    useProvider({ clipTimeoutMs: 1200 });
    try {
      const since = Date.now();
      for (let i = 0; i < 20; i++) fake.scriptNext({ statuses: ["processing"] });
      const r = await api.req("POST", "/api/v1/generations", brief("15 second ad for Nimbus umbrellas, slow and calm"));
      const started = Date.now();
      const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 30_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(g.status).toBe("failed");
      expect(g.error.message).toMatch(/could not be made with replicate:acme\/video: clip deadline of 1200 ms passed before the prediction finished/);
      const created = paid(since);
      expect(created.length).toBeGreaterThan(0);
      expect(created.every((p) => p.cancelled)).toBe(true);
    } finally {
      dropQueuedScripts(fake);
      useProvider();
    }
  });
});

describe("model API faults", () => {
  let llm: FakeOpenAI;
  let withModel: FaultApi;
  beforeAll(async () => {
    // The first three calls fail with 500 (one call and the SDK's two retries), then every answer is garbage.
    llm = await startFakeOpenAI((_req, i) => (i < 3 ? { status: 500, message: "upstream overloaded" } : { content: i % 2 ? "Sure! Here is your plan: scenes, lots of scenes." : '{"unexpected": true' }));
    withModel = await startFaultApi({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: llm.baseURL } });
  });
  afterAll(async () => {
    await withModel?.close();
    await llm?.close();
  });

  it("completes on the offline fallback and says so in the generation's warnings", async () => {
    const r = await withModel.req("POST", "/api/v1/generations", brief("15 second ad for Nimbus umbrellas, witty, for commuters"));
    const g = await withModel.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 60_000);
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    expect(existsSync(g.composition.video.path)).toBe(true);
    for (const task of ["analyze", "plan", "stylize"]) expect(g.warnings.some((w: string) => w.startsWith(`${task}: `) && w.includes("the offline provider did this step")), task).toBe(true);
    expect(g.warnings.find((w: string) => w.startsWith("analyze: "))).toMatch(/upstream overloaded|500/);
    expect(llm.chatRequests().length).toBeGreaterThanOrEqual(7);
  });

  it("falls back at the call deadline when the model API never answers", async () => {
    const silent: HttpTarget = await startHttpTarget("127.0.0.1", () => undefined);
    const hung = await startFaultApi({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${silent.origin}/v1`, REELGRAPH_LLM_TIMEOUT_MS: "400" } });
    try {
      const started = Date.now();
      const r = await hung.req("POST", "/api/v1/generations", brief("15 second ad for Nimbus umbrellas, calm"));
      const g = await hung.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 60_000);
      expect(g.status).toBe("completed");
      expect(g.warnings.filter((w: string) => w.includes("the offline provider did this step"))).toHaveLength(3);
      expect(silent.requests.length).toBeGreaterThanOrEqual(3);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await hung.close();
      await silent.close();
    }
  });
});
