import { describe, expect, it } from "vitest";
import { checkBudget, checkSpend, estimateCost, estimateScenes, priceOf } from "../../../core/video-models/cost.js";
import { profileFromSchema, refineProfile, SchemaMappingError } from "../../../core/video-models/from-schema.js";
import { inputSchemaOf, type InputSchema, type ModelVersion } from "../../../core/video-models/openapi.js";
import { buildInput } from "../../../core/video-models/request.js";
import { assertValidInput, InputValidationError, validateInput } from "../../../core/video-models/validate.js";
import { catalogProfile } from "../../../tools/replicate/catalog/index.js";
import { loadModelFixtures } from "../../../devkit/fakes/replicate-server.js";

const fixtures = loadModelFixtures();
const schemaOf = (model: string, version?: string): InputSchema => {
  const doc = fixtures[model]!;
  const v = version ? doc["x-versions"]!.find((x) => x.id === version)! : doc.latest_version!;
  return inputSchemaOf(v as unknown as ModelVersion)!;
};
const SOURCE = { url: "https://api.replicate.com/v1/models/acme/motion-x", read_at: "2026-12-03" };

describe("validateInput", () => {
  const kling = schemaOf("kwaivgi/kling-v2.1");
  it("accepts a fitting input, following the $ref'd enums", () => {
    expect(validateInput(kling, { prompt: "p", start_image: "https://x/a.png", duration: 10, mode: "pro" })).toEqual([]);
  });
  it("names each field that breaks the schema", () => {
    const issues = validateInput(kling, { prompt: 3, duration: 7, mode: "ultra", start_image: "not a uri", aspect_ratio: "16:9" });
    expect(issues.map((i) => [i.field, i.type])).toEqual([
      ["prompt", "invalid_type"],
      ["duration", "enum"],
      ["mode", "enum"],
      ["start_image", "format"],
      ["aspect_ratio", "unknown_field"],
    ]);
    expect(validateInput(kling, { prompt: "p" })).toEqual([{ field: "start_image", type: "required", description: "start_image is required" }]);
  });
  it("checks bounds and types of plain fields", () => {
    const seedance = schemaOf("bytedance/seedance-1-lite");
    expect(validateInput(seedance, { prompt: "p", duration: 13 }).map((i) => i.type)).toEqual(["number_lte"]);
    expect(validateInput(seedance, { prompt: "p", duration: 1 }).map((i) => i.type)).toEqual(["number_gte"]);
    expect(validateInput(seedance, { prompt: "p", duration: 5.5 }).map((i) => i.type)).toEqual(["invalid_type"]);
    expect(validateInput(seedance, { prompt: "p", reference_images: ["https://a/1.png", "x"] }).map((i) => i.field)).toEqual(["reference_images.1"]);
    expect(() => assertValidInput("bytedance/seedance-1-lite", seedance, { prompt: "p", fps: 30 })).toThrow(InputValidationError);
    try {
      assertValidInput("bytedance/seedance-1-lite", seedance, { prompt: "p", fps: 30 });
    } catch (e) {
      expect((e as InputValidationError).field).toBe("fps");
    }
  });
});

