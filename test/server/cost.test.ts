import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeReplicateServer, renderTinyMp4, type ModelFixture } from "../../devkit/fakes/replicate-server.js";
import { readSse, startApi, type ApiHarness } from "./harness.js";

/**
 * Shots, cost and pictures through real HTTP, with the real Replicate provider (as
 * createReelgraph wires it) against the fake Replicate, which serves the recorded model
 * schemas and refuses inputs that break them.
 */

const TOKEN = "r8_cost_token";
const PRICED = "openai/sora-2-pro";
let fake: FakeReplicateServer;
let api: ApiHarness;
let tmp: string;

/** A model no catalog knows: its schema is all reelgraph learns about it. */
const DISCOVERED: ModelFixture = {
  owner: "acme",
  name: "dreamy-video",
  latest_version: {
    id: "d1scovered0000000000000000000000000000000000000000000000000000000",
    openapi_schema: {
      components: {
        schemas: {
          Input: {
            type: "object",
            required: ["prompt"],
            properties: {
              prompt: { type: "string", title: "Prompt", "x-order": 0 },
              duration: { allOf: [{ $ref: "#/components/schemas/duration" }], default: 3, "x-order": 1 },
              aspect_ratio: { allOf: [{ $ref: "#/components/schemas/aspect_ratio" }], default: "16:9", "x-order": 2 },
              seed: { type: "integer", title: "Seed", "x-order": 3 },
            },
          },
          duration: { type: "integer", enum: [3, 6], title: "duration", description: "Video length in seconds" },
          aspect_ratio: { type: "string", enum: ["16:9", "9:16"], title: "aspect_ratio" },
          Output: { type: "string", format: "uri" },
        },
      },
    },
  },
};

const brief = (options: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  pipeline: "ad",
  prompt: "15 second ad for Nimbus umbrellas, witty, for commuters",
  duration_s: 15,
  brand: { name: "Nimbus", cta: { text: "Stay dry" } },
  options,
  ...extra,
});

const shotsOf = (timeline: any) => timeline.scenes.flatMap((s: any) => s.shots.map((x: any) => ({ scene: s.id, ...x })));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "rg-cost-"));
  await renderTinyMp4(join(tmp, "tiny.mp4"));
  fake = await FakeReplicateServer.start({ video: readFileSync(join(tmp, "tiny.mp4")), token: TOKEN, models: { "acme/dreamy-video": DISCOVERED } });
  api = await startApi({ env: { REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: fake.baseUrl, REELGRAPH_CLIP_TIMEOUT_S: "60" } });
});

