import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { withRunBudget } from "./budget.js";
import type { GraphDeps } from "./ports.js";
import { analyzeNode } from "./nodes/analyze/index.js";
import { composeNode } from "./nodes/compose/index.js";
import { editNode, reviewEditNode } from "./nodes/edit/index.js";
import { generateNode } from "./nodes/generate/index.js";
import { planNode } from "./nodes/plan/index.js";
import { stylizeNode } from "./nodes/stylize/index.js";
import { routeAfterEdit, routeAfterReview, routeOnError, routeStart } from "./routes.js";
import { GraphState } from "./state.js";

export const NODE_NAMES = ["analyze", "plan", "stylize", "generate", "compose", "edit", "review_edit"] as const;

/** The stages that plan a generation before anything is made, in the order the graph runs them. */
export const PLANNING_STAGES = ["analyze", "plan", "stylize"] as const;

/** The planning nodes, each under the run budget: the graph's, and a preview's (graph/preview.ts). */
export function planningNodes(deps: GraphDeps) {
  const budget = deps.config.runTimeoutS;
  return {
    analyze: withRunBudget("analyze", budget, analyzeNode(deps), deps.now),
    plan: withRunBudget("plan", budget, planNode(deps), deps.now),
    stylize: withRunBudget("stylize", budget, stylizeNode(deps), deps.now),
  };
}

/**
 * Builds the reelgraph state graph from its dependencies:
 *
 *   START ─┬─ analyze → plan → stylize → generate → compose → END
 *          └─ edit → review_edit ─(applied)→ generate → compose
 *
 * A new generation enters at analyze; a thread that carries a pending editRequest enters at
 * edit. Any node that records an error ends the run there. Every node runs under the run budget.
 */
export function buildGraph(deps: GraphDeps) {
  const budget = deps.config.runTimeoutS;
  const b = <N extends Parameters<typeof withRunBudget>[2]>(stage: Parameters<typeof withRunBudget>[0], node: N) => withRunBudget(stage, budget, node, deps.now);
  const planning = planningNodes(deps);
  return new StateGraph(GraphState)
    .addNode("analyze", planning.analyze)
    .addNode("plan", planning.plan)
    .addNode("stylize", planning.stylize)
    .addNode("generate", b("generate", generateNode(deps)))
    .addNode("compose", b("compose", composeNode(deps)), { retryPolicy: { maxAttempts: 2, initialInterval: 500 } })
    .addNode("edit", b("edit", editNode(deps)))
    .addNode("review_edit", reviewEditNode(deps))
    .addConditionalEdges(START, routeStart, ["edit", "analyze"])
    .addConditionalEdges("analyze", routeOnError("plan"), ["plan", END])
    .addConditionalEdges("plan", routeOnError("stylize"), ["stylize", END])
    .addConditionalEdges("stylize", routeOnError("generate"), ["generate", END])
    .addConditionalEdges("generate", routeOnError("compose"), ["compose", END])
    .addEdge("compose", END)
    .addConditionalEdges("edit", routeAfterEdit, ["review_edit", END])
    .addConditionalEdges("review_edit", routeAfterReview, ["generate", END]);
}

/** The compiled graph; pass a checkpointer (SqliteSaver, PostgresSaver) for durable, resumable runs. */
export function compileGraph(deps: GraphDeps, checkpointer?: BaseCheckpointSaver) {
  return buildGraph(deps).compile({ checkpointer, name: "reelgraph" });
}

export type CompiledReelgraph = ReturnType<typeof compileGraph>;
