import { randomUUID } from "node:crypto";
import { MemorySaver } from "@langchain/langgraph";
import { planRun } from "../app/plan-run.js";
import { loadConfiguration } from "../graph/configuration.js";
import { createReelgraph } from "../app/reelgraph.js";
import { nodeBrain } from "../evals/brain.js";
import { GenerationRequestSchema } from "../core/schemas/request.js";
import { createLogger } from "../tools/log/index.js";
import { adBrief } from "./http.js";
import { percentile, round } from "./stats.js";

export interface PlanResult {
  p50_ms: number;
  p99_ms: number;
  first_ms: number;
  runs: number;
  brain_p50_ms: number;
  /** The same plan through the graph engine (MemorySaver, interruptBefore generate), for comparison. */
  graph_p50_ms: number;
  method: string;
}

/**
 * The offline plan of an ad brief, as `reelgraph plan` and a dry run make it: `planRun` (the
 * graph's planning nodes analyze → plan → stylize as a preview, graph/preview.ts) on in-memory
 * stores, timed per run after one warm-up. Also the same plan through the graph engine
 * (MemorySaver, stopping before generate) and the offline brain's three calls alone.
 */
export async function measurePlan(o: { runs: number; dataDir: string }): Promise<PlanResult> {
  const config = loadConfiguration({ REELGRAPH_DATA_DIR: o.dataDir, LOG_LEVEL: "silent" });
  const app = createReelgraph(config, { stores: ":memory:", checkpointer: new MemorySaver(), log: createLogger("silent") });
  const graph = app.graph;
  const once = async (i: number) => {
    const request = GenerationRequestSchema.parse(adBrief(i));
    const t0 = performance.now();
    const p = await planRun(app, request);
    const ms = performance.now() - t0;
    if (!p.timeline) throw new Error("the offline plan made no timeline");
    return ms;
  };
  const throughGraph = async (i: number) => {
    const request = GenerationRequestSchema.parse(adBrief(i));
    const id = `gen_plan_${randomUUID().slice(0, 8)}`;
    const cfg = { configurable: { thread_id: id } };
    const t0 = performance.now();
    await graph.invoke({ generationId: id, request, audioPath: null }, { ...cfg, interruptBefore: ["generate"] });
    const s = (await graph.getState(cfg)).values as { timeline?: unknown; error?: { message: string } | null };
    const ms = performance.now() - t0;
    if (s.error || !s.timeline) throw new Error(`the offline plan failed: ${s.error?.message ?? "no timeline"}`);
    return ms;
  };
  const first = await once(0);
  const times: number[] = [];
  for (let i = 1; i <= o.runs; i++) times.push(await once(i));
  await throughGraph(0);
  const graphTimes: number[] = [];
  for (let i = 1; i <= o.runs; i++) graphTimes.push(await throughGraph(i));

  const brain = nodeBrain(null, { fps: config.render.fps });
  const brainTimes: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const request = GenerationRequestSchema.parse(adBrief(i));
    const t0 = performance.now();
    const analysis = (await brain.analyze({ request, audio: null })).value;
    const storyboard = (await brain.plan({ request, analysis, audio: null })).value;
    await brain.stylize({ request, analysis, storyboard });
    brainTimes.push(performance.now() - t0);
  }
  await app.close(0);
  return {
    p50_ms: round(percentile(times, 50), 1),
    p99_ms: round(percentile(times, 99), 1),
    first_ms: round(first, 1),
    runs: times.length,
    brain_p50_ms: round(percentile(brainTimes, 50), 2),
    graph_p50_ms: round(percentile(graphTimes, 50), 1),
    method: "planRun (what `reelgraph plan` and a dry run do): the graph's planning nodes analyze→plan→stylize as a preview without the engine, in-memory stores, after one warm-up run; graph_p50_ms: the same through the graph engine (MemorySaver, interruptBefore generate)",
  };
}
