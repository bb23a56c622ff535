import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GraphDeps } from "../deps.js";
import { percentFor } from "../../core/progress.js";
import type { State } from "../state.js";
import type { Stage } from "../../core/domain.js";

/** The generation id of a run: the state's, else the thread's (a run started from Studio). */
export function generationIdOf(state: State, config: LangGraphRunnableConfig): string {
  const id = state.generationId || (config.configurable?.thread_id as string | undefined);
  if (!id) throw new Error("a run needs a generationId (or a thread_id to use as one)");
  return id;
}

/**
 * Marks a node as the one at work: the store row (created if the graph was started outside
 * the run manager, e.g. from Studio), the progress number and a `stage` event.
 */
export function enterStage(deps: GraphDeps, state: State, generationId: string, stage: Stage, percent = percentFor(stage)): void {
  const { store } = deps;
  if (!store.hasGeneration(generationId)) store.createGeneration({ id: generationId, request: state.request });
  store.updateGeneration(generationId, { status: "running", stage, percent });
  store.appendEvent(generationId, "stage", { stage, percent });
  deps.log.info({ generation_id: generationId, node: stage }, "stage entered");
}

/** Records brain warnings (fallbacks, repairs) in the store as they happen. */
export function noteWarnings(deps: GraphDeps, generationId: string, warnings: string[]): void {
  if (!warnings.length) return;
  const current = deps.store.getGeneration(generationId).warnings;
  deps.store.updateGeneration(generationId, { warnings: [...current, ...warnings.filter((w) => !current.includes(w))] });
  for (const w of warnings) deps.log.warn({ generation_id: generationId, warning: w }, "warning");
}
