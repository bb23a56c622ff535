import { randomUUID } from "node:crypto";
import type { Clip } from "../../core/schemas/clip.js";
import type { EditPlan } from "../../core/schemas/edit.js";
import type { GenerationRequest } from "../../core/schemas/request.js";
import type { Timeline } from "../../core/timeline/schema.js";
import { nowIso, openDb, type Db } from "./db.js";
import type { CompositionView, GenerationStatus, GenerationView, RunError, Stage, StoredEdit, StoredEvent, VersionView } from "../../core/domain.js";

type Row = Record<string, unknown>;
type Listener = (event: StoredEvent) => void;

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(readonly kind: string, readonly id: string) {
    super(`${kind} ${id} was not found`);
  }
}

export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(message: string, readonly context: Record<string, unknown> = {}) {
    super(message);
  }
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = <T>(v: unknown): T => (v == null ? (null as T) : (JSON.parse(String(v)) as T));

/**
 * What the API reads and the graph writes besides its checkpoints: generations, clips,
 * progress events, composition versions, edits and assets, in one SQLite file. Reads are
 * single-row lookups by primary key so status polling stays in the microseconds.
 */
export class RunStore {
  readonly db: Db;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stmts;
  /**
   * Views of generations, valid while nothing has been written: by this connection (the
   * counter) or by any other (SQLite's data_version). Browser tabs poll the same few ids.
   */
  private readonly views = new Map<string, { key: string; view: GenerationView }>();
  private writes = 0;

