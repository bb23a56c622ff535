import type { Clip } from "../../core/schemas/clip.js";

type Row = Record<string, unknown>;

/** A clips row (SQLite or Postgres, or Postgres's CLIP_JSON object) as a Clip: one mapping for every backend. */
export function rowToClip(r: Row): Clip {
  return {
    id: String(r.id),
    scene_id: String(r.scene_id),
    status: r.status as Clip["status"],
    provider: String(r.provider),
    prompt: String(r.prompt),
    path: (r.path as string | null) ?? null,
    duration_s: r.duration_s == null ? null : Number(r.duration_s),
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
    prediction_id: (r.prediction_id as string | null) ?? null,
    checksum: (r.checksum as string | null) ?? null,
    prompt_hash: (r.prompt_hash as string | null) ?? undefined,
  };
}
