import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { planRun } from "../../app/plan-run.js";
import { GenerationRequestSchema, type GenerationRequest } from "../../core/schemas/request.js";
import { loadBriefs, loadTrackSpecs } from "../../evals/datasets/briefs.js";
import { ensureTrack } from "../../evals/tracks.js";
import { previewPlan } from "../../graph/preview.js";
import { testApp } from "../helpers/app.js";
import { testConfig } from "../helpers/env.js";

/**
 * A plan preview (graph/preview.ts) must leave exactly the state the graph holds when a run
 * stops before generate: every eval brief (ads, music on synthetic songs, underspecified,
 * contradictory, non-English), a model the catalog does not know, a missing song.
 */
const env = testConfig();
const app = testApp(env.config);
afterAll(async () => {
  await app.close(0);
  env.cleanup();
});

async function throughGraph(id: string, request: GenerationRequest, audioPath: string | null) {
  const cfg = { configurable: { thread_id: id } };
  try {
    await app.graph.invoke({ generationId: id, request, audioPath }, { ...cfg, interruptBefore: ["generate"] });
  } catch (error) {
    return { thrown: String(error) };
  }
  return { state: (await app.graph.getState(cfg)).values };
}

async function throughPreview(id: string, request: GenerationRequest, audioPath: string | null) {
  try {
    // Through JSON, as the graph's state is after its checkpoint's round trip.
    return { state: JSON.parse(JSON.stringify(await previewPlan(app.deps, { generationId: id, request, audioPath }))) };
  } catch (error) {
    return { thrown: String(error) };
  }
}

const tracks = loadTrackSpecs();
const briefs = loadBriefs(tracks);

describe("a plan preview leaves the state the graph leaves before generate", () => {
  it.each(briefs.filter((b) => !b.track).map((b) => [b.id, b] as const))("%s", async (_id, brief) => {
    const request = GenerationRequestSchema.parse(brief.request);
    const id = `gen_prev_${brief.id.slice(0, 20)}`;
    const graph = await throughGraph(id, request, null);
    expect(graph.state, graph.thrown).toBeDefined();
    expect(await throughPreview(id, request, null)).toEqual(JSON.parse(JSON.stringify(graph)));
  });

  it("music briefs on synthetic songs (beats, bars, cuts)", async () => {
    // One brief per song (each song is analysed twice: by the graph and by the preview).
    const music = briefs.filter((b, i) => b.track && briefs.findIndex((o) => o.track === b.track) === i);
    expect(music.length).toBeGreaterThan(0);
    for (const brief of music) {
      const spec = tracks.find((t) => t.id === brief.track)!;
      const path = await ensureTrack(spec, join(env.dataDir, "tracks"));
      const request = GenerationRequestSchema.parse({ ...brief.request, audio: { url: `file://${path}` } });
      const id = `gen_prev_${brief.id.slice(0, 20)}`;
      const graph = await throughGraph(id, request, path);
      expect(graph.state, graph.thrown).toBeDefined();
      expect((graph.state as { timeline: { scenes: unknown[] } }).timeline.scenes.length).toBeGreaterThan(1);
      expect(await throughPreview(id, request, path)).toEqual(JSON.parse(JSON.stringify(graph)));
    }
  }, 120_000);

  it("a song that is not there: the same error, recorded or thrown", async () => {
    const request = GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "neon city at night", audio: { url: "file:///nonexistent/song.mp3" } });
    const graph = await throughGraph("gen_prev_missing", request, "/nonexistent/song.mp3");
    const preview = await throughPreview("gen_prev_missing", request, "/nonexistent/song.mp3");
    expect(preview).toEqual(JSON.parse(JSON.stringify(graph)));
    expect(JSON.stringify(preview)).toMatch(/song|audio|not found|missing/i);
  });

  it("planRun (reelgraph plan, dry runs) answers from the preview: a timeline with shots and a cost", async () => {
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "20 second ad for a bakery, warm and cozy, CTA 'Order today'", duration_s: 20, options: { max_cost_usd: 100 } });
    const p = await planRun(app, request);
    expect(p.timeline).toMatchObject({ duration_s: 20 });
    expect(p.estimate).not.toBeNull();
    expect(p.budget).toMatchObject({ max_cost_usd: 100 });
  });
});
