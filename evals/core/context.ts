import type { LanguageModel } from "ai";
import type { Brain } from "../brain.js";
import type { TrackLibrary } from "../tracks.js";

/** The model the narrative judge uses (already behind the record/replay cache). */
export interface JudgeHandle {
  model: LanguageModel;
  modelName: string;
}

/** What every suite's data and task functions get: the provider under test and shared, memoised work. */
export interface EvalContext {
  /** offline | openai:<model> */
  readonly provider: string;
  readonly brain: Brain;
  readonly fps: number;
  /** Short side of the output in pixels (timelines only; nothing is rendered). */
  readonly shortSide: number;
  readonly tracks: TrackLibrary;
  /** null: the judge is skipped, and judgeReason says why. */
  readonly judge: JudgeHandle | null;
  readonly judgeReason: string;
  /** Runs `fn` once per key per run: the analyze and plan suites share one analysis per brief. */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** A context with a fresh memo table. */
export function createEvalContext(init: Omit<EvalContext, "memo">): EvalContext {
  const memos = new Map<string, Promise<unknown>>();
  return {
    ...init,
    memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) {
        p = fn();
        memos.set(key, p);
      }
      return p;
    },
  };
}
