import { randomUUID } from "node:crypto";
import type { GenerationRequest } from "../core/schemas/request.js";
import { spendGuard } from "../graph/nodes/generate/budget.js";
import { previewPlan } from "../graph/preview.js";
import type { CostEstimate } from "../graph/state.js";
import type { Reelgraph } from "./reelgraph.js";

/** A plan without a run: what `reelgraph plan` prints and a dry run answers. */
export interface PlannedRun {
  analysis: unknown;
  plan: unknown;
  style: unknown;
  timeline: unknown;
  /** What the clips would cost, per clip and in total (USD, "unknown" where no price is known). */
  estimate: CostEstimate | null;
  /** Whether `options.max_cost_usd` would let the run start (null without a cap). */
  budget: { max_cost_usd: number; allowed: boolean; reason: string | null } | null;
  warnings: string[];
}

export class PlanFailedError extends Error {
  override readonly name = "PlanFailedError";
  constructor(message: string, readonly stage: string | null) {
    super(message);
  }
}

/**
 * The graph's planning stages (analyze, plan, stylize: shots and their cost) as a preview
 * (graph/preview.ts: the same nodes without the engine, no thread, no checkpoint), so nothing is
 * generated, paid or recorded.
 */
export async function planRun(app: Pick<Reelgraph, "deps">, request: GenerationRequest, audioPath: string | null = null): Promise<PlannedRun> {
  // A plan's own id: its clip ids read clip_plan_<8 hex>_… (nothing is rendered under them).
  const id = `gen_plan_${randomUUID().slice(0, 8)}`;
  const s = await previewPlan(app.deps, { generationId: id, request, audioPath });
  if (s.error) throw new PlanFailedError(s.error.message, s.error.stage);
  const estimate = s.costEstimate ?? null;
  const max = request.options?.max_cost_usd;
  let budget: PlannedRun["budget"] = null;
  if (max !== undefined && estimate) {
    const refusal = spendGuard({ spent: {}, maxUsd: max, allowUnknown: request.options?.allow_unknown_cost === true, model: estimate.model }).refuseRun(estimate);
    budget = { max_cost_usd: max, allowed: refusal === null, reason: refusal?.message ?? null };
  }
  return { analysis: s.analysis, plan: s.storyboard, style: s.styleGuide, timeline: s.timeline, estimate, budget, warnings: s.warnings ?? [] };
}
