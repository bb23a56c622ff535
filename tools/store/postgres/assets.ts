import type { AssetStore, StoredAsset } from "../../../core/stores.js";
import type { PgContext } from "./context.js";

/** Uploaded assets on Postgres. */
export class PgAssetStore implements AssetStore {
  constructor(private readonly ctx: PgContext) {}

  async save(a: StoredAsset): Promise<void> {
    await this.ctx.query(
      `INSERT INTO assets (id, kind, path, mime, bytes, sha256, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, path = EXCLUDED.path, mime = EXCLUDED.mime, bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, source = EXCLUDED.source`,
      [a.id, a.kind, a.path, a.mime, a.bytes, a.sha256, a.source],
    );
  }

  async get(id: string): Promise<StoredAsset | null> {
    const [r] = await this.ctx.query("SELECT * FROM assets WHERE id = $1", [id]);
    return r
      ? { id, kind: String(r.kind), path: String(r.path), mime: (r.mime as string | null) ?? null, bytes: Number(r.bytes), sha256: (r.sha256 as string | null) ?? null, source: (r.source as string | null) ?? null }
      : null;
  }
}
