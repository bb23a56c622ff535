import { describe, expect, it } from "vitest";
import { inputSchemaOf, type ModelVersion } from "../../../core/video-models/openapi.js";
import { refineProfile } from "../../../core/video-models/from-schema.js";
import type { ModelProfile } from "../../../core/video-models/profile.js";
import { buildInput } from "../../../core/video-models/request.js";
import { fitShots } from "../../../core/video-models/shots.js";
import { validateInput } from "../../../core/video-models/validate.js";
import { CATALOG, catalogProfile, DEFAULT_VIDEO_MODEL } from "../../../tools/replicate/catalog/index.js";
import { loadModelFixtures, validateAgainst, type FixtureVersion } from "../../../devkit/fakes/replicate-server.js";

/**
 * Every catalog model, asked for the videos reelgraph makes — 15/30/60 s ads at 16:9, 9:16
 * and 1:1 and a 120 s music video — gets inputs its recorded schema accepts, checked twice:
 * by the product's validator and by the fake's Replicate-style one.
 */

const fixtures = loadModelFixtures();
const FRAMES = { "16:9": { width: 1280, height: 720 }, "9:16": { width: 720, height: 1280 }, "1:1": { width: 720, height: 720 } } as const;
/** A tiny PNG as a data URI: the first frame for image-to-video models and chained shots. */
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Ad scenes in irregular lengths (as plans make them), the last taking the remainder. */
function adScenes(total: number): number[] {
  const pattern = [2.5, 4.2, 6.8, 3.3, 7.9, 5.1, 10.4, 1.6, 12.7];
  const out: number[] = [];
  let left = total;
  for (let i = 0; left > 1e-9; i++) {
    const d = Math.min(pattern[i % pattern.length]!, left);
    out.push(Math.round(d * 1000) / 1000);
    left = Math.round((left - d) * 1000) / 1000;
  }
  return out;
}

/** A 120 s music video cut on bars at 97 bpm (4/4): 2, 4 and 8-bar scenes, one long 16-bar section. */
function musicScenes(): number[] {
  const bar = (60 / 97) * 4;
  const bars = [4, 2, 8, 4, 16, 2, 4, 8];
  const out: number[] = [];
  let t = 0;
  for (let i = 0; t < 120 - 1e-9; i++) {
    const d = Math.min(bars[i % bars.length]! * bar, 120 - t);
    out.push(Math.round(d * 1e6) / 1e6);
    t += d;
  }
  return out;
}

const CASES = [
  ...([15, 30, 60] as const).flatMap((d) => (Object.keys(FRAMES) as (keyof typeof FRAMES)[]).map((aspect) => ({ name: `${d} s ad at ${aspect}`, scenes: adScenes(d), frame: FRAMES[aspect] }))),
  { name: "120 s music video at 16:9", scenes: musicScenes(), frame: FRAMES["16:9"] },
  { name: "120 s music video at 9:16", scenes: musicScenes(), frame: FRAMES["9:16"] },
];

function versionOf(model: string): FixtureVersion {
  const doc = fixtures[model];
  if (!doc?.latest_version) throw new Error(`no recorded schema for ${model}`);
  return doc.latest_version;
}

describe("the catalog", () => {
  it("covers the models the issue names, each with a dated source and a recorded schema", () => {
    const names = CATALOG.map((p) => p.model);
    for (const m of ["minimax/video-01", "minimax/hailuo-02", "kwaivgi/kling-v2.1", "kwaivgi/kling-v2.1-master", "google/veo-3-fast", "google/veo-3.1", "wan-video/wan-2.2-t2v-fast", "bytedance/seedance-1-lite", "bytedance/seedance-1-pro", "luma/ray-flash-2-540p", "openai/sora-2"]) {
      expect(names).toContain(m);
    }
    for (const p of CATALOG) {
      expect(p.source.read_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(fixtures[p.model], p.model).toBeDefined();
      if (p.price.basis !== "unknown") expect(p.price.source.url).toMatch(/^https:\/\/replicate\.com\//);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(catalogProfile(`${DEFAULT_VIDEO_MODEL}:abc`)?.model).toBe(DEFAULT_VIDEO_MODEL);
    expect(catalogProfile("nobody/nothing")).toBeNull();
  });

  it("keeps only prices stated on Replicate's pages", () => {
    const priced = CATALOG.filter((p) => p.price.basis !== "unknown").map((p) => p.model);
    expect(priced).toEqual(["openai/sora-2-pro"]);
  });

  it("the default model offers the three output shapes natively and asks for the fewest seconds among whole-second models", () => {
    const paid = (p: ModelProfile, frame: { width: number; height: number }) =>
      adScenes(30).reduce((total, d, i) => total + fitShots(d, p, { sceneId: `s${i}`, ...frame }).shots.reduce((a, s) => a + buildInput(p, { prompt: "p", duration_s: s.request_s, ...frame, first_frame: PNG }).duration_s, 0), 0);
    const def = catalogProfile(DEFAULT_VIDEO_MODEL)!;
    for (const frame of Object.values(FRAMES)) {
      const chosen = buildInput(def, { prompt: "p", duration_s: 5, ...frame });
      expect(chosen.warnings, JSON.stringify(frame)).toEqual([]);
      for (const other of CATALOG.filter((p) => p.duration.kind !== "frames")) expect(paid(def, frame), other.model).toBeLessThanOrEqual(paid(other, frame));
    }
  });

  it("every profile's input names exist in its recorded schema", () => {
    for (const p of CATALOG) {
      const schema = inputSchemaOf(versionOf(p.model) as unknown as ModelVersion)!;
      const refined = refineProfile(p, schema);
      expect(refined.warnings, p.model).toEqual([]);
    }
  });
});

describe.each(CATALOG.map((p) => [p.model, p] as [string, ModelProfile]))("%s", (model, catalogEntry) => {
  const version = versionOf(model);
  const schema = inputSchemaOf(version as unknown as ModelVersion)!;
  const profile = refineProfile(catalogEntry, schema).profile;

  it.each(CASES)("$name: valid input for every shot, shots cover each scene exactly", ({ scenes, frame }) => {
    let predictions = 0;
    scenes.forEach((duration, i) => {
      const fit = fitShots(duration, profile, { sceneId: `scene_${i + 1}`, ...frame });
      expect(fit.warnings).toEqual([]);
      const covered = fit.shots.reduce((a, s) => a + s.duration_s, 0);
      expect(covered).toBeCloseTo(duration, 5);
      let previous: string | null = null;
      for (const shot of fit.shots) {
        expect(shot.duration_s).toBeGreaterThan(0);
        expect(shot.request_s + 1e-6).toBeGreaterThanOrEqual(shot.duration_s);
        const firstFrame = profile.first_frame?.required ? PNG : previous;
        const built = buildInput(profile, { prompt: `scene ${i + 1}, shot ${shot.index}`, duration_s: shot.request_s, ...frame, first_frame: firstFrame, seed: 7, negative_prompt: "blurry, text" });
        expect(built.duration_s + 1e-6, `${model} makes what the shot needs`).toBeGreaterThanOrEqual(shot.duration_s);
        expect(validateInput(schema, built.input), JSON.stringify(built.input)).toEqual([]);
        expect(validateAgainst(version, built.input)).toEqual([]);
        expect(Object.keys(built.input)).toContain(profile.prompt.field);
        previous = profile.first_frame ? PNG : null;
        predictions++;
      }
    });
    expect(predictions).toBeGreaterThanOrEqual(scenes.length);
  });
});
