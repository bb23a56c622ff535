import type { Stores } from "../../../core/stores.js";
import { PgAssetStore } from "./assets.js";
import { PgClipLedger } from "./clips.js";
import { PgCompositionStore } from "./compositions.js";
import { PgContext, type PgContextOptions } from "./context.js";
import { PgEventLog } from "./events.js";
import { PgReadModel } from "./generations.js";
import { PgIdempotencyStore } from "./idempotency.js";
import { PgJobStore } from "./jobs.js";
import { PgRateLimitCounter } from "./rate-limits.js";
import { PostgresCheckpointer } from "./lazy-checkpointer.js";

export interface PostgresStores extends Stores {
  readonly backend: "postgres";
  readonly events: PgEventLog;
  readonly jobs: PgJobStore;
  readonly rateLimits: PgRateLimitCounter;
  /** The pool and schema shared by the stores (and the checkpointer made with checkpointer()). */
  readonly context: PgContext;
  /** LangGraph's Postgres checkpointer on the same pool (loaded on first use). */
  checkpointer(): PostgresCheckpointer;
  /** Resolves once the schema is current; every store method waits for it anyway. */
  ready(): Promise<void>;
}

export interface PostgresStoresOptions extends PgContextOptions {
  /** A lost LISTEN connection or a failed attempt to reopen it (it is retried). */
  onError?: (err: unknown) => void;
  /** Backoff between attempts to LISTEN again after the connection is lost. */
  listenRetry?: { initialMs: number; maxMs: number };
  /** Schema of LangGraph's checkpoint tables (default "public"). */
  checkpointSchema?: string;
}

/**
 * Every store on one Postgres database (`postgres://…`). Processes that share the database
 * share everything: an API process and worker processes see the same generations, clips,
 * compositions and jobs, and each one's event subscribers hear events any of them appends.
 * Nothing connects until the first call (pg and the checkpointer are loaded then too).
 */
export function openPostgresStores(url: string, opts: PostgresStoresOptions = {}): PostgresStores {
  const context = new PgContext(url, opts);
  const events = new PgEventLog(context, { onError: opts.onError, listenRetry: opts.listenRetry });
  const jobs = new PgJobStore(context);
  let saver: PostgresCheckpointer | null = null;
  return {
    backend: "postgres",
    context,
    generations: new PgReadModel(context),
    clips: new PgClipLedger(context),
    compositions: new PgCompositionStore(context),
    events,
    assets: new PgAssetStore(context),
    idempotency: new PgIdempotencyStore(context),
    jobs,
    rateLimits: new PgRateLimitCounter(context),
    checkpointer: () => (saver ??= new PostgresCheckpointer(context, { schema: opts.checkpointSchema })),
    ready: () => context.ready(),
    close: async () => {
      await events.close();
      await jobs.close();
      await saver?.end();
      await context.close();
    },
  };
}
