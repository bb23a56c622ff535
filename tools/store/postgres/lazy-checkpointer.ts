import type { RunnableConfig } from "@langchain/core/runnables";
import { BaseCheckpointSaver, type ChannelVersions, type Checkpoint, type CheckpointListOptions, type CheckpointMetadata, type CheckpointTuple, type PendingWrite } from "@langchain/langgraph-checkpoint";
import type { ReelgraphPostgresSaver } from "./checkpointer.js";
import type { PgContext } from "./context.js";

/**
 * LangGraph's Postgres checkpointer, loaded and set up on first use. Loading
 * @langchain/langgraph-checkpoint-postgres costs a quarter of a second or more, which a
 * process that never runs a graph on Postgres should not pay; the graph compiles against this
 * stand-in and every call goes to the real one.
 */
export class PostgresCheckpointer extends BaseCheckpointSaver {
  private saver: Promise<ReelgraphPostgresSaver> | null = null;

  constructor(
    private readonly ctx: PgContext,
    private readonly options: { schema?: string } = {},
  ) {
    super();
  }

  /** The real saver, its tables created (once, under an advisory lock). */
  inner(): Promise<ReelgraphPostgresSaver> {
    return (this.saver ??= (async () => {
      await this.ctx.ready();
      const { ReelgraphPostgresSaver } = await import("./checkpointer.js");
      const saver = new ReelgraphPostgresSaver(this.ctx.pool, this.options);
      await saver.ready();
      return saver;
    })().catch((err: unknown) => {
      this.saver = null;
      throw err;
    }));
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return (await this.inner()).getTuple(config);
  }

  override async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    yield* (await this.inner()).list(config, options);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    return (await this.inner()).put(config, checkpoint, metadata, newVersions);
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    return (await this.inner()).putWrites(config, writes, taskId);
  }

  override async deleteThread(threadId: string): Promise<void> {
    return (await this.inner()).deleteThread(threadId);
  }

  /** Waits for a setup in flight; the pool is the stores', which end it. */
  async end(): Promise<void> {
    await this.saver?.catch(() => undefined);
  }
}
