import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Stage } from "../../core/domain.js";
import { emit } from "../events.js";
import type { GraphDeps } from "../ports.js";
import type { State } from "../state.js";

/** The generation id of a run: the state's, else the thread's (a run started from Studio). */
export function generationIdOf(state: State, config: LangGraphRunnableConfig): string {
  const id = state.generationId || (config.configurable?.thread_id as string | undefined);
  if (!id) throw new Error("a run needs a generationId (or a thread_id to use as one)");
  return id;
}

/** Announces the node at work (on the custom stream) and logs it. */
export function enterStage(deps: GraphDeps, config: LangGraphRunnableConfig, generationId: string, stage: Stage): void {
  emit(config, { kind: "stage", stage });
  deps.log.info({ generation_id: generationId, node: stage }, "stage entered");
}

/** Logs warnings as they happen; the node returns them in its update for the state and the API. */
export function logWarnings(deps: GraphDeps, generationId: string, warnings: string[]): void {
  for (const w of warnings) deps.log.warn({ generation_id: generationId, warning: w }, "warning");
}
