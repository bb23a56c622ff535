import { MemorySaver } from "@langchain/langgraph";
import { createReelgraph, type Reelgraph, type ReelgraphOptions } from "../../app/reelgraph.js";
import { newGenerationId } from "../../core/ids.js";
import type { GenerationRequest } from "../../core/schemas/request.js";
import type { Configuration } from "../../graph/configuration.js";
import type { GraphDeps } from "../../graph/ports.js";
import { createLogger } from "../../tools/log/index.js";

/**
 * reelgraph as the server builds it, on a test configuration, with no sleeping between
 * attempts. The checkpointer is in memory, except with DATABASE_URL: then LangGraph's
 * Postgres checkpointer on the stores' pool, as in production.
 */
export function testApp(config: Configuration, overrides: Partial<GraphDeps> = {}, opts: Partial<Omit<ReelgraphOptions, "overrides">> = {}): Reelgraph {
  return createReelgraph(config, { checkpointer: config.databaseUrl ? undefined : new MemorySaver(), log: createLogger("silent"), ...opts, overrides: { sleep: async () => undefined, ...overrides } });
}

/** Creates a generation in the read model and queues it, as POST /api/v1/generations does. */
export async function startGeneration(app: Reelgraph, request: GenerationRequest, audioPath: string | null = null): Promise<string> {
  const id = newGenerationId();
  await app.stores.generations.create({ id, request });
  await app.stores.events.append(id, "queued", { status: "queued" });
  await app.runner.start(id, { request, audioPath });
  return id;
}
