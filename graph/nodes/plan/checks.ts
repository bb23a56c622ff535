import type { Pipeline } from "../../../core/schemas/request.js";
import type { Storyboard } from "../../../core/schemas/storyboard.js";
import { roundS } from "../../../core/timeline/invariants.js";
import { AD_SHOT_MAX_S, AD_SHOT_MIN_S } from "./logic.js";

/** What a storyboard is checked against. */
export interface StoryboardContext {
  pipeline: Pipeline;
  /** The length the storyboard must add up to. */
  duration_s: number;
  /** The brand's call to action, which must close the video; null when there is none. */
  cta: { text: string; duration_s: number } | null;
}

/** Scene counts each pipeline allows. */
export const SCENE_COUNTS: Record<Pipeline, [number, number]> = { ad: [3, 5], music_video: [10, 20] };

const TOLERANCE_S = 0.002;

/**
 * Every hard constraint on a storyboard, each broken one as a sentence a person (or a model
 * in its repair round) can act on. Empty when the storyboard is sound.
 */
export function checkStoryboard(sb: Storyboard, ctx: StoryboardContext): string[] {
  const problems: string[] = [];
  const [lo, hi] = SCENE_COUNTS[ctx.pipeline];
  const n = sb.scenes.length;
  if (n < lo || n > hi) problems.push(`${ctx.pipeline === "ad" ? "an ad" : "a music video"} needs ${lo}–${hi} scenes, this storyboard has ${n}`);

  const sceneIds = new Set<string>();
  const shotIds = new Set<string>();
  let at = 0;
  sb.scenes.forEach((s, i) => {
    if (sceneIds.has(s.id)) problems.push(`scene id ${s.id} appears twice`);
    sceneIds.add(s.id);
    if (!/^scene_\d+$/.test(s.id)) problems.push(`scene id "${s.id}" must look like scene_N`);
    if (!(s.duration_s > 0)) problems.push(`${s.id} must last more than 0 s`);
    if (Math.abs(s.start_s - at) > TOLERANCE_S) problems.push(`${s.id} starts at ${s.start_s} s but the scenes before it end at ${roundS(at)} s`);
    at += s.duration_s;
    if (!s.shots.length) problems.push(`${s.id} has no shots`);
    let shotSum = 0;
    s.shots.forEach((shot, j) => {
      if (shotIds.has(shot.id)) problems.push(`shot id ${shot.id} appears twice`);
      shotIds.add(shot.id);
      shotSum += shot.duration_s;
      if (!(shot.duration_s > 0)) problems.push(`${s.id} shot ${j + 1} must last more than 0 s`);
      else if (ctx.pipeline === "ad" && (shot.duration_s < AD_SHOT_MIN_S - TOLERANCE_S || shot.duration_s > AD_SHOT_MAX_S + TOLERANCE_S))
        problems.push(`${s.id} shot ${j + 1} lasts ${roundS(shot.duration_s)} s; ad shots last ${AD_SHOT_MIN_S}–${AD_SHOT_MAX_S} s`);
    });
    if (s.shots.length && Math.abs(shotSum - s.duration_s) > TOLERANCE_S)
      problems.push(`${s.id} lasts ${s.duration_s} s but its shots add up to ${roundS(shotSum)} s`);
    const prev = sb.scenes[i - 1];
    if (prev && prev.shot_type === s.shot_type) problems.push(`${prev.id} and ${s.id} are both ${s.shot_type} shots; adjacent scenes need different shot types`);
  });

  if (Math.abs(at - ctx.duration_s) > TOLERANCE_S) problems.push(`the scenes add up to ${roundS(at)} s but the video must last ${ctx.duration_s} s`);
  if (Math.abs(sb.duration_s - at) > TOLERANCE_S) problems.push(`duration_s is ${sb.duration_s} s but the scenes add up to ${roundS(at)} s`);

  if (ctx.cta) {
    if (!sb.cta) problems.push(`the brand's call to action "${ctx.cta.text}" is missing; it must close the video`);
    else {
      if (sb.cta.text.trim() !== ctx.cta.text.trim()) problems.push(`the CTA reads "${sb.cta.text}" but the brand's is "${ctx.cta.text}"`);
      if (Math.abs(sb.cta.start_s + sb.cta.duration_s - ctx.duration_s) > TOLERANCE_S)
        problems.push(`the CTA ends at ${roundS(sb.cta.start_s + sb.cta.duration_s)} s; it must end with the video at ${ctx.duration_s} s`);
    }
  }
  if (sb.cta && (sb.cta.start_s < -TOLERANCE_S || sb.cta.start_s + sb.cta.duration_s > ctx.duration_s + TOLERANCE_S))
    problems.push(`the CTA (${sb.cta.start_s}–${roundS(sb.cta.start_s + sb.cta.duration_s)} s) must lie inside the video (0–${ctx.duration_s} s)`);
  return problems;
}

/** The context a storyboard for this analysis must satisfy. */
export function storyboardContext(pipeline: Pipeline, analysis: { duration_s: number; brand: { cta: { text: string; duration_s: number } | null } }): StoryboardContext {
  return { pipeline, duration_s: analysis.duration_s, cta: analysis.brand.cta };
}
