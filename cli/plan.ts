import { randomUUID } from "node:crypto";
import { MemorySaver } from "@langchain/langgraph";
import { configurationForRun, loadConfiguration, type Configuration } from "../graph/configuration.js";
import type { Brain, GraphDeps, Log } from "../graph/deps.js";
import { compileGraph } from "../graph/index.js";
import { analyzeOffline } from "../graph/nodes/analyze/logic.js";
import { planMusicOffline, planOffline } from "../graph/nodes/plan/logic.js";
import { planMusicTimings } from "../graph/nodes/plan/music.js";
import { stylizeOffline } from "../graph/nodes/stylize/logic.js";
import type { GenerationRequest } from "../graph/schemas/request.js";
import { createMediaStore } from "../tools/media/store.js";
import { RunStore } from "../tools/store/run-store.js";
import type { Flags } from "./args.js";
import { requestFromFlags } from "./request.js";

/**
 * `reelgraph plan`: the graph up to generation (analysis, storyboard, style, timeline),
 * nothing rendered, on an in-memory store and checkpointer.
 *
 * This command is the one people run in a loop, so it loads only what planning needs: the
 * graph, the offline provider's pure logic, SQLite in memory. The AI SDK comes in only when a
 * model is configured for the run, FFmpeg's audio analysis only for a music video's song;
 * Express, Replicate, the composer and the FFmpeg service never (test/cli/startup.test.ts
 * checks which modules a plan loads).
 */
export async function planCommand(flags: Flags): Promise<unknown> {
  const config = loadConfiguration();
  const { request, audioPath } = requestFromFlags(flags, config.maxPromptChars);
  const deps = await planDeps(config, request);
  const graph = compileGraph(deps, new MemorySaver());
  const id = `gen_plan_${randomUUID().slice(0, 8)}`;
  const cfg = { configurable: { thread_id: id } };
  try {
    // Stop before generate: everything the plan needs has run, nothing is paid for.
    await graph.invoke({ generationId: id, request, audioPath }, { ...cfg, interruptBefore: ["generate"] });
    const s = (await graph.getState(cfg)).values as Record<string, unknown>;
    if (s.error) throw new Error((s.error as { message: string }).message);
    return { analysis: s.analysis, plan: s.storyboard, style: s.styleGuide, timeline: s.timeline, warnings: s.warnings };
  } finally {
    deps.store.close();
  }
}

/** What the plan needs, and nothing that renders. */
async function planDeps(config: Configuration, request: GenerationRequest): Promise<GraphDeps> {
  const store = new RunStore(":memory:");
  const log = silentLog;
  if (configurationForRun(config, request.options).llm.provider !== "offline") {
    const { createDeps } = await import("../graph/defaults.js");
    return createDeps(config, { store, log });
  }
  const rendersNothing = (what: string) => () => {
    throw new Error(`reelgraph plan renders nothing (${what} was called)`);
  };
  return {
    config,
    store,
    media: createMediaStore(config.dataDir),
    log,
    brainFor: () => offlinePlanner(config.render.fps),
    videoFor: rendersNothing("the video provider"),
    composer: { compose: rendersNothing("the composer") },
    audio: {
      async analyze(path, signal) {
        const { analyzeAudioFile } = await import("../tools/audio/analyze.js");
        return analyzeAudioFile(path, { signal });
      },
    },
  };
}

/**
 * The offline provider's analysis, plan and style (the same pure functions as
 * tools/llm/brain.ts createOfflineBrain, without the model code that module also carries).
 */
function offlinePlanner(fps: number): Brain {
  const ok = <T>(value: T) => ({ value, by: "offline", warnings: [] as string[] });
  return {
    name: "offline",
    analyze: async ({ request, audio }) => ok(analyzeOffline(request, audio)),
    plan: async ({ request, analysis, audio }) => {
      if (request.pipeline !== "music_video") return ok(planOffline(request, analysis, audio));
      if (!audio) throw new Error("a music video plan needs the song's analysis");
      const timings = planMusicTimings(audio, { duration_s: request.duration_s, fps });
      const sb = planMusicOffline(request, analysis, audio, timings);
      return ok({ ...sb, music: { offset_s: timings.offset_s, fade_out_s: timings.fade_out_s, downbeats_s: timings.downbeats_s } });
    },
    stylize: async ({ request, analysis, storyboard }) => ok(stylizeOffline(request, analysis, storyboard)),
    interpretEdit: async () => {
      throw new Error("reelgraph plan interprets no edits");
    },
  };
}

const silentLog: Log = { info() {}, warn() {}, error() {} };
