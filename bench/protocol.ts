/** Messages between the bench and the server it forks (bench/server-child.ts). */

/** One timed call: epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
  ok: boolean;
}

/** What the server knows about one generation once the bench asks. */
export interface PipelineRecord {
  id: string;
  status: string;
  /** When POST /api/v1/generations stored it. */
  created_ms: number;
  /** Its completed/failed/cancelled event; null while it runs. */
  ended_ms: number | null;
  clips: number;
  /** Every call of the video provider (attempts included). */
  provider: Span[];
  /** Every call of the composer (FFmpeg: probes, encodes, concat, verify). */
  compose: Span[];
  error: string | null;
  warnings: string[];
  /** Scenes of the composed timeline whose clip file is shorter than the scene needs, and the seconds missing. */
  short_clips: { scenes: number; missing_s: number };
}

/** Settings the bench gives the server beyond its environment. */
export interface ChildOptions {
  /** Per-client rate limits (startServer's `limits`); the defaults when absent. */
  limits?: { writesPerSecond: number; writeBurst: number; readsPerSecond: number; readBurst: number };
  /**
   * Experiment: run every process the server spawns (FFmpeg) at this nice value, to measure
   * what lowering FFmpeg's CPU priority would do for the API and the orchestration.
   */
  niceChildren?: number;
}

/** How late the server's event loop ran its timers since it started (perf_hooks histogram). */
export interface LoopDelay {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export type ChildMessage = { type: "ready"; url: string; pid: number } | { type: "records"; records: PipelineRecord[]; loop: LoopDelay };
export type ParentMessage = { type: "records" } | { type: "close" };
