import type { GraphDeps, StructuredModel } from "../ports.js";

/** A model's answer mapped to the domain type. */
export interface ModelAnswer<T> {
  value: T;
  /** Problems the repair round fixed (empty when the first answer was usable). */
  repaired: string[];
  /** What the deterministic mapping changed in the model's answer (request facts, derived fields). */
  adjusted: string[];
}

/** A node's answer and the path that made it. */
export interface PathResult<T> {
  value: T;
  /** offline, or llm:<model> */
  by: string;
  /** What was repaired or fell back along the way. */
  warnings: string[];
}

export interface PathOptions {
  /** When the model call fails: do the step offline with a warning (default), or throw. */
  fallback?: boolean;
  onFallback?: (task: string, error: unknown) => void;
}

/**
 * The choice every thinking node makes: the configured model when there is one, else the
 * offline path; a model call that fails (or stays invalid after its repair round) falls back
 * to the offline path with a warning that says so.
 */
export async function modelOrOffline<T>(
  task: string,
  model: StructuredModel | null,
  viaModel: (model: StructuredModel) => Promise<{ value: T; repaired: string[] }>,
  offline: () => T | Promise<T>,
  opts: PathOptions = {},
): Promise<PathResult<T>> {
  if (!model) return { value: await offline(), by: "offline", warnings: [] };
  try {
    const r = await viaModel(model);
    return { value: r.value, by: model.name, warnings: r.repaired.length ? [`${task}: the model's first answer was repaired (${r.repaired.slice(0, 3).join("; ")})`] : [] };
  } catch (error) {
    if (opts.fallback === false) throw error;
    opts.onFallback?.(task, error);
    const why = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
    return { value: await offline(), by: "offline", warnings: [`${task}: ${model.name} failed (${why.slice(0, 300)}); the offline provider did this step`] };
  }
}

/** Logs a model failure the offline path is about to cover. */
export function onFallback(deps: Pick<GraphDeps, "log">, generationId: string) {
  return (task: string, error: unknown) =>
    deps.log.warn({ generation_id: generationId, node: task, err: error instanceof Error ? error.message : String(error) }, "model call failed; offline fallback");
}
