import type { GenerationPatch, Stores } from "../core/stores.js";
import { percentFor } from "../core/progress.js";
import type { GenerationStatus, Stage } from "../core/domain.js";
import type { EditPlan } from "../core/schemas/edit.js";
import { isGraphEvent } from "../graph/events.js";
import type { Log } from "../graph/ports.js";
import type { CostEstimate, State, VideoModelState } from "../graph/state.js";
import { estimateEdit } from "../graph/nodes/generate/shots.js";

type NodeUpdate = Partial<State> & Record<string, unknown>;

/**
 * How a run writes its status: never over a cancel. A cancel said on another thread or process
 * (the API's, while the run is in its run thread or on a worker) is heard a moment later; a
 * stage entered in that moment must not take the generation back to running (nor a finish to
 * completed, failed or awaiting_confirmation).
 */
export const RUN_WRITE = { unlessStatus: ["cancelled"] as GenerationStatus[] };

/** What the read model keeps about cost (generation `extra.cost`); server/routes/generations.ts shows it as `cost`. */
export interface ProjectedCost {
  video_model?: VideoModelState;
  /** The plan's estimate (all clips). */
  estimate?: CostEstimate;
  /** What was left to make when generate last started. */
  to_make?: CostEstimate;
  /** USD paid per clip id. */
  spent?: Record<string, number | "unknown">;
  /** What each edit's regenerated clips would cost, by edit id. */
  edits?: Record<string, CostEstimate>;
}

/**
 * Turns a graph run's stream into the read model the API serves: the state updates each node
 * returns (analysis, plan, style, compositions, edit plans, warnings) and the progress the
 * nodes report on the custom stream (stages, clips, events). The graph's checkpoints stay the
 * record of the run; this is the one place that writes what callers read about it.
 */
export class Projector {
  /** Per run in flight here: when generate and compose started, for the ETA. */
  private readonly clocks = new Map<string, { generateAt?: number; composeAt?: number; generateTook?: number; clipsDone: number; clipsTotal: number }>();