describe("profileFromSchema (a model the catalog does not know)", () => {
  it("maps inputs by name and type, and warns about the rest", () => {
    const { profile, warnings } = profileFromSchema("acme/motion-x", schemaOf("acme/motion-x"), SOURCE, "d15c0very");
    expect(profile.prompt.field).toBe("prompt");
    expect(profile.duration).toMatchObject({ kind: "enum", values: [5, 8], value_type: "string", confidence: "schema" });
    expect(profile.frame.aspect?.options.map((o) => o.ratio)).toEqual(["16:9", "9:16", "1:1", "4:3"]);
    expect(profile.frame.resolution?.options).toEqual([{ value: "540p", short_side: 540 }, { value: "720p", short_side: 720 }, { value: "1080p", short_side: 1080 }]);
    expect(profile.first_frame).toEqual({ field: "image", aliases: [], required: false });
    expect(profile.negative_prompt?.field).toBe("negative_prompt");
    expect(profile.seed?.field).toBe("seed");
    expect(profile.price).toMatchObject({ basis: "unknown" });
    expect(warnings.join("\n")).toMatch(/video_length, motion_mode, style/);

    const built = buildInput(profile, { prompt: "p", duration_s: 6, width: 720, height: 1280, seed: 1 });
    expect(built.input).toEqual({ prompt: "p", duration: "8", ratio: "9:16", quality: "720p", seed: 1 });
    expect(validateInput(schemaOf("acme/motion-x"), built.input)).toEqual([]);
  });

  it("reads lengths spelled with a unit (\"5s\", \"10s\") and sends the model's own spelling", () => {
    const input = {
      type: "object",
      required: ["prompt"],
      properties: {
        prompt: { type: "string" },
        duration: { type: "string", enum: ["5s", "10s"], default: "5s" },
        aspect_ratio: { type: "string", enum: ["16:9", "9:16"], default: "16:9" },
      },
    };
    const schema = { input, components: { Input: input } } as unknown as InputSchema;
    const { profile } = profileFromSchema("acme/spelled", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "enum", values: [5, 10], value_type: "string", labels: { "5": "5s", "10": "10s" } });
    const built = buildInput(profile, { prompt: "p", duration_s: 7, width: 1280, height: 720 });
    expect(built.input).toEqual({ prompt: "p", duration: "10s", aspect_ratio: "16:9" });
    expect(validateInput(schema, built.input)).toEqual([]);
    // A catalog entry lined up with a version that spells its lengths out sends them spelled out too.
    const refined = refineProfile({ ...profile, duration: { kind: "enum", input: { field: "duration", aliases: [] }, values: [5, 10], value_type: "integer", confidence: "schema" } }, schema).profile;
    expect(buildInput(refined, { prompt: "p", duration_s: 4, width: 1280, height: 720 }).input.duration).toBe("5s");
  });

  it("reads frame counts and rates (Wan 2.2 found by discovery matches its catalog entry)", () => {
    const { profile } = profileFromSchema("wan-video/wan-2.2-t2v-fast", schemaOf("wan-video/wan-2.2-t2v-fast"), SOURCE);
    expect(profile.duration).toEqual(catalogProfile("wan-video/wan-2.2-t2v-fast")!.duration);
  });

  it("keeps to the listed rates when the frame rate is a choice", () => {
    const schema: InputSchema = {
      input: { type: "object", required: ["prompt"], properties: { prompt: { type: "string" }, num_frames: { type: "integer", minimum: 81, maximum: 121 }, fps: { allOf: [{ $ref: "#/components/schemas/fps" }], default: 16 } } },
      components: { fps: { type: "integer", enum: [16, 24] } },
    };
    const { profile } = profileFromSchema("x/frames", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "frames", fps_values: [16, 24], min_fps: 16, max_fps: 24 });
    for (const seconds of [3.4, 4.5, 5, 7.5]) {
      const built = buildInput(profile, { prompt: "p", duration_s: seconds, width: 1280, height: 720 });
      expect([16, 24]).toContain(built.input.fps);
      expect(built.duration_s).toBeGreaterThanOrEqual(seconds);
      expect(validateInput(schema, built.input)).toEqual([]);
    }
  });

  const objectSchema = (required: string[], properties: Record<string, unknown>) => {
    const input = { type: "object", required, properties };
    return { input, components: { Input: input } } as unknown as InputSchema;
  };

  it("reads a frame count by its description whatever its name, and sets width and height to the output's shape (a HunyuanVideo-style schema)", () => {
    const schema = objectSchema(["prompt"], {
      prompt: { type: "string", description: "Text description of the video" },
      negative_prompt: { type: "string" },
      width: { type: "integer", default: 1280, description: "Video width in pixels" },
      height: { type: "integer", default: 720, description: "Video height in pixels" },
      video_length: { type: "integer", default: 129, description: "Number of frames (max 129)" },
      seed: { type: "integer" },
      guidance_scale: { type: "number", default: 6 },
    });
    const { profile, warnings } = profileFromSchema("acme/hunyuan-like", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "frames", frames: { field: "video_length" }, min_frames: 1, max_frames: 129, fps: null, frames_step: 4, frames_offset: 1 });
    expect(profile.frame.dims).toMatchObject({ width: { field: "width" }, height: { field: "height" }, multiple_of: 16, default: { width: 1280, height: 720 } });
    expect(warnings.join("\n")).toMatch(/video_length: no largest frame count published/);
    // portrait output: the model's pixel count at 9:16; 5 s at the assumed 16 fps is 80 frames, sent as 81 (4k+1)
    const portrait = buildInput(profile, { prompt: "p", duration_s: 5, width: 1080, height: 1920, seed: 7 });
    expect(portrait.input).toEqual({ prompt: "p", video_length: 81, width: 720, height: 1280, seed: 7 });
    expect(portrait.picture).toEqual({ ratio: "720:1280", width: 720, height: 1280 });
    expect(portrait.warnings).toEqual([]);
    expect(validateInput(schema, portrait.input)).toEqual([]);
    // a shot longer than the default frames allow is made as long as it can be, and said so
    const long = buildInput(profile, { prompt: "p", duration_s: 12, width: 1280, height: 720 });
    expect(long.input).toMatchObject({ video_length: 129, width: 1280, height: 720 });
    expect(long.warnings.join()).toMatch(/makes at most 8.0625 s/);
  });

  it("never reads a frame count as seconds, and keeps sizes inside published bounds and blocks", () => {
    const schema = objectSchema(["prompt"], {
      prompt: { type: "string" },
      length: { type: "integer", default: 97, minimum: 9, maximum: 257, description: "Length of the video in frames (8n+1)" },
      frame_rate: { type: "integer", default: 24, minimum: 8, maximum: 30 },
      width: { type: "integer", default: 768, minimum: 256, maximum: 1024, multipleOf: 32 },
      height: { type: "integer", default: 512, minimum: 256, maximum: 1024, description: "must be a multiple of 32" },
    });
    const { profile } = profileFromSchema("acme/ltx-like", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "frames", frames: { field: "length" }, min_frames: 9, max_frames: 257, fps: { field: "frame_rate" }, frames_step: 8, frames_offset: 1 });
    for (const [w, h] of [[1080, 1920], [1920, 1080], [1080, 1080], [2160, 3840]] as const) {
      for (const seconds of [2, 4.3, 6, 10.5]) {
        const built = buildInput(profile, { prompt: "p", duration_s: seconds, width: w, height: h });
        const frames = built.input.length as number;
        expect(frames % 8, `${frames} frames`).toBe(1);
        expect(built.duration_s).toBeGreaterThanOrEqual(Math.min(seconds, 257 / 8) - 1e-6);
        const [bw, bh] = [built.input.width as number, built.input.height as number];
        expect(bw % 32 + (bh % 32)).toBe(0);
        expect(Math.abs(Math.log(bw / bh / (w / h)))).toBeLessThan(0.08);
        expect(validateInput(schema, built.input)).toEqual([]);
      }
    }
    // the frame count was not taken for a length in seconds
    const seconds = objectSchema(["prompt"], { prompt: { type: "string" }, length: { type: "integer", default: 97, description: "Number of frames to generate" }, duration: { type: "integer", enum: [5, 10] } });
    expect(profileFromSchema("acme/two", seconds, SOURCE).profile.duration).toMatchObject({ kind: "frames", frames: { field: "length" }, max_frames: 97 });
    const named = objectSchema(["prompt"], { prompt: { type: "string" }, video_length: { type: "integer", enum: [5, 10], description: "Video length in seconds" } });
    expect(profileFromSchema("acme/three", named, SOURCE).profile.duration).toMatchObject({ kind: "enum", input: { field: "video_length" }, values: [5, 10] });
  });

  it("reads Optional inputs (anyOf [X, null]) like plain ones, and the check refuses a size off the model's block", () => {
    const schema = objectSchema(["prompt"], {
      prompt: { type: "string" },
      duration: { anyOf: [{ type: "integer", enum: [4, 8] }, { type: "null" }], default: null, description: "Seconds" },
      aspect_ratio: { anyOf: [{ $ref: "#/components/schemas/ar" }, { type: "null" }], default: "16:9" },
    });
    schema.components.ar = { type: "string", enum: ["16:9", "9:16"] };
    const { profile } = profileFromSchema("acme/optional", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "enum", values: [4, 8], value_type: "integer" });
    expect(profile.frame.aspect?.options.map((o) => o.value)).toEqual(["16:9", "9:16"]);
    const built = buildInput(profile, { prompt: "p", duration_s: 5, width: 1080, height: 1920 });
    expect(built.input).toEqual({ prompt: "p", duration: 8, aspect_ratio: "9:16" });
    expect(validateInput(schema, built.input)).toEqual([]);
    expect(validateInput(schema, { prompt: "p", duration: null })).toEqual([]);
    expect(validateInput(schema, { prompt: "p", duration: 5 }).map((i) => i.type)).toEqual(["enum"]);
    const sized = objectSchema(["prompt"], { prompt: { type: "string" }, width: { type: "integer", multipleOf: 32 } });
    expect(validateInput(sized, { prompt: "p", width: 720 }).map((i) => i.type)).toEqual(["number_multiple_of"]);
    expect(validateInput(sized, { prompt: "p", width: 736 })).toEqual([]);
  });

  it("takes a duration with only a largest value as a range from 1 s", () => {
    const schema = objectSchema(["prompt"], { prompt: { type: "string" }, duration: { type: "integer", default: 5, maximum: 10, description: "Seconds" } });
    const { profile, warnings } = profileFromSchema("acme/upto", schema, SOURCE);
    expect(profile.duration).toMatchObject({ kind: "range", min: 1, max: 10, value_type: "integer" });
    expect(warnings.join()).toMatch(/no shortest length published/);
    expect(buildInput(profile, { prompt: "p", duration_s: 7.2, width: 1280, height: 720 }).input.duration).toBe(8);
  });

  it("maps named shapes and pixel sizes", () => {
    const sora = profileFromSchema("openai/sora-2", schemaOf("openai/sora-2"), SOURCE).profile;
    expect(sora.frame.aspect?.options).toEqual([{ value: "portrait", ratio: "9:16" }, { value: "landscape", ratio: "16:9" }]);
    expect(sora.first_frame?.field).toBe("input_reference");
    const wan = profileFromSchema("wan-video/wan-2.5-t2v-fast", schemaOf("wan-video/wan-2.5-t2v-fast"), SOURCE).profile;
    expect(wan.frame.size?.options).toEqual([{ value: "1280*720", width: 1280, height: 720 }]);
    expect(wan.sound).toBeNull();
  });

  it("refuses a schema it cannot fill, naming the input", () => {
    const schema: InputSchema = { input: { type: "object", required: ["prompt", "style_reference"], properties: { prompt: { type: "string" }, style_reference: { type: "string", format: "uri" } } }, components: {} };
    expect(() => profileFromSchema("x/y", schema, SOURCE)).toThrow(SchemaMappingError);
    try {
      profileFromSchema("x/y", schema, SOURCE);
    } catch (e) {
      expect((e as SchemaMappingError).field).toBe("style_reference");
    }
    expect(() => profileFromSchema("x/y", { input: { type: "object", properties: { image: { type: "string" } } }, components: {} }, SOURCE)).toThrow(/prompt/);
  });
});

