import { loadConfiguration } from "./configuration.js";
import { createDeps } from "./defaults.js";
import { compileGraph } from "./index.js";

/**
 * The graph as LangGraph Studio and the local LangGraph API server load it (langgraph.json).
 * The API server brings its own checkpointer, so none is attached here. Start a run with
 * input `{ "request": { "pipeline": "ad", "prompt": "…" } }`; the thread id becomes the
 * generation id.
 */
export const graph = compileGraph(createDeps(loadConfiguration()));
