import { existsSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../core/domain.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import type { Reelgraph } from "../../app/reelgraph.js";
import { PostgresCheckpointer } from "../../tools/store/postgres/lazy-checkpointer.js";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
import { createLocalVideoProvider } from "../../tools/render/local-provider.js";
import { FakeVideoProvider, hangUntilAborted } from "../fakes/video-provider.js";
import { startGeneration, testApp } from "../helpers/app.js";
import { testConfig } from "../helpers/env.js";
import { createTestDatabase } from "../helpers/postgres.js";

/**
 * The graph end to end with DATABASE_URL: every store and LangGraph's checkpointer on a real
 * Postgres; a restarted process (a new app: new pool, new checkpointer) resumes a stopped run.
 */
const db = await createTestDatabase();
afterAll(() => db?.drop());

const request = GenerationRequestSchema.parse({
  pipeline: "ad",
  prompt: "15 second ad for Fizzy Lime sparkling water, upbeat, for runners",
  duration_s: 15,
  brand: { name: "Fizzy Lime", colors: ["#22C55E", "#0F172A"], cta: { text: "Grab a can", duration_s: 3 } },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function appOn(video: FakeVideoProvider, dataDir?: string): { app: Reelgraph; dataDir: string } {
  const t = testConfig({ DATABASE_URL: db!.url, ...(dataDir ? { REELGRAPH_DATA_DIR: dataDir } : {}) });
  if (!dataDir) cleanups.push(() => t.cleanup());
  const app = testApp({ ...t.config, runConcurrency: 2 }, { videoFor: () => video });
  cleanups.push(() => app.close(0));
  return { app, dataDir: t.dataDir };
}

describe.skipIf(!db)("the graph on Postgres (DATABASE_URL)", () => {
  it("runs a brief to an MP4 with its stores and checkpoints in Postgres; another process sees the run and its events", async () => {
    const video = new FakeVideoProvider("local", async () => "delegate", createLocalVideoProvider({}));
    const { app } = appOn(video);
    expect(app.stores.backend).toBe("postgres");
    expect(app.graph.checkpointer).toBeInstanceOf(PostgresCheckpointer);
    const other = openPostgresStores(db!.url);
    cleanups.push(() => other.close());
    const id = await startGeneration(app, request);
    const heard: StoredEvent[] = [];
    other.events.subscribe(id, (e) => heard.push(e));
    await app.runner.waitFor(id);
    const g = await other.generations.get(id);
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    expect(g.clips.length).toBeGreaterThanOrEqual(3);
    expect(g.clips.every((c) => c.status === "succeeded")).toBe(true);
    expect(existsSync(g.composition!.video.path!)).toBe(true);
    const [checkpoints] = (await other.context.query<{ n: string }>("SELECT count(*) AS n FROM public.checkpoints WHERE thread_id = $1", [id])).map((r) => Number(r.n));
    expect(checkpoints).toBeGreaterThan(3);
    for (let t = Date.now(); !heard.some((e) => e.type === "completed") && Date.now() - t < 5_000; ) await new Promise((r) => setTimeout(r, 20));
    const stored = await other.events.after(id, 0);
    const tail = stored.filter((e) => e.seq > (heard[0]?.seq ?? Infinity) - 1);
    expect(heard.map((e) => e.seq)).toEqual(tail.map((e) => e.seq));
    expect(heard.at(-1)!.type).toBe("completed");
  });

  it("a restarted process resumes a stopped run from its Postgres checkpoint without paying for a clip twice", async () => {
    let release = false;
    const video = new FakeVideoProvider("paid", async (job, progress) => {
      if (job.sceneId === "scene_3") {
        if (progress.predictionId) return "delegate";
        video.createPrediction(progress);
        if (!release) return hangUntilAborted(progress.signal);
      }
      return "delegate";
    }, createLocalVideoProvider({}));
    const first = appOn(video);
    const id = await startGeneration(first.app, request);
    const stores = first.app.stores;
    while (!(await stores.generations.get(id)).clips.find((c) => c.scene_id === "scene_3")?.prediction_id || (await stores.generations.get(id)).clips.filter((c) => c.status === "succeeded").length < 2)
      await new Promise((r) => setTimeout(r, 20));
    await first.app.close(0);
    const look = openPostgresStores(db!.url);
    cleanups.push(() => look.close());
    const before = await look.generations.get(id);
    expect(before.status).toBe("running");
    const finished = before.clips.filter((c) => c.status === "succeeded").map((c) => c.id);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    const callsBefore = video.calls.length;

    release = true;
    const second = appOn(video, first.dataDir);
    // The new process reads the run from the Postgres checkpoint: planned, stopped inside generate.
    const snapshot = await second.app.graph.getState({ configurable: { thread_id: id } });
    expect(snapshot.next).toContain("generate");
    expect((snapshot.values as { storyboard?: { scenes: unknown[] } }).storyboard?.scenes.length).toBeGreaterThanOrEqual(before.clips.length);
    expect(await second.app.runner.resumeUnfinished()).toEqual([id]);
    await second.app.runner.waitFor(id);
    const after = await second.app.stores.generations.get(id);
    expect(after.error).toBeNull();
    expect(after.status).toBe("completed");
    const resumedCalls = video.calls.slice(callsBefore);
    for (const clipId of finished) expect(resumedCalls.find((c) => c.clipId === clipId)).toBeUndefined();
    expect(resumedCalls.find((c) => c.sceneId === "scene_3")?.predictionIdGiven).toBe("pred_1");
    expect(video.predictionsCreated).toEqual(["pred_1"]);
  });
});
