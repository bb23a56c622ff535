import { existsSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { checkTimeline } from "../../../../core/timeline/invariants.js";
import type { ModelProfile } from "../../../../core/video-models/profile.js";
import type { ClipJob, VideoProvider } from "../../../../graph/ports.js";
import { probe } from "../../../../tools/ffmpeg/probe.js";
import { createLocalVideoProvider } from "../../../../tools/render/local-provider.js";
import { catalogProfile } from "../../../../tools/replicate/catalog/index.js";
import { FakeVideoProvider } from "../../../fakes/video-provider.js";
import { startGeneration, testApp } from "../../../helpers/app.js";
import { testConfig } from "../../../helpers/env.js";

/**
 * generate with shots: one prediction per shot of a model that makes short clips, continuity
 * "chain" (each shot after the first starts from the previous shot's real last frame, so a
 * scene's shots run in order), and an edit that regenerates a scene fitting new shots.
 */

const envs: { cleanup(): void }[] = [];
afterEach(() => envs.splice(0).forEach((e) => e.cleanup()));

/** Seedance's inputs, but clips of 2–3 s only: every scene of an ad needs several shots. */
const SHORT: ModelProfile = { ...catalogProfile("bytedance/seedance-1-lite")!, model: "test/short-clips", duration: { kind: "range", input: { field: "duration", aliases: [] }, min: 2, max: 3, step: 1, value_type: "integer" } };

function shortModel(jobs: ClipJob[], profile: ModelProfile = SHORT): VideoProvider {
  const fake = new FakeVideoProvider(`replicate:${profile.model}`, async (job) => {
    jobs.push(job);
    return "delegate";
  }, createLocalVideoProvider({}));
  return Object.assign(fake, { describe: async () => ({ model: profile.model, profile, schema: null, warnings: [] }) });
}

function setup(video: VideoProvider) {
  const t = testConfig();
  envs.push(t);
  const app = testApp(t.config, { videoFor: () => video });
  envs.push({ cleanup: () => void app.close(0) });
  return app;
}

const request = (continuity: "none" | "chain") =>
  GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Fizzy Lime sparkling water, upbeat, for runners", duration_s: 15, options: { continuity } });

describe("generate with shots", () => {
  it("makes one prediction per shot and composes each clip trimmed to its shot, frame-exact", async () => {
    const jobs: ClipJob[] = [];
    const app = setup(shortModel(jobs));
    const id = await startGeneration(app, request("none"));
    await app.runner.waitFor(id);
    const g = await app.stores.generations.get(id);
    expect(g.error).toBeNull();
    const t = g.composition!.timeline;
    expect(checkTimeline(t)).toEqual([]);
    const shots = t.scenes.flatMap((s) => s.shots!);
    expect(shots.length).toBeGreaterThan(t.scenes.length);
    for (const s of t.scenes) {
      expect(s.shots!.reduce((a, x) => a + x.duration_s, 0)).toBeCloseTo(s.duration_s, 3);
      for (const shot of s.shots!) expect([2, 3]).toContain(shot.request_s);
    }
    expect(jobs.map((j) => j.clipId).sort()).toEqual(shots.map((s) => s.clip_id).sort());
    expect(jobs.every((j) => [2, 3].includes(j.duration_s) && !j.firstFrame)).toBe(true);
    // No two predictions are asked the same thing (a create recovered by its input finds its own shot).
    expect(new Set(jobs.map((j) => JSON.stringify([j.prompt, j.duration_s]))).size).toBe(jobs.length);
    expect(new Set(jobs.map((j) => j.seed)).size).toBe(jobs.length);
    expect(g.clips).toHaveLength(shots.length);
    const info = await probe(g.composition!.video.path!);
    expect(Math.abs(info.duration_s - t.duration_s)).toBeLessThanOrEqual(1 / t.fps + 1e-6);
    expect([info.width, info.height]).toEqual([t.width, t.height]);
  });

  it("chain: each shot after a scene's first starts from the previous shot's last frame, in order", async () => {
    const jobs: ClipJob[] = [];
    const done = new Map<string, number>();
    const video = shortModel(jobs);
    const inner = video.generate.bind(video);
    video.generate = async (job, progress) => {
      const r = await inner(job, progress);
      done.set(job.clipId, Date.now());
      return r;
    };
    const app = setup(video);
    const id = await startGeneration(app, request("chain"));
    await app.runner.waitFor(id);
    const g = await app.stores.generations.get(id);
    expect(g.error).toBeNull();
    let chained = 0;
    for (const s of g.composition!.timeline.scenes) {
      s.shots!.forEach((shot, i) => {
        const job = jobs.find((j) => j.clipId === shot.clip_id)!;
        if (i === 0) return expect(job.firstFrame ?? null).toBeNull();
        expect(shot.first_frame_from).toBe(i - 1);
        expect(job.firstFrame).toMatch(/\.jpg$/);
        expect(existsSync(job.firstFrame!) && statSync(job.firstFrame!).size > 0).toBe(true);
        // Started only after the shot it continues had finished.
        const started = jobs.indexOf(job);
        const previous = jobs.findIndex((j) => j.clipId === s.shots![i - 1]!.clip_id);
        expect(previous).toBeLessThan(started);
        expect(done.get(s.shots![i - 1]!.clip_id)).toBeDefined();
        chained++;
      });
    }
    expect(chained).toBeGreaterThan(0);
  });

  it("chain on a model without a first-frame input warns and runs every shot fresh", async () => {
    const jobs: ClipJob[] = [];
    const app = setup(shortModel(jobs, { ...SHORT, first_frame: null, last_frame: null }));
    const id = await startGeneration(app, request("chain"));
    await app.runner.waitFor(id);
    const g = await app.stores.generations.get(id);
    expect(g.status).toBe("completed");
    expect(g.warnings.some((w) => /continuity "chain" is not possible/.test(w))).toBe(true);
    expect(jobs.every((j) => !j.firstFrame)).toBe(true);
  });

  it("an edit that regenerates a scene fits new shots for it and makes only those", async () => {
    const jobs: ClipJob[] = [];
    const app = setup(shortModel(jobs));
    const id = await startGeneration(app, request("none"));
    await app.runner.waitFor(id);
    const before = (await app.stores.generations.get(id)).composition!.timeline;
    const made = jobs.length;
    const plan = await app.runner.edit(id, { id: "edit_regen", instruction: "make the first scene at night", apply_immediately: true });
    expect(plan.operations[0]).toMatchObject({ op: "regenerate" });
    await app.runner.waitFor(id);
    const g = await app.stores.generations.get(id);
    expect(g.error).toBeNull();
    const after = g.composition!.timeline;
    const scene = after.scenes.find((s) => s.id === (plan.operations[0] as { scene: string }).scene)!;
    expect(scene.shots![0]!.clip_id).toBe(scene.clip_id);
    expect(scene.clip_id).not.toBe(before.scenes.find((s) => s.id === scene.id)!.clip_id);
    expect(jobs.slice(made).map((j) => j.clipId).sort()).toEqual(scene.shots!.map((s) => s.clip_id).sort());
  });
});
