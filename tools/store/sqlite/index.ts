import type { Stores } from "../../../core/stores.js";
import { SqliteAssetStore } from "./assets.js";
import { SqliteClipLedger } from "./clips.js";
import { SqliteCompositionStore } from "./compositions.js";
import { SqliteContext } from "./context.js";
import { SqliteEventLog } from "./events.js";
import { SqliteReadModel } from "./generations.js";
import { SqliteIdempotencyStore } from "./idempotency.js";
import { SqliteJobStore } from "./jobs.js";

export interface SqliteStores extends Stores {
  readonly generations: SqliteReadModel;
  /** The FFmpeg service's jobs table (in the same file). */
  readonly jobs: SqliteJobStore;
  /** The shared file (the FFmpeg service's job table lives in it too). */
  readonly context: SqliteContext;
}

/** Every store on one SQLite file (":memory:" for a throwaway one). */
export function openSqliteStores(path: string): SqliteStores {
  const context = new SqliteContext(path);
  const compositions = new SqliteCompositionStore(context);
  return {
    backend: "sqlite",
    context,
    generations: new SqliteReadModel(context, compositions),
    clips: new SqliteClipLedger(context),
    compositions,
    events: new SqliteEventLog(context),
    assets: new SqliteAssetStore(context),
    idempotency: new SqliteIdempotencyStore(context),
    jobs: new SqliteJobStore(context.db),
    close: async () => context.close(),
  };
}
