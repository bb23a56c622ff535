import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { ConflictError, NotFoundError, RunStore } from "../../../tools/store/run-store.js";

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "an ad for socks" });
const timeline = (version: number, d = 15): Timeline => ({
  version,
  duration_s: d,
  width: 320,
  height: 180,
  fps: 24,
  scenes: [{ id: "scene_1", start_s: 0, duration_s: d, clip_id: "clip_a", source_in_s: 0, prompt: "p", transition_in: "cut", crop: null, speed: 1 }],
  cta: null,
  audio: null,
});

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "store-"));
  store = new RunStore(join(dir, "db.sqlite"));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("RunStore", () => {
  it("returns the first generation for a repeated idempotency key and refuses the key with another body", () => {
    const a = store.createGeneration({ request, idempotencyKey: "k1", requestHash: "h1" });
    const b = store.createGeneration({ request, idempotencyKey: "k1", requestHash: "h1" });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.view.id).toBe(a.view.id);
    expect(() => store.createGeneration({ request, idempotencyKey: "k1", requestHash: "other" })).toThrow(ConflictError);
  });

  it("keeps data across reopening the file", () => {
    const { view } = store.createGeneration({ request });
    store.updateGeneration(view.id, { status: "running", stage: "plan", percent: 7 });
    store.close();
    store = new RunStore(join(dir, "db.sqlite"));
    expect(store.getGeneration(view.id)).toMatchObject({ status: "running", stage: "plan", progress: { percent: 7 } });
    expect(store.unfinishedGenerations()).toEqual([view.id]);
  });

  it("numbers events so a reader can resume after any of them, and notifies subscribers", () => {
    const { view } = store.createGeneration({ request });
    const seen: string[] = [];
    const off = store.subscribe(view.id, (e) => seen.push(e.type));
    const e1 = store.appendEvent(view.id, "stage", { stage: "analyze" });
    const e2 = store.appendEvent(view.id, "stage", { stage: "plan" });
    off();
    store.appendEvent(view.id, "stage", { stage: "stylize" });
    expect(seen).toEqual(["stage", "stage"]);
    expect(store.eventsAfter(view.id, e1.seq).map((e) => e.seq)).toEqual([e2.seq, e2.seq + 1]);
  });

  it("records a prediction id on its own, before the clip finishes", () => {
    const { view } = store.createGeneration({ request });
    store.upsertClip(view.id, { id: "clip_a", scene_id: "scene_1", status: "running", provider: "replicate:x", prompt: "p", path: null, duration_s: null, attempts: 1, error: null, prediction_id: null, checksum: null });
    store.setPredictionId("clip_a", "pred_9");
    expect(store.getClip("clip_a")).toMatchObject({ status: "running", prediction_id: "pred_9" });
  });

  it("saves versions, lists them and knows the current one", () => {
    const { view } = store.createGeneration({ request });
    const v1 = store.saveVersion({ generationId: view.id, timeline: timeline(1), videoPath: "/v1.mp4", duration_s: 15 });
    store.saveVersion({ generationId: view.id, timeline: timeline(2, 12), videoPath: "/v2.mp4", duration_s: 12, editId: "edit_1" });
    expect(store.listVersions(v1.id).map((v) => [v.version, v.current, v.edit_id])).toEqual([
      [1, false, null],
      [2, true, "edit_1"],
    ]);
    expect(store.getGeneration(view.id).composition).toMatchObject({ id: v1.id, version: 2, timeline: { duration_s: 12 } });
    expect(() => store.compositionView(v1.id, 9)).toThrow(NotFoundError);
  });

  it("never serves a stale view: its own writes and another connection's both show at once", () => {
    const { view } = store.createGeneration({ request });
    expect(store.getGeneration(view.id)).toBe(store.getGeneration(view.id));
    store.updateGeneration(view.id, { percent: 42 });
    expect(store.getGeneration(view.id).progress.percent).toBe(42);
    const other = new RunStore(join(dir, "db.sqlite"));
    other.updateGeneration(view.id, { status: "failed" });
    other.close();
    expect(store.getGeneration(view.id).status).toBe("failed");
  });

  it("pages through generations newest first, filtered by status", () => {
    const ids = Array.from({ length: 5 }, () => store.createGeneration({ request }).view.id);
    store.updateGeneration(ids[0]!, { status: "failed" });
    const first = store.listGenerations({ limit: 2 });
    const second = store.listGenerations({ limit: 2, cursor: first.next_cursor! });
    const third = store.listGenerations({ limit: 2, cursor: second.next_cursor! });
    const all = [...first.items, ...second.items, ...third.items].map((g) => g.id);
    expect(new Set(all).size).toBe(5);
    expect(third.next_cursor).toBeNull();
    expect(store.listGenerations({ limit: 10, status: "failed" }).items.map((g) => g.id)).toEqual([ids[0]]);
  });
});
