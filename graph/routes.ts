import { END } from "@langchain/langgraph";
import type { State } from "./state.js";

/** Pure, typed edge functions: each returns a literal union of node names. */

export function routeStart(state: State): "edit" | "analyze" {
  return state.editRequest && state.editPlan?.id !== state.editRequest.id ? "edit" : "analyze";
}

export function routeOnError<N extends string>(next: N) {
  return (state: State): N | typeof END => (state.error ? END : next);
}

export function routeAfterEdit(state: State): "review_edit" | typeof END {
  return state.editPlan?.status === "proposed" ? "review_edit" : END;
}

export function routeAfterReview(state: State): "generate" | typeof END {
  return state.editPlan?.status === "applied" ? "generate" : END;
}
