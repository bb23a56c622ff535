import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timeline } from "../../../core/timeline/schema.js";
import { composeTimeline, planComposition } from "../../../tools/compose/index.js";
import { createMediaStore, type MediaStore } from "../../../tools/media/store.js";
import { segmentArgs } from "../../../tools/ffmpeg/args.js";
import { readFacts } from "../../../tools/compose/facts.js";
import { segmentSpecFor } from "../../../tools/compose/segments.js";
import { changedPixels, makeFlatClip, readGrayFrames, tempDir } from "../ffmpeg/media.js";
import { testScene, testTimeline } from "./timelines.js";

/**
 * A CTA made of everything that could break a filter graph or be expanded by drawtext,
 * composed from a data folder whose path is just as hostile. The clip is one flat colour,
 * so once the CTA has faded in every frame must be identical: drawtext expanding %{n} or
 * %{pts} would change the picture frame by frame.
 */

const HOSTILE = `It's "50% off": C:\\deals\\ %{n} %{pts} %{eif:n:d}\n; [out] [0:v] , drawtext=text=x \\' \\\\ end`;
const FPS = 30;
let dir: string;
let cleanup: () => Promise<void>;
let media: MediaStore;
let timeline: Timeline;
let clipsDir: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const root = join(dir, `we'ird:dir,[x];y\\z and space`);
  clipsDir = join(root, "clips's");
  await mkdir(clipsDir, { recursive: true });
  media = createMediaStore(root);
  await makeFlatClip(join(clipsDir, "flat's.mp4"), { frames: 30, fps: FPS, width: 320, height: 180, color: "0x336699" });
  await makeFlatClip(join(clipsDir, "other.mp4"), { frames: 15, fps: FPS, width: 320, height: 180, color: "0x993366" });
  timeline = testTimeline([testScene("scene_1", "other", 0.5), testScene("scene_2", "flat", 1)], { fps: FPS, cta: { text: HOSTILE, start_s: 0.7, duration_s: 0.8 } });
});

afterAll(() => cleanup());

describe("hostile CTA text", () => {
  it("never reaches the argument list: only the path of the file holding it does", async () => {
    const facts = { flat: await readFacts(join(clipsDir, "flat's.mp4")), other: await readFacts(join(clipsDir, "other.mp4")) };
    const plan = planComposition(timeline, facts, { font: { file: "/f.ttf" }, encoderExtradata: null });
    const cta = plan.segments.find((s) => s.overlay)!;
    expect(cta.overlay!.text).toContain("%{n}");
    const args = segmentArgs(segmentSpecFor(cta, plan, { font: { file: "/f.ttf" }, textFile: "/tmp/cta'1.txt", outPath: "/tmp/o.mp4" }));
    const joined = args.join("\u0000");
    for (const piece of ["%{", "50%", "deals", "[out]", "drawtext=text", "It's"]) expect(joined).not.toContain(piece);
    expect(args.find((a) => a.includes("drawtext"))).toContain("textfile=/tmp/cta\\\\\\'1.txt:expansion=none");
  });

  it("is drawn literally, from a hostile path, without breaking the filter graph", async () => {
    const r = await composeTimeline({
      timeline,
      clips: { flat: join(clipsDir, "flat's.mp4"), other: join(clipsDir, "other.mp4") },
      outPath: join(dir, "out.mp4"),
      media,
    });
    expect(r.segments.map((s) => s.mode)).toEqual(["copy", "encode"]);
    expect(r.frames).toBe(45);
    const gray = await readGrayFrames(r.path, 320, 180);
    expect(gray).toHaveLength(45);
    // CTA frames 21..44; its fade-in lasts 8 frames, so 29..44 are at full opacity.
    for (let k = 30; k < 45; k++) expect(changedPixels(gray[29], gray[k])).toBe(0);
    expect(changedPixels(gray[16], gray[30])).toBeGreaterThan(200);
    expect(changedPixels(gray[0], gray[14])).toBe(0);
    expect(await readdir(media.tmpPath("x").replace(/\/x$/, ""))).toEqual([]);
  });
});
