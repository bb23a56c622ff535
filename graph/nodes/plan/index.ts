import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../../deps.js";
import type { State, Update } from "../../state.js";
import { enterStage, generationIdOf, noteWarnings } from "../stage.js";

/** plan: scenes and shots with their timing (ads by heuristics, music on the song's bars). */
export function planNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, state, generationId, "plan");
    const result = await deps.brainFor(state.request.options).plan({ request: state.request, analysis: state.analysis!, audio: state.audioAnalysis });
    const warnings = [...result.warnings, ...result.value.warnings];
    deps.store.updateGeneration(generationId, { plan: result.value, clips_total: result.value.scenes.length });
    noteWarnings(deps, generationId, warnings);
    return { storyboard: result.value, warnings };
  };
}
