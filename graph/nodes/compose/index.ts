import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../../deps.js";
import type { State, Update } from "../../state.js";
import { percentFor } from "../../../core/progress.js";
import { enterStage, generationIdOf, noteWarnings } from "../stage.js";

/**
 * compose: renders the timeline into the MP4 as a new composition version. The composer
 * reuses every segment that did not change, so a recompose after an edit costs only the
 * scenes it touched.
 */
export function composeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, state, generationId, "compose", percentFor("compose", 0));
    const { store } = deps;
    // The version is fixed before compose starts (1, or the edit's next), so a compose that
    // is resumed after a crash writes the same version again instead of a new one.
    const applied = state.editPlan?.status === "applied" ? state.editPlan : null;
    const version = state.timeline!.version;
    const compositionId = store.getGeneration(generationId).composition?.id ?? `comp_${generationId.replace(/^gen_/, "")}`;
    const timeline = state.timeline!;
    const clips: Record<string, string> = {};
    for (const s of timeline.scenes) {
      const clip = s.clip_id ? (state.clips[s.clip_id] ?? store.getClip(s.clip_id)) : null;
      if (!clip?.path) throw new Error(`${s.id} has no finished clip to compose`);
      clips[s.clip_id!] = clip.path;
    }
    const outPath = deps.media.renderPath(generationId, version);
    const result = await deps.composer.compose({ generationId, compositionId, timeline, clips, outPath, signal: config.signal });
    const view = store.saveVersion({ generationId, timeline, videoPath: result.path, duration_s: result.duration_s, editId: applied?.id ?? null });
    store.updateGeneration(generationId, { percent: 100 });
    const warnings = result.warnings ?? [];
    noteWarnings(deps, generationId, warnings);
    store.appendEvent(generationId, "composition_ready", {
      composition_id: view.id,
      version,
      duration_s: result.duration_s,
      url: view.video.url,
      segments_reused: result.reused,
      segments_encoded: result.encoded,
    });
    return { timeline, warnings, composition: { id: view.id, version, video: { path: result.path, duration_s: result.duration_s } } };
  };
}
