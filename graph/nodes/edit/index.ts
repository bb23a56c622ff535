import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../../deps.js";
import { EditDecisionSchema, type State, type Update } from "../../state.js";
import type { EditPlan } from "../../schemas/edit.js";
import type { Timeline } from "../../timeline/schema.js";
import { clipIdFor } from "../../timeline/build.js";
import { enterStage, generationIdOf, noteWarnings } from "../stage.js";
import { makeEditPlan } from "./plan.js";
import { interpretEdit } from "./route.js";

/**
 * edit: the instruction understood as typed operations against the current timeline, checked,
 * applied to a copy and diffed. The plan is saved as proposed (or rejected, with the reason);
 * nothing is rendered here.
 */
export function editNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const request = state.editRequest!;
    enterStage(deps, state, generationId, "edit");
    if (!state.timeline || !state.composition) throw new Error("there is no composition to edit yet");
    const brain = deps.brainFor(state.request.options);
    const interpretation = await interpretEdit(brain, { instruction: request.instruction, timeline: state.timeline });
    const clipDurations: Record<string, number> = {};
    for (const c of Object.values(state.clips)) if (c.duration_s) clipDurations[c.id] = c.duration_s;
    const plan = makeEditPlan({
      id: request.id,
      compositionId: state.composition.id,
      instruction: request.instruction,
      timeline: state.timeline,
      interpretation: interpretation.value,
      interpreter: interpretation.by,
      path: interpretation.path,
      clipDurations,
    });
    plan.warnings = [...interpretation.warnings, ...plan.warnings];
    deps.store.saveEdit(generationId, plan);
    deps.store.appendEvent(generationId, "edit_planned", { edit_id: plan.id, status: plan.status, operations: plan.operations.length, reason: plan.reason });
    noteWarnings(deps, generationId, interpretation.warnings);
    return { editPlan: plan };
  };
}

/**
 * review_edit: waits for the person (a LangGraph interrupt) unless the plan is to be applied
 * at once; a confirmed plan becomes the next version's timeline, with new clip ids for the
 * scenes whose prompt changed.
 */
export function reviewEditNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const plan = state.editPlan!;
    if (!state.editRequest?.apply_immediately) {
      // This node starts over when resumed, so waiting is announced by the run manager, once.
      const raw = interrupt({ edit_id: plan.id, diff: plan.diff });
      const answer = EditDecisionSchema.parse(raw);
      if (answer.decision === "reject") {
        const rejected: EditPlan = { ...plan, status: "rejected", reason: answer.reason ?? "rejected by the reviewer" };
        deps.store.saveEdit(generationId, rejected);
        deps.store.updateGeneration(generationId, { status: "completed", stage: "edit", percent: 100 });
        deps.store.appendEvent(generationId, "edit_rejected", { edit_id: plan.id });
        return { editPlan: rejected, editRequest: null };
      }
    }
    const compositionId = state.composition!.id;
    const version = deps.store.latestVersionNumber(compositionId) + 1;
    const timeline = withFreshClipIds(generationId, { ...plan.timeline_after, version }, state);
    const applied: EditPlan = { ...plan, status: "applied", result_version: version, timeline_after: timeline };
    deps.store.saveEdit(generationId, applied);
    deps.store.updateGeneration(generationId, { status: "running", stage: "edit" });
    deps.store.appendEvent(generationId, "edit_applied", { edit_id: plan.id, version });
    return { editPlan: applied, editRequest: null, timeline, error: null };
  };
}

/** Scenes whose prompt no longer matches their clip's get a new clip id (the old clip stays for undo). */
function withFreshClipIds(generationId: string, timeline: Timeline, state: State): Timeline {
  return {
    ...timeline,
    scenes: timeline.scenes.map((s) => {
      const clip = s.clip_id ? state.clips[s.clip_id] : undefined;
      if (clip && clip.prompt === s.prompt) return s;
      return { ...s, clip_id: clipIdFor(generationId, s.id, s.prompt, s.duration_s, timeline) };
    }),
  };
}
