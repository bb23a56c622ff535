import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, startApi, type ApiHarness } from "./harness.js";

const brief = {
  pipeline: "ad",
  prompt: "15 second ad for Fizzy Lime sparkling water, upbeat, for runners",
  duration_s: 15,
  brand: { name: "Fizzy Lime", colors: ["#22C55E", "#0F172A"], cta: { text: "Grab a can", duration_s: 3 } },
};

let api: ApiHarness;
let done: any;
beforeAll(async () => {
  api = await startApi();
  const r = await api.req("POST", "/api/v1/generations", brief);
  done = await api.waitFor(r.json.id, (g) => ["completed", "failed"].includes(g.status));
});
afterAll(() => api.close());

describe("POST /api/v1/generations", () => {
  it("answers 202 with the id, status and links, and the run completes", async () => {
    const r = await api.req("POST", "/api/v1/generations", brief);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ id: expect.stringMatching(/^gen_/), status: "queued", links: { self: `/api/v1/generations/${r.json.id}` } });
    expect(done.status).toBe("completed");
    expect(done.progress).toMatchObject({ percent: 100 });
    expect(done.composition.timeline.duration_s).toBe(15);
    expect(done.clips.every((c: any) => c.status === "succeeded" && c.url)).toBe(true);
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses the key with another body", async () => {
    const key = { "Idempotency-Key": "order-42" };
    const a = await api.req("POST", "/api/v1/generations", brief, key);
    const b = await api.req("POST", "/api/v1/generations", brief, key);
    expect(b.status).toBe(202);
    expect(b.json.id).toBe(a.json.id);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    const c = await api.req("POST", "/api/v1/generations", { ...brief, prompt: "something else entirely" }, key);
    expect(c.status).toBe(409);
    expect(c.headers.get("content-type")).toContain("application/problem+json");
  });

  it("names the field path of every validation error as problem details", async () => {
    const r = await api.req("POST", "/api/v1/generations", { ...brief, duration_s: 90, brand: { colors: ["blue"] } });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.json).toMatchObject({ status: 400, title: "Invalid request" });
    const paths = r.json.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.duration_s", "body.brand.colors.0"]));
  });

  it("turns malformed JSON into 400, an oversized body into 413, an unknown id into 404", async () => {
    expect((await api.req("POST", "/api/v1/generations", '{"pipeline": "ad",', { "Content-Type": "application/json" })).status).toBe(400);
    const big = { ...brief, prompt: "x".repeat(300_000) };
    expect((await api.req("POST", "/api/v1/generations", big)).status).toBe(413);
    const missing = await api.req("GET", "/api/v1/generations/gen_doesnotexist");
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toContain("gen_doesnotexist");
    expect((await api.req("GET", "/api/v1/generations/not-an-id")).status).toBe(400);
  });

  it("lists generations by status, paged", async () => {
    const all = await api.req("GET", "/api/v1/generations?limit=1");
    expect(all.status).toBe(200);
    expect(all.json.items).toHaveLength(1);
    expect(all.json.next_cursor).toBeTruthy();
    const completed = await api.req("GET", "/api/v1/generations?status=completed");
    expect(completed.json.items.map((g: any) => g.id)).toContain(done.id);
    expect((await api.req("GET", "/api/v1/generations?status=nope")).status).toBe(400);
  });

  it("cancels a queued or running generation and refuses to cancel a finished one", async () => {
    const r = await api.req("POST", "/api/v1/generations", { ...brief, prompt: "another ad for Fizzy Lime, calm" });
    const c = await api.req("POST", `/api/v1/generations/${r.json.id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.json.status).toBe("cancelled");
    expect((await api.req("POST", `/api/v1/generations/${done.id}/cancel`)).status).toBe(409);
  });

  it("serves the video and each clip with HTTP Range support", async () => {
    const url = api.url + done.composition.video.url;
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    const size = Number(full.headers.get("content-length"));
    expect(size).toBeGreaterThan(1000);
    const part = await fetch(url, { headers: { Range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect(part.headers.get("content-range")).toBe(`bytes 0-99/${size}`);
    const clip = await fetch(api.url + done.clips[0].url, { headers: { Range: "bytes=10-" } });
    expect(clip.status).toBe(206);
  });
});

describe("GET /api/v1/generations/{id}/events", () => {
  it("streams progress with ids, and a reconnect with Last-Event-ID gets only what it missed", async () => {
    const url = `${api.url}/api/v1/generations/${done.id}/events`;
    const all = await readSse(url, { until: (e) => e.event === "completed" });
    const types = all.map((e) => e.event);
    expect(types).toEqual(expect.arrayContaining(["queued", "stage", "clip_started", "clip_done", "composition_ready", "completed"]));
    const ids = all.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const clipDone = all.filter((e) => e.event === "clip_done").at(-1)!;
    expect(clipDone.data).toMatchObject({ clips_done: done.progress.clips_total, clips_total: done.progress.clips_total });
    const cut = all[4]!;
    const rest = await readSse(url, { lastEventId: cut.id, until: (e) => e.event === "completed" });
    expect(rest.map((e) => e.id)).toEqual(all.slice(5).map((e) => e.id));
  });
});

describe("docs", () => {
  it("serves an OpenAPI 3.1 document generated from the schemas, and the docs page", async () => {
    const doc = await api.req("GET", "/openapi.json");
    expect(doc.json.openapi).toBe("3.1.0");
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(["/api/v1/generations", "/api/v1/generations/{id}", "/api/v1/generations/{id}/events", "/api/v1/compositions/{id}/edit", "/internal/v1/process-clips"]));
    expect(doc.json.components.schemas.GenerationRequest.properties.pipeline.enum).toEqual(["ad", "music_video"]);
    const page = await api.req("GET", "/docs");
    expect(page.text).toContain("/openapi.json");
  });
});
