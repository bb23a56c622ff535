import { loadConfiguration } from "../graph/configuration.js";
import { createLogger } from "../tools/log/index.js";
import { createReelgraph } from "./reelgraph.js";

/**
 * The graph as LangGraph Studio and the local LangGraph API server load it (langgraph.json):
 * built by createReelgraph like the server's, so songs by URL, the run budget and the clip
 * ledger work the same. The API server brings its own checkpointer, so none is attached here,
 * and no run record is written: a server started later on the same data folder has nothing
 * of these runs to pick up. Start a run with input `{ "request": { "pipeline": "ad", "prompt":
 * "…" } }`; the thread id becomes the generation id.
 */
const config = loadConfiguration();
export const graph = createReelgraph(config, { checkpointer: false, allowLocalFiles: true, log: createLogger(config.logLevel) }).graph;
