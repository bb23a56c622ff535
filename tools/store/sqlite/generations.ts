import type { GenerationStatus, GenerationView, RunError, Stage } from "../../../core/domain.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import { NotFoundError, type GenerationPatch, type GenerationReadModel } from "../../../core/stores.js";
import { nowIso } from "./db.js";
import { rowToClip } from "../rows.js";
import type { SqliteCompositionStore } from "./compositions.js";
import { json, parse, type Row, type SqliteContext } from "./context.js";

const JSON_COLUMNS = new Set(["analysis", "plan", "style", "error", "warnings"]);

/**
 * The generations read model on SQLite. A view joins the generation row, its clips (the
 * ledger) and its current composition version; a view is cached until its generation's
 * view_version moves (triggers move it on every write to those rows, from any connection),
 * because browser tabs poll the same few ids. A cached view is shared: callers treat it as
 * read-only.
 */
export class SqliteReadModel implements GenerationReadModel {
  private readonly stmts;
  private readonly views = new Map<string, { version: number; view: GenerationView }>();
  /** UPDATE statements by the columns they set (a run writes the same few patches again and again). */
  private readonly updates = new Map<string, { run(...args: unknown[]): { changes: number } }>();

  constructor(
    private readonly ctx: SqliteContext,
    private readonly compositions: SqliteCompositionStore,
  ) {
    const d = ctx.db;
    this.stmts = {
      get: d.prepare("SELECT * FROM generations WHERE id = ?"),
      clipsOf: d.prepare("SELECT * FROM clips WHERE generation_id = ? ORDER BY created_at, id"),
      insert: d.prepare(
        `INSERT INTO generations (id, pipeline, status, stage, request, client, created_at, updated_at)
         VALUES (?, ?, 'queued', NULL, ?, ?, ?, ?)`,
      ),
      unfinished: d.prepare("SELECT id FROM generations WHERE status IN ('queued','running') ORDER BY created_at"),
      extra: d.prepare("SELECT extra FROM generations WHERE id = ?").pluck(),
      viewVersion: d.prepare("SELECT view_version FROM generations WHERE id = ?").pluck(),
    };
  }

  async create(input: { id: string; request: GenerationRequest; client?: string | null }): Promise<GenerationView> {
    const now = nowIso();
    this.stmts.insert.run(input.id, input.request.pipeline, json(input.request), input.client ?? null, now, now);
    return this.read(input.id);
  }

  async get(id: string): Promise<GenerationView> {
    return this.read(id);
  }

  /** The view, synchronously: SQLite answers at once, and the status route is the hot path. */
  read(id: string): GenerationView {
    // Read before the view: a write committed in between leaves a newer view under an older
    // number, which the next read replaces — never an older view under a newer number.
    const version = this.stmts.viewVersion.get(id) as number | undefined;
    const hit = this.views.get(id);
    if (hit && version !== undefined && hit.version === version) return hit.view;
    const view = this.readFresh(id);
    if (version === undefined) return view;
    if (this.views.size >= 2000) this.views.delete(this.views.keys().next().value!);
    this.views.set(id, { version, view });
    return view;
  }

  async extraOf(id: string): Promise<Record<string, unknown>> {
    const raw = this.stmts.extra.get(id);
    if (raw === undefined) throw new NotFoundError("generation", id);
    return parse<Record<string, unknown>>(raw) ?? {};
  }

  async has(id: string): Promise<boolean> {
    return this.stmts.get.get(id) !== undefined;
  }

  private readFresh(id: string): GenerationView {
    const g = this.stmts.get.get(id) as Row | undefined;
    if (!g) throw new NotFoundError("generation", id);
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
      clips: (this.stmts.clipsOf.all(id) as Row[]).map(rowToClip),
      composition: this.compositions.currentOf(id),
      error: parse<RunError | null>(g.error),
      warnings: parse<string[]>(g.warnings) ?? [],
      extra: parse<Record<string, unknown>>(g.extra) ?? {},
      created_at: String(g.created_at),
      updated_at: String(g.updated_at),
    };
  }

  async list(q: { status?: GenerationStatus; limit: number; cursor?: string }): Promise<{ items: GenerationView[]; next_cursor: string | null }> {
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
    const rows = this.ctx.db
      .prepare(`SELECT id, created_at FROM generations ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...args, q.limit + 1) as Row[];
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.read(String(r.id))),
      next_cursor: rows.length > q.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString("base64url") : null,
    };
  }

  async unfinished(): Promise<string[]> {
    return (this.stmts.unfinished.all() as Row[]).map((r) => String(r.id));
  }

  async update(id: string, patch: GenerationPatch, opts?: { unlessStatus?: GenerationStatus[] }): Promise<void> {
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (k === "extra") {
        const current = parse<Record<string, unknown>>(this.stmts.extra.get(id)) ?? {};
        sets.push("extra = ?");
        args.push(JSON.stringify({ ...current, ...(v as Record<string, unknown>) }));
        continue;
      }
      sets.push(`${k} = ?`);
      args.push(JSON_COLUMNS.has(k) ? json(v) : v);
    }
    if (!sets.length) return;
    sets.push("updated_at = ?");
    args.push(nowIso());
    const unless = opts?.unlessStatus?.length ? opts.unlessStatus : null;
    const sql = `UPDATE generations SET ${sets.join(", ")} WHERE id = ?${unless ? ` AND status NOT IN (${unless.map(() => "?").join(", ")})` : ""}`;
    let stmt = this.updates.get(sql);
    if (!stmt) this.updates.set(sql, (stmt = this.ctx.db.prepare(sql)));
    const r = stmt.run(...args, id, ...(unless ?? []));
    if (r.changes === 0 && (!unless || this.stmts.get.get(id) === undefined)) throw new NotFoundError("generation", id);
  }
}
