import type { CompositionView, StoredEdit, VersionView } from "../../../core/domain.js";
import { compositionIdFor, compositionVideoUrl } from "../../../core/ids.js";
import type { EditPlan } from "../../../core/schemas/edit.js";
import { NotFoundError, type CompositionStore } from "../../../core/stores.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { nowIso } from "./db.js";
import { parse, type Row, type SqliteContext } from "./context.js";

/** Composition versions and edit plans on SQLite. */
export class SqliteCompositionStore implements CompositionStore {
  private readonly stmts;

  constructor(private readonly ctx: SqliteContext) {
    const d = ctx.db;
    this.stmts = {
      ofGen: d.prepare("SELECT * FROM compositions WHERE generation_id = ?"),
      get: d.prepare("SELECT * FROM compositions WHERE id = ?"),
      version: d.prepare("SELECT * FROM composition_versions WHERE composition_id = ? AND version = ?"),
      insertComp: d.prepare("INSERT INTO compositions (id, generation_id, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"),
      setCurrent: d.prepare("UPDATE compositions SET current_version = ?, updated_at = ? WHERE id = ?"),
      linkGen: d.prepare("UPDATE generations SET composition_id = ?, updated_at = ? WHERE id = ?"),
      upsertVersion: d.prepare(
        `INSERT INTO composition_versions (composition_id, version, timeline, video_path, duration_s, edit_id, reverted_from, poster_path, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(composition_id, version) DO UPDATE SET timeline=excluded.timeline, video_path=excluded.video_path, duration_s=excluded.duration_s, poster_path=excluded.poster_path`,
      ),
      versions: d.prepare("SELECT * FROM composition_versions WHERE composition_id = ? ORDER BY version"),
      latest: d.prepare("SELECT MAX(version) v FROM composition_versions WHERE composition_id = ?"),
      saveEdit: d.prepare(
        `INSERT INTO edits (id, composition_id, generation_id, status, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status=excluded.status, plan=excluded.plan, updated_at=excluded.updated_at`,
      ),
      getEdit: d.prepare("SELECT * FROM edits WHERE id = ?"),
      listEdits: d.prepare("SELECT * FROM edits WHERE composition_id = ? ORDER BY created_at, rowid"),
    };
  }

  async saveVersion(input: { generationId: string; timeline: Timeline; videoPath: string | null; duration_s: number | null; editId?: string | null; revertedFrom?: number | null; posterPath?: string | null }): Promise<CompositionView> {
    const { stmts } = this;
    // IMMEDIATE: it reads, then writes; a deferred transaction whose read another connection
    // (the server's other thread, another process) writes past fails at once with SQLITE_BUSY.
    return this.ctx.db.transaction(() => {
      const now = nowIso();
      const comp = stmts.ofGen.get(input.generationId) as Row | undefined;
      const id = comp ? String(comp.id) : compositionIdFor(input.generationId);
      const version = input.timeline.version;
      if (!comp) {
        stmts.insertComp.run(id, input.generationId, version, now, now);
        stmts.linkGen.run(id, now, input.generationId);
      } else {
        stmts.setCurrent.run(version, now, id);
      }
      stmts.upsertVersion.run(id, version, JSON.stringify(input.timeline), input.videoPath, input.duration_s, input.editId ?? null, input.revertedFrom ?? null, input.posterPath ?? null, now);
      return this.view(id, version)!;
    }).immediate();
  }

  async get(id: string): Promise<{ id: string; generation_id: string; current_version: number; view: CompositionView }> {
    const c = this.stmts.get.get(id) as Row | undefined;
    if (!c) throw new NotFoundError("composition", id);
    return { id, generation_id: String(c.generation_id), current_version: Number(c.current_version), view: this.view(id, Number(c.current_version))! };
  }

  async ofGeneration(generationId: string): Promise<CompositionView | null> {
    return this.currentOf(generationId);
  }

  /** The current version of a generation's composition, read at once (the read model joins it). */
  currentOf(generationId: string): CompositionView | null {
    const c = this.stmts.ofGen.get(generationId) as Row | undefined;
    return c ? this.view(String(c.id), Number(c.current_version)) : null;
  }

  async version(id: string, version: number): Promise<CompositionView> {
    const v = this.view(id, version);
    if (!v) throw new NotFoundError("composition version", `${id}@${version}`);
    return v;
  }

  private view(id: string, version: number): CompositionView | null {
    const v = this.stmts.version.get(id, version) as Row | undefined;
    if (!v) return null;
    return {
      id,
      version,
      timeline: parse(v.timeline),
      video: {
        path: (v.video_path as string | null) ?? null,
        url: v.video_path ? compositionVideoUrl(id, version) : null,
        duration_s: (v.duration_s as number | null) ?? null,
      },
      poster_path: (v.poster_path as string | null) ?? null,
    };
  }

  async listVersions(id: string): Promise<VersionView[]> {
    const c = this.stmts.get.get(id) as Row | undefined;
    if (!c) throw new NotFoundError("composition", id);
    return (this.stmts.versions.all(id) as Row[]).map((v) => ({
      version: Number(v.version),
      duration_s: (v.duration_s as number | null) ?? null,
      video_path: (v.video_path as string | null) ?? null,
      edit_id: (v.edit_id as string | null) ?? null,
      reverted_from: (v.reverted_from as number | null) ?? null,
      created_at: String(v.created_at),
      current: Number(v.version) === Number(c.current_version),
    }));
  }

  async latestVersionNumber(id: string): Promise<number> {
    return Number((this.stmts.latest.get(id) as Row).v ?? 0);
  }

  async saveEdit(generationId: string, plan: EditPlan): Promise<void> {
    const now = nowIso();
    this.stmts.saveEdit.run(plan.id, plan.composition_id ?? "", generationId, plan.status, JSON.stringify(plan), now, now);
  }

  async getEdit(id: string): Promise<StoredEdit> {
    const r = this.stmts.getEdit.get(id) as Row | undefined;
    if (!r) throw new NotFoundError("edit", id);
    return rowToEdit(r);
  }

  async listEdits(compositionId: string): Promise<StoredEdit[]> {
    return (this.stmts.listEdits.all(compositionId) as Row[]).map(rowToEdit);
  }
}

function rowToEdit(r: Row): StoredEdit {
  return { id: String(r.id), composition_id: String(r.composition_id), generation_id: String(r.generation_id), status: r.status as EditPlan["status"], plan: parse(r.plan) };
}