afterAll(async () => {
  await api?.close();
  await fake?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("cost", () => {
  it("a dry run returns the shots and their estimate per clip and in total, with the price basis and date, and pays nothing", async () => {
    const creates = fake.creates().length;
    const r = await api.req("POST", "/api/v1/generations", brief({ video_model: PRICED, dry_run: true }));
    expect(r.status).toBe(200);
    expect(r.json.dry_run).toBe(true);
    const e = r.json.estimate;
    expect(e).toMatchObject({ model: `replicate:${PRICED}`, currency: "USD", basis: "per_second" });
    expect(e.price_source.read_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(e.price_source.url).toMatch(/^https:\/\/replicate\.com\//);
    const shots = shotsOf(r.json.timeline);
    expect(e.per_clip.map((c: any) => c.clip_id)).toEqual(shots.map((s: any) => s.clip_id));
    // Sora makes 4, 8 or 12 s: each clip is priced at the length asked for, not the shot's use.
    for (const c of e.per_clip) {
      expect([4, 8, 12]).toContain(c.request_s);
      expect(c.usd).toBeCloseTo(0.3 * c.request_s, 6);
    }
    expect(e.estimate_usd).toBeCloseTo(e.per_clip.reduce((a: number, c: any) => a + c.usd, 0), 6);
    expect(fake.creates().length).toBe(creates);
    expect((await api.req("GET", "/api/v1/generations")).json.items).toHaveLength(0);

    const unknown = await api.req("POST", "/api/v1/generations", brief({ dry_run: true, max_cost_usd: 5 }));
    expect(unknown.status).toBe(200);
    expect(unknown.json.estimate).toMatchObject({ model: "replicate:bytedance/seedance-1-lite", basis: "unknown", estimate_usd: "unknown" });
    expect(unknown.json.budget).toMatchObject({ max_cost_usd: 5, allowed: false });
    expect(unknown.json.budget.reason).toMatch(/no price is known.*allow_unknown_cost/);
  });

  it("refuses a run whose estimate exceeds max_cost_usd before anything is paid", async () => {
    const creates = fake.creates().length;
    const r = await api.req("POST", "/api/v1/generations", brief({ video_model: PRICED, max_cost_usd: 1 }));
    expect(r.status).toBe(202);
    const g = await api.waitFor(r.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(g.status).toBe("failed");
    expect(g.error).toMatchObject({ stage: "generate", code: "cost_limit" });
    expect(g.error.message).toMatch(/estimated cost \$\d+\.\d\d .* exceeds max_cost_usd \$1\.00/);
    expect(g.cost.estimate_usd).toBeGreaterThan(1);
    expect(g.cost.spent_usd).toBe(0);
    expect(fake.creates().length).toBe(creates);
  });

  it("refuses max_cost_usd on a model without a known price, naming the clips, unless unknown prices are allowed", async () => {
    const creates = fake.creates().length;
    const r = await api.req("POST", "/api/v1/generations", brief({ max_cost_usd: 100 }));
    const g = await api.waitFor(r.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(g.error).toMatchObject({ code: "cost_limit" });
    expect(g.error.message).toMatch(/no price is known for replicate:bytedance\/seedance-1-lite on \d+ of \d+ clip\(s\) \(scene_1/);
    expect(g.error.message).toMatch(/allow_unknown_cost/);
    expect(fake.creates().length).toBe(creates);

    const ok = await api.req("POST", "/api/v1/generations", brief({ max_cost_usd: 100, allow_unknown_cost: true }));
    const done = await api.waitFor(ok.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(done.error).toBeNull();
    expect(done.status).toBe("completed");
    expect(done.cost).toMatchObject({ estimate_usd: "unknown", spent_usd: 0, max_cost_usd: 100 });
    expect(done.cost.spent_unknown_clips).toBe(done.clips.length);
  });

  it("reports spend per clip and in total in the generation and its events; thumbnails and a poster are served", async () => {
    const since = fake.creates().length;
    const r = await api.req("POST", "/api/v1/generations", brief({ video_model: PRICED, max_cost_usd: 50 }, { aspect_ratio: "9:16" }));
    const g = await api.waitFor(r.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(g.error).toBeNull();
    const shots = shotsOf(g.composition.timeline);
    expect(fake.creates().length - since).toBe(shots.length);
    expect(g.clips.map((c: any) => c.id).sort()).toEqual(shots.map((s: any) => s.clip_id).sort());
    expect(g.cost.spent_usd).toBeCloseTo(g.cost.estimate_usd, 6);
    for (const c of g.cost.per_clip) expect(c.spent_usd).toBeCloseTo(c.estimate_usd, 6);

    const events = await readSse(`${api.url}/api/v1/generations/${g.id}/events`, { until: (e) => e.event === "completed" });
    const paid = events.filter((e) => e.event === "clip_paid");
    expect(paid).toHaveLength(shots.length);
    expect(paid.reduce((a, e) => a + e.data.cost_usd, 0)).toBeCloseTo(g.cost.spent_usd, 6);
    const done = events.filter((e) => e.event === "clip_done");
    expect(Math.max(...done.map((e) => e.data.spent_usd))).toBeCloseTo(g.cost.spent_usd, 6);
    expect(events.find((e) => e.event === "cost_estimated")!.data.estimate_usd).toBeCloseTo(g.cost.estimate_usd, 6);

    for (const c of g.clips) {
      expect(c.thumbnail_url).toBe(`/api/v1/clips/${c.id}/thumbnail`);
      const img = await fetch(api.url + c.thumbnail_url);
      expect(img.status).toBe(200);
      expect(img.headers.get("content-type")).toMatch(/image\/jpeg/);
      expect([...new Uint8Array(await img.arrayBuffer()).slice(0, 2)]).toEqual([0xff, 0xd8]);
    }
    expect(g.composition.poster_url).toBe(`/api/v1/compositions/${g.composition.id}/poster?version=1`);
    const poster = await fetch(api.url + g.composition.poster_url);
    expect(poster.status).toBe(200);
    expect([...new Uint8Array(await poster.arrayBuffer()).slice(0, 2)]).toEqual([0xff, 0xd8]);
    expect((await fetch(`${api.url}/api/v1/compositions/${g.composition.id}/poster?version=9`)).status).toBe(404);
    expect((await fetch(`${api.url}/api/v1/clips/clip_nothing_here/thumbnail`)).status).toBe(404);

    // An edit's plan shows what its regenerated clips would cost.
    const edit = await api.req("POST", `/api/v1/compositions/${g.composition.id}/edit`, { instruction: "make the first scene at night" });
    expect(edit.status).toBe(201);
    expect(edit.json.operations[0]).toMatchObject({ op: "regenerate" });
    expect(edit.json.cost).toMatchObject({ basis: "per_second", model: `replicate:${PRICED}` });
    expect(edit.json.cost.per_clip.length).toBeGreaterThanOrEqual(1);
    expect(edit.json.cost.per_clip.every((c: any) => c.scene_id === edit.json.operations[0].scene)).toBe(true);
    expect(edit.json.cost.estimate_usd).toBeGreaterThan(0);
    expect((await api.req("POST", `/api/v1/compositions/${g.composition.id}/edits/${edit.json.id}/reject`, {})).status).toBe(200);
  });

  it("stops a run whose spend would pass max_cost_usd (a failed prediction is paid again)", async () => {
    const dry = await api.req("POST", "/api/v1/generations", brief({ video_model: PRICED, dry_run: true }));
    const estimate = dry.json.estimate.estimate_usd as number;
    const cheapest = Math.min(...dry.json.estimate.per_clip.map((c: any) => c.usd));
    const since = fake.creates().length;
    // The first prediction fails; paying for it again would pass the cap.
    fake.scriptNext({ statuses: ["failed"], error: "model crashed" });
    const r = await api.req("POST", "/api/v1/generations", brief({ video_model: PRICED, max_cost_usd: estimate + cheapest / 2 }));
    const g = await api.waitFor(r.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(g.status).toBe("failed");
    expect(g.error.code).toBe("cost_limit");
    expect(g.error.message).toMatch(/would take the spend to \$\d+\.\d\d, past max_cost_usd/);
    expect(g.cost.spent_usd).toBeLessThanOrEqual(estimate + cheapest / 2 + 1e-9);
    expect(fake.creates().length - since).toBe(dry.json.estimate.per_clip.length);
  });
});

describe("a model known only through its schema", () => {
  it("is planned from its schema and runs end to end, each input accepted by that schema", async () => {
    const since = fake.creates().length;
    const r = await api.req("POST", "/api/v1/generations", brief({ video_model: "acme/dreamy-video" }, { aspect_ratio: "9:16" }));
    const g = await api.waitFor(r.json.id, (x) => x.status === "failed" || x.status === "completed");
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    const shots = shotsOf(g.composition.timeline);
    const made = fake.creates().slice(since).map((c) => (c.body as { input: Record<string, unknown> }).input);
    expect(made).toHaveLength(shots.length);
    for (const input of made) {
      expect([3, 6]).toContain(input.duration);
      expect(input.aspect_ratio).toBe("9:16");
    }
    // A scene longer than 6 s needs two predictions; each shot's clip is asked at a length it makes.
    for (const s of g.composition.timeline.scenes) expect(s.shots.length).toBe(Math.ceil(s.duration_s / 6 - 1e-9));
    expect(g.cost).toMatchObject({ basis: "unknown", estimate_usd: "unknown" });
  });
});
