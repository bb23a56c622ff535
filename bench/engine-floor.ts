import { join } from "node:path";
import { END, START, StateGraph } from "@langchain/langgraph";
import { GenerationRequestSchema } from "../core/schemas/request.js";
import { routeOnError } from "../graph/routes.js";
import { GraphState } from "../graph/state.js";
import { openSqliteCheckpointer } from "../tools/store/sqlite/checkpointer.js";
import { adBrief } from "./http.js";
import { percentile, round } from "./stats.js";

export interface EngineFloor {
  p50_ms: number;
  runs: number;
  method: string;
}

/**
 * What the graph engine alone costs a pipeline: reelgraph's graph shape (analyze → plan →
 * stylize → generate → compose, each routed on `error` like the real one) with nodes that do
 * nothing, on reelgraph's state, LangGraph's SQLite checkpointer on a file as reelgraph opens it (openSqliteCheckpointer) and the runner's
 * settings (`durability: "sync"`, streamMode updates + custom), streamed to the end. The
 * orchestration overhead of a real pipeline cannot go below this without leaving the engine.
 */
export async function measureEngineFloor(o: { runs: number; dir: string }): Promise<EngineFloor> {
  const saver = openSqliteCheckpointer(join(o.dir, "engine-floor.db"));
  const nothing = async () => ({});
  const graph = new StateGraph(GraphState)
    .addNode("analyze", nothing)
    .addNode("plan", nothing)
    .addNode("stylize", nothing)
    .addNode("generate", nothing)
    .addNode("compose", nothing)
    .addEdge(START, "analyze")
    .addConditionalEdges("analyze", routeOnError("plan"), ["plan", END])
    .addConditionalEdges("plan", routeOnError("stylize"), ["stylize", END])
    .addConditionalEdges("stylize", routeOnError("generate"), ["generate", END])
    .addConditionalEdges("generate", routeOnError("compose"), ["compose", END])
    .addEdge("compose", END)
    .compile({ checkpointer: saver });
  const once = async (i: number) => {
    const request = GenerationRequestSchema.parse(adBrief(i));
    const t0 = performance.now();
    const stream = await graph.stream({ generationId: `gen_floor_${i}`, request, audioPath: null }, { configurable: { thread_id: `gen_floor_${i}` }, durability: "sync", streamMode: ["updates", "custom"] });
    for await (const _chunk of stream) {
      // drained, as the runner does
    }
    return performance.now() - t0;
  };
  for (let i = 0; i < 5; i++) await once(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < o.runs; i++) times.push(await once(i));
  return {
    p50_ms: round(percentile(times, 50), 1),
    runs: o.runs,
    method: "reelgraph's graph shape and state with no-op nodes, SqliteSaver on a file (WAL, synchronous NORMAL), durability sync, streamMode updates+custom, after 5 warm-up runs",
  };
}
