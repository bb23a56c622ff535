import type { Timeline, TimelineScene } from "./schema.js";

/** Seconds are kept to the millisecond so sums stay exact in JSON. */
export function roundS(s: number): number {
  return Math.round(s * 1000) / 1000;
}

/**
 * Restores the derived fields after a change: each scene starts where the previous one ends,
 * the timeline lasts their sum. Pure; returns a new timeline.
 */
export function normalizeTimeline(t: Timeline): Timeline {
  let at = 0;
  const scenes: TimelineScene[] = t.scenes.map((s) => {
    const scene = { ...s, start_s: roundS(at), duration_s: roundS(s.duration_s) };
    at += scene.duration_s;
    return scene;
  });
  return { ...t, scenes, duration_s: roundS(at) };
}

/** A broken invariant, phrased for a person. */
export interface TimelineProblem {
  path: string;
  message: string;
}

/**
 * Checks the contract's invariants: scenes back to back, duration the sum, the CTA inside
 * the video, unique scene ids, positive lengths. Empty when the timeline is sound.
 */
export function checkTimeline(t: Timeline, tolerance = 0.002): TimelineProblem[] {
  const problems: TimelineProblem[] = [];
  if (t.scenes.length === 0) problems.push({ path: "scenes", message: "the timeline has no scenes" });
  const ids = new Set<string>();
  let at = 0;
  t.scenes.forEach((s, i) => {
    if (ids.has(s.id)) problems.push({ path: `scenes[${i}].id`, message: `scene id ${s.id} appears twice` });
    ids.add(s.id);
    if (!(s.duration_s > 0)) problems.push({ path: `scenes[${i}].duration_s`, message: `${s.id} must last more than 0 s` });
    if (Math.abs(s.start_s - at) > tolerance)
      problems.push({ path: `scenes[${i}].start_s`, message: `${s.id} starts at ${s.start_s} s but the scenes before it end at ${roundS(at)} s` });
    at += s.duration_s;
  });
  if (Math.abs(t.duration_s - at) > tolerance)
    problems.push({ path: "duration_s", message: `duration_s is ${t.duration_s} s but the scenes add up to ${roundS(at)} s` });
  if (t.cta) {
    if (t.cta.start_s < -tolerance || t.cta.start_s + t.cta.duration_s > t.duration_s + tolerance)
      problems.push({
        path: "cta",
        message: `the CTA (${t.cta.start_s}–${roundS(t.cta.start_s + t.cta.duration_s)} s) must lie inside the video (0–${t.duration_s} s)`,
      });
  }
  return problems;
}

/** Frame-exact boundaries: the frame index at which each scene starts, plus the end. */
export function frameBoundaries(t: Timeline): number[] {
  const out: number[] = [];
  let at = 0;
  for (const s of t.scenes) {
    out.push(Math.round(at * t.fps));
    at += s.duration_s;
  }
  out.push(Math.round(at * t.fps));
  return out;
}

/** The next scene id not used in the timeline (scene_N with N one past the highest). */
export function nextSceneId(t: Pick<Timeline, "scenes">): string {
  let max = 0;
  for (const s of t.scenes) {
    const m = /^scene_(\d+)$/.exec(s.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `scene_${max + 1}`;
}
