import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipJob } from "../../../graph/ports.js";
import { probe } from "../../../tools/ffmpeg/probe.js";
import { createLocalVideoProvider, LocalRenderError } from "../../../tools/render/local-provider.js";
import { changedPixels, readGrayFrames, tempDir } from "../ffmpeg/media.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterAll(() => cleanup());

function job(over: Partial<ClipJob> = {}): ClipJob {
  return {
    generationId: "gen_1",
    clipId: "clip_1",
    sceneId: "scene_1",
    prompt: "a can of cold brew on a sunny counter",
    duration_s: 1.55,
    width: 320,
    height: 180,
    fps: 30,
    palette: ["#1E3A8A", "#F59E0B", "#FFFFFF"],
    text: "Meet Oatly Chill",
    motion: "push-in",
    outPath: join(dir, "clips", "clip_1.mp4"),
    ...over,
  };
}

const progress = { predictionId: null, onPrediction: () => {} };

describe("createLocalVideoProvider", () => {
  it("renders an animatic of exactly the requested size, rate and frame count", async () => {
    const provider = createLocalVideoProvider({ timeoutS: 60 });
    expect(provider.name).toBe("local");
    const r = await provider.generate(job(), progress);
    expect(r.path).toBe(join(dir, "clips", "clip_1.mp4"));
    expect(r.prediction_id).toBeNull();
    expect(r.duration_s).toBeCloseTo(47 / 30, 5);
    const info = await probe(r.path);
    expect(info).toMatchObject({ width: 320, height: 180, fps: 30, nb_frames: 47, video_codec: "h264", pix_fmt: "yuv420p", has_audio: false, has_b_frames: false });
    expect(readdirSync(join(dir, "clips"))).toEqual(["clip_1.mp4"]);
  });

  it("moves: the picture changes over the clip", async () => {
    const r = await createLocalVideoProvider().generate(job({ clipId: "clip_2", outPath: join(dir, "clips", "clip_2.mp4"), motion: "pan right" }), progress);
    const frames = await readGrayFrames(r.path, 320, 180);
    expect(changedPixels(frames[0], frames[frames.length - 1], 12)).toBeGreaterThan(500);
  });

  it("draws hostile or empty text and ignores a palette it cannot use", async () => {
    const provider = createLocalVideoProvider();
    const hostile = await provider.generate(
      job({ clipId: "clip_3", outPath: join(dir, "clips", "clip_3.mp4"), text: "50% off: %{n} ' \" \\ ; [x]\nnew line", palette: ["red:c1=0x000000", "#zzz"] }),
      progress,
    );
    expect((await probe(hostile.path)).nb_frames).toBe(47);
    const blank = await provider.generate(job({ clipId: "clip_4", outPath: join(dir, "clips", "clip_4.mp4"), text: "", duration_s: 0.5, motion: "" }), progress);
    expect((await probe(blank.path)).nb_frames).toBe(15);
  });

  it("fails with a typed error and leaves nothing behind when cancelled or invalid", async () => {
    const provider = createLocalVideoProvider();
    const controller = new AbortController();
    const out = join(dir, "clips", "cancelled.mp4");
    const pending = provider.generate(job({ clipId: "cancelled", outPath: out, duration_s: 30 }), { ...progress, signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    await expect(pending).rejects.toBeInstanceOf(LocalRenderError);
    const started = performance.now();
    await expect(
      provider.generate(job({ clipId: "cancelled", outPath: out, duration_s: 60 }), { ...progress, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(LocalRenderError);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(provider.generate(job({ outPath: join(dir, "clips", "odd.mp4"), width: 321 }), progress)).rejects.toMatchObject({
      name: "LocalRenderError",
      context: { clipId: "clip_1", sceneId: "scene_1" },
    });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(dir, "clips")).filter((f) => !/^clip_\d\.mp4$/.test(f))).toEqual([]);
  });
});
