import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timeline } from "../../../core/timeline/schema.js";
import { composeTimeline, type ComposeResult } from "../../../tools/compose/index.js";
import { probe } from "../../../tools/ffmpeg/probe.js";
import { createMediaStore } from "../../../tools/media/store.js";
import { codedIndex, makeCodedClip, readFrameColors, tempDir, type FrameColor } from "../ffmpeg/media.js";
import { testScene, testTimeline } from "./timelines.js";

/**
 * Every frame of these clips carries its clip (chroma) and source frame number (luma), so
 * reading the output back shows exactly which source frame landed on which output frame.
 */

const FPS = 30;
const TAGS = { a: 64, b: 128, c: 192, f: 100 } as const;
let dir: string;
let cleanup: () => Promise<void>;
let result: ComposeResult;
let frames: FrameColor[];
let timeline: Timeline;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const size = { width: 320, height: 180 };
  const clips = {
    a: await makeCodedClip(join(dir, "a.mp4"), { frames: 45, fps: FPS, tag: TAGS.a, ...size }),
    b: await makeCodedClip(join(dir, "b.mp4"), { frames: 45, fps: FPS, tag: TAGS.b, ...size }),
    c: await makeCodedClip(join(dir, "c.mp4"), { frames: 50, fps: FPS, tag: TAGS.c, ...size }),
    f: await makeCodedClip(join(dir, "f.mp4"), { frames: 40, fps: 25, tag: TAGS.f, profile: "foreign", ...size }),
  };
  timeline = testTimeline(
    [
      testScene("scene_1", "a", 1.0),
      testScene("scene_2", "b", 0.8, { source_in_s: 0.5 }),
      testScene("scene_3", "c", 0.7, { speed: 2 }),
      testScene("scene_4", "a", 1.5),
      testScene("scene_5", "f", 1.2),
      testScene("scene_6", "c", 1.5, { transition_in: "fade" }),
      testScene("scene_7", "a", 0.5, { crop: { aspect_ratio: "9:16", x: 0, y: 0, w: 1, h: 1 } }),
    ],
    { ...size, fps: FPS },
  );
  result = await composeTimeline({ timeline, clips, outPath: join(dir, "out.mp4"), media: createMediaStore(join(dir, "data")) });
  frames = await readFrameColors(result.path);
});

afterAll(() => cleanup());

/** The output frames of one scene, as [clip tag, source frame] pairs. */
function sceneFrames(i: number): [number, number][] {
  const s = result.segments[i];
  return frames.slice(s.start_frame, s.start_frame + s.frames).map((f) => [f.u, codedIndex(f)]);
}

function expectClip(pairs: [number, number][], tag: number): void {
  for (const [u] of pairs) expect(Math.abs(u - tag)).toBeLessThanOrEqual(2);
}

describe("frame-exact composition", () => {
  it("has exactly the timeline's frames, cut where the timeline says", async () => {
    expect(result.segments.map((s) => [s.start_frame, s.frames])).toEqual([
      [0, 30],
      [30, 24],
      [54, 21],
      [75, 45],
      [120, 36],
      [156, 45],
      [201, 15],
    ]);
    expect(frames).toHaveLength(216);
    const info = await probe(result.path);
    expect(info.nb_frames).toBe(216);
    expect(Math.abs(info.video_duration_s - timeline.duration_s)).toBeLessThanOrEqual(1 / FPS);
  });

  it("copies compatible clips and encodes the rest", () => {
    expect(result.segments.map((s) => s.mode)).toEqual(["copy", "encode", "encode", "copy", "encode", "encode", "encode"]);
    expect(result.segments[4].reasons).toEqual(expect.arrayContaining(["reordered frames", "25 fps"]));
  });

  it("a copied clip cut short keeps exactly its first frames", () => {
    const s = sceneFrames(0);
    expectClip(s, TAGS.a);
    expect(s.map(([, n]) => n)).toEqual([...Array(30).keys()]);
  });

  it("an in point starts on the right source frame; only the stretch before the next keyframe is encoded", () => {
    expect(result.segments[1].parts.map((p) => [p.mode, p.offset, p.frames])).toEqual([
      ["encode", 0, 15],
      ["copy", 15, 9],
    ]);
    const s = sceneFrames(1);
    expectClip(s, TAGS.b);
    expect(s.map(([, n]) => n)).toEqual([...Array(24).keys()].map((k) => 15 + k));
  });

  it("double speed takes every other source frame", () => {
    const s = sceneFrames(2);
    expectClip(s, TAGS.c);
    expect(s.map(([, n]) => n)).toEqual([...Array(21).keys()].map((k) => 2 * k));
  });

  it("a whole copied clip plays through", () => {
    const s = sceneFrames(3);
    expectClip(s, TAGS.a);
    expect(s.map(([, n]) => n)).toEqual([...Array(45).keys()]);
  });

  it("a 25 fps clip with B-frames is resampled to the output rate in order", () => {
    const s = sceneFrames(4);
    expectClip(s, TAGS.f);
    s.forEach(([, n], k) => expect(Math.abs(n - (k * 25) / 30)).toBeLessThanOrEqual(1));
    for (let k = 1; k < s.length; k++) expect(s[k][1]).toBeGreaterThanOrEqual(s[k - 1][1]);
  });

  it("a fade is encoded up to the keyframe and the copied rest joins it without a lost or doubled frame", () => {
    expect(result.segments[5].parts.map((p) => [p.mode, p.offset, p.frames])).toEqual([
      ["encode", 0, 30],
      ["copy", 30, 15],
    ]);
    const s = sceneFrames(5);
    expectClip(s.slice(12), TAGS.c);
    expect(s.slice(12).map(([, n]) => n)).toEqual([...Array(33).keys()].map((k) => 12 + k));
    expect(s[0][1]).toBeLessThan(s[11][1]);
  });

  it("a 9:16 crop is pillarboxed into the 16:9 output, undistorted", async () => {
    const s = result.segments[6];
    expect(s.reasons).toContain("crop");
    const [centre, edge] = await Promise.all([
      readFrameColors(result.path, { x: 140, y: 70, w: 40, h: 40 }),
      readFrameColors(result.path, { x: 0, y: 0, w: 100, h: 180 }),
    ]);
    const inside = centre.slice(s.start_frame, s.start_frame + s.frames);
    expectClip(inside.map((f) => [f.u, codedIndex(f)]), TAGS.a);
    expect(inside.map(codedIndex)).toEqual([...Array(15).keys()]);
    for (const f of edge.slice(s.start_frame, s.start_frame + s.frames)) expect(f).toEqual({ y: 16, u: 128, v: 128 });
  });
});
