import type { GenerationStatus, GenerationView, RunError, Stage } from "../../../core/domain.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import { ConflictError, NotFoundError, type GenerationPatch, type GenerationReadModel } from "../../../core/stores.js";
import { rowToClip } from "../rows.js";
import { CLIP_JSON } from "./clips.js";
import { compositionViewOf, CURRENT_VERSION_JSON } from "./compositions.js";
import { isUniqueViolation, iso, jsonb, type PgContext, type Row } from "./context.js";

const JSON_COLUMNS = new Set(["analysis", "plan", "style", "error", "warnings"]);
const PLAIN_COLUMNS = new Set(["status", "stage", "percent", "clips_done", "clips_total"]);

/**
 * What a view is made of, as the row versions it was read from: PostgreSQL gives every row
 * version the id of the transaction that wrote it (`xmin`), so any committed write to the
 * generation, one of its clips, its composition or the composition's current version — from
 * any process — changes this text. Reading it is three index lookups and no JSON.
 */
const STAMP = `concat_ws('/', g.xmin::text,
         (SELECT string_agg(c.id || ':' || c.xmin::text, ',' ORDER BY c.id) FROM clips c WHERE c.generation_id = g.id),
         (SELECT string_agg(co.xmin::text || ':' || coalesce(v.xmin::text, ''), ',') FROM compositions co
            LEFT JOIN composition_versions v ON v.composition_id = co.id AND v.version = co.current_version WHERE co.generation_id = g.id))`;

/**
 * A generation's whole view in one query: the row, its clips (the ledger) as a JSON array and
 * its current composition version as a JSON object, so a status poll is one round trip.
 */
const VIEW_SELECT = `
  SELECT g.id, g.pipeline, g.status, g.stage, g.request, g.percent, g.clips_done, g.clips_total,
         g.analysis, g.plan, g.style, g.error, g.warnings, g.extra,
         ${iso("g.created_at")} AS created_at, ${iso("g.updated_at")} AS updated_at,
         (SELECT coalesce(json_agg(${CLIP_JSON} ORDER BY c.created_at, c.id), '[]'::json) FROM clips c WHERE c.generation_id = g.id) AS clips,
         (SELECT ${CURRENT_VERSION_JSON} FROM compositions co JOIN composition_versions v ON v.composition_id = co.id AND v.version = co.current_version
           WHERE co.generation_id = g.id) AS composition,
         ${STAMP} AS stamp
    FROM generations g`;

/**
 * The generations read model on Postgres. Other processes write too, so a cached view is only
 * served after asking Postgres whether what it was made of is unchanged (STAMP, one cheap
 * round trip instead of building the view's JSON in Postgres and parsing it here); a view is
 * shared, so callers treat it as read-only, and the same object lets the API reuse its bytes.
 */
export class PgReadModel implements GenerationReadModel {
  private readonly views = new Map<string, { stamp: string; view: GenerationView }>();

  constructor(private readonly ctx: PgContext) {}

