import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Analysis } from "../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import { emit } from "../../events.js";
import type { GraphDeps, StructuredModel } from "../../ports.js";
import type { State, Update } from "../../state.js";
import { modelOrOffline, onFallback, type PathOptions, type PathResult } from "../path.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";
import { analyzeOffline } from "./logic.js";
import { analyzeWithModel } from "./model.js";

/** The brief understood: by the configured model, else (or when it fails) offline. */
export function readBrief(input: { request: GenerationRequest; audio: AudioAnalysis | null }, model: StructuredModel | null, opts?: PathOptions): Promise<PathResult<Analysis>> {
  return modelOrOffline("analyze", model, (m) => analyzeWithModel(m, input), () => analyzeOffline(input.request, input.audio), opts);
}

/**
 * analyze: the brief (and, for music videos, the song) understood. A song given by URL or
 * asset id is made local here, so a run started anywhere (API, CLI, Studio) gets it the same way.
 */
export function analyzeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, config, generationId, "analyze");
    let { audioPath, audioAnalysis } = state;
    if (state.request.pipeline === "music_video" && !audioAnalysis) {
      if (!audioPath) {
        const ref = state.request.audio?.url;
        if (!ref) return { generationId, error: { stage: "analyze", message: "audio.url: a music video needs its song (an http(s) URL or an uploaded asset id)", code: "audio_unavailable" } };
        try {
          audioPath = await deps.songs.resolve(ref, generationId, config.signal);
        } catch (error) {
          if (config.signal?.aborted) throw error;
          return { generationId, error: { stage: "analyze", message: `audio.url: ${error instanceof Error ? error.message : String(error)}`, code: "audio_unavailable" } };
        }
        emit(config, { kind: "event", type: "audio_resolved", data: { path: audioPath } });
      }
      audioAnalysis = await deps.audio.analyze(await deps.media.ensureLocal(audioPath), config.signal);
      emit(config, { kind: "event", type: "audio_analyzed", data: { bpm: audioAnalysis.bpm, confidence: audioAnalysis.confidence, bars: audioAnalysis.downbeats_s.length } });
    }
    const result = await readBrief({ request: state.request, audio: audioAnalysis }, deps.modelFor(state.request.options), { onFallback: onFallback(deps, generationId) });
    logWarnings(deps, generationId, result.warnings);
    return { generationId, audioPath, audioAnalysis, analysis: result.value, warnings: result.warnings };
  };
}

