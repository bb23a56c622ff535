import { describe, expect, it } from "vitest";
import { normalizeTimeline } from "../../../core/timeline/invariants.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";
import type { MediaInfo } from "../../../tools/ffmpeg/probe.js";
import { ComposeError } from "../../../tools/compose/errors.js";
import { cropRect, fitInto } from "../../../tools/compose/geometry.js";
import { planComposition, splitAtKeyframes, type ClipFacts } from "../../../tools/compose/plan.js";
import { testScene, testTimeline } from "./timelines.js";

const FONT = { file: "/fonts/Bold.ttf" };
const HEADERS = "a".repeat(64);

function info(over: Partial<MediaInfo> = {}): MediaInfo {
  return {
    duration_s: 2,
    width: 320,
    height: 180,
    fps: 30,
    video_codec: "h264",
    pix_fmt: "yuv420p",
    has_audio: false,
    audio_codec: null,
    nb_frames: 60,
    has_video: true,
    video_duration_s: 2,
    has_b_frames: false,
    time_base: "1/90000",
    start_s: 0,
    extradata_hash: HEADERS,
    profile: "High",
    keyframes: [0, 30],
    size_bytes: 1000,
    source: "mp4",
    ...over,
  };
}

function facts(id: string, over: Partial<MediaInfo> = {}): ClipFacts {
  return { path: `/clips/${id}.mp4`, identity: `/clips/${id}.mp4|1000|1`, info: info(over) };
}

function scene(i: number, duration_s: number, over: Partial<TimelineScene> = {}): TimelineScene {
  return testScene(`scene_${i}`, `c${i}`, duration_s, over);
}

const timeline = testTimeline;

const clips = { c1: facts("c1"), c2: facts("c2"), c3: facts("c3") };
const opts = { font: FONT, encoderExtradata: HEADERS };

describe("planComposition: frames", () => {
  it("gives each scene the frames between its rounded boundaries", () => {
    const plan = planComposition(timeline([scene(1, 1.55), scene(2, 1.55), scene(3, 1.9)]), clips, opts);
    expect(plan.segments.map((s) => [s.startFrame, s.frames])).toEqual([
      [0, 47],
      [47, 46],
      [93, 57],
    ]);
    expect(plan.frames).toBe(150);
  });

  it("leaves out a scene shorter than half a frame, with a warning", () => {
    const plan = planComposition(timeline([scene(1, 1), scene(2, 0.01), scene(3, 1)]), clips, opts);
    expect(plan.segments.map((s) => s.scene_id)).toEqual(["scene_1", "scene_3"]);
    expect(plan.warnings[0]).toContain("scene_2");
    expect(plan.frames).toBe(60);
  });
});

