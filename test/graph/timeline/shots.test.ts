import { describe, expect, it } from "vitest";
import { checkTimeline, frameBoundaries } from "../../../core/timeline/invariants.js";
import { applyOperations } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { anyLengthFitter, clipIdsNeeded, expandShots, fitTimelineShots, playedShots, scenesToRegenerate, shotsToMake, type SceneFitter } from "../../../core/timeline/shots.js";

const base: Timeline = {
  version: 1,
  duration_s: 20,
  width: 1280,
  height: 720,
  fps: 30,
  scenes: [
    { id: "scene_1", start_s: 0, duration_s: 4, clip_id: "clip_a", source_in_s: 0, prompt: "a", transition_in: "cut", crop: null, speed: 1 },
    { id: "scene_2", start_s: 4, duration_s: 11, clip_id: "clip_b", source_in_s: 0, prompt: "b", transition_in: "fade", crop: null, speed: 1 },
    { id: "scene_3", start_s: 15, duration_s: 5, clip_id: "clip_c", source_in_s: 0, prompt: "c", transition_in: "cut", crop: null, speed: 1 },
  ],
  cta: null,
  audio: null,
};

/** A model making 2–5 s: as many shots as needed, evened out. */
const fiveMax: SceneFitter = (id, s) => {
  const n = Math.ceil(s / 5 - 1e-9);
  const each = Math.round((s / n) * 1000) / 1000;
  return { shots: Array.from({ length: n }, (_, i) => ({ duration_s: i === n - 1 ? Math.round((s - each * (n - 1)) * 1000) / 1000 : each, request_s: Math.ceil(each) })), warnings: n > 1 ? [] : [] };
};

describe("shots", () => {
  it("fits every scene, first shot on the scene's clip, covering the source it plays", () => {
    const { timeline } = fitTimelineShots(base, fiveMax, { chain: true });
    expect(timeline.scenes.map((s) => s.shots!.length)).toEqual([1, 3, 1]);
    const s2 = timeline.scenes[1]!;
    expect(s2.shots!.map((x) => x.clip_id)).toEqual(["clip_b", "clip_b_s2", "clip_b_s3"]);
    expect(s2.shots!.map((x) => x.first_frame_from ?? null)).toEqual([null, 0, 1]);
    expect(s2.shots!.reduce((a, x) => a + x.duration_s, 0)).toBeCloseTo(11, 6);
    expect(clipIdsNeeded(timeline)).toEqual(["clip_a", "clip_b", "clip_b_s2", "clip_b_s3", "clip_c"]);
    // Fitting again changes nothing.
    expect(fitTimelineShots(timeline, fiveMax).timeline).toEqual(timeline);
  });

  it("expands to one piece per shot with the same scene boundaries (to the frame)", () => {
    const { timeline } = fitTimelineShots(base, fiveMax);
    const flat = expandShots(timeline);
    expect(checkTimeline(flat)).toEqual([]);
    expect(flat.scenes.map((s) => s.id)).toEqual(["scene_1", "scene_2", "scene_2~2", "scene_2~3", "scene_3"]);
    expect(flat.scenes.map((s) => s.clip_id)).toEqual(["clip_a", "clip_b", "clip_b_s2", "clip_b_s3", "clip_c"]);
    expect(flat.scenes.map((s) => s.transition_in)).toEqual(["cut", "fade", "cut", "cut", "cut"]);
    const outer = frameBoundaries(timeline);
    const inner = frameBoundaries(flat);
    for (const b of outer) expect(inner).toContain(b);
    expect(flat.duration_s).toBe(20);
  });

  it("a trim or a speed change plays a window of the shots; no new clip is needed", () => {
    const { timeline } = fitTimelineShots(base, fiveMax);
    const trimmed = applyOperations(timeline, [{ op: "trim", scene: "scene_2", duration_s: 5, from: "start" } as never]).timeline;
    const s2 = trimmed.scenes[1]!;
    expect(s2.duration_s).toBe(5);
    expect(s2.source_in_s).toBeCloseTo(6, 3);
    const played = playedShots(s2);
    expect(played.map((p) => p.index)).toEqual([1, 2]);
    expect(played.reduce((a, p) => a + p.source_s, 0)).toBeCloseTo(5, 3);
    expect(shotsToMake(s2).map((m) => m.index)).toEqual([1, 2]);
    expect(fitTimelineShots(trimmed, fiveMax).timeline.scenes[1]!.shots).toEqual(s2.shots);
    // Lengthening past the shots is capped by what they hold.
    const longer = applyOperations(timeline, [{ op: "trim", scene: "scene_1", duration_s: 9, from: "end" } as never]);
    expect(longer.timeline.scenes[0]!.duration_s).toBe(4);
    expect(longer.warnings.join(" ")).toMatch(/scene_1 can only be 4 s/);
  });

  it("a scene with a new clip (changed prompt) is fitted afresh; an edit's regenerated scenes are named", () => {
    const { timeline } = fitTimelineShots(base, fiveMax);
    const after = { ...timeline, scenes: timeline.scenes.map((s) => (s.id === "scene_2" ? { ...s, prompt: "b at night" } : s)) };
    expect(scenesToRegenerate(timeline, after)).toEqual([{ scene_id: "scene_2", source_s: 11 }]);
    const renamed = { ...after, scenes: after.scenes.map((s) => (s.id === "scene_2" ? { ...s, clip_id: "clip_b2" } : s)) };
    const refit = fitTimelineShots(renamed, fiveMax).timeline.scenes[1]!;
    expect(refit.shots!.map((x) => x.clip_id)).toEqual(["clip_b2", "clip_b2_s2", "clip_b2_s3"]);
  });

  it("the local animatic makes one shot per scene up to its cap", () => {
    const { timeline } = fitTimelineShots(base, anyLengthFitter(10));
    expect(timeline.scenes.map((s) => s.shots!.map((x) => x.duration_s))).toEqual([[4], [5.5, 5.5], [5]]);
  });
});
