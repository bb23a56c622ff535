import { MemorySaver } from "@langchain/langgraph";
import { createReelgraph } from "../app/reelgraph.js";
import { randomUUID } from "node:crypto";
import { loadConfiguration } from "../graph/configuration.js";
import type { Flags } from "./args.js";
import { requestFromFlags } from "./request.js";

/**
 * `reelgraph plan`: the graph up to generation (analysis, storyboard, style, timeline),
 * nothing rendered, on in-memory stores and checkpointer — built by createReelgraph like
 * every other entry point.
 */
const silentLog = { info() {}, warn() {}, error() {} };

export async function planCommand(flags: Flags): Promise<unknown> {
  const config = loadConfiguration();
  const { request, audioPath } = requestFromFlags(flags, config.maxPromptChars);
  const app = createReelgraph(config, { stores: ":memory:", checkpointer: new MemorySaver(), log: silentLog, allowLocalFiles: true });
  try {
    // A plan's own id: its clip ids read clip_plan_<8 hex>_… (nothing is rendered under them).
    const id = `gen_plan_${randomUUID().slice(0, 8)}`;
    const cfg = { configurable: { thread_id: id } };
    // Stop before generate: everything the plan needs has run, nothing is paid for.
    await app.graph.invoke({ generationId: id, request, audioPath }, { ...cfg, interruptBefore: ["generate"] });
    const s = (await app.graph.getState(cfg)).values as Record<string, unknown>;
    if (s.error) throw new Error((s.error as { message: string }).message);
    return { analysis: s.analysis, plan: s.storyboard, style: s.styleGuide, timeline: s.timeline, warnings: s.warnings };
  } finally {
    await app.close(0);
  }
}
