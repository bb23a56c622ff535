import { describe, expect, it } from "vitest";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { checkTimeline, normalizeTimeline } from "../../../core/timeline/invariants.js";
import { applyOperations, EditRejectedError } from "../../../core/timeline/ops.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";

function scene(n: number, duration_s: number, extra: Partial<TimelineScene> = {}): TimelineScene {
  return { id: `scene_${n}`, start_s: 0, duration_s, clip_id: `clip_${n}`, source_in_s: 0, prompt: `prompt ${n}`, transition_in: "cut", crop: null, speed: 1, ...extra };
}

function timeline(scenes: TimelineScene[], extra: Partial<Timeline> = {}): Timeline {
  return normalizeTimeline({ version: 4, duration_s: 0, width: 1280, height: 720, fps: 30, scenes, cta: null, audio: null, ...extra });
}

/** 4 + 6 + 5 = 15 s with a CTA closing the video. */
const base = () => timeline([scene(1, 4), scene(2, 6, { source_in_s: 2 }), scene(3, 5)], { cta: { text: "Go", start_s: 12, duration_s: 3 } });
/** A music video: bars every 2 s, scenes of 2, 4 and 2 bars. */
const music = () =>
  timeline([scene(1, 4, { bars: 2 }), scene(2, 8, { bars: 4 }), scene(3, 4, { bars: 2 })], {
    audio: { src: "song.mp3", offset_s: 0, bpm: 120, downbeats_s: [0, 2, 4, 6, 8, 10, 12, 14], beats_per_bar: 4 },
  });

const ids = (t: Timeline) => t.scenes.map((s) => s.id);
const apply = (t: Timeline, ...ops: EditOperation[]) => applyOperations(t, ops, { clipDurations: { clip_1: 10, clip_2: 9, clip_3: 5 } });

function rejection(fn: () => unknown): EditRejectedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EditRejectedError);
    return error as EditRejectedError;
  }
  throw new Error("expected an EditRejectedError");
}

