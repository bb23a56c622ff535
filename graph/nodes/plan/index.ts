import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Analysis } from "../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import type { Storyboard } from "../../../core/schemas/storyboard.js";
import type { GraphDeps, StructuredModel } from "../../ports.js";
import type { State, Update } from "../../state.js";
import { modelOrOffline, onFallback, type PathOptions, type PathResult } from "../path.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";
import { planMusicOffline, planOffline } from "./logic.js";
import { planWithModel } from "./model.js";
import { planMusicTimings } from "./music.js";

type PlanInput = { request: GenerationRequest; analysis: Analysis; audio: AudioAnalysis | null };

/**
 * Scenes and shots with their timing. Ads: the configured model, else heuristics. Music
 * videos: the timing always comes from the song's bars, never from a model.
 */
export function planStoryboard(input: PlanInput, model: StructuredModel | null, opts: PathOptions & { fps: number }): Promise<PathResult<Storyboard>> {
  if (input.request.pipeline === "music_video") return Promise.resolve({ value: musicPlan(input, opts.fps), by: "offline", warnings: [] });
  return modelOrOffline("plan", model, (m) => planWithModel(m, input), () => planOffline(input.request, input.analysis, input.audio), opts);
}

function musicPlan({ request, analysis, audio }: PlanInput, fps: number): Storyboard {
  if (!audio) throw new Error("a music video plan needs the song's analysis");
  const timings = planMusicTimings(audio, { duration_s: request.duration_s, fps });
  const sb = planMusicOffline(request, analysis, audio, timings);
  return { ...sb, music: { offset_s: timings.offset_s, fade_out_s: timings.fade_out_s, downbeats_s: timings.downbeats_s } };
}

/** plan: scenes and shots with their timing (ads by model or heuristics, music on the song's bars). */
export function planNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, config, generationId, "plan");
    const result = await planStoryboard({ request: state.request, analysis: state.analysis!, audio: state.audioAnalysis }, deps.modelFor(state.request.options), {
      fps: deps.config.render.fps,
      onFallback: onFallback(deps, generationId),
    });
    const warnings = [...result.warnings, ...result.value.warnings];
    logWarnings(deps, generationId, warnings);
    return { storyboard: result.value, warnings };
  };
}