describe("refineProfile (catalog entry vs the version that runs)", () => {
  it("follows a renamed input: an old Seedance version calls aspect_ratio 'ratio'", () => {
    const { profile, warnings } = refineProfile(catalogProfile("bytedance/seedance-1-lite")!, schemaOf("bytedance/seedance-1-lite", "oldratio1"));
    expect(profile.frame.aspect?.input.field).toBe("ratio");
    expect(profile.last_frame).toBeNull();
    expect(warnings.join("\n")).toMatch(/calls aspect_ratio "ratio"/);
    const input = buildInput(profile, { prompt: "p", duration_s: 4, width: 720, height: 1280 }).input;
    expect(input).toEqual({ prompt: "p", duration: 4, resolution: "720p", ratio: "9:16" });
    expect(validateInput(schemaOf("bytedance/seedance-1-lite", "oldratio1"), input)).toEqual([]);
  });

  it("takes the lengths a version publishes over the catalog's", () => {
    const schema = structuredClone(schemaOf("google/veo-3-fast"));
    schema.components.duration = { ...schema.components.duration, enum: [4, 6, 8] };
    const { profile, warnings } = refineProfile(catalogProfile("google/veo-3-fast")!, schema);
    expect(profile.duration).toMatchObject({ kind: "enum", values: [4, 6, 8], confidence: "schema" });
    expect(warnings.join()).toMatch(/allows duration 4, 6, 8/);
  });
});

