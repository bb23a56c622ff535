import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Stage } from "../core/domain.js";
import type { State, Update } from "./state.js";

type Node = (state: State, config: LangGraphRunnableConfig) => Promise<Update>;

/**
 * The run budget (REELGRAPH_RUN_TIMEOUT_S), enforced by the graph itself so a run started
 * anywhere — the API, the CLI, LangGraph Studio — has the same one. A caller may pass its own
 * absolute deadline as `configurable.run_deadline_ms`; otherwise the budget starts when this
 * process first runs a node of that run (`configurable.run_id`, else the thread).
 */
export function withRunBudget(stage: Stage, budgetS: number, node: Node, now: () => number = Date.now): Node {
  return async (state, config) => {
    const deadline = deadlineOf(config, budgetS, now);
    const remaining = deadline - now();
    const message = `the run exceeded its ${budgetS} s budget (REELGRAPH_RUN_TIMEOUT_S) during ${stage}`;
    if (remaining <= 0) return { error: { stage, message, code: "run_budget_exceeded" } };
    const budget = AbortSignal.timeout(remaining);
    const signal = config.signal ? AbortSignal.any([config.signal, budget]) : budget;
    try {
      return await node(state, { ...config, signal });
    } catch (error) {
      if (budget.aborted && !config.signal?.aborted) return { error: { stage, message, code: "run_budget_exceeded" } };
      throw error;
    }
  };
}

/** When this process first ran a node of each run, oldest first (a Map keeps insertion order). */
const started = new Map<string, number>();

function deadlineOf(config: LangGraphRunnableConfig, budgetS: number, now: () => number): number {
  const given = Number(config.configurable?.run_deadline_ms);
  if (Number.isFinite(given) && given > 0) return given;
  const key = String(config.configurable?.run_id ?? config.configurable?.thread_id ?? "");
  const t = now();
  // Forget runs started more than twice the budget ago: oldest first, so stop at the first kept.
  for (const [k, at] of started) {
    if (t - at <= budgetS * 2000) break;
    started.delete(k);
  }
  if (!started.has(key)) started.set(key, t);
  return started.get(key)! + budgetS * 1000;
}