describe("planComposition: copy or encode", () => {
  it("copies clips that already are what an encode would produce, cutting longer ones", () => {
    const plan = planComposition(timeline([scene(1, 2), scene(2, 1.5)]), clips, opts);
    expect(plan.segments.map((s) => [s.mode, s.cut, s.reasons])).toEqual([
      ["copy", false, []],
      ["copy", true, []],
    ]);
    expect(plan.segments[1].input).toBe("/clips/c2.mp4");
  });

  it.each([
    ["an in point the clip cannot feed", { source_in_s: 0.5 }, {}, "clip has 60 frames, scene needs 75"],
    ["a speed change", { speed: 2 }, {}, "speed 2"],
    ["a crop", { crop: { aspect_ratio: "1:1" as const, x: 0, y: 0, w: 1, h: 1 } }, {}, "crop"],
    ["a fade", { transition_in: "fade_black" as const }, {}, "fade in"],
    ["another size", {}, { width: 640, height: 360 }, "size 640x360"],
    ["another rate", {}, { fps: 25, nb_frames: 50 }, "25 fps"],
    ["B-frames", {}, { has_b_frames: true }, "reordered frames"],
    ["an audio track", {}, { has_audio: true }, "has audio"],
    ["another timescale", {}, { time_base: "1/15360" }, "time base 1/15360"],
    ["too few frames", {}, { nb_frames: 30, video_duration_s: 1 }, "clip has 30 frames, scene needs 60"],
    ["other stream headers", {}, { extradata_hash: "b".repeat(64) }, "stream headers differ from the encoder's"],
    ["another codec", {}, { video_codec: "hevc" }, "codec hevc"],
  ])("encodes for %s", (_name, sceneOver, infoOver, reason) => {
    const plan = planComposition(timeline([scene(1, 2, sceneOver)]), { c1: facts("c1", infoOver) }, opts);
    expect(plan.segments[0].mode).toBe("encode");
    expect(plan.segments[0].reasons).toContain(reason);
  });

  it("without known encoder headers, copies only clips that agree with the majority", () => {
    const mixed = { c1: facts("c1"), c2: facts("c2"), c3: facts("c3", { extradata_hash: "b".repeat(64) }) };
    const plan = planComposition(timeline([scene(1, 1), scene(2, 1), scene(3, 1)]), mixed, { font: FONT, encoderExtradata: null });
    expect(plan.segments.map((s) => s.mode)).toEqual(["copy", "copy", "encode"]);
  });

  it("holds the last frame when the clip is shorter than the scene, and says so", () => {
    const plan = planComposition(timeline([scene(1, 3)]), { c1: facts("c1") }, opts);
    expect(plan.segments[0]).toMatchObject({ mode: "encode", holdsLastFrame: true });
    expect(plan.warnings.join()).toContain("last frame is held");
  });
});

describe("planComposition: the CTA", () => {
  const cta = { text: "Shop now", start_s: 1.5, duration_s: 1.5 };

  it("draws only the part of the CTA window inside each segment, in its own frame numbers", () => {
    const plan = planComposition(timeline([scene(1, 1), scene(2, 1), scene(3, 1)], { cta }), clips, opts);
    const o = plan.segments.map((s) => s.overlay && [s.overlay.fromFrame, s.overlay.toFrame, s.overlay.elapsedFrames]);
    expect(o).toEqual([null, [15, 30, 0], [0, 30, 15]]);
    expect(plan.segments.map((s) => s.mode)).toEqual(["copy", "encode", "encode"]);
    expect(plan.segments[1].overlay!.text).toBe("Shop now");
    expect(plan.segments[1].overlay!.fontSize).toBeGreaterThan(8);
  });

  it("wraps a long CTA into lines that fit", () => {
    const long = { ...cta, text: "Order today and get the second cold brew free with code CHILL" };
    const plan = planComposition(timeline([scene(1, 3)], { cta: long }), clips, opts);
    expect(plan.segments[0].overlay!.text.split("\n").length).toBeGreaterThan(1);
  });
});

