import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, type Stores } from "../../../core/stores.js";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import type { EditPlan } from "../../../core/schemas/edit.js";

/**
 * One contract suite per store interface (core/stores.ts). Every backend runs all of them
 * (test/stores/sqlite.test.ts; a Postgres backend adds its own file calling the same
 * functions), the way langgraphjs validates every checkpointer with one suite.
 */
export type StoresFactory = () => Promise<Stores>;

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15 });
let n = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}${(n++).toString(36)}`;

const clip = (id: string, extra: Partial<Clip> = {}): Clip => ({ id, scene_id: "scene_1", status: "queued", provider: "local", prompt: "rain on a window", path: null, duration_s: null, attempts: 0, error: null, prediction_id: null, checksum: null, ...extra });

/** A one-scene timeline at `version` (what a composition version holds). */
export const sampleTimeline = (version: number): Timeline => ({
  version,
  duration_s: 5,
  width: 320,
  height: 180,
  fps: 24,
  scenes: [{ id: "scene_1", start_s: 0, duration_s: 5, clip_id: "clip_x", source_in_s: 0, prompt: "rain", transition_in: "cut", crop: null, speed: 1 }],
  cta: null,
  audio: null,
} as Timeline);
const timeline = sampleTimeline;

async function withStores(factory: StoresFactory, fn: (s: Stores) => Promise<void>): Promise<void> {
  const s = await factory();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

export function generationReadModelContract(name: string, factory: StoresFactory): void {
  describe(`GenerationReadModel contract: ${name}`, () => {
    it("creates a queued generation, reads it back, and updates it in place", () =>
      withStores(factory, async ({ generations }) => {
        const id = uid("gen");
        const view = await generations.create({ id, request, client: "c1" });
        expect(view).toMatchObject({ id, pipeline: "ad", status: "queued", stage: null, progress: { percent: 0, clips_done: 0, clips_total: 0 }, clips: [], composition: null, error: null, warnings: [] });
        expect(await generations.has(id)).toBe(true);
        await generations.update(id, { status: "running", stage: "plan", percent: 7.5, analysis: { product: "umbrella" }, warnings: ["w1"], extra: { a: 1 } });
        await generations.update(id, { extra: { b: 2 } });
        const g = await generations.get(id);
        expect(g).toMatchObject({ status: "running", stage: "plan", progress: { percent: 7.5 }, analysis: { product: "umbrella" }, warnings: ["w1"], extra: { a: 1, b: 2 } });
        expect(g.request.prompt).toBe(request.prompt);
        expect(await generations.extraOf(id)).toEqual({ a: 1, b: 2 });
        await generations.update(id, { extra: { a: { nested: true } } });
        expect(await generations.extraOf(id)).toEqual({ a: { nested: true }, b: 2 });
      }));

    it("writes nothing while the status is one a guarded write must not overwrite (a run's writes after a cancel)", () =>
      withStores(factory, async ({ generations }) => {
        const id = uid("gen");
        await generations.create({ id, request });
        const guard = { unlessStatus: ["cancelled" as const] };
        await generations.update(id, { status: "running", stage: "plan", percent: 10 }, guard);
        expect(await generations.get(id)).toMatchObject({ status: "running", stage: "plan", progress: { percent: 10 } });
        await generations.update(id, { status: "cancelled" });
        await generations.update(id, { status: "running", stage: "generate", percent: 40 }, guard);
        await generations.update(id, { status: "completed", percent: 100 }, guard);
        expect(await generations.get(id)).toMatchObject({ status: "cancelled", stage: "plan", progress: { percent: 10 } });
        // Unguarded (the user's own action, an edit) it is written as before.
        await generations.update(id, { status: "running", stage: "edit" });
        expect((await generations.get(id)).status).toBe("running");
        await expect(generations.update("gen_missing", { status: "failed" }, guard)).rejects.toBeInstanceOf(NotFoundError);
      }));

    it("throws NotFoundError for an unknown id, on read and on update", () =>
      withStores(factory, async ({ generations }) => {
        await expect(generations.get("gen_missing")).rejects.toBeInstanceOf(NotFoundError);
        await expect(generations.update("gen_missing", { status: "failed" })).rejects.toBeInstanceOf(NotFoundError);
        await expect(generations.extraOf("gen_missing")).rejects.toBeInstanceOf(NotFoundError);
        expect(await generations.has("gen_missing")).toBe(false);
      }));

    it("lists newest first with a cursor and a status filter, and names the unfinished runs", () =>
      withStores(factory, async ({ generations }) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const id = uid("gen");
          ids.push(id);
          await generations.create({ id, request });
          await new Promise((r) => setTimeout(r, 2));
        }
        await generations.update(ids[0]!, { status: "completed" });
        await generations.update(ids[1]!, { status: "running" });
        const first = await generations.list({ limit: 2 });
        expect(first.items.map((g) => g.id)).toEqual([ids[4], ids[3]]);
        const second = await generations.list({ limit: 10, cursor: first.next_cursor! });
        expect(second.items.map((g) => g.id)).toEqual([ids[2], ids[1], ids[0]]);
        expect(second.next_cursor).toBeNull();
        expect((await generations.list({ limit: 10, status: "completed" })).items.map((g) => g.id)).toEqual([ids[0]]);
        expect((await generations.unfinished()).sort()).toEqual([ids[1], ids[2], ids[3], ids[4]].sort());
      }));

    it("shows the ledger's clips and the current composition in the view", () =>
      withStores(factory, async ({ generations, clips, compositions }) => {
        const id = uid("gen");
        await generations.create({ id, request });
        await generations.get(id);
        await clips.upsert(id, clip(uid("clip")));
        await compositions.saveVersion({ generationId: id, timeline: timeline(1), videoPath: "/tmp/v1.mp4", duration_s: 5 });
        const g = await generations.get(id);
        expect(g.clips).toHaveLength(1);
        expect(g.composition).toMatchObject({ version: 1, video: { path: "/tmp/v1.mp4", duration_s: 5 } });
      }));
  });
}

export function clipLedgerContract(name: string, factory: StoresFactory): void {
  describe(`ClipLedger contract: ${name}`, () => {
    it("upserts clips and lists them per generation", () =>
      withStores(factory, async ({ clips }) => {
        const gen = uid("gen");
        const a = uid("clip");
        expect(await clips.get(a)).toBeNull();
        await clips.upsert(gen, clip(a));
        await clips.upsert(gen, clip(a, { status: "succeeded", path: "/x.mp4", duration_s: 5, attempts: 1, checksum: "abc" }));
        expect(await clips.get(a)).toMatchObject({ status: "succeeded", path: "/x.mp4", duration_s: 5, attempts: 1, checksum: "abc" });
        await clips.upsert(uid("gen"), clip(uid("clip")));
        expect((await clips.listFor(gen)).map((c) => c.id)).toEqual([a]);
      }));

    it("keeps a prediction id the moment it is set, finds its clip by it, and forgets it on request", () =>
      withStores(factory, async ({ clips }) => {
        const gen = uid("gen");
        const a = uid("clip");
        await clips.upsert(gen, clip(a, { status: "running" }));
        await clips.setPredictionId(a, "pred_1");
        expect((await clips.get(a))!.prediction_id).toBe("pred_1");
        expect(await clips.findByPrediction("pred_1")).toEqual({ clip_id: a, generation_id: gen, scene_id: "scene_1" });
        expect(await clips.findByPrediction("pred_none")).toBeNull();
        await clips.clearPrediction(a);
        expect((await clips.get(a))!.prediction_id).toBeNull();
      }));

    it("reports an earlier create attempt that never recorded its prediction (a crash in between)", () =>
      withStores(factory, async ({ clips }) => {
        const a = uid("clip");
        await clips.upsert(uid("gen"), clip(a));
        expect(await clips.markCreateAttempt(a, 1000)).toBeNull();
        expect(await clips.markCreateAttempt(a, 2000)).toBe(1000);
        await clips.setPredictionId(a, "pred_2");
        expect(await clips.markCreateAttempt(a, 3000)).toBeNull();
        await clips.clearPrediction(a);
        expect(await clips.markCreateAttempt(a, 4000)).toBeNull();
      }));
  });
}

export function compositionStoreContract(name: string, factory: StoresFactory): void {
  describe(`CompositionStore contract: ${name}`, () => {
    it("saves versions, moves the current one, and lists them", () =>
      withStores(factory, async ({ generations, compositions }) => {
        const gen = uid("gen");
        await generations.create({ id: gen, request });
        const v1 = await compositions.saveVersion({ generationId: gen, timeline: timeline(1), videoPath: "/v1.mp4", duration_s: 5 });
        expect(v1.video.url).toContain(`/api/v1/compositions/${v1.id}/video?version=1`);
        await compositions.saveVersion({ generationId: gen, timeline: timeline(2), videoPath: "/v2.mp4", duration_s: 5, editId: "edit_1" });
        await compositions.saveVersion({ generationId: gen, timeline: timeline(3), videoPath: "/v1.mp4", duration_s: 5, revertedFrom: 1 });
        const c = await compositions.get(v1.id);
        expect(c).toMatchObject({ id: v1.id, generation_id: gen, current_version: 3 });
        expect((await compositions.ofGeneration(gen))!.version).toBe(3);
        expect(await compositions.latestVersionNumber(v1.id)).toBe(3);
        const list = await compositions.listVersions(v1.id);
        expect(list.map((v) => [v.version, v.edit_id, v.reverted_from, v.current])).toEqual([[1, null, null, false], [2, "edit_1", null, false], [3, null, 1, true]]);
        expect((await compositions.version(v1.id, 2)).video.path).toBe("/v2.mp4");
        await expect(compositions.version(v1.id, 9)).rejects.toBeInstanceOf(NotFoundError);
        await expect(compositions.get("comp_missing")).rejects.toBeInstanceOf(NotFoundError);
        expect(await compositions.ofGeneration("gen_missing")).toBeNull();
      }));

    it("saves a resumed compose of the same version once", () =>
      withStores(factory, async ({ generations, compositions }) => {
        const gen = uid("gen");
        await generations.create({ id: gen, request });
        const v = await compositions.saveVersion({ generationId: gen, timeline: timeline(1), videoPath: "/a.mp4", duration_s: 5 });
        await compositions.saveVersion({ generationId: gen, timeline: timeline(1), videoPath: "/b.mp4", duration_s: 5 });
        expect((await compositions.listVersions(v.id)).map((x) => x.video_path)).toEqual(["/b.mp4"]);
      }));

    it("keeps edit plans by id and lists a composition's in order", () =>
      withStores(factory, async ({ compositions }) => {
        const plan = (id: string, status: EditPlan["status"]) => ({ id, composition_id: "comp_e", status, instruction: "swap", operations: [], diff: [], warnings: [] }) as unknown as EditPlan;
        const a = uid("edit");
        const b = uid("edit");
        await compositions.saveEdit("gen_e", plan(a, "proposed"));
        await compositions.saveEdit("gen_e", plan(b, "proposed"));
        await compositions.saveEdit("gen_e", plan(a, "rejected"));
        expect(await compositions.getEdit(a)).toMatchObject({ id: a, composition_id: "comp_e", generation_id: "gen_e", status: "rejected" });
        expect((await compositions.listEdits("comp_e")).map((e) => e.id)).toEqual([a, b]);
        await expect(compositions.getEdit("edit_missing")).rejects.toBeInstanceOf(NotFoundError);
      }));
  });
}

export function eventLogContract(name: string, factory: StoresFactory): void {
  describe(`EventLog contract: ${name}`, () => {
    it("numbers events in order, replays after a sequence number, and tells subscribers", () =>
      withStores(factory, async ({ events }) => {
        const gen = uid("gen");
        const heard: string[] = [];
        const all: string[] = [];
        const off = events.subscribe(gen, (e) => heard.push(e.type));
        const offAll = events.subscribe("*", (e) => all.push(`${e.generation_id}:${e.type}`));
        const a = await events.append(gen, "queued", { status: "queued" });
        const b = await events.append(gen, "stage", { stage: "analyze" });
        await events.append(uid("gen"), "other", {});
        off();
        await events.append(gen, "completed", {});
        expect(b.seq).toBeGreaterThan(a.seq);
        expect(heard).toEqual(["queued", "stage"]);
        expect(all.filter((x) => x.startsWith(gen))).toEqual([`${gen}:queued`, `${gen}:stage`, `${gen}:completed`]);
        offAll();
        expect((await events.after(gen, 0)).map((e) => e.type)).toEqual(["queued", "stage", "completed"]);
        expect((await events.after(gen, a.seq)).map((e) => [e.type, e.data])).toEqual([["stage", { stage: "analyze" }], ["completed", {}]]);
        expect(await events.after(gen, 0, 1)).toHaveLength(1);
      }));

    it("a subscription made before a replay misses nothing in between, and hears each event once", () =>
      withStores(factory, async ({ events }) => {
        const gen = uid("gen");
        for (let i = 0; i < 3; i++) await events.append(gen, "old", { i });
        const heard: number[] = [];
        const off = events.subscribe(gen, (e) => heard.push(e.seq));
        const appending = Promise.all([events.append(gen, "new", { i: 3 }), events.append(gen, "new", { i: 4 })]);
        const replayed = (await events.after(gen, 0)).map((e) => e.seq);
        await appending;
        const all = (await events.after(gen, 0)).map((e) => e.seq);
        expect(all).toHaveLength(5);
        // every event is in the replay or heard live (or both), and none is heard twice
        expect([...new Set([...replayed, ...heard])].sort((x, y) => x - y)).toEqual(all);
        expect(new Set(heard).size).toBe(heard.length);
        expect(heard.every((seq) => seq > all[2]!)).toBe(true);
        off();
      }));
  });
}

export function assetStoreContract(name: string, factory: StoresFactory): void {
  describe(`AssetStore contract: ${name}`, () => {
    it("keeps an asset by id", () =>
      withStores(factory, async ({ assets }) => {
        const id = uid("asset");
        expect(await assets.get(id)).toBeNull();
        const a = { id, kind: "audio", path: "/song.mp3", mime: "audio/mpeg", bytes: 1234, sha256: null, source: "upload" };
        await assets.save(a);
        expect(await assets.get(id)).toEqual(a);
      }));
  });
}

export function idempotencyStoreContract(name: string, factory: StoresFactory): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    it("gives a key to its first claimant and tells later ones who holds it", () =>
      withStores(factory, async ({ idempotency }) => {
        const key = uid("key");
        expect(await idempotency.claim(key, "gen_a", "h1")).toEqual({ value: "gen_a", fingerprint: "h1", claimed: true });
        expect(await idempotency.claim(key, "gen_b", "h2")).toEqual({ value: "gen_a", fingerprint: "h1", claimed: false });
        const other = uid("key");
        const both = await Promise.all([idempotency.claim(other, "x"), idempotency.claim(other, "y")]);
        expect(both.filter((c) => c.claimed)).toHaveLength(1);
        expect(new Set(both.map((c) => c.value)).size).toBe(1);
      }));
  });
}

export function allStoreContracts(name: string, factory: StoresFactory): void {
  generationReadModelContract(name, factory);
  clipLedgerContract(name, factory);
  compositionStoreContract(name, factory);
  eventLogContract(name, factory);
  assetStoreContract(name, factory);
  idempotencyStoreContract(name, factory);
}

export { ConflictError };
