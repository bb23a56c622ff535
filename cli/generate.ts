import { loadConfiguration } from "../graph/configuration.js";
import { createDeps, openCheckpointer } from "../graph/defaults.js";
import { compileGraph } from "../graph/index.js";
import { RunManager } from "../graph/runner.js";
import { publicView } from "../server/routes/generations.js";
import { createLogger } from "../tools/log/index.js";
import type { Flags } from "./args.js";
import { showProgress } from "./progress.js";
import { requestFromFlags } from "./request.js";

/** `reelgraph generate`: the whole graph, progress on stderr, the generation on stdout. */
export async function generateCommand(flags: Flags): Promise<{ result: unknown; ok: boolean }> {
  const config = loadConfiguration();
  const { request, audioPath } = requestFromFlags(flags, config.maxPromptChars);
  const deps = createDeps(config, { log: createLogger(process.env.LOG_LEVEL ?? "warn") });
  const graph = compileGraph(deps, openCheckpointer(config));
  const runner = new RunManager(deps, graph, { concurrency: 1 });
  const { view } = deps.store.createGeneration({ request });
  if (audioPath) deps.store.appendEvent(view.id, "audio_resolved", { path: audioPath });
  const stop = showProgress(deps.store, view.id);
  const onSignal = () => {
    stop();
    process.stderr.write(`\nstopped; resume with the same data folder: the run ${view.id} continues from its checkpoint when 'reelgraph serve' starts\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  runner.start(view.id, { request, audioPath });
  await runner.waitFor(view.id);
  stop();
  process.off("SIGINT", onSignal);
  const g = deps.store.getGeneration(view.id);
  if (g.status === "failed") process.stderr.write(`failed at ${g.error?.stage ?? "?"}: ${g.error?.message}\n`);
  else if (g.composition?.video.path) process.stderr.write(`video: ${g.composition.video.path} (${g.composition.video.duration_s?.toFixed(2)} s)\n`);
  return { result: publicView(g, config.dataDir), ok: g.status === "completed" };
}
