import { MemorySaver } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { RunManager } from "../../app/runner.js";
import { startGeneration, testApp } from "../helpers/app.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { checkTimeline } from "../../core/timeline/invariants.js";
import { probe } from "../../tools/ffmpeg/probe.js";
import { createLocalVideoProvider } from "../../tools/render/local-provider.js";
import { FakeVideoProvider, hangUntilAborted } from "../fakes/video-provider.js";
import { silentLog, testConfig } from "../helpers/env.js";

const request = GenerationRequestSchema.parse({
  pipeline: "ad",
  prompt: "15 second ad for Fizzy Lime sparkling water, upbeat, for runners",
  duration_s: 15,
  brand: { name: "Fizzy Lime", colors: ["#22C55E", "#0F172A"], cta: { text: "Grab a can", duration_s: 3 } },
});

const envs: { cleanup(): void }[] = [];
afterEach(() => envs.splice(0).forEach((e) => e.cleanup()));

function setup(video: FakeVideoProvider, env: Record<string, string> = {}) {
  const t = testConfig(env);
  envs.push(t);
  const app = testApp({ ...t.config, runConcurrency: 2 }, { videoFor: () => video });
  envs.push({ cleanup: () => void app.close(0) });
  const { stores, graph, runner } = app;
  return { app, stores, graph, runner, config: t.config };
}

