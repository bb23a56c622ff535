import { z } from "zod";
import type { Clip } from "./schemas/clip.js";
import type { EditPlan } from "./schemas/edit.js";
import type { GenerationRequest } from "./schemas/request.js";
import type { Timeline } from "./timeline/schema.js";

/**
 * The domain's own words for a run: its statuses and stages, why it failed, and the read
 * views the API serves. Every layer (graph, stores, server, CLI) uses these; none redefines them.
 */

export const GENERATION_STATUSES = ["queued", "running", "awaiting_confirmation", "completed", "failed", "cancelled"] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];
export const STAGES = ["analyze", "plan", "stylize", "generate", "compose", "edit"] as const;
export type Stage = (typeof STAGES)[number];

/** Why a run ended failed; the API shows it as `error`, the graph keeps it in its state. */
export const RunErrorSchema = z.object({
  stage: z.string().nullable().describe("Node that failed"),
  message: z.string(),
  scene_id: z.string().nullable().optional().describe("The scene whose clip could not be made"),
  provider: z.string().nullable().optional(),
  code: z.string().optional(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

export interface CompositionView {
  id: string;
  version: number;
  timeline: Timeline;
  video: { path: string | null; url: string | null; duration_s: number | null };
  /** A still of the version (FFmpeg), when one was made. */
  poster_path?: string | null;
}

/** GET /api/v1/generations/{id} */
export interface GenerationView {
  id: string;
  pipeline: GenerationRequest["pipeline"];
  status: GenerationStatus;
  stage: Stage | null;
  progress: { percent: number; clips_done: number; clips_total: number };
  request: GenerationRequest;
  analysis: unknown;
  plan: unknown;
  style: unknown;
  clips: Clip[];
  composition: CompositionView | null;
  error: RunError | null;
  warnings: string[];
  /** Figures projections keep beside the view (ETA inputs, cost); not part of the contract. */
  extra?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface VersionView {
  version: number;
  duration_s: number | null;
  video_path: string | null;
  edit_id: string | null;
  reverted_from: number | null;
  created_at: string;
  current: boolean;
}

export interface StoredEvent {
  seq: number;
  generation_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

export interface StoredEdit {
  id: string;
  composition_id: string;
  generation_id: string;
  status: EditPlan["status"];
  plan: EditPlan;
}
