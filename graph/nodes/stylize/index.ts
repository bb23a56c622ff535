import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../../deps.js";
import type { State, Update } from "../../state.js";
import { timelineFromStoryboard } from "../../../core/timeline/build.js";
import { sizeFor } from "../../../core/timeline/schema.js";
import { enterStage, generationIdOf, noteWarnings } from "../stage.js";
import { buildAllMicroPrompts } from "./microprompt.js";

/** stylize: one style vector for every clip, the micro-prompts, and the first timeline. */
export function stylizeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, state, generationId, "stylize");
    const storyboard = state.storyboard!;
    const analysis = state.analysis!;
    const result = await deps.brainFor(state.request.options).stylize({ request: state.request, analysis, storyboard });
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
    const warnings = [...result.warnings, ...conflictNotes];
    deps.store.updateGeneration(generationId, { style });
    noteWarnings(deps, generationId, warnings);
    return { styleGuide: style, timeline, warnings };
  };
}
