import { afterAll, describe, expect, it } from "vitest";
import { planRun } from "../../app/plan-run.js";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import type { GenerationRequestInput } from "../../core/schemas/request.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { checkTimeline } from "../../core/timeline/invariants.js";
import type { Timeline } from "../../core/timeline/schema.js";
import { shotsToMake, sourceNeeded, shotsSource } from "../../core/timeline/shots.js";
import { inputSchemaOf, type ModelVersion } from "../../core/video-models/openapi.js";
import { refineProfile } from "../../core/video-models/from-schema.js";
import type { ModelProfile } from "../../core/video-models/profile.js";
import { buildInput } from "../../core/video-models/request.js";
import { validateInput } from "../../core/video-models/validate.js";
import type { VideoProvider } from "../../graph/ports.js";
import { CATALOG } from "../../tools/replicate/catalog/index.js";
import { loadModelFixtures, validateAgainst, type FixtureVersion } from "../../devkit/fakes/replicate-server.js";
import { testApp } from "../helpers/app.js";
import { testConfig } from "../helpers/env.js";

/**
 * Every catalog model, through the real path: the offline planner plans the brief, stylize
 * splits its scenes into shots with the model's profile (as the provider describes it from its
 * recorded schema), and every shot's input — built as the provider builds it — is accepted by
 * the recorded schema (the product's validator and the fake Replicate's). 15/30/60 s ads at
 * 16:9, 9:16 and 1:1, and a 120 s music video.
 */

const fixtures = loadModelFixtures();
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const env = testConfig({ REELGRAPH_SHORT_SIDE: "720" });
afterAll(() => env.cleanup());

/** A 120 s song at 97 bpm in 4/4 (what the beat analyser would report). */
function song(): AudioAnalysis {
  const beat = 60 / 97;
  const beats = Array.from({ length: Math.floor(120 / beat) }, (_, i) => Math.round(i * beat * 1000) / 1000);
  return { duration_s: 120, bpm: 97, beats_s: beats, downbeats_s: beats.filter((_, i) => i % 4 === 0), beats_per_bar: 4, confidence: 0.9, downbeat_confidence: 0.9, notes: [] };
}

const BRIEFS: { name: string; request: GenerationRequestInput }[] = [
  ...([15, 30, 60] as const).flatMap((d) =>
    (["16:9", "9:16", "1:1"] as const).map((aspect) => ({
      name: `${d} s ad at ${aspect}`,
      request: { pipeline: "ad" as const, prompt: `${d} second ad for Volt e-bikes, bold and fast, for city commuters`, duration_s: d, aspect_ratio: aspect, brand: { name: "Volt", colors: ["#111827", "#F59E0B"], cta: { text: "Ride now" } } },
    })),
  ),
  { name: "120 s music video at 16:9", request: { pipeline: "music_video", prompt: "neon synthwave night drive through a rainy city", duration_s: 120, aspect_ratio: "16:9", audio: { url: "/songs/night-drive.mp3" } } },
];

function describedBy(model: string, profile: ModelProfile, schema: NonNullable<ReturnType<typeof inputSchemaOf>>): VideoProvider {
  return {
    name: `replicate:${model}`,
    generate: async () => {
      throw new Error("nothing is generated in a plan");
    },
    describe: async () => ({ model, profile, schema, warnings: [] }),
  };
}

describe.each(CATALOG.map((p) => [p.model, p] as [string, ModelProfile]))("%s through plan → shots → buildInput", (model, entry) => {
  const version = fixtures[model]!.latest_version as FixtureVersion;
  const schema = inputSchemaOf(version as unknown as ModelVersion)!;
  const profile = refineProfile(entry, schema).profile;

  it.each(BRIEFS)("$name", async ({ request, name }) => {
    for (const continuity of profile.first_frame ? (["none", "chain"] as const) : (["none"] as const)) {
      const app = testApp(env.config, { videoFor: () => describedBy(model, profile, schema), audio: { analyze: async () => song() } }, { stores: ":memory:" });
      try {
        const parsed = GenerationRequestSchema.parse({ ...request, options: { continuity } });
        const planned = await planRun(app, parsed, parsed.pipeline === "music_video" ? "/songs/night-drive.mp3" : null);
        const timeline = planned.timeline as Timeline;
        expect(checkTimeline(timeline), name).toEqual([]);
        let predictions = 0;
        for (const scene of timeline.scenes) {
          expect(scene.shots?.length, `${scene.id} has shots`).toBeGreaterThan(0);
          expect(scene.shots![0]!.clip_id).toBe(scene.clip_id);
          expect(shotsSource(scene)!).toBeGreaterThanOrEqual(sourceNeeded(scene) - 0.001);
          const shortWarned = planned.warnings.some((w) => w.includes(`scene ${scene.id}:`));
          for (const { index, shot } of shotsToMake(scene)) {
            if (!shortWarned) expect(shot.request_s! + 1e-6, `${scene.id} shot ${index}`).toBeGreaterThanOrEqual(shot.duration_s);
            const chained = continuity === "chain" && index > 0;
            if (chained) expect(shot.first_frame_from).toBe(index - 1);
            const built = buildInput(profile, { prompt: scene.prompt, duration_s: shot.request_s!, width: timeline.width, height: timeline.height, first_frame: profile.first_frame?.required || chained ? PNG : null, seed: 7, negative_prompt: "blurry" });
            if (!shortWarned) expect(built.duration_s + 1e-6, `${model} makes what ${scene.id} shot ${index} needs`).toBeGreaterThanOrEqual(shot.duration_s);
            expect(validateInput(schema, built.input), JSON.stringify(built.input)).toEqual([]);
            expect(validateAgainst(version, built.input), JSON.stringify(built.input)).toEqual([]);
            predictions++;
          }
        }
        expect(predictions).toBeGreaterThanOrEqual(timeline.scenes.length);
        // The plan's estimate prices exactly these predictions, "unknown" where no price is kept.
        expect(planned.estimate!.per_clip).toHaveLength(predictions);
        expect(planned.estimate!.model).toBe(`replicate:${model}`);
        if (profile.price.basis === "unknown") expect(planned.estimate!.estimate_usd).toBe("unknown");
        else expect(planned.estimate!.estimate_usd).toBeGreaterThan(0);
      } finally {
        await app.close(0);
      }
    }
  });
});
