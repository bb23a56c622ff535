import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Stage } from "../core/domain.js";

/**
 * What nodes report while they work, on LangGraph's custom stream (`streamMode: "custom"`).
 * Nodes write no run records: the projector (app/projector.ts) turns these and the state
 * updates into the read model and the events the API serves. A graph run from Studio streams
 * the same chunks to Studio.
 */
export type GraphEvent =
  /** A node started; `fraction` moves the progress within its band. */
  | { kind: "stage"; stage: Stage; fraction?: number }
  /** A progress event the API streams as is (clip_started, clip_done, audio_analyzed, …). */
  | { kind: "event"; type: string; data: Record<string, unknown> }
  /** Clips made so far in this run. */
  | { kind: "clips"; done: number; total: number };

export function emit(config: LangGraphRunnableConfig, event: GraphEvent): void {
  config.writer?.(event);
}

export function isGraphEvent(chunk: unknown): chunk is GraphEvent {
  const k = (chunk as { kind?: unknown } | null)?.kind;
  return k === "stage" || k === "event" || k === "clips";
}