describe("planComposition: encoding only what an effect touches", () => {
  const parts = (t: Timeline, c: Record<string, ClipFacts> = clips) =>
    planComposition(t, c, opts).segments.map((s) => [s.scene_id, s.mode, s.offset, s.frames, s.inFrame]);

  it("encodes a fade up to the next keyframe and copies the rest of the scene", () => {
    expect(parts(timeline([scene(1, 2, { transition_in: "fade" })]))).toEqual([
      ["scene_1", "encode", 0, 30, 0],
      ["scene_1", "copy", 30, 30, 30],
    ]);
  });

  it("encodes the CTA from the keyframe before it, with the window in the piece's own frames", () => {
    const plan = planComposition(timeline([scene(1, 2), scene(2, 2)], { cta: { text: "Shop", start_s: 1.5, duration_s: 1.5 } }), clips, opts);
    expect(plan.segments.map((s) => [s.scene_id, s.mode, s.offset, s.frames])).toEqual([
      ["scene_1", "copy", 0, 30],
      ["scene_1", "encode", 30, 30],
      ["scene_2", "encode", 0, 30],
      ["scene_2", "copy", 30, 30],
    ]);
    const o = plan.segments.filter((s) => s.overlay).map((s) => [s.overlay!.fromFrame, s.overlay!.toFrame, s.overlay!.elapsedFrames]);
    expect(o).toEqual([
      [15, 30, 0],
      [0, 30, 15],
    ]);
    expect(plan.segments[1].sourceInS).toBeCloseTo(29.5 / 30, 9);
    expect(plan.segments.reduce((n, s) => n + s.frames, 0)).toBe(plan.frames);
  });

  it("starting between keyframes, encodes up to the next one and copies from there", () => {
    const plan = planComposition(timeline([scene(1, 1, { source_in_s: 0.5 })]), clips, opts);
    expect(plan.segments.map((s) => [s.mode, s.offset, s.frames, s.inFrame, s.cut])).toEqual([
      ["encode", 0, 15, 0, false],
      ["copy", 15, 15, 30, true],
    ]);
    expect(plan.segments[0].reasons).toEqual(["starts between keyframes"]);
    expect(plan.segments[0].sourceInS).toBeCloseTo(14.5 / 30, 9);
    const onKey = planComposition(timeline([scene(1, 1, { source_in_s: 1 })]), clips, opts).segments;
    expect(onKey.map((s) => [s.mode, s.inFrame, s.cut])).toEqual([["copy", 30, false]]);
  });

  it("encodes the whole scene when the clip has no usable keyframe or other changes are needed", () => {
    const fade = scene(1, 2, { transition_in: "fade" });
    expect(parts(timeline([fade]), { c1: facts("c1", { keyframes: [0, 31] }) })).toEqual([["scene_1", "encode", 0, 60, 0]]);
    expect(parts(timeline([{ ...fade, speed: 0.5, duration_s: 1 }]))).toEqual([["scene_1", "encode", 0, 30, 0]]);
  });

  it("keeps the fade's piece when the scene is trimmed at its end", () => {
    const before = planComposition(timeline([scene(1, 2, { transition_in: "fade" })]), clips, opts).segments;
    const after = planComposition(timeline([scene(1, 1.5, { transition_in: "fade" })]), clips, opts).segments;
    expect(after[0].key).toBe(before[0].key);
    expect(after[1]).toMatchObject({ mode: "copy", frames: 15, cut: true });
  });
});

describe("splitAtKeyframes", () => {
  it("widens effects to keyframes and merges what overlaps", () => {
    expect(splitAtKeyframes(100, [{ from: 0, to: 10 }], [0, 30, 60, 90])).toEqual([
      { from: 0, to: 30, mode: "encode" },
      { from: 30, to: 100, mode: "copy" },
    ]);
    expect(splitAtKeyframes(100, [{ from: 0, to: 10 }, { from: 25, to: 40 }, { from: 95, to: 100 }], [0, 30, 60, 90])).toEqual([
      { from: 0, to: 60, mode: "encode" },
      { from: 60, to: 90, mode: "copy" },
      { from: 90, to: 100, mode: "encode" },
    ]);
    expect(splitAtKeyframes(40, [{ from: 5, to: 6 }], [0])).toEqual([{ from: 0, to: 40, mode: "encode" }]);
    expect(splitAtKeyframes(40, [], [0, 30])).toEqual([{ from: 0, to: 40, mode: "copy" }]);
  });
});

