import type { RunnableConfig } from "@langchain/core/runnables";
import type { ChannelVersions, Checkpoint, CheckpointListOptions, CheckpointMetadata, CheckpointTuple, PendingWrite } from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";

/** Key of the advisory lock LangGraph's own migrations run under. */
const SETUP_LOCK = "reelgraph.checkpoints";

/**
 * LangGraph's Postgres checkpointer on the stores' pool, set up before its first use.
 * PostgresSaver.setup() creates its tables without a lock, so two processes starting at once
 * could both try the same migration; here they take turns on an advisory lock. The pool
 * belongs to the stores, which close it.
 */
export class ReelgraphPostgresSaver extends PostgresSaver {
  private setupPromise: Promise<void> | null = null;

  /** `schema`: where LangGraph's tables live (default "public", LangGraph's own default). */
  constructor(
    private readonly sharedPool: pg.Pool,
    options: { schema?: string } = {},
  ) {
    super(sharedPool, undefined, options);
  }

  /** Runs LangGraph's migrations once per process, one process at a time. */
  ready(): Promise<void> {
    return (this.setupPromise ??= this.setupLocked().catch((err: unknown) => {
      this.setupPromise = null;
      throw err;
    }));
  }

  private async setupLocked(): Promise<void> {
    const client = await this.sharedPool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [SETUP_LOCK]);
      try {
        await this.setup();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [SETUP_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    await this.ready();
    return super.getTuple(config);
  }

  override async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    await this.ready();
    yield* super.list(config, options);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    await this.ready();
    return super.put(config, checkpoint, metadata, newVersions);
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    await this.ready();
    return super.putWrites(config, writes, taskId);
  }

  override async deleteThread(threadId: string): Promise<void> {
    await this.ready();
    return super.deleteThread(threadId);
  }

  /** The pool is the stores'; they end it. */
  override async end(): Promise<void> {
    await this.setupPromise?.catch(() => undefined);
  }
}