  async create(input: { id: string; request: GenerationRequest; client?: string | null }): Promise<GenerationView> {
    const now = new Date();
    await this.ctx
      .query(
        "INSERT INTO generations (id, pipeline, status, stage, request, client, created_at, updated_at) VALUES ($1, $2, 'queued', NULL, $3::jsonb, $4, $5, $5)",
        [input.id, input.request.pipeline, jsonb(input.request), input.client ?? null, now],
      )
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? new ConflictError(`generation ${input.id} already exists`, { id: input.id }) : err;
      });
    return this.get(input.id);
  }

  async get(id: string): Promise<GenerationView> {
    const cached = this.views.get(id);
    if (cached) {
      const [now] = await this.ctx.query(`SELECT ${STAMP} AS stamp FROM generations g WHERE g.id = $1`, [id]);
      if (!now) {
        this.views.delete(id);
        throw new NotFoundError("generation", id);
      }
      if (now.stamp === cached.stamp) return cached.view;
    }
    const [row] = await this.ctx.query(`${VIEW_SELECT} WHERE g.id = $1`, [id]);
    if (!row) throw new NotFoundError("generation", id);
    return this.remember(id, String(row.stamp), rowToView(row));
  }

  private remember(id: string, stamp: string, view: GenerationView): GenerationView {
    this.views.delete(id);
    if (this.views.size >= 2000) this.views.delete(this.views.keys().next().value!);
    this.views.set(id, { stamp, view });
    return view;
  }

  async extraOf(id: string): Promise<Record<string, unknown>> {
    const rows = await this.ctx.query("SELECT extra FROM generations WHERE id = $1", [id]);
    if (!rows.length) throw new NotFoundError("generation", id);
    return (rows[0]!.extra as Record<string, unknown> | null) ?? {};
  }

  async has(id: string): Promise<boolean> {
    return (await this.ctx.query("SELECT 1 FROM generations WHERE id = $1", [id])).length > 0;
  }

  async list(q: { status?: GenerationStatus; limit: number; cursor?: string }): Promise<{ items: GenerationView[]; next_cursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.status) {
      args.push(q.status);
      where.push(`g.status = $${args.length}`);
    }
    if (q.cursor) {
      const [created, id] = Buffer.from(q.cursor, "base64url").toString().split("|");
      args.push(created, id);
      where.push(`(g.created_at, g.id) < ($${args.length - 1}::timestamptz, $${args.length})`);
    }
    args.push(q.limit + 1);
    const rows = await this.ctx.query(`${VIEW_SELECT} ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY g.created_at DESC, g.id DESC LIMIT $${args.length}`, args);
    const page = rows.slice(0, q.limit).map((r) => this.remember(String(r.id), String(r.stamp), rowToView(r)));
    const last = page[page.length - 1];
    return { items: page, next_cursor: rows.length > q.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString("base64url") : null };
  }

  async unfinished(): Promise<string[]> {
    return (await this.ctx.query("SELECT id FROM generations WHERE status IN ('queued','running') ORDER BY created_at, id")).map((r) => String(r.id));
  }

  async update(id: string, patch: GenerationPatch, opts?: { unlessStatus?: GenerationStatus[] }): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (k === "extra") {
        args.push(jsonb(v ?? {}));
        sets.push(`extra = extra || $${args.length}::jsonb`);
      } else if (JSON_COLUMNS.has(k)) {
        args.push(jsonb(v));
        sets.push(`${k} = $${args.length}::jsonb`);
      } else if (PLAIN_COLUMNS.has(k)) {
        args.push(v);
        sets.push(`${k} = $${args.length}`);
      }
    }
    if (!sets.length) return;
    args.push(new Date(), id);
    const at = args.length;
    const unless = opts?.unlessStatus?.length ? opts.unlessStatus : null;
    if (unless) args.push(unless);
    const rows = await this.ctx.query(`UPDATE generations SET ${sets.join(", ")}, updated_at = $${at - 1} WHERE id = $${at}${unless ? ` AND NOT (status = ANY($${at + 1}::text[]))` : ""} RETURNING 1`, args);
    if (!rows.length && (!unless || !(await this.has(id)))) throw new NotFoundError("generation", id);
  }
}

function rowToView(g: Row): GenerationView {
  return {
    id: String(g.id),
    pipeline: g.pipeline as GenerationView["pipeline"],
    status: g.status as GenerationStatus,
    stage: (g.stage as Stage | null) ?? null,
    progress: { percent: Number(g.percent), clips_done: Number(g.clips_done), clips_total: Number(g.clips_total) },
    request: g.request as GenerationRequest,
    analysis: g.analysis ?? null,
    plan: g.plan ?? null,
    style: g.style ?? null,
    clips: (g.clips as Row[]).map(rowToClip),
    composition: g.composition ? compositionViewOf(g.composition as Row) : null,
    error: (g.error as RunError | null) ?? null,
    warnings: (g.warnings as string[] | null) ?? [],
    extra: (g.extra as Record<string, unknown> | null) ?? {},
    created_at: String(g.created_at),
    updated_at: String(g.updated_at),
  };
}
