import { buildAllMicroPrompts } from "../graph/nodes/stylize/microprompt.js";
import type { Analysis } from "../core/schemas/analysis.js";
import { GenerationRequestSchema, type GenerationRequest } from "../core/schemas/request.js";
import type { Storyboard } from "../core/schemas/storyboard.js";
import type { StyleGuide } from "../core/schemas/style.js";
import { timelineFromStoryboard } from "../core/timeline/build.js";
import { sizeFor, type Timeline } from "../core/timeline/schema.js";
import type { EvalContext } from "./core/context.js";
import type { Brief } from "./datasets/briefs.js";
import { trackUrl, type Track } from "./tracks.js";

/**
 * A brief through the same steps the graph's analyze, plan and stylize nodes take (brain →
 * storyboard → style → micro-prompts → version 1 timeline), without rendering. Each step is
 * memoised per run, so the analyze and plan suites make one analysis per brief.
 */

export interface AnalyzedBrief {
  request: GenerationRequest;
  track: Track | null;
  analysis: Analysis;
  warnings: string[];
}

export interface PlannedBrief extends AnalyzedBrief {
  storyboard: Storyboard;
  style: StyleGuide;
  prompts: Record<string, string>;
  timeline: Timeline;
}

/**
 * The request the brief describes, with the track as its audio. The URL names the track, not
 * its path on this machine, so recorded model calls replay on any checkout.
 */
export function requestFor(brief: Brief, track: Track | null): GenerationRequest {
  const audio = track ? { audio: { url: trackUrl(track) } } : {};
  return GenerationRequestSchema.parse({ ...brief.request, ...audio });
}

/** The brief's analysis (memoised). */
export function analyzeBrief(brief: Brief, ctx: EvalContext): Promise<AnalyzedBrief> {
  return ctx.memo(`analyze:${brief.id}`, async () => {
    const track = brief.track ? await ctx.tracks.get(brief.track) : null;
    const request = requestFor(brief, track);
    const r = await ctx.brain.analyze({ request, audio: track?.analysis ?? null });
    return { request, track, analysis: r.value, warnings: r.warnings };
  });
}

/** The brief's storyboard, style, micro-prompts and first timeline (memoised). */
export function planBrief(brief: Brief, ctx: EvalContext): Promise<PlannedBrief> {
  return ctx.memo(`plan:${brief.id}`, async () => {
    const a = await analyzeBrief(brief, ctx);
    const audio = a.track?.analysis ?? null;
    const planned = await ctx.brain.plan({ request: a.request, analysis: a.analysis, audio });
    const storyboard = planned.value;
    const styled = await ctx.brain.stylize({ request: a.request, analysis: a.analysis, storyboard });
    const style = styled.value;
    const prompts = buildAllMicroPrompts(style, storyboard, a.analysis);
    const music = storyboard.music;
    const timeline = timelineFromStoryboard({
      generationId: `gen_eval_${brief.id}`,
      storyboard,
      prompts,
      size: sizeFor(a.request.aspect_ratio, ctx.shortSide),
      fps: ctx.fps,
      audio:
        a.track && audio
          ? { src: a.track.path, analysis: audio, offset_s: music?.offset_s, fade_out_s: music?.fade_out_s, downbeats_s: music?.downbeats_s }
          : null,
    });
    return { ...a, storyboard, style, prompts, timeline, warnings: [...a.warnings, ...planned.warnings, ...styled.warnings, ...storyboard.warnings] };
  });
}
