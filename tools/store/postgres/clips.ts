import { rowToClip } from "../rows.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { ClipLedger } from "../../../core/stores.js";
import type { PgContext, Row } from "./context.js";

const CLIP_COLUMNS = ["id", "scene_id", "status", "provider", "prompt", "path", "duration_s", "attempts", "error", "prediction_id", "checksum", "prompt_hash"];

/** A clip row of alias `c` as a JSON object with the columns rowToClip reads (for json_agg). */
export const CLIP_JSON = `json_build_object(${CLIP_COLUMNS.map((k) => `'${k}', c.${k}`).join(", ")})`;

/** The clip ledger on Postgres. Every write is one statement, so a crash never leaves half of one. */
export class PgClipLedger implements ClipLedger {
  constructor(private readonly ctx: PgContext) {}

  async get(clipId: string): Promise<Clip | null> {
    const [r] = await this.ctx.query("SELECT * FROM clips WHERE id = $1", [clipId]);
    return r ? rowToClip(r) : null;
  }

  async listFor(generationId: string): Promise<Clip[]> {
    return (await this.ctx.query("SELECT * FROM clips WHERE generation_id = $1 ORDER BY created_at, id", [generationId])).map(rowToClip);
  }

  async upsert(generationId: string, clip: Clip): Promise<Clip> {
    const [r] = await this.ctx.query(
      `INSERT INTO clips (id, generation_id, scene_id, status, provider, prompt, prompt_hash, path, duration_s, attempts, error, prediction_id, checksum, created_at, started_at, finished_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
               CASE WHEN $4 = 'running' THEN $14::timestamptz END, CASE WHEN $4 IN ('succeeded','failed') THEN $14::timestamptz END, $14)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, provider = EXCLUDED.provider, prompt = EXCLUDED.prompt, prompt_hash = EXCLUDED.prompt_hash,
         path = EXCLUDED.path, duration_s = EXCLUDED.duration_s, attempts = EXCLUDED.attempts, error = EXCLUDED.error,
         prediction_id = EXCLUDED.prediction_id, checksum = EXCLUDED.checksum,
         started_at = COALESCE(clips.started_at, EXCLUDED.started_at),
         finished_at = COALESCE(EXCLUDED.finished_at, clips.finished_at), updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [
        clip.id,
        generationId,
        clip.scene_id,
        clip.status,
        clip.provider,
        clip.prompt,
        clip.prompt_hash ?? null,
        clip.path,
        clip.duration_s,
        clip.attempts,
        clip.error,
        clip.prediction_id ?? null,
        clip.checksum ?? null,
        new Date(),
      ],
    );
    return rowToClip(r!);
  }

  async setPredictionId(clipId: string, predictionId: string): Promise<void> {
    await this.ctx.query("UPDATE clips SET prediction_id = $1, updated_at = now() WHERE id = $2", [predictionId, clipId]);
  }

  async markCreateAttempt(clipId: string, nowMs: number): Promise<number | null> {
    return this.ctx.tx(async (db) => {
      const { rows } = await db.query<Row>("SELECT create_attempted_at, prediction_id FROM clips WHERE id = $1 FOR UPDATE", [clipId]);
      const r = rows[0];
      const earlier = r && r.prediction_id == null && r.create_attempted_at != null ? Number(r.create_attempted_at) : null;
      if (earlier === null) await db.query("UPDATE clips SET create_attempted_at = $1 WHERE id = $2", [nowMs, clipId]);
      return earlier;
    });
  }

  async clearPrediction(clipId: string): Promise<void> {
    await this.ctx.query("UPDATE clips SET prediction_id = NULL, create_attempted_at = NULL, updated_at = now() WHERE id = $1", [clipId]);
  }

  async findByPrediction(predictionId: string): Promise<{ clip_id: string; generation_id: string; scene_id: string } | null> {
    const [r] = await this.ctx.query("SELECT id, generation_id, scene_id FROM clips WHERE prediction_id = $1 LIMIT 1", [predictionId]);
    return r ? { clip_id: String(r.id), generation_id: String(r.generation_id), scene_id: String(r.scene_id) } : null;
  }
}

