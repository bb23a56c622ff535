import type { Brain, BrainResult, EditInterpretation } from "../../deps.js";
import type { Timeline } from "../../timeline/schema.js";
import { CONFIDENT, interpretOffline, type OfflineInterpretation } from "./interpret.js";

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

export interface RoutedInterpretation extends BrainResult<EditInterpretation> {
  path: EditPath;
}

/**
 * Reads the instruction offline first and asks the brain's model only when the path says so.
 * `brain.name === "offline"` means no model is configured.
 */
export async function interpretEdit(brain: Brain, input: { instruction: string; timeline: Timeline }): Promise<RoutedInterpretation> {
  const offline = interpretOffline(input.instruction, input.timeline);
  const decision = chooseEditPath(offline, brain.name !== "offline");
  if (decision.path === "offline") return { value: offline, by: "offline", warnings: [], path: "offline" };
  const r = await brain.interpretEdit(input);
  const path: EditPath = r.by === "offline" ? "offline" : "model";
  return { ...r, path, warnings: [`${decision.reason}; asked ${brain.name}`, ...r.warnings] };
}