describe("cost", () => {
  const pro = catalogProfile("openai/sora-2-pro")!;
  it("prices per second at the resolution asked, with the source and its date", () => {
    expect(priceOf(pro, { duration_s: 8, resolution: "standard" })).toBe(2.4);
    expect(priceOf(pro, { duration_s: 8, resolution: "high" })).toBe(4);
    expect(priceOf(pro, { duration_s: 8, resolution: null })).toBe("unknown");
    const { fits, estimate } = estimateScenes(pro, [{ scene_id: "scene_1", duration_s: 7 }, { scene_id: "scene_2", duration_s: 14 }], { width: 1280, height: 720 });
    expect(fits[1]!.shots.map((s) => s.request_s)).toEqual([8, 8]);
    expect(estimate.clips.map((c) => c.usd)).toEqual([2.4, 2.4, 2.4]);
    expect(estimate.total_usd).toBe(7.2);
    expect(estimate.price_source).toMatchObject({ read_at: "2026-12-03" });
  });
  it("says unknown where no price is kept, and the cap cannot be held then", () => {
    const est = estimateCost(catalogProfile("minimax/video-01")!, [{ scene_id: "s", duration_s: 6 }]);
    expect(est).toMatchObject({ total_usd: "unknown", unknown_clips: 1, basis: "unknown", price_source: null });
    expect(checkBudget(est, 5).ok).toBe(false);
    expect(checkBudget(est, 5, "allow").ok).toBe(true);
    expect(checkBudget(est, undefined).ok).toBe(true);
  });
  it("refuses an estimate over the cap and a payment that would pass it", () => {
    const est = estimateCost(pro, [{ scene_id: "s", duration_s: 12, resolution: "standard" }]);
    expect(checkBudget(est, 3.6).ok).toBe(true);
    expect(checkBudget(est, 3.59)).toMatchObject({ ok: false, reason: expect.stringMatching(/exceeds/) });
    expect(checkSpend(3, 1.2, 4).ok).toBe(false);
    expect(checkSpend(2.8, 1.2, 4).ok).toBe(true);
    expect(checkSpend(0, "unknown", 4).ok).toBe(false);
  });
});
