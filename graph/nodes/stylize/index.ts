import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Analysis } from "../../../core/schemas/analysis.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import type { Storyboard } from "../../../core/schemas/storyboard.js";
import type { StyleGuide } from "../../../core/schemas/style.js";
import { timelineFromStoryboard } from "../../../core/timeline/build.js";
import { sizeFor } from "../../../core/timeline/schema.js";
import type { GraphDeps, StructuredModel } from "../../ports.js";
import type { State, Update } from "../../state.js";
import { modelOrOffline, onFallback, type PathOptions, type PathResult } from "../path.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";
import { emit } from "../../events.js";
import { describeVideoModel, estimateTimeline, withShots } from "../generate/shots.js";
import { stylizeOffline } from "./logic.js";
import { buildAllMicroPrompts } from "./microprompt.js";
import { stylizeWithModel } from "./model.js";

/** One style held across every clip: by the configured model, else offline. */
export function styleStoryboard(input: { request: GenerationRequest; analysis: Analysis; storyboard: Storyboard }, model: StructuredModel | null, opts?: PathOptions): Promise<PathResult<StyleGuide>> {
  return modelOrOffline("stylize", model, (m) => stylizeWithModel(m, input), () => stylizeOffline(input.request, input.analysis, input.storyboard), opts);
}

/** stylize: one style vector for every clip, the micro-prompts, and the first timeline. */
export function stylizeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, config, generationId, "stylize");
    const storyboard = state.storyboard!;
    const analysis = state.analysis!;
    const result = await styleStoryboard({ request: state.request, analysis, storyboard }, deps.modelFor(state.request.options), { onFallback: onFallback(deps, generationId) });
    const style = result.value;
    const prompts = buildAllMicroPrompts(style, storyboard, analysis);
    const music = storyboard.music;
    const timeline = timelineFromStoryboard({
      generationId,
      storyboard,
      prompts,
      size: sizeFor(state.request.aspect_ratio, deps.config.render.shortSide),
      fps: deps.config.render.fps,
      audio:
        state.audioPath && state.audioAnalysis
          ? { src: state.audioPath, analysis: state.audioAnalysis, offset_s: music?.offset_s, fade_out_s: music?.fade_out_s, downbeats_s: music?.downbeats_s }
          : null,
    });
    const conflictNotes = style.resolved_conflicts.map((c) => `style conflict resolved: "${c.brief}" vs "${c.style}" → ${c.resolution}`);
    // Shots the video model can make, and what they would cost: before anything is paid.
    let video: Awaited<ReturnType<typeof describeVideoModel>>;
    try {
      video = await describeVideoModel(deps, state.request.options, config.signal);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { styleGuide: style, timeline, warnings: [...result.warnings, ...conflictNotes], error: { stage: "stylize", code: "video_model", provider: deps.videoFor(state.request.options).name, message: `the video model could not be read: ${message}` } };
    }
    const shot = withShots(timeline, video.model);
    const costEstimate = estimateTimeline(video.model, shot.timeline);
    emit(config, { kind: "event", type: "cost_estimated", data: { ...costEstimate, shots: costEstimate.per_clip.length } });
    const warnings = [...result.warnings, ...conflictNotes, ...video.warnings, ...shot.warnings];
    logWarnings(deps, generationId, warnings);
    return { styleGuide: style, timeline: shot.timeline, videoModel: video.model, costEstimate, warnings };
  };
}