  constructor(
    private readonly stores: Stores,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  /** Applies one chunk of `graph.stream(…, { streamMode: ["updates", "custom"] })`. */
  async apply(generationId: string, mode: string, chunk: unknown): Promise<void> {
    if (mode === "custom") return this.custom(generationId, chunk);
    if (mode === "updates" && chunk && typeof chunk === "object") {
      for (const [node, update] of Object.entries(chunk as Record<string, unknown>)) {
        if (node.startsWith("__") || !update || typeof update !== "object") continue;
        await this.update(generationId, node, update as NodeUpdate);
      }
    }
  }

  private async custom(generationId: string, chunk: unknown): Promise<void> {
    if (!isGraphEvent(chunk)) return;
    if (chunk.kind === "event") await this.costEvent(generationId, chunk.type, chunk.data);
    const { generations, events } = this.stores;
    switch (chunk.kind) {
      case "stage": {
        const percent = percentFor(chunk.stage, chunk.fraction ?? 0);
        const clock = this.clock(generationId);
        if (chunk.stage === "generate") clock.generateAt = this.now();
        if (chunk.stage === "compose") {
          clock.composeAt = this.now();
          if (clock.generateAt !== undefined) clock.generateTook = clock.composeAt - clock.generateAt;
        }
        await generations.update(generationId, { status: "running", stage: chunk.stage, percent, extra: { eta_s: this.eta(generationId, chunk.stage) } }, RUN_WRITE);
        await events.append(generationId, "stage", { stage: chunk.stage, percent });
        return;
      }
      case "clips": {
        const clock = this.clock(generationId);
        // Clips found finished (a resume) do not tell how long the rest will take.
        if (clock.clipsTotal === 0) Object.assign(clock, { generateAt: this.now(), clipsDone: chunk.done });
        clock.clipsTotal = chunk.total;
        const madeHere = chunk.done - clock.clipsDone;
        const elapsed = this.now() - (clock.generateAt ?? this.now());
        const left = chunk.total - chunk.done;
        const eta = madeHere > 0 ? Math.round(((elapsed / madeHere) * left + elapsed * 0.15) / 1000) : null;
        await generations.update(generationId, {
          clips_done: chunk.done,
          clips_total: chunk.total,
          percent: percentFor("generate", chunk.total ? chunk.done / chunk.total : 1),
          extra: { eta_s: eta },
        });
        return;
      }
      case "event":
        await events.append(generationId, chunk.type, chunk.data);
        return;
    }
  }

  private async update(generationId: string, node: string, u: NodeUpdate): Promise<void> {
    const { generations, compositions, events } = this.stores;
    const patch: GenerationPatch = {};
    if (u.analysis) patch.analysis = u.analysis;
    if (u.storyboard) Object.assign(patch, { plan: u.storyboard, clips_total: u.storyboard.scenes.length });
    if (u.styleGuide) patch.style = u.styleGuide;
    if (u.warnings?.length) {
      const current = (await generations.get(generationId)).warnings;
      const fresh = u.warnings.filter((w) => !current.includes(w));
      if (fresh.length) patch.warnings = [...current, ...fresh];
    }
    if (Object.keys(patch).length) await generations.update(generationId, patch);
    await this.costUpdate(generationId, node, u);

    if (node === "compose" && u.composition && u.timeline) {
      const c = u.composition;
      const view = await compositions.saveVersion({ generationId, timeline: u.timeline, videoPath: c.video.path, duration_s: c.video.duration_s, editId: c.edit_id ?? null, posterPath: c.poster_path ?? null });
      await generations.update(generationId, { percent: 100 });
      await events.append(generationId, "composition_ready", {
        composition_id: view.id,
        version: c.version,
        duration_s: c.video.duration_s,
        url: view.video.url,
        segments_reused: c.segments?.reused ?? 0,
        segments_encoded: c.segments?.encoded ?? 0,
      });
    }
    if ((node === "edit" || node === "review_edit") && u.editPlan) await this.editPlan(generationId, node, u.editPlan);
  }

  private async editPlan(generationId: string, node: string, plan: EditPlan): Promise<void> {
    const { generations, compositions, events } = this.stores;
    await compositions.saveEdit(generationId, plan);
    if (node === "edit") {
      await events.append(generationId, "edit_planned", { edit_id: plan.id, status: plan.status, operations: plan.operations.length, reason: plan.reason });
    } else if (plan.status === "applied") {
      await generations.update(generationId, { status: "running", stage: "edit" }, RUN_WRITE);
      await events.append(generationId, "edit_applied", { edit_id: plan.id, version: plan.result_version });
    } else if (plan.status === "rejected") {
      await events.append(generationId, "edit_rejected", { edit_id: plan.id });
    } else if (plan.status === "superseded") {
      await events.append(generationId, "edit_superseded", { edit_id: plan.id, superseded_by: plan.superseded_by ?? null });
    }
  }

  /**
   * Brings the read model up to a checkpointed state: after a restart (the last updates
   * before a crash may not have been projected) and after a state written outside a run
   * (a revert).
   */
  async sync(generationId: string, values: Partial<State>): Promise<void> {
    const { generations, compositions } = this.stores;
    const patch: GenerationPatch = {};
    if (values.analysis) patch.analysis = values.analysis;
    if (values.storyboard) patch.plan = values.storyboard;
    if (values.styleGuide) patch.style = values.styleGuide;
    if (Object.keys(patch).length) await generations.update(generationId, patch);
    await this.costUpdate(generationId, "sync", values as NodeUpdate);
    const c = values.composition;
    if (c && values.timeline && values.timeline.version === c.version) {
      const current = await compositions.ofGeneration(generationId);
      if (current?.version !== c.version) await compositions.saveVersion({ generationId, timeline: values.timeline, videoPath: c.video.path, duration_s: c.video.duration_s, editId: c.edit_id ?? null, posterPath: c.poster_path ?? null });
    }
  }

  private clock(generationId: string) {
    let c = this.clocks.get(generationId);
    if (!c) this.clocks.set(generationId, (c = { clipsDone: 0, clipsTotal: 0 }));
    return c;
  }

  /**
   * Seconds left, from how long this run's own clips have taken: null until that can be known
   * (before the first clip of this run finishes); during compose, a sixth of what generate took.
   */
  private eta(generationId: string, stage: Stage): number | null {
    const c = this.clock(generationId);
    if (stage === "compose" && c.generateTook !== undefined) return Math.max(1, Math.round((c.generateTook * 0.15) / 1000));
    return null;
  }

  /**
   * Cost in the read model (generation `extra.cost`): the plan's estimate, the video model it
   * was priced on, what was paid per clip, what an edit's regenerated clips would cost (written
   * before the edit is announced, so its plan can be shown with it).
   */
  private async costUpdate(generationId: string, node: string, u: NodeUpdate): Promise<void> {
    const next: ProjectedCost = {};
    if (u.videoModel) next.video_model = u.videoModel;
    if (u.costEstimate) next.estimate = u.costEstimate;
    if (u.spend && Object.keys(u.spend).length) next.spent = { ...u.spend };
    const plan = node === "edit" ? u.editPlan : null;
    const pricedEdit = plan && plan.status !== "rejected" && plan.timeline_before && plan.timeline_after ? plan : null;
    if (!pricedEdit && !Object.keys(next).length) return;
    // One read of what is projected so far, merged with what this update adds.
    const current = await this.cost(generationId);
    if (pricedEdit) {
      const model = (u.videoModel as VideoModelState | undefined) ?? current.video_model;
      if (model) next.edits = { ...current.edits, [pricedEdit.id]: estimateEdit(model, pricedEdit.timeline_before, pricedEdit.timeline_after) };
    }
    if (Object.keys(next).length) await this.stores.generations.update(generationId, { extra: { cost: { ...current, ...next } } });
  }

  /** Progress of cost on the custom stream: the estimate at the start of generate, each paid prediction. */
  private async costEvent(generationId: string, type: string, data: Record<string, unknown>): Promise<void> {
    if (type !== "cost_estimated" && type !== "clip_paid") return;
    const cost = await this.cost(generationId);
    if (type === "cost_estimated") cost.to_make = data as unknown as CostEstimate;
    else {
      const clipId = String(data.clip_id);
      const usd = data.cost_usd as number | "unknown";
      const before = cost.spent?.[clipId];
      cost.spent = { ...cost.spent, [clipId]: usd === "unknown" ? "unknown" : (typeof before === "number" ? before : 0) + usd };
    }
    await this.stores.generations.update(generationId, { extra: { cost } });
  }

  private async cost(generationId: string): Promise<ProjectedCost> {
    return { ...((await this.stores.generations.extraOf(generationId)).cost as ProjectedCost | undefined) };
  }

  /** How a run that stopped on its own ended: waiting for a person, failed, or completed. */
  async finish(generationId: string, outcome: { interrupted: boolean; values: Partial<State> }): Promise<void> {
    const { generations, events } = this.stores;
    this.clocks.delete(generationId);
    const { values } = outcome;
    if (outcome.interrupted) {
      await generations.update(generationId, { status: "awaiting_confirmation", stage: "edit" }, RUN_WRITE);
      await events.append(generationId, "awaiting_confirmation", { edit_id: values.editPlan?.id ?? null });
      return;
    }
    if (values.error) {
      await this.fail(generationId, values.error);
      return;
    }
    await generations.update(generationId, { status: "completed", percent: 100, extra: { eta_s: 0 } }, RUN_WRITE);
    await events.append(generationId, "completed", { status: "completed" });
  }

  async fail(generationId: string, error: { stage: string | null; message: string; code?: string; scene_id?: string | null; provider?: string | null }): Promise<void> {
    this.clocks.delete(generationId);
    await this.stores.generations.update(generationId, { status: "failed", error: { ...error, stage: (error.stage as Stage | null) ?? null }, extra: { eta_s: null } }, RUN_WRITE);
    await this.stores.events.append(generationId, "failed", { ...error });
    this.log.error({ generation_id: generationId, node: error.stage, err: error.message }, "run failed");
  }
}