describe("planComposition: cache keys", () => {
  const base = timeline([scene(1, 1), scene(2, 1, { transition_in: "fade" }), scene(3, 1)]);
  const keys = (t: Timeline, c: Record<string, ClipFacts> = clips) => planComposition(t, c, opts).segments.map((s) => s.key);

  it("is stable, and does not depend on where the scene sits in the timeline", () => {
    expect(keys(base)).toEqual(keys(base));
    const swapped = normalizeTimeline({ ...base, scenes: [base.scenes[1], base.scenes[0], base.scenes[2]] });
    const [k1, k2, k3] = keys(base);
    expect(keys(swapped)).toEqual([k2, k1, k3]);
  });

  it("changes only for the scene whose pixels change", () => {
    const [k1, k2, k3] = keys(base);
    const trimmed = normalizeTimeline({ ...base, scenes: base.scenes.map((s) => (s.id === "scene_2" ? { ...s, duration_s: 0.8 } : s)) });
    const after = keys(trimmed);
    expect(after[0]).toBe(k1);
    expect(after[1]).not.toBe(k2);
    expect(after[2]).toBe(k3);
    const moved = normalizeTimeline({ ...base, scenes: base.scenes.map((s) => (s.id === "scene_2" ? { ...s, source_in_s: 0.1 } : s)) });
    expect(keys(moved)[1]).not.toBe(k2);
    expect(keys(base, { ...clips, c2: { ...clips.c2, identity: "/clips/c2.mp4|1001|2" } })[1]).not.toBe(k2);
    expect(keys({ ...base, cta: { text: "Buy", start_s: 2.5, duration_s: 0.5 } })[2]).not.toBe(k3);
    expect(keys({ ...base, cta: { text: "Sell", start_s: 2.5, duration_s: 0.5 } })[2]).not.toBe(keys({ ...base, cta: { text: "Buy", start_s: 2.5, duration_s: 0.5 } })[2]);
  });
});

describe("planComposition: errors", () => {
  it("names the scene whose clip is missing", () => {
    const t = timeline([scene(1, 1), scene(2, 1, { clip_id: "nope" })]);
    const err = (() => {
      try {
        planComposition(t, clips, opts);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ComposeError);
    expect(err).toMatchObject({ stage: "plan", scene_id: "scene_2" });
  });
});

describe("cropRect and fitInto", () => {
  it("centres an aspect crop inside the region, in even pixels", () => {
    expect(cropRect({ aspect_ratio: "9:16", x: 0, y: 0, w: 1, h: 1 }, 1280, 720)).toEqual({ x: 436, y: 0, w: 404, h: 720 });
    expect(cropRect({ aspect_ratio: null, x: 0.5, y: 0.5, w: 0.5, h: 0.5 }, 1280, 720)).toEqual({ x: 640, y: 360, w: 640, h: 360 });
    expect(cropRect({ aspect_ratio: "16:9", x: 0, y: 0, w: 1, h: 1 }, 1280, 720)).toBeNull();
    expect(cropRect(null, 1280, 720)).toBeNull();
  });

  it("letterboxes without distortion", () => {
    expect(fitInto({ w: 320, h: 180 }, 320, 180)).toEqual({ scale: null, pad: null });
    expect(fitInto({ w: 640, h: 360 }, 320, 180)).toEqual({ scale: { width: 320, height: 180 }, pad: null });
    expect(fitInto({ w: 404, h: 720 }, 320, 180)).toEqual({ scale: { width: 102, height: 180 }, pad: { x: 108, y: 0 } });
  });
});

describe("planComposition: reframing a clip of another shape", () => {
  it("crops to the output's shape when little is lost, pads when much would be, and a scene's own crop wins", () => {
    // 4:3 into 16:9 keeps 75 % of the picture: cropped, centred.
    const wide = planComposition(timeline([scene(1, 1)]), { c1: facts("c1", { width: 320, height: 240 }) }, opts).segments[0]!;
    expect(wide.crop).toEqual({ x: 0, y: 30, w: 320, h: 180 });
    expect(wide.pad).toBeNull();
    // 9:16 into 16:9 would keep a third: fitted and padded instead.
    const tall = planComposition(timeline([scene(1, 1)]), { c1: facts("c1", { width: 180, height: 320 }) }, opts).segments[0]!;
    expect(tall.crop).toBeNull();
    expect(tall.pad).not.toBeNull();
    expect(tall.scale!.height).toBe(180);
    // The scene's crop is honoured as given.
    const own = planComposition(timeline([scene(1, 1, { crop: { aspect_ratio: null, x: 0, y: 0, w: 0.5, h: 0.75 } })]), { c1: facts("c1", { width: 320, height: 240 }) }, opts).segments[0]!;
    expect(own.crop).toEqual({ x: 0, y: 0, w: 160, h: 180 });
  });
});
