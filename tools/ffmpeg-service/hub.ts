import { abortReason } from "../http/clock.js";
import type { ProcessingComplete } from "./schema.js";

/**
 * Where the gateway's processing-complete handler meets the compose step that waits for it.
 * A callback may arrive before anyone waits (a fast job), so an unclaimed outcome is kept for
 * `retainMs` and handed to the first waiter that asks for it.
 */
export interface CallbackHub {
  /** Resolves with the job's outcome; rejects with the signal's reason on abort. */
  wait(jobId: string, options?: { signal?: AbortSignal }): Promise<ProcessingComplete>;
  /** Delivers an outcome; true when a waiter was there to take it. */
  resolve(payload: ProcessingComplete): boolean;
  /** Jobs someone is waiting on. */
  readonly waiting: number;
  /** Outcomes delivered that no one has claimed yet. */
  readonly unclaimed: number;
}

export interface CallbackHubOptions {
  /** How long an unclaimed outcome is kept (default 10 min). */
  retainMs?: number;
  /** At most this many unclaimed outcomes are kept, oldest dropped first (default 1000). */
  max?: number;
  now?: () => number;
}

type Waiter = (payload: ProcessingComplete) => void;

/** An in-memory hub; one per gateway process. */
export function createCallbackHub(options: CallbackHubOptions = {}): CallbackHub {
  const retainMs = options.retainMs ?? 600_000;
  const max = options.max ?? 1000;
  const now = options.now ?? Date.now;
  const waiters = new Map<string, Set<Waiter>>();
  const kept = new Map<string, { payload: ProcessingComplete; at: number }>();

  const prune = () => {
    const t = now();
    for (const [id, entry] of kept) {
      if (t - entry.at < retainMs && kept.size <= max) break;
      kept.delete(id);
    }
  };

  return {
    wait(jobId, { signal } = {}) {
      prune();
      const early = kept.get(jobId);
      if (early) {
        kept.delete(jobId);
        return Promise.resolve(early.payload);
      }
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        let set = waiters.get(jobId);
        if (!set) waiters.set(jobId, (set = new Set()));
        const remove = () => {
          set.delete(waiter);
          if (set.size === 0 && waiters.get(jobId) === set) waiters.delete(jobId);
        };
        const onAbort = () => {
          remove();
          reject(abortReason(signal!));
        };
        const waiter: Waiter = (payload) => {
          signal?.removeEventListener("abort", onAbort);
          remove();
          resolve(payload);
        };
        set.add(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    resolve(payload) {
      const set = waiters.get(payload.job_id);
      if (set && set.size > 0) {
        for (const w of [...set]) w(payload);
        return true;
      }
      kept.delete(payload.job_id);
      kept.set(payload.job_id, { payload, at: now() });
      prune();
      return false;
    },
    get waiting() {
      return waiters.size;
    },
    get unclaimed() {
      prune();
      return kept.size;
    },
  };
}
