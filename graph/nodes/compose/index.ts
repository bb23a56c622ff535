import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { compositionIdFor } from "../../../core/ids.js";
import { stillPathOf } from "../../../core/schemas/clip.js";
import { clipIdsNeeded } from "../../../core/timeline/shots.js";
import type { GraphDeps } from "../../ports.js";
import type { State, Update } from "../../state.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";

/**
 * compose: renders the timeline into the MP4 as a new composition version. The composer
 * reuses every segment that did not change, so a recompose after an edit costs only the
 * scenes it touched.
 */
export function composeNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    enterStage(deps, config, generationId, "compose");
    // The version is fixed before compose starts (1, or the edit's next), so a compose that
    // is resumed after a crash writes the same version again instead of a new one.
    const timeline = state.timeline!;
    const version = timeline.version;
    const compositionId = state.composition?.id ?? compositionIdFor(generationId);
    const clips: Record<string, string> = {};
    for (const s of timeline.scenes) if (!s.clip_id) throw new Error(`${s.id} has no finished clip to compose`);
    for (const clipId of clipIdsNeeded(timeline)) {
      const clip = state.clips[clipId]?.path ? state.clips[clipId] : await deps.clips.get(clipId);
      if (!clip?.path) throw new Error(`${clip?.scene_id ?? timeline.scenes.find((s) => s.shots?.some((x) => x.clip_id === clipId))?.id ?? clipId} has no finished clip (${clipId}) to compose`);
      clips[clipId] = await deps.media.ensureLocal(clip.path);
    }
    const audio = timeline.audio && { ...timeline.audio, src: await deps.media.ensureLocal(timeline.audio.src) };
    const outPath = deps.media.renderPath(generationId, version);
    const result = await deps.composer.compose({ generationId, compositionId, timeline: { ...timeline, audio }, clips, outPath, signal: config.signal });
    await deps.media.publish(result.path);
    const warnings = [...(result.warnings ?? [])];
    // The poster: a frame a third of the way in (past any fade from black), made beside the run, not in its
    // way; the API makes a missing one on request.
    let poster_path: string | null = null;
    if (deps.files.still) {
      poster_path = stillPathOf(result.path);
      void deps.files.still(result.path, poster_path, Math.min(result.duration_s / 3, 3)).catch((err) => deps.log.warn({ generation_id: generationId, version, err: (err as Error).message }, "no poster"));
    }
    logWarnings(deps, generationId, warnings);
    return {
      timeline,
      warnings,
      latestVersion: Math.max(state.latestVersion, version),
      composition: { id: compositionId, version, edit_id: state.editPlan?.status === "applied" ? state.editPlan.id : null, video: { path: result.path, duration_s: result.duration_s }, segments: { reused: result.reused, encoded: result.encoded }, poster_path },
    };
  };
}
