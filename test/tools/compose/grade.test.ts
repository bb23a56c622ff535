import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyOperations } from "../../../core/timeline/ops.js";
import { composeTimeline, type ComposeResult } from "../../../tools/compose/index.js";
import { createMediaStore } from "../../../tools/media/store.js";
import { makeFlatClip, readFrameColors, tempDir, type FrameColor } from "../ffmpeg/media.js";
import { testScene, testTimeline } from "./timelines.js";

/**
 * A scene's colour grade, drawn by the composer over the clip (real FFmpeg): the graded scene is
 * encoded, its neighbours are still copied, and its colours move the way the grade says.
 */

// A mid-grey blue: a colour (its chroma is away from grey's 128) that every grade can move either way.
const COLOR = "0x5a7896";
let dir: string;
let cleanup: () => Promise<void>;
let frames: FrameColor[];
let result: ComposeResult;
const media = () => createMediaStore(join(dir, "data"));
let clips: Record<string, string>;
let timeline: ReturnType<typeof testTimeline>;

const mean = (fs: FrameColor[], k: keyof FrameColor) => fs.reduce((a, f) => a + f[k], 0) / fs.length;
const sceneColors = (r: ComposeResult, all: FrameColor[], i: number) => all.slice(r.segments[i]!.start_frame, r.segments[i]!.start_frame + r.segments[i]!.frames);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  clips = { a: await makeFlatClip(join(dir, "a.mp4"), { frames: 45, fps: 30, width: 320, height: 180, color: COLOR }) };
  timeline = testTimeline([
    testScene("scene_1", "a", 1),
    testScene("scene_2", "a", 1, { grade: "black_and_white" }),
    testScene("scene_3", "a", 1, { grade: "warm" }),
    testScene("scene_4", "a", 1, { grade: "bright" }),
  ]);
  result = await composeTimeline({ timeline, clips, outPath: join(dir, "out.mp4"), media: media() });
  frames = await readFrameColors(result.path);
}, 120_000);

afterAll(() => cleanup());

describe("a colour grade", () => {
  it("encodes the graded scenes only, saying why", () => {
    expect(result.segments.map((s) => s.mode)).toEqual(["copy", "encode", "encode", "encode"]);
    expect(result.segments[1]!.reasons).toContain("grade black_and_white");
  });

  it("draws each look: black and white has no colour, warm moves toward red and away from blue, bright lifts the picture", () => {
    const plain = sceneColors(result, frames, 0);
    const bw = sceneColors(result, frames, 1);
    const warm = sceneColors(result, frames, 2);
    const bright = sceneColors(result, frames, 3);
    expect(mean(plain, "u")).toBeGreaterThan(135);
    expect(Math.abs(mean(bw, "u") - 128)).toBeLessThanOrEqual(2);
    expect(Math.abs(mean(bw, "v") - 128)).toBeLessThanOrEqual(2);
    expect(mean(warm, "v")).toBeGreaterThan(mean(plain, "v") + 3);
    expect(mean(warm, "u")).toBeLessThan(mean(plain, "u"));
    expect(mean(bright, "y")).toBeGreaterThan(mean(plain, "y") + 5);
  });

  it("taken off by an edit, the scene is copied from the clip again (the cached graded segment is not reused)", async () => {
    const edited = applyOperations(timeline, [{ op: "grade", scene: "scene_2", grade: null }]).timeline;
    const again = await composeTimeline({ timeline: edited, clips, outPath: join(dir, "again.mp4"), media: media() });
    expect(again.segments.map((s) => s.mode)).toEqual(["copy", "copy", "encode", "encode"]);
    const colors = await readFrameColors(again.path);
    expect(Math.abs(mean(sceneColors(again, colors, 1), "u") - mean(sceneColors(result, frames, 0), "u"))).toBeLessThanOrEqual(1);
  }, 120_000);
});
