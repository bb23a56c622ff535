import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import type { GraphDeps } from "./deps.js";
import { analyzeNode } from "./nodes/analyze/index.js";
import { composeNode } from "./nodes/compose/index.js";
import { editNode, reviewEditNode } from "./nodes/edit/index.js";
import { generateNode } from "./nodes/generate/index.js";
import { planNode } from "./nodes/plan/index.js";
import { stylizeNode } from "./nodes/stylize/index.js";
import { routeAfterEdit, routeAfterReview, routeOnError, routeStart } from "./routes.js";
import { GraphState } from "./state.js";

export const NODE_NAMES = ["analyze", "plan", "stylize", "generate", "compose", "edit", "review_edit"] as const;

/**
 * Builds the reelgraph state graph from its dependencies:
 *
 *   START ─┬─ analyze → plan → stylize → generate → compose → END
 *          └─ edit → review_edit ─(applied)→ generate → compose
 *
 * A new generation enters at analyze; a thread that carries a pending editRequest enters at
 * edit. Any node that records an error ends the run there.
 */
export function buildGraph(deps: GraphDeps) {
  return new StateGraph(GraphState)
    .addNode("analyze", analyzeNode(deps))
    .addNode("plan", planNode(deps))
    .addNode("stylize", stylizeNode(deps))
    .addNode("generate", generateNode(deps))
    .addNode("compose", composeNode(deps), { retryPolicy: { maxAttempts: 2, initialInterval: 500 } })
    .addNode("edit", editNode(deps))
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

/** The compiled graph; pass a checkpointer (SqliteSaver) for durable, resumable runs. */
export function compileGraph(deps: GraphDeps, checkpointer?: BaseCheckpointSaver) {
  return buildGraph(deps).compile({ checkpointer, name: "reelgraph" });
}

export type CompiledReelgraph = ReturnType<typeof compileGraph>;
