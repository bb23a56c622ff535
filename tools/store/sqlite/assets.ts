import type { AssetStore, StoredAsset } from "../../../core/stores.js";
import { nowIso } from "./db.js";
import type { Row, SqliteContext } from "./context.js";

/** Uploaded assets on SQLite. */
export class SqliteAssetStore implements AssetStore {
  constructor(private readonly ctx: SqliteContext) {}

  async save(a: StoredAsset): Promise<void> {
    this.ctx.db
      .prepare("INSERT OR REPLACE INTO assets (id, kind, path, mime, bytes, sha256, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(a.id, a.kind, a.path, a.mime, a.bytes, a.sha256, a.source, nowIso());
  }

  async get(id: string): Promise<StoredAsset | null> {
    const r = this.ctx.db.prepare("SELECT * FROM assets WHERE id = ?").get(id) as Row | undefined;
    return r
      ? { id, kind: String(r.kind), path: String(r.path), mime: (r.mime as string | null) ?? null, bytes: Number(r.bytes), sha256: (r.sha256 as string | null) ?? null, source: (r.source as string | null) ?? null }
      : null;
  }
}
