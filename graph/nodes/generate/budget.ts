import type { CostEstimate } from "../../state.js";

/** What each paid prediction cost, by clip id. */
export type Spend = Record<string, number | "unknown">;

/** A prediction was not created because it would break `max_cost_usd` (never retried). */
export class CostLimitError extends Error {
  override readonly name = "CostLimitError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly context: { clipId: string; sceneId: string; spentUsd: number; priceUsd: number | "unknown"; maxUsd: number },
  ) {
    super(message);
  }
}

const fmt = (n: number) => `$${n.toFixed(2)}`;

/**
 * Holds a run to `max_cost_usd`. Before anything is paid, `refuseRun` compares what is spent
 * plus what is still to make with the cap (a price that is unknown cannot be held to a cap, so
 * the run is refused unless the caller allowed unknown prices). While clips are made,
 * `reserve` is called before each paid create: it throws CostLimitError when that clip's price
 * would take the spend (paid and reserved) past the cap. Synchronous bookkeeping, so parallel
 * clips cannot overshoot together.
 */
export function spendGuard(opts: { spent: Spend; maxUsd: number | undefined; allowUnknown: boolean; model: string }) {
  const { spent, maxUsd } = opts;
  let reserved = 0;
  const spentKnown = () => round(Object.values(spent).reduce<number>((a, v) => a + (v === "unknown" ? 0 : v), 0));
  return {
    spentKnown,
    refuseRun(estimate: CostEstimate): { message: string; sceneId: string | null } | null {
      if (maxUsd === undefined) return null;
      if (estimate.unknown_clips && !opts.allowUnknown) {
        const unknown = estimate.per_clip.filter((c) => c.usd === "unknown");
        const scenes = [...new Set(unknown.map((c) => c.scene_id))];
        return {
          sceneId: scenes[0] ?? null,
          message: `max_cost_usd ${fmt(maxUsd)} cannot be held: no price is known for ${opts.model} on ${unknown.length} of ${estimate.per_clip.length} clip(s) (${scenes.join(", ")}); nothing was paid. Pass options.allow_unknown_cost: true to run anyway (only known prices then count toward the cap), or pick a model with a recorded price`,
        };
      }
      const total = round(spentKnown() + estimate.known_usd);
      if (total > maxUsd + 1e-9) {
        return { sceneId: null, message: `the estimated cost ${fmt(total)} (${fmt(spentKnown())} spent + ${fmt(estimate.known_usd)} for ${estimate.per_clip.length} clip(s) to make) exceeds max_cost_usd ${fmt(maxUsd)}; nothing more was paid` };
      }
      return null;
    },
    /** Sets aside a clip's price before its create; returns the release (called once the create settles). */
    reserve(clipId: string, sceneId: string, price: number | "unknown"): () => void {
      if (maxUsd === undefined) return () => undefined;
      if (price === "unknown" && !opts.allowUnknown) {
        throw new CostLimitError(`the price of clip ${clipId} (${sceneId}) is unknown, so it cannot be held to max_cost_usd ${fmt(maxUsd)}`, { clipId, sceneId, spentUsd: spentKnown(), priceUsd: price, maxUsd });
      }
      const p = price === "unknown" ? 0 : price;
      if (spentKnown() + reserved + p > maxUsd + 1e-9) {
        throw new CostLimitError(`paying ${fmt(p)} for clip ${clipId} (${sceneId}) would take the spend to ${fmt(spentKnown() + reserved + p)}, past max_cost_usd ${fmt(maxUsd)}`, { clipId, sceneId, spentUsd: spentKnown(), priceUsd: p, maxUsd });
      }
      reserved += p;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        reserved = round(reserved - p);
      };
    },
    /** Records a paid prediction; returns the known spend so far. */
    paid(clipId: string, price: number | "unknown"): number {
      const before = spent[clipId];
      spent[clipId] = price === "unknown" ? "unknown" : round((typeof before === "number" ? before : 0) + price);
      return spentKnown();
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
