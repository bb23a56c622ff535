import { CONFIDENT, type OfflineInterpretation } from "./interpret.js";

/**
 * Which interpreter reads an edit: the offline one when it is sure (or when no model is
 * configured), the model when the offline reading is unsure or failed. An ambiguous
 * instruction stays offline: its readings go back to the person as alternatives, since a
 * model would only guess between them.
 */

export type EditPath = "offline" | "model";

export interface PathDecision {
  path: EditPath;
  /** Why, for the plan's warnings. */
  reason: string;
}

/** The path for an offline reading; pure. */
export function chooseEditPath(offline: OfflineInterpretation, modelConfigured: boolean): PathDecision {
  if (!modelConfigured) return { path: "offline", reason: "no model is configured" };
  if (offline.rejection && offline.alternatives.length) return { path: "offline", reason: "the instruction is ambiguous: the person chooses between its readings" };
  if (offline.confidence >= CONFIDENT) return { path: "offline", reason: `the offline reading is sure (${offline.confidence})` };
  return {
    path: "model",
    reason: offline.rejection ? "the offline interpreter could not read it" : `the offline reading was unsure (confidence ${offline.confidence})`,
  };
}