  constructor(path: string) {
    this.db = openDb(path);
    const d = this.db;
    this.stmts = {
      getGen: d.prepare("SELECT * FROM generations WHERE id = ?"),
      genByKey: d.prepare("SELECT * FROM generations WHERE idempotency_key = ?"),
      clipsOf: d.prepare("SELECT * FROM clips WHERE generation_id = ? ORDER BY created_at, id"),
      getClip: d.prepare("SELECT * FROM clips WHERE id = ?"),
      compOfGen: d.prepare("SELECT * FROM compositions WHERE generation_id = ?"),
      getComp: d.prepare("SELECT * FROM compositions WHERE id = ?"),
      getVersion: d.prepare("SELECT * FROM composition_versions WHERE composition_id = ? AND version = ?"),
      insertEvent: d.prepare("INSERT INTO events (generation_id, type, data, created_at) VALUES (?, ?, ?, ?)"),
      eventsAfter: d.prepare("SELECT * FROM events WHERE generation_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      dataVersion: d.prepare("PRAGMA data_version").pluck(),
    };
  }

  close(): void {
    this.db.close();
  }

  // ── generations ────────────────────────────────────────────────────────────

  createGeneration(input: { request: GenerationRequest; id?: string; idempotencyKey?: string; requestHash?: string; client?: string }): { view: GenerationView; created: boolean } {
    this.writes++;
    return this.db.transaction(() => {
      if (input.idempotencyKey) {
        const prior = this.stmts.genByKey.get(input.idempotencyKey) as Row | undefined;
        if (prior) {
          if (input.requestHash && prior.request_hash && prior.request_hash !== input.requestHash)
            throw new ConflictError("this Idempotency-Key was already used with a different request body", { idempotency_key: input.idempotencyKey });
          return { view: this.getGeneration(String(prior.id)), created: false };
        }
      }
      const id = input.id ?? `gen_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const now = nowIso();
      this.db
        .prepare(
          `INSERT INTO generations (id, pipeline, status, stage, request, idempotency_key, request_hash, client, created_at, updated_at)
           VALUES (?, ?, 'queued', NULL, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, input.request.pipeline, json(input.request), input.idempotencyKey ?? null, input.requestHash ?? null, input.client ?? null, now, now);
      this.appendEvent(id, "queued", { status: "queued" });
      return { view: this.getGeneration(id), created: true };
    })();
  }

  hasGeneration(id: string): boolean {
    return this.stmts.getGen.get(id) !== undefined;
  }

  getGeneration(id: string): GenerationView {
    const key = `${this.stmts.dataVersion.get()}:${this.writes}`;
    const hit = this.views.get(id);
    if (hit && hit.key === key) return hit.view;
    const view = this.readGeneration(id);
    if (this.views.size >= 2000) this.views.delete(this.views.keys().next().value!);
    this.views.set(id, { key, view });
    return view;
  }

  private readGeneration(id: string): GenerationView {
    const g = this.stmts.getGen.get(id) as Row | undefined;
    if (!g) throw new NotFoundError("generation", id);
    const clips = (this.stmts.clipsOf.all(id) as Row[]).map(rowToClip);
    const comp = this.stmts.compOfGen.get(id) as Row | undefined;
    return {
      id,
      pipeline: g.pipeline as GenerationView["pipeline"],
      status: g.status as GenerationStatus,
      stage: (g.stage as Stage | null) ?? null,
      progress: { percent: Number(g.percent), clips_done: Number(g.clips_done), clips_total: Number(g.clips_total) },
      request: parse(g.request),
      analysis: parse(g.analysis),
      plan: parse(g.plan),
      style: parse(g.style),
      clips,
      composition: comp ? this.compositionView(String(comp.id), Number(comp.current_version)) : null,
      error: parse<RunError | null>(g.error),
      warnings: parse<string[]>(g.warnings) ?? [],
      created_at: String(g.created_at),
      updated_at: String(g.updated_at),
    };
  }

  listGenerations(q: { status?: GenerationStatus; limit: number; cursor?: string }): { items: GenerationView[]; next_cursor: string | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.status) {
      where.push("status = ?");
      args.push(q.status);
    }
    if (q.cursor) {
      const [created, id] = Buffer.from(q.cursor, "base64url").toString().split("|");
      where.push("(created_at < ? OR (created_at = ? AND id < ?))");
      args.push(created, created, id);
    }
    const rows = this.db
      .prepare(`SELECT id, created_at FROM generations ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...args, q.limit + 1) as Row[];
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.getGeneration(String(r.id))),
      next_cursor: rows.length > q.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString("base64url") : null,
    };
  }

  /** Runs that a previous process left in flight (to resume on start-up). */
  unfinishedGenerations(): string[] {
    return (this.db.prepare("SELECT id FROM generations WHERE status IN ('queued','running') ORDER BY created_at").all() as Row[]).map((r) => String(r.id));
  }

  updateGeneration(
    id: string,
    patch: Partial<{ status: GenerationStatus; stage: Stage | null; percent: number; clips_done: number; clips_total: number; analysis: unknown; plan: unknown; style: unknown; composition_id: string; error: RunError | null; warnings: string[] }>,
  ): void {
    this.writes++;
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${k} = ?`);
      args.push(["analysis", "plan", "style", "error", "warnings"].includes(k) ? json(v) : v);
    }
    if (!sets.length) return;
    sets.push("updated_at = ?");
    args.push(nowIso());
    const r = this.db.prepare(`UPDATE generations SET ${sets.join(", ")} WHERE id = ?`).run(...args, id);
    if (r.changes === 0) throw new NotFoundError("generation", id);
  }

  // ── clips ──────────────────────────────────────────────────────────────────

  getClip(id: string): Clip | null {
    const r = this.stmts.getClip.get(id) as Row | undefined;
    return r ? rowToClip(r) : null;
  }

  /** Inserts or updates a clip row; returns the stored clip. */
  upsertClip(generationId: string, clip: Clip): Clip {
    this.writes++;
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO clips (id, generation_id, scene_id, status, provider, prompt, prompt_hash, path, duration_s, attempts, error, prediction_id, checksum, created_at, started_at, finished_at, updated_at)
         VALUES (@id, @generation_id, @scene_id, @status, @provider, @prompt, @prompt_hash, @path, @duration_s, @attempts, @error, @prediction_id, @checksum, @now,
                 CASE WHEN @status = 'running' THEN @now END, CASE WHEN @status IN ('succeeded','failed') THEN @now END, @now)
         ON CONFLICT(id) DO UPDATE SET status=@status, provider=@provider, prompt=@prompt, prompt_hash=@prompt_hash, path=@path, duration_s=@duration_s,
           attempts=@attempts, error=@error, prediction_id=@prediction_id, checksum=@checksum,
           started_at = COALESCE(started_at, CASE WHEN @status = 'running' THEN @now END),
           finished_at = CASE WHEN @status IN ('succeeded','failed') THEN @now ELSE finished_at END, updated_at=@now`,
      )
      .run({
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
        now,
      });
    return this.getClip(clip.id)!;
  }

  /** Records a paid prediction id at once, before anyone waits on it. */
  setPredictionId(clipId: string, predictionId: string): void {
    this.writes++;
    this.db.prepare("UPDATE clips SET prediction_id = ?, updated_at = ? WHERE id = ?").run(predictionId, nowIso(), clipId);
  }

  /**
   * Notes that a paid create is about to be sent for this clip, and returns when an earlier
   * attempt did the same without its prediction id ever being recorded (a crash in between).
   */
  markCreateAttempt(clipId: string, nowMs = Date.now()): number | null {
    this.writes++;
    return this.db.transaction(() => {
      const r = this.db.prepare("SELECT create_attempted_at, prediction_id FROM clips WHERE id = ?").get(clipId) as Row | undefined;
      const earlier = r && r.prediction_id == null && r.create_attempted_at != null ? Number(r.create_attempted_at) : null;
      if (earlier === null) this.db.prepare("UPDATE clips SET create_attempted_at = ? WHERE id = ?").run(nowMs, clipId);
      return earlier;
    })();
  }

  /** Forgets a clip's prediction (it ended without a result): the next attempt pays for a new one. */
  clearPrediction(clipId: string): void {
    this.writes++;
    this.db.prepare("UPDATE clips SET prediction_id = NULL, create_attempted_at = NULL, updated_at = ? WHERE id = ?").run(nowIso(), clipId);
  }

  // ── events ─────────────────────────────────────────────────────────────────

  appendEvent(generationId: string, type: string, data: Record<string, unknown>): StoredEvent {
    const created_at = nowIso();
    const r = this.stmts.insertEvent.run(generationId, type, JSON.stringify(data), created_at);
    const event: StoredEvent = { seq: Number(r.lastInsertRowid), generation_id: generationId, type, data, created_at };
    for (const l of this.listeners.get(generationId) ?? []) l(event);
    for (const l of this.listeners.get("*") ?? []) l(event);
    return event;
  }

  eventsAfter(generationId: string, afterSeq: number, limit = 1000): StoredEvent[] {
    return (this.stmts.eventsAfter.all(generationId, afterSeq, limit) as Row[]).map((r) => ({
      seq: Number(r.seq),
      generation_id: String(r.generation_id),
      type: String(r.type),
      data: parse(r.data),
      created_at: String(r.created_at),
    }));
  }

  /** Subscribes to new events of one generation ("*" for all); returns the unsubscribe. */
  subscribe(generationId: string, listener: Listener): () => void {
    let set = this.listeners.get(generationId);
    if (!set) this.listeners.set(generationId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (!set!.size) this.listeners.delete(generationId);
    };
  }

  // ── compositions and versions ──────────────────────────────────────────────

  /** Saves a rendered timeline as the composition's next version (creating the composition). */
  saveVersion(input: { generationId: string; timeline: Timeline; videoPath: string | null; duration_s: number | null; editId?: string | null; revertedFrom?: number | null }): CompositionView {
    this.writes++;
    return this.db.transaction(() => {
      const now = nowIso();
      let comp = this.stmts.compOfGen.get(input.generationId) as Row | undefined;
      const id = comp ? String(comp.id) : `comp_${input.generationId.replace(/^gen_/, "")}`;
      const version = input.timeline.version;
      if (!comp) {
        this.db.prepare("INSERT INTO compositions (id, generation_id, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)").run(id, input.generationId, version, now, now);
        this.updateGeneration(input.generationId, { composition_id: id });
      } else {
        this.db.prepare("UPDATE compositions SET current_version = ?, updated_at = ? WHERE id = ?").run(version, now, id);
      }
      this.db
        .prepare(
          `INSERT INTO composition_versions (composition_id, version, timeline, video_path, duration_s, edit_id, reverted_from, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(composition_id, version) DO UPDATE SET timeline=excluded.timeline, video_path=excluded.video_path, duration_s=excluded.duration_s`,
        )
        .run(id, version, JSON.stringify(input.timeline), input.videoPath, input.duration_s, input.editId ?? null, input.revertedFrom ?? null, now);
      comp = this.stmts.getComp.get(id) as Row;
      return this.compositionView(id, version);
    })();
  }

  getComposition(id: string): { id: string; generation_id: string; current_version: number; view: CompositionView } {
    const c = this.stmts.getComp.get(id) as Row | undefined;
    if (!c) throw new NotFoundError("composition", id);
    return { id, generation_id: String(c.generation_id), current_version: Number(c.current_version), view: this.compositionView(id, Number(c.current_version)) };
  }

  compositionView(id: string, version: number): CompositionView {
    const v = this.stmts.getVersion.get(id, version) as Row | undefined;
    if (!v) throw new NotFoundError("composition version", `${id}@${version}`);
    return {
      id,
      version,
      timeline: parse(v.timeline),
      video: {
        path: (v.video_path as string | null) ?? null,
        url: v.video_path ? `/api/v1/compositions/${id}/video?version=${version}` : null,
        duration_s: (v.duration_s as number | null) ?? null,
      },
    };
  }

  listVersions(compositionId: string): VersionView[] {
    const c = this.stmts.getComp.get(compositionId) as Row | undefined;
    if (!c) throw new NotFoundError("composition", compositionId);
    return (this.db.prepare("SELECT * FROM composition_versions WHERE composition_id = ? ORDER BY version").all(compositionId) as Row[]).map((v) => ({
      version: Number(v.version),
      duration_s: (v.duration_s as number | null) ?? null,
      video_path: (v.video_path as string | null) ?? null,
      edit_id: (v.edit_id as string | null) ?? null,
      reverted_from: (v.reverted_from as number | null) ?? null,
      created_at: String(v.created_at),
      current: Number(v.version) === Number(c.current_version),
    }));
  }

  latestVersionNumber(compositionId: string): number {
    const r = this.db.prepare("SELECT MAX(version) v FROM composition_versions WHERE composition_id = ?").get(compositionId) as Row;
    return Number(r.v ?? 0);
  }

  // ── edits ──────────────────────────────────────────────────────────────────

  saveEdit(generationId: string, plan: EditPlan): void {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO edits (id, composition_id, generation_id, status, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status=excluded.status, plan=excluded.plan, updated_at=excluded.updated_at`,
      )
      .run(plan.id, plan.composition_id ?? "", generationId, plan.status, JSON.stringify(plan), now, now);
  }

  getEdit(id: string): StoredEdit {
    const r = this.db.prepare("SELECT * FROM edits WHERE id = ?").get(id) as Row | undefined;
    if (!r) throw new NotFoundError("edit", id);
    return { id, composition_id: String(r.composition_id), generation_id: String(r.generation_id), status: r.status as EditPlan["status"], plan: parse(r.plan) };
  }

  listEdits(compositionId: string): StoredEdit[] {
    return (this.db.prepare("SELECT id FROM edits WHERE composition_id = ? ORDER BY created_at").all(compositionId) as Row[]).map((r) => this.getEdit(String(r.id)));
  }

  // ── assets ─────────────────────────────────────────────────────────────────

  saveAsset(a: { id: string; kind: string; path: string; mime: string | null; bytes: number; sha256: string | null; source: string | null }): void {
    this.db
      .prepare("INSERT OR REPLACE INTO assets (id, kind, path, mime, bytes, sha256, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(a.id, a.kind, a.path, a.mime, a.bytes, a.sha256, a.source, nowIso());
  }

  getAsset(id: string): { id: string; kind: string; path: string; mime: string | null; bytes: number } | null {
    const r = this.db.prepare("SELECT * FROM assets WHERE id = ?").get(id) as Row | undefined;
    return r ? { id, kind: String(r.kind), path: String(r.path), mime: (r.mime as string | null) ?? null, bytes: Number(r.bytes) } : null;
  }
}

function rowToClip(r: Row): Clip {
  return {
    id: String(r.id),
    scene_id: String(r.scene_id),
    status: r.status as Clip["status"],
    provider: String(r.provider),
    prompt: String(r.prompt),
    path: (r.path as string | null) ?? null,
    duration_s: (r.duration_s as number | null) ?? null,
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
    prediction_id: (r.prediction_id as string | null) ?? null,
    checksum: (r.checksum as string | null) ?? null,
    prompt_hash: (r.prompt_hash as string | null) ?? undefined,
  };
}
