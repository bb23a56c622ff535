import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { GenerationRequest } from "../core/schemas/request.js";
import { PLANNING_STAGES, planningNodes } from "./index.js";
import type { GraphDeps } from "./ports.js";
import { GraphState, type State, type Update } from "./state.js";

/** What a preview starts from: the same input a run gives the graph. */
export interface PreviewInput {
  generationId: string;
  request: GenerationRequest;
  audioPath: string | null;
}

/**
 * The planning stages of the graph (analyze → plan → stylize) run in order on a state of their
 * own, without the graph engine: what a plan preview needs (`reelgraph plan`, a dry run) and
 * nothing it does not — no thread, no checkpoint, no per-step bookkeeping (LangGraph's costs
 * about 10 ms for these three steps; the stages themselves well under 1 ms).
 *
 * The same node functions under the same run budget, the same route (the first recorded error
 * ends it, like `routeOnError`), and the state's own channels (`GraphState.getChannels()`: the
 * defaults and reducers LangGraph applies), so the state it returns is the state a run holds when
 * it stops before `generate` (test/graph/preview.test.ts compares the two on every eval brief).
 * A node that throws throws here too, as `invoke` would.
 */
export async function previewPlan(deps: GraphDeps, input: PreviewInput): Promise<State> {
  const channels = GraphState.getChannels();
  const apply = (update: Record<string, unknown>) => {
    // As the graph's writers do: every key that is a state field, undefined values included.
    for (const [key, value] of Object.entries(update)) channels[key as keyof typeof channels]?.update([value]);
  };
  const read = (): State => {
    const state: Record<string, unknown> = {};
    for (const [key, channel] of Object.entries(channels)) state[key] = channel.isAvailable() ? channel.get() : undefined;
    return state as State;
  };
  apply((await GraphState.validateInput({ ...input })) as Record<string, unknown>);
  const config: LangGraphRunnableConfig = { configurable: { thread_id: input.generationId } };
  const nodes = planningNodes(deps);
  for (const stage of PLANNING_STAGES) {
    const update: Update = await nodes[stage](read(), config);
    apply(update as Record<string, unknown>);
    if (channels.error.isAvailable() && channels.error.get()) break;
  }
  return read();
}
