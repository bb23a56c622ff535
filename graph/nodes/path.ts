import type { StructuredModel } from "../ports.js";

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
