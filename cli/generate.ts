import { createReelgraph } from "../app/reelgraph.js";
import { newGenerationId } from "../core/ids.js";
import { loadConfiguration } from "../graph/configuration.js";
import { publicView } from "../server/routes/generations.js";
import { createLogger } from "../tools/log/index.js";
import type { Flags } from "./args.js";
import { costLine, showProgress } from "./progress.js";
import { planRun } from "../app/plan-run.js";
import { requestFromFlags } from "./request.js";

/** `reelgraph generate`: the whole graph, progress on stderr, the generation on stdout. */
export async function generateCommand(flags: Flags): Promise<{ result: unknown; ok: boolean }> {
  const config = loadConfiguration();
  const { request, audioPath } = requestFromFlags(flags, config.maxPromptChars);
  if (request.options?.dry_run) {
    // Plan and price only: nothing generated, paid or stored.
    const app = createReelgraph(config, { stores: ":memory:", checkpointer: false, log: createLogger(process.env.LOG_LEVEL ?? "warn"), allowLocalFiles: true });
    try {
      const p = await planRun(app, request, audioPath);
      if (p.estimate) process.stderr.write(`cost: ${costLine({ ...p.estimate, shots: p.estimate.per_clip.length, max_cost_usd: p.budget?.max_cost_usd ?? null })}\n`);
      if (p.budget && !p.budget.allowed) process.stderr.write(`would be refused: ${p.budget.reason}\n`);
      return { result: { dry_run: true, ...p }, ok: p.budget?.allowed ?? true };
    } finally {
      await app.close(0);
    }
  }
  const app = createReelgraph({ ...config, runConcurrency: 1 }, { log: createLogger(process.env.LOG_LEVEL ?? "warn"), allowLocalFiles: true });
  const { generations, events } = app.stores;
  const view = await generations.create({ id: newGenerationId(), request });
  await events.append(view.id, "queued", { status: "queued" });
  const stop = await showProgress(app.stores, view.id);
  const onSignal = () => {
    void stop();
    process.stderr.write(`\nstopped; resume with the same data folder: the run ${view.id} continues from its checkpoint when 'reelgraph serve' starts\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  await app.runner.start(view.id, { request, audioPath });
  await app.runner.waitFor(view.id);
  await stop();
  process.off("SIGINT", onSignal);
  const g = await generations.get(view.id);
  await app.close(0);
  if (g.status === "failed") process.stderr.write(`failed at ${g.error?.stage ?? "?"}: ${g.error?.message}\n`);
  else if (g.composition?.video.path) process.stderr.write(`video: ${g.composition.video.path} (${g.composition.video.duration_s?.toFixed(2)} s)\n`);
  return { result: publicView(g), ok: g.status === "completed" };
}
