import { MemorySaver } from "@langchain/langgraph";
import { planRun } from "../app/plan-run.js";
import { createReelgraph } from "../app/reelgraph.js";
import { loadConfiguration } from "../graph/configuration.js";
import type { Flags } from "./args.js";
import { requestFromFlags } from "./request.js";

/**
 * `reelgraph plan`: the graph up to generation (analysis, storyboard, style, timeline with its
 * shots, and the cost estimate), nothing rendered or paid, on in-memory stores and
 * checkpointer — built by createReelgraph like every other entry point.
 */
const silentLog = { info() {}, warn() {}, error() {} };

export async function planCommand(flags: Flags): Promise<unknown> {
  const config = loadConfiguration();
  const { request, audioPath } = requestFromFlags(flags, config.maxPromptChars);
  const app = createReelgraph(config, { stores: ":memory:", checkpointer: new MemorySaver(), log: silentLog, allowLocalFiles: true });
  try {
    const p = await planRun(app, request, audioPath);
    return { analysis: p.analysis, plan: p.plan, style: p.style, timeline: p.timeline, estimate: p.estimate, ...(p.budget ? { budget: p.budget } : {}), warnings: p.warnings };
  } finally {
    await app.close(0);
  }
}
