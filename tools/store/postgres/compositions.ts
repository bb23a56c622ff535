import type { CompositionView, StoredEdit, VersionView } from "../../../core/domain.js";
import { compositionIdFor, compositionVideoUrl } from "../../../core/ids.js";
import type { EditPlan } from "../../../core/schemas/edit.js";
import { NotFoundError, type CompositionStore } from "../../../core/stores.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { iso, jsonb, type PgContext, type Queryable, type Row } from "./context.js";

/** A composition_versions row of alias `v` as the JSON object compositionViewOf reads. */
export const CURRENT_VERSION_JSON = "json_build_object('id', v.composition_id, 'version', v.version, 'timeline', v.timeline, 'video_path', v.video_path, 'duration_s', v.duration_s, 'poster_path', v.poster_path)";

/** Composition versions and edit plans on Postgres. */
export class PgCompositionStore implements CompositionStore {
  constructor(private readonly ctx: PgContext) {}

  async saveVersion(input: { generationId: string; timeline: Timeline; videoPath: string | null; duration_s: number | null; editId?: string | null; revertedFrom?: number | null; posterPath?: string | null }): Promise<CompositionView> {
    const version = input.timeline.version;
    return this.ctx.tx(async (db) => {
      const now = new Date();
      const { rows } = await db.query<{ id: string; created: boolean }>(
        `INSERT INTO compositions (id, generation_id, current_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (generation_id) DO UPDATE SET current_version = EXCLUDED.current_version, updated_at = EXCLUDED.updated_at
         RETURNING id, (xmax = 0) AS created`,
        [compositionIdFor(input.generationId), input.generationId, version, now],
      );
      const id = rows[0]!.id;
      if (rows[0]!.created) await db.query("UPDATE generations SET composition_id = $1, updated_at = $2 WHERE id = $3", [id, now, input.generationId]);
      await db.query(
        `INSERT INTO composition_versions (composition_id, version, timeline, video_path, duration_s, edit_id, reverted_from, poster_path, created_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (composition_id, version) DO UPDATE SET timeline = EXCLUDED.timeline, video_path = EXCLUDED.video_path, duration_s = EXCLUDED.duration_s, poster_path = EXCLUDED.poster_path`,
        [id, version, jsonb(input.timeline), input.videoPath, input.duration_s, input.editId ?? null, input.revertedFrom ?? null, input.posterPath ?? null, now],
      );
      return (await viewOf(db, id, version))!;
    });
  }

  async get(id: string): Promise<{ id: string; generation_id: string; current_version: number; view: CompositionView }> {
    const [r] = await this.ctx.query(
      `SELECT co.generation_id, co.current_version, ${CURRENT_VERSION_JSON} AS view
         FROM compositions co JOIN composition_versions v ON v.composition_id = co.id AND v.version = co.current_version WHERE co.id = $1`,
      [id],
    );
    if (!r) throw new NotFoundError("composition", id);
    return { id, generation_id: String(r.generation_id), current_version: Number(r.current_version), view: compositionViewOf(r.view as Row) };
  }

  async ofGeneration(generationId: string): Promise<CompositionView | null> {
    const [r] = await this.ctx.query(
      `SELECT ${CURRENT_VERSION_JSON} AS view FROM compositions co JOIN composition_versions v ON v.composition_id = co.id AND v.version = co.current_version WHERE co.generation_id = $1`,
      [generationId],
    );
    return r ? compositionViewOf(r.view as Row) : null;
  }

  async version(id: string, version: number): Promise<CompositionView> {
    const [r] = await this.ctx.query(`SELECT ${CURRENT_VERSION_JSON} AS view FROM composition_versions v WHERE v.composition_id = $1 AND v.version = $2`, [id, version]);
    const v = r ? compositionViewOf(r.view as Row) : null;
    if (!v) throw new NotFoundError("composition version", `${id}@${version}`);
    return v;
  }

  async listVersions(id: string): Promise<VersionView[]> {
    const rows = await this.ctx.query(
      `SELECT co.current_version, v.version, v.duration_s, v.video_path, v.edit_id, v.reverted_from, ${iso("v.created_at")} AS created_at
         FROM compositions co LEFT JOIN composition_versions v ON v.composition_id = co.id WHERE co.id = $1 ORDER BY v.version`,
      [id],
    );
    if (!rows.length) throw new NotFoundError("composition", id);
    return rows
      .filter((v) => v.version != null)
      .map((v) => ({
        version: Number(v.version),
        duration_s: v.duration_s == null ? null : Number(v.duration_s),
        video_path: (v.video_path as string | null) ?? null,
        edit_id: (v.edit_id as string | null) ?? null,
        reverted_from: v.reverted_from == null ? null : Number(v.reverted_from),
        created_at: String(v.created_at),
        current: Number(v.version) === Number(v.current_version),
      }));
  }

  async latestVersionNumber(id: string): Promise<number> {
    const [r] = await this.ctx.query("SELECT max(version) AS v FROM composition_versions WHERE composition_id = $1", [id]);
    return Number(r?.v ?? 0);
  }

  async saveEdit(generationId: string, plan: EditPlan): Promise<void> {
    const now = new Date();
    await this.ctx.query(
      `INSERT INTO edits (id, composition_id, generation_id, status, plan, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, plan = EXCLUDED.plan, updated_at = EXCLUDED.updated_at`,
      [plan.id, plan.composition_id ?? "", generationId, plan.status, jsonb(plan), now],
    );
  }

  async getEdit(id: string): Promise<StoredEdit> {
    const [r] = await this.ctx.query("SELECT * FROM edits WHERE id = $1", [id]);
    if (!r) throw new NotFoundError("edit", id);
    return rowToEdit(r);
  }

  async listEdits(compositionId: string): Promise<StoredEdit[]> {
    return (await this.ctx.query("SELECT * FROM edits WHERE composition_id = $1 ORDER BY created_at, ord", [compositionId])).map(rowToEdit);
  }
}

async function viewOf(db: Queryable, id: string, version: number): Promise<CompositionView | null> {
  const { rows } = await db.query<Row>(`SELECT ${CURRENT_VERSION_JSON} AS view FROM composition_versions v WHERE v.composition_id = $1 AND v.version = $2`, [id, version]);
  return rows[0] ? compositionViewOf(rows[0].view as Row) : null;
}

/** A CURRENT_VERSION_JSON object as the composition view callers see. */
export function compositionViewOf(v: Row): CompositionView {
  const id = String(v.id);
  const version = Number(v.version);
  return {
    id,
    version,
    timeline: v.timeline as Timeline,
    video: {
      path: (v.video_path as string | null) ?? null,
      url: v.video_path ? compositionVideoUrl(id, version) : null,
      duration_s: v.duration_s == null ? null : Number(v.duration_s),
    },
    poster_path: (v.poster_path as string | null) ?? null,
  };
}

function rowToEdit(r: Row): StoredEdit {
  return { id: String(r.id), composition_id: String(r.composition_id), generation_id: String(r.generation_id), status: r.status as EditPlan["status"], plan: r.plan as EditPlan };
}
