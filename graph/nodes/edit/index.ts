import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { EditPlan } from "../../../core/schemas/edit.js";
import { clipIdFor } from "../../../core/timeline/build.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import type { EditInterpretation, GraphDeps, StructuredModel } from "../../ports.js";
import { EditDecisionSchema, type State, type Update } from "../../state.js";
import { modelOrOffline, onFallback, type PathOptions, type PathResult } from "../path.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";
import { interpretWithModel } from "./model.js";
import { makeEditPlan } from "./plan.js";

/**
 * An instruction read as typed operations. The offline interpreter reads it first; when it
 * cannot, or is unsure (confidence below CONFIDENT), and a model is configured, the model
 * reads it (structured output, checked, repaired once). A model that fails leaves the offline
 * reading, with a warning. `by` says which path made the reading.
 */
export async function interpretInstruction(input: { instruction: string; timeline: Timeline }, model: StructuredModel | null, opts: PathOptions = {}): Promise<PathResult<EditInterpretation>> {
  // The offline interpreter (and its language library) loads when an edit first needs it.
  const [{ interpretOffline }, { chooseEditPath }] = await Promise.all([import("./interpret.js"), import("./route.js")]);
  const offline = interpretOffline(input.instruction, input.timeline);
  const decision = chooseEditPath(offline, model !== null);
  if (!model || decision.path === "offline") return { value: offline, by: "offline", warnings: [] };
  const viaModel = await modelOrOffline(
    "edit",
    model,
    async (m) => {
      const r = await interpretWithModel(m, input);
      return { value: { operations: r.operations, warnings: r.warnings, rejection: r.rejection }, repaired: r.repaired };
    },
    () => offline,
    opts,
  );
  return { ...viaModel, warnings: [`${decision.reason}; asked ${model.name}`, ...viaModel.warnings] };
}

/** The edit plan for an instruction against a timeline (interpreted, checked, applied to a copy, diffed). */
export async function planEdit(
  input: { id: string; compositionId: string | null; instruction: string; timeline: Timeline; clipDurations?: Record<string, number> },
  model: StructuredModel | null,
  opts?: PathOptions,
): Promise<EditPlan> {
  const interpretation = await interpretInstruction({ instruction: input.instruction, timeline: input.timeline }, model, opts);
  const plan = makeEditPlan({ ...input, interpretation: interpretation.value, interpreter: interpretation.by });
  plan.warnings = [...interpretation.warnings, ...plan.warnings];
  return plan;
}

/**
 * edit: the instruction understood as typed operations against the current timeline, checked,
 * applied to a copy and diffed. The plan is proposed (or rejected, with the reason); nothing
 * is rendered here.
 */
export function editNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const request = state.editRequest!;
    enterStage(deps, config, generationId, "edit");
    if (!state.timeline || !state.composition) throw new Error("there is no composition to edit yet");
    const clipDurations: Record<string, number> = {};
    for (const c of Object.values(state.clips)) if (c.duration_s) clipDurations[c.id] = c.duration_s;
    const plan = await planEdit(
      { id: request.id, compositionId: state.composition.id, instruction: request.instruction, timeline: state.timeline, clipDurations },
      deps.modelFor(state.request.options),
      { onFallback: onFallback(deps, generationId) },
    );
    logWarnings(deps, generationId, plan.warnings);
    return { editPlan: { ...plan, webhook_url: request.webhook_url ?? null } };
  };
}

/**
 * review_edit: waits for the person (a LangGraph interrupt) unless the plan is to be applied
 * at once; a confirmed plan becomes the next version's timeline, with new clip ids for the
 * scenes whose prompt changed.
 */
export function reviewEditNode(_deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const plan = state.editPlan!;
    if (!state.editRequest?.apply_immediately) {
      // This node starts over when resumed, so waiting is announced by the run manager, once.
      const answer = EditDecisionSchema.parse(interrupt({ edit_id: plan.id, diff: plan.diff }));
      if (answer.decision === "supersede") {
        const superseded: EditPlan = { ...plan, status: "superseded", superseded_by: answer.by ?? null, reason: `replaced by ${answer.by ?? "a newer edit"} before it was confirmed` };
        return { editPlan: superseded, editRequest: null };
      }
      if (answer.decision === "reject") {
        const rejected: EditPlan = { ...plan, status: "rejected", reason: answer.reason ?? "rejected by the reviewer" };
        return { editPlan: rejected, editRequest: null };
      }
    }
    const version = Math.max(state.latestVersion, state.timeline?.version ?? 0) + 1;
    const timeline = withFreshClipIds(generationId, { ...plan.timeline_after, version }, state);
    const applied: EditPlan = { ...plan, status: "applied", result_version: version, timeline_after: timeline };
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