describe("the whole graph on the embedded defaults", () => {
  it("turns a brief into an MP4 whose duration matches its timeline", async () => {
    const video = new FakeVideoProvider("local", async () => "delegate", createLocalVideoProvider({}));
    const { stores, app, runner } = setup(video);
    const view = { id: await startGeneration(app, request) };
    await runner.waitFor(view.id);
    const g = (await stores.generations.get(view.id));
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    expect(g.progress).toEqual({ percent: 100, clips_done: g.clips.length, clips_total: g.clips.length });
    const timeline = g.composition!.timeline;
    expect(checkTimeline(timeline)).toEqual([]);
    expect(timeline.duration_s).toBe(15);
    expect(timeline.cta).toMatchObject({ text: "Grab a can" });
    expect(timeline.cta!.start_s + timeline.cta!.duration_s).toBeCloseTo(15, 3);
    for (const s of timeline.scenes) {
      expect(s.prompt.indexOf("#22C55E")).toBeGreaterThanOrEqual(0);
      expect(s.prompt.indexOf("#22C55E")).toBeLessThan(200);
    }
    const info = await probe(g.composition!.video.path!);
    expect(Math.abs(info.duration_s - timeline.duration_s)).toBeLessThanOrEqual(1 / timeline.fps + 1e-6);
    expect([info.width, info.height]).toEqual([timeline.width, timeline.height]);
    expect(video.calls).toHaveLength(timeline.scenes.length);
    const types = (await stores.events.after(view.id, 0)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["stage", "clip_started", "clip_done", "composition_ready", "completed"]));
  });

  it("retries a failing clip, then fails the run naming the scene — it never hangs", async () => {
    const video = new FakeVideoProvider("flaky", async (job) => {
      if (job.sceneId === "scene_2") throw Object.assign(new Error("model overloaded"), { retryable: true });
      return "delegate";
    });
    const { stores, app, runner } = setup(video);
    const view = { id: await startGeneration(app, request) };
    await runner.waitFor(view.id);
    const g = (await stores.generations.get(view.id));
    expect(g.status).toBe("failed");
    expect(g.error).toMatchObject({ stage: "generate", scene_id: "scene_2", provider: "flaky" });
    expect(g.error!.message).toContain("model overloaded");
    expect(video.callsFor("scene_2")).toHaveLength(2);
    expect(g.clips.find((c) => c.scene_id === "scene_2")).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("ends a clip that never answers at its deadline", async () => {
    const video = new FakeVideoProvider("slow", async (job, progress) => (job.sceneId === "scene_1" ? hangUntilAborted(progress.signal) : "delegate"));
    const { stores, app, runner } = setup(video, { REELGRAPH_CLIP_TIMEOUT_S: "1" });
    const view = { id: await startGeneration(app, request) };
    const started = Date.now();
    await runner.waitFor(view.id);
    expect(Date.now() - started).toBeLessThan(20_000);
    const g = (await stores.generations.get(view.id));
    expect(g.status).toBe("failed");
    expect(g.error).toMatchObject({ scene_id: "scene_1" });
    expect(g.error!.message).toMatch(/timed out/);
  });

  it("ends a run that outlives its budget, saying where", async () => {
    const video = new FakeVideoProvider("slow", async (_job, progress) => hangUntilAborted(progress.signal));
    const { stores, app, runner } = setup(video, { REELGRAPH_RUN_TIMEOUT_S: "1.5" });
    const view = { id: await startGeneration(app, request) };
    await runner.waitFor(view.id);
    const g = (await stores.generations.get(view.id));
    expect(g.status).toBe("failed");
    expect(g.error!.message).toMatch(/exceeded its 1.5 s budget .*during generate/);
  });

  it("resumes a stopped run without regenerating finished clips and polls a paid prediction instead of paying again", async () => {
    let release = false;
    const video = new FakeVideoProvider("paid", async (job, progress) => {
      if (job.sceneId === "scene_3") {
        if (progress.predictionId) return "delegate";
        video.createPrediction(progress);
        if (!release) return hangUntilAborted(progress.signal);
      }
      return "delegate";
    }, createLocalVideoProvider({}));
    const { stores, app, runner } = setup(video);
    const view = { id: await startGeneration(app, request) };
    const twoDone = new Promise<void>((resolve) => {
      const off = stores.events.subscribe(view.id, (e) => {
        if (e.type === "clip_done" && Number(e.data.clips_done) >= 2) {
          off();
          resolve();
        }
      });
    });
    await twoDone;
    while (!(await stores.generations.get(view.id)).clips.find((c) => c.scene_id === "scene_3")?.prediction_id) await new Promise((r) => setTimeout(r, 20));
    await runner.shutdown(0);
    const before = (await stores.generations.get(view.id));
    expect(before.status).toBe("running");
    const finished = before.clips.filter((c) => c.status === "succeeded").map((c) => c.id);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    const callsBefore = video.calls.length;

    release = true;
    const second = new RunManager(stores, app.graph, app.projector, silentLog, { concurrency: 1, runTimeoutS: 60 });
    expect(await second.resumeUnfinished()).toEqual([view.id]);
    await second.waitFor(view.id);
    const after = (await stores.generations.get(view.id));
    expect(after.error).toBeNull();
    expect(after.status).toBe("completed");
    const resumedCalls = video.calls.slice(callsBefore);
    for (const id of finished) expect(resumedCalls.find((c) => c.clipId === id)).toBeUndefined();
    expect(resumedCalls.find((c) => c.sceneId === "scene_3")?.predictionIdGiven).toBe("pred_1");
    expect(video.predictionsCreated).toEqual(["pred_1"]);
  });
});

describe("RunManager.accept (jobs sent from the API's thread to the run thread)", () => {
  it("runs a start or resume sent twice once: one clip per scene, one composition version", async () => {
    const video = new FakeVideoProvider("local", async () => "delegate", createLocalVideoProvider({}));
    const { stores, app, runner } = setup(video);
    const id = "gen_accept_twice";
    await stores.generations.create({ id, request });
    await Promise.all([
      runner.accept({ kind: "start", generationId: id, request, audioPath: null }),
      runner.accept({ kind: "start", generationId: id, request, audioPath: null }),
      runner.accept({ kind: "resume", generationId: id }),
    ]);
    await runner.waitFor(id);
    const g = await stores.generations.get(id);
    expect(g.status).toBe("completed");
    expect(video.calls).toHaveLength(g.composition!.timeline.scenes.length);
    expect((await stores.compositions.listVersions(g.composition!.id)).map((v) => v.version)).toEqual([1]);
    // Once it has ended, a resume is taken again (it finds the thread finished: a no-op).
    await runner.accept({ kind: "resume", generationId: id });
    await runner.waitFor(id);
    expect((await stores.generations.get(id)).status).toBe("completed");
    expect(video.calls).toHaveLength(g.composition!.timeline.scenes.length);
    void app;
  });
});
