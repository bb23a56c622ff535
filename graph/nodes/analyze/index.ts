import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../../deps.js";
import type { State, Update } from "../../state.js";
import { enterStage, generationIdOf, noteWarnings } from "../stage.js";

/** analyze: the brief (and, for music videos, the song) understood. */
export function analyzeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, state, generationId, "analyze");
    let audioAnalysis = state.audioAnalysis;
    if (state.request.pipeline === "music_video" && !audioAnalysis) {
      if (!state.audioPath) throw new Error("a music video needs its song: audioPath is empty (the run manager resolves request.audio first)");
      audioAnalysis = await deps.audio.analyze(state.audioPath, config.signal);
      deps.store.appendEvent(generationId, "audio_analyzed", { bpm: audioAnalysis.bpm, confidence: audioAnalysis.confidence, bars: audioAnalysis.downbeats_s.length });
    }
    const result = await deps.brainFor(state.request.options).analyze({ request: state.request, audio: audioAnalysis });
    deps.store.updateGeneration(generationId, { analysis: result.value });
    noteWarnings(deps, generationId, result.warnings);
    return { generationId, audioAnalysis, analysis: result.value, warnings: result.warnings };
  };
}