describe("applyOperations", () => {
  it("is pure and keeps the version", () => {
    const t = base();
    const copy = structuredClone(t);
    const out = apply(t, { op: "remove", scene: "scene_1" }, { op: "reverse" });
    expect(t).toEqual(copy);
    expect(out.timeline.version).toBe(4);
    expect(ids(out.timeline)).toEqual(["scene_3", "scene_2"]);
    expect(checkTimeline(out.timeline)).toEqual([]);
  });

  it("swaps, moves to a position, to an edge, before and after a scene", () => {
    expect(ids(apply(base(), { op: "swap", a: "scene_1", b: "scene_3" }).timeline)).toEqual(["scene_3", "scene_2", "scene_1"]);
    expect(ids(apply(base(), { op: "move", scene: "scene_1", position: 2 }).timeline)).toEqual(["scene_2", "scene_1", "scene_3"]);
    expect(ids(apply(base(), { op: "move", scene: "scene_3", to: "start" }).timeline)).toEqual(["scene_3", "scene_1", "scene_2"]);
    expect(ids(apply(base(), { op: "move", scene: "scene_1", to: "end" }).timeline)).toEqual(["scene_2", "scene_3", "scene_1"]);
    expect(ids(apply(base(), { op: "move", scene: "scene_3", before: "scene_2" }).timeline)).toEqual(["scene_1", "scene_3", "scene_2"]);
    expect(ids(apply(base(), { op: "move", scene: "scene_1", after: "scene_2" }).timeline)).toEqual(["scene_2", "scene_1", "scene_3"]);
    const moved = apply(base(), { op: "move", scene: "scene_3", to: "start" }).timeline;
    expect(moved.scenes.map((s) => s.start_s)).toEqual([0, 5, 9]);
  });

  it("rejects moves without exactly one target or to a missing position", () => {
    expect(rejection(() => apply(base(), { op: "move", scene: "scene_1" })).reason).toMatch(/exactly one/);
    expect(rejection(() => apply(base(), { op: "move", scene: "scene_1", to: "end", position: 2 })).reason).toMatch(/exactly one/);
    expect(rejection(() => apply(base(), { op: "move", scene: "scene_1", position: 4 })).reason).toMatch(/position 4 does not exist/);
    expect(rejection(() => apply(base(), { op: "move", scene: "scene_1", before: "scene_1" })).reason).toMatch(/itself/);
  });

  it("names the failing operation and lists the scenes when an id is unknown", () => {
    const e = rejection(() => apply(base(), { op: "reverse" }, { op: "remove", scene: "scene_9" }));
    expect(e.opIndex).toBe(1);
    expect(e.op).toEqual({ op: "remove", scene: "scene_9" });
    expect(e.reason).toContain("scene_3, scene_2, scene_1");
    expect(e.message).toMatch(/^operation 2 \(remove\)/);
  });

  it("never leaves the video empty", () => {
    const e = rejection(() => apply(base(), { op: "remove", scene: "scene_1" }, { op: "remove", scene: "scene_2" }, { op: "remove", scene: "scene_3" }));
    expect(e.reason).toMatch(/empty/);
    expect(e.opIndex).toBe(2);
  });

  it("keeps a closing CTA at the end when scenes get shorter or longer", () => {
    const removed = apply(base(), { op: "remove", scene: "scene_2" }).timeline;
    expect(removed.duration_s).toBe(9);
    expect(removed.cta).toEqual({ text: "Go", start_s: 6, duration_s: 3 });
    const longer = apply(base(), { op: "trim", scene: "scene_3", delta_s: -1, from: "end" }, { op: "duplicate", scene: "scene_1" }).timeline;
    expect(longer.duration_s).toBe(18);
    expect(longer.cta).toEqual({ text: "Go", start_s: 15, duration_s: 3 });
  });

  it("keeps a CTA that does not close the video where it is, and inside when the video shrinks", () => {
    const t = { ...base(), cta: { text: "Go", start_s: 2, duration_s: 3 } };
    expect(apply(t, { op: "remove", scene: "scene_3" }).timeline.cta).toEqual({ text: "Go", start_s: 2, duration_s: 3 });
    const inside = apply({ ...base(), cta: { text: "Go", start_s: 9, duration_s: 3 } }, { op: "remove", scene: "scene_2" });
    expect(inside.timeline.cta).toEqual({ text: "Go", start_s: 6, duration_s: 3 });
    expect(inside.warnings.join()).toMatch(/keep it inside/);
    const tiny = apply(base(), { op: "remove", scene: "scene_2" }, { op: "remove", scene: "scene_3" });
    expect(tiny.timeline.cta).toEqual({ text: "Go", start_s: 1, duration_s: 3 });
  });

  it("trims to a length or by an amount, from the end or the start (moving source_in_s)", () => {
    const end = apply(base(), { op: "trim", scene: "scene_2", duration_s: 4, from: "end" }).timeline.scenes[1]!;
    expect([end.duration_s, end.source_in_s]).toEqual([4, 2]);
    const start = apply(base(), { op: "trim", scene: "scene_2", delta_s: -1.5, from: "start" }).timeline.scenes[1]!;
    expect([start.duration_s, start.source_in_s]).toEqual([4.5, 3.5]);
    const back = apply(base(), { op: "trim", scene: "scene_2", delta_s: 1, from: "start" }).timeline.scenes[1]!;
    expect([back.duration_s, back.source_in_s]).toEqual([7, 1]);
  });

  it("rejects zero, negative and contradictory trims", () => {
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", duration_s: 0, from: "end" })).reason).toMatch(/more than 0/);
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", duration_s: -2, from: "end" })).reason).toMatch(/more than 0/);
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", delta_s: -4, from: "end" })).reason).toMatch(/no length/);
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", from: "end" })).reason).toMatch(/either duration_s or delta_s/);
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", duration_s: 2, delta_s: 1, from: "end" })).reason).toMatch(/not both/);
    expect(rejection(() => apply(base(), { op: "trim", scene: "scene_1", duration_s: 0.01, from: "end" })).reason).toMatch(/one frame/);
  });

  it("lengthens only as far as the clip allows, and warns when the clip's length is unknown", () => {
    const clamped = apply(base(), { op: "trim", scene: "scene_2", delta_s: 5, from: "end" });
    expect(clamped.timeline.scenes[1]!.duration_s).toBe(7);
    expect(clamped.warnings).toEqual(["scene_2 can only be 7 s long: its clip clip_2 has 9 s"]);
    const start = apply(base(), { op: "trim", scene: "scene_2", delta_s: 5, from: "start" });
    expect([start.timeline.scenes[1]!.duration_s, start.timeline.scenes[1]!.source_in_s]).toEqual([8, 0]);
    const unknown = applyOperations(base(), [{ op: "trim", scene: "scene_1", delta_s: 2, from: "end" }]);
    expect(unknown.timeline.scenes[0]!.duration_s).toBe(6);
    expect(unknown.warnings[0]).toMatch(/clip's length is unknown/);
    const shorter = applyOperations(base(), [{ op: "trim", scene: "scene_1", delta_s: -1, from: "end" }]);
    expect(shorter.warnings).toEqual([]);
  });

  it("retimes: speed multiplies, the length follows, limits are enforced", () => {
    const fast = apply(base(), { op: "speed", scene: "scene_2", factor: 2 }).timeline.scenes[1]!;
    expect([fast.speed, fast.duration_s]).toEqual([2, 3]);
    const back = apply(base(), { op: "speed", scene: "scene_2", factor: 2 }, { op: "speed", scene: "scene_2", factor: 0.5 }).timeline.scenes[1]!;
    expect([back.speed, back.duration_s]).toEqual([1, 6]);
    expect(rejection(() => apply(base(), { op: "speed", scene: "scene_1", factor: 0 })).reason).toMatch(/more than 0/);
    expect(rejection(() => apply(base(), { op: "speed", scene: "scene_1", factor: 9 })).reason).toMatch(/at most 8/);
    expect(rejection(() => apply(base(), { op: "speed", scene: "scene_1", factor: 0.1 })).reason).toMatch(/at least/);
  });

  it("keeps cuts on bar starts on a music video and updates the bar count", () => {
    const t = music();
    const bar = apply(t, { op: "trim", scene: "scene_2", delta_s: -2, from: "end" });
    expect(bar.timeline.scenes[1]).toMatchObject({ duration_s: 6, bars: 3 });
    expect(bar.warnings).toEqual([]);
    const odd = apply(t, { op: "trim", scene: "scene_2", duration_s: 5.2, from: "end" });
    expect(odd.timeline.scenes[1]).toMatchObject({ duration_s: 6, bars: 3 });
    expect(odd.warnings[0]).toMatch(/kept the cut on a bar start: scene_2 lasts 6 s \(asked for 5.2 s\)/);
    const beat = apply(t, { op: "trim", scene: "scene_2", delta_s: -0.5, from: "end" });
    expect(beat.timeline.scenes[1]!.duration_s).toBe(6);
    const past = apply(t, { op: "trim", scene: "scene_3", delta_s: 4, from: "end" });
    // The clip (5 s) ends before the next bar start (6 s in): the scene keeps its length.
    expect(past.timeline.scenes[2]).toMatchObject({ start_s: 12, duration_s: 4, bars: 2 });
    expect(past.warnings.join()).toMatch(/only be 5 s/);
    for (const s of bar.timeline.scenes) expect(s.start_s % 2).toBe(0);
  });

  it("extrapolates bars past the last downbeat", () => {
    const out = applyOperations(music(), [{ op: "trim", scene: "scene_3", delta_s: 4, from: "end" }]);
    expect(out.timeline.scenes[2]).toMatchObject({ duration_s: 8, bars: 4 });
  });

  it("crops one scene or all of them; all to an aspect ratio also reshapes the output", () => {
    const one = apply(base(), { op: "crop", scene: "scene_1", aspect_ratio: "1:1" }).timeline;
    expect(one.scenes[0]!.crop).toEqual({ aspect_ratio: "1:1", x: 0, y: 0, w: 1, h: 1 });
    expect([one.width, one.height]).toEqual([1280, 720]);
    const region = apply(one, { op: "crop", scene: "scene_1", region: { x: 0.5, y: 0, w: 0.5, h: 1 } }).timeline;
    expect(region.scenes[0]!.crop).toEqual({ aspect_ratio: "1:1", x: 0.5, y: 0, w: 0.5, h: 1 });
    const cleared = apply(region, { op: "crop", scene: "scene_1", aspect_ratio: null, region: null }).timeline;
    expect(cleared.scenes[0]!.crop).toBeNull();
    const all = apply(base(), { op: "crop", scene: null, aspect_ratio: "9:16" }).timeline;
    expect([all.width, all.height]).toEqual([720, 1280]);
    expect(all.scenes.every((s) => s.crop?.aspect_ratio === "9:16")).toBe(true);
    expect(rejection(() => apply(base(), { op: "crop", scene: "scene_1", region: { x: 0.6, y: 0, w: 0.5, h: 1 } })).reason).toMatch(/fractions/);
    expect(rejection(() => apply(base(), { op: "crop", scene: "scene_1" })).reason).toMatch(/aspect ratio or a region/);
  });

  it("sets, moves, resizes, retexts and removes the CTA; rejects one outside the video", () => {
    const t = base();
    expect(apply(t, { op: "cta", action: "set", text: "Buy" }).timeline.cta).toEqual({ text: "Buy", start_s: 12, duration_s: 3 });
    expect(apply(t, { op: "cta", action: "set", duration_s: 5 }).timeline.cta).toEqual({ text: "Go", start_s: 10, duration_s: 5 });
    expect(apply(t, { op: "cta", action: "set", start_s: 2 }).timeline.cta).toEqual({ text: "Go", start_s: 2, duration_s: 3 });
    expect(apply(t, { op: "cta", action: "remove" }).timeline.cta).toBeNull();
    const none = { ...t, cta: null };
    expect(apply(none, { op: "cta", action: "set", text: "New" }).timeline.cta).toEqual({ text: "New", start_s: 12, duration_s: 3 });
    expect(rejection(() => apply(none, { op: "cta", action: "set", start_s: 1 })).reason).toMatch(/needs its text/);
    expect(rejection(() => apply(t, { op: "cta", action: "set", start_s: 14 })).reason).toMatch(/outside the video/);
    expect(rejection(() => apply(t, { op: "cta", action: "set", start_s: -1 })).reason).toMatch(/outside the video/);
    expect(rejection(() => apply(t, { op: "cta", action: "set", duration_s: 0 })).reason).toMatch(/more than 0/);
    expect(rejection(() => apply(t, { op: "cta", action: "set", duration_s: 20 })).reason).toMatch(/does not fit/);
    expect(apply(none, { op: "cta", action: "remove" }).warnings).toEqual(["there is no CTA to remove"]);
  });

  it("sets transitions, regenerates (new clip needed) and duplicates with fresh ids", () => {
    const t = apply(base(), { op: "transition", scene: "scene_2", transition: "dissolve" }, { op: "regenerate", scene: "scene_2", prompt: " a new prompt " }).timeline;
    expect(t.scenes[1]).toMatchObject({ transition_in: "dissolve", prompt: "a new prompt", clip_id: null, source_in_s: 0 });
    const d = apply(base(), { op: "duplicate", scene: "scene_1" }, { op: "duplicate", scene: "scene_4" }).timeline;
    expect(ids(d)).toEqual(["scene_1", "scene_4", "scene_5", "scene_2", "scene_3"]);
    expect(d.scenes[1]).toMatchObject({ clip_id: "clip_1", duration_s: 4, prompt: "prompt 1" });
    expect(rejection(() => apply(base(), { op: "regenerate", scene: "scene_1", prompt: "  " })).reason).toMatch(/empty/);
  });

  it("rejects swapping a scene with itself", () => {
    expect(rejection(() => apply(base(), { op: "swap", a: "scene_2", b: "scene_2" })).reason).toMatch(/itself/);
  });
});
