import { rowToClip } from "../rows.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { ClipLedger } from "../../../core/stores.js";
import { nowIso } from "./db.js";
import type { Row, SqliteContext } from "./context.js";

/** The clip ledger on SQLite: the clips table. */
export class SqliteClipLedger implements ClipLedger {
  private readonly stmts;

  constructor(private readonly ctx: SqliteContext) {
    const d = ctx.db;
    this.stmts = {
      get: d.prepare("SELECT * FROM clips WHERE id = ?"),
      listFor: d.prepare("SELECT * FROM clips WHERE generation_id = ? ORDER BY created_at, id"),
      upsert: d.prepare(
        `INSERT INTO clips (id, generation_id, scene_id, status, provider, prompt, prompt_hash, path, duration_s, attempts, error, prediction_id, checksum, created_at, started_at, finished_at, updated_at)
         VALUES (@id, @generation_id, @scene_id, @status, @provider, @prompt, @prompt_hash, @path, @duration_s, @attempts, @error, @prediction_id, @checksum, @now,
                 CASE WHEN @status = 'running' THEN @now END, CASE WHEN @status IN ('succeeded','failed') THEN @now END, @now)
         ON CONFLICT(id) DO UPDATE SET status=@status, provider=@provider, prompt=@prompt, prompt_hash=@prompt_hash, path=@path, duration_s=@duration_s,
           attempts=@attempts, error=@error, prediction_id=@prediction_id, checksum=@checksum,
           started_at = COALESCE(started_at, CASE WHEN @status = 'running' THEN @now END),
           finished_at = CASE WHEN @status IN ('succeeded','failed') THEN @now ELSE finished_at END, updated_at=@now
         RETURNING *`,
      ),
      setPrediction: d.prepare("UPDATE clips SET prediction_id = ?, updated_at = ? WHERE id = ?"),
      attempt: d.prepare("SELECT create_attempted_at, prediction_id FROM clips WHERE id = ?"),
      markAttempt: d.prepare("UPDATE clips SET create_attempted_at = ? WHERE id = ?"),
      clear: d.prepare("UPDATE clips SET prediction_id = NULL, create_attempted_at = NULL, updated_at = ? WHERE id = ?"),
      byPrediction: d.prepare("SELECT id, generation_id, scene_id FROM clips WHERE prediction_id = ? LIMIT 1"),
    };
  }

  async get(clipId: string): Promise<Clip | null> {
    const r = this.stmts.get.get(clipId) as Row | undefined;
    return r ? rowToClip(r) : null;
  }

  async listFor(generationId: string): Promise<Clip[]> {
    return (this.stmts.listFor.all(generationId) as Row[]).map(rowToClip);
  }

  async upsert(generationId: string, clip: Clip): Promise<Clip> {
    const row = this.stmts.upsert.get({
      id: clip.id,
      generation_id: generationId,
      scene_id: clip.scene_id,
      status: clip.status,
      provider: clip.provider,
      prompt: clip.prompt,
      prompt_hash: clip.prompt_hash ?? null,
      path: clip.path,
      duration_s: clip.duration_s,
      attempts: clip.attempts,
      error: clip.error,
      prediction_id: clip.prediction_id ?? null,
      checksum: clip.checksum ?? null,
      now: nowIso(),
    }) as Row;
    return rowToClip(row);
  }

  async setPredictionId(clipId: string, predictionId: string): Promise<void> {
    this.stmts.setPrediction.run(predictionId, nowIso(), clipId);
  }

  async markCreateAttempt(clipId: string, nowMs: number): Promise<number | null> {
    // IMMEDIATE: it reads, then writes; a deferred transaction whose read another connection
    // (the server's other thread, another process) writes past fails at once with SQLITE_BUSY.
    return this.ctx.db.transaction(() => {
      const r = this.stmts.attempt.get(clipId) as Row | undefined;
      const earlier = r && r.prediction_id == null && r.create_attempted_at != null ? Number(r.create_attempted_at) : null;
      if (earlier === null) this.stmts.markAttempt.run(nowMs, clipId);
      return earlier;
    }).immediate();
  }

  async clearPrediction(clipId: string): Promise<void> {
    this.stmts.clear.run(nowIso(), clipId);
  }

  async findByPrediction(predictionId: string): Promise<{ clip_id: string; generation_id: string; scene_id: string } | null> {
    const r = this.stmts.byPrediction.get(predictionId) as Row | undefined;
    return r ? { clip_id: String(r.id), generation_id: String(r.generation_id), scene_id: String(r.scene_id) } : null;
  }
}

