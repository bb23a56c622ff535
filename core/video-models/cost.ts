import { chooseRequest } from "./request.js";
import { fitShots, type FitOptions, type ShotFit } from "./shots.js";
import type { ModelProfile, PriceRate, Source } from "./profile.js";

/**
 * What clips would cost, from the profile's dated price data; "unknown" wherever no price is
 * kept. Replicate returns no cost with a prediction, so spend is this same arithmetic applied
 * to the inputs actually sent.
 */

export type Usd = number | "unknown";

export interface CostShot {
  scene_id: string;
  clip_id?: string | null;
  shot_index?: number;
  /** Seconds asked of the model (its allowed value, not the shot's use). */
  duration_s: number;
  resolution?: string | null;
  sound?: boolean;
}

export interface CostLine {
  scene_id: string;
  clip_id: string | null;
  shot_index: number;
  duration_s: number;
  resolution: string | null;
  usd: Usd;
}

export interface CostEstimate {
  model: string;
  currency: "USD";
  basis: "per_second" | "per_clip" | "unknown";
  /** Where the price was read and when; null when unknown. */
  price_source: Source | null;
  clips: CostLine[];
  /** The sum, or "unknown" when any clip's price is. */
  total_usd: Usd;
  /** Sum of the clips whose price is known. */
  known_usd: number;
  unknown_clips: number;
  note: string | null;
}

/** The price of one prediction, or "unknown". */
export function priceOf(profile: ModelProfile, shot: Pick<CostShot, "duration_s" | "resolution" | "sound">): Usd {
  const p = profile.price;
  if (p.basis === "unknown") return "unknown";
  const rate = p.rates.find((r) => applies(r, shot));
  if (!rate) return "unknown";
  return cents(p.basis === "per_second" ? rate.usd * shot.duration_s : rate.usd);
}

export function estimateCost(profile: ModelProfile, shots: CostShot[]): CostEstimate {
  const clips = shots.map((s, i) => ({
    scene_id: s.scene_id,
    clip_id: s.clip_id ?? null,
    shot_index: s.shot_index ?? i,
    duration_s: s.duration_s,
    resolution: s.resolution ?? null,
    usd: priceOf(profile, s),
  }));
  const known = clips.flatMap((c) => (c.usd === "unknown" ? [] : [c.usd]));
  const unknown = clips.length - known.length;
  const knownUsd = cents(known.reduce((a, b) => a + b, 0));
  const p = profile.price;
  return {
    model: profile.model,
    currency: "USD",
    basis: p.basis,
    price_source: p.basis === "unknown" ? null : p.source,
    clips,
    total_usd: unknown ? "unknown" : knownUsd,
    known_usd: knownUsd,
    unknown_clips: unknown,
    note: p.basis === "unknown" ? p.note : unknown ? `no price kept for ${unknown} clip(s) at their length or resolution` : null,
  };
}

/** Shots and cost for a list of scenes at an output size: what `plan` and a dry run report. */
export function estimateScenes(
  profile: ModelProfile,
  scenes: { scene_id: string; duration_s: number; clip_id?: string | null }[],
  frame: { width: number; height: number; sound?: boolean },
  fit: Omit<FitOptions, "sceneId" | "width" | "height"> = {},
): { fits: ShotFit[]; estimate: CostEstimate } {
  const fits = scenes.map((s) => fitShots(s.duration_s, profile, { ...fit, sceneId: s.scene_id, width: frame.width, height: frame.height }));
  const shots = fits.flatMap((f, i) =>
    f.shots.map((shot) => {
      const c = chooseRequest(profile, { duration_s: shot.request_s, width: frame.width, height: frame.height });
      return { scene_id: f.scene_id, clip_id: scenes[i]!.clip_id ?? null, shot_index: shot.index, duration_s: c.duration_s, resolution: c.resolution?.value ?? null, sound: frame.sound ?? false };
    }),
  );
  return { fits, estimate: estimateCost(profile, shots) };
}

export type BudgetVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a run may start under `maxUsd`. An estimate with unknown prices cannot be held to
 * a cap: refused unless `unknown` is "allow".
 */
export function checkBudget(estimate: CostEstimate, maxUsd: number | null | undefined, unknown: "refuse" | "allow" = "refuse"): BudgetVerdict {
  if (maxUsd === null || maxUsd === undefined) return { ok: true };
  if (estimate.unknown_clips && unknown === "refuse") {
    return { ok: false, reason: `no price is known for ${estimate.unknown_clips} of ${estimate.clips.length} clips on ${estimate.model}, so max_cost_usd ${maxUsd} cannot be guaranteed` };
  }
  if (estimate.known_usd > maxUsd + 1e-9) return { ok: false, reason: `estimated cost $${estimate.known_usd.toFixed(2)} exceeds max_cost_usd $${maxUsd.toFixed(2)}` };
  return { ok: true };
}

/** Whether paying `nextUsd` on top of `spentUsd` stays within `maxUsd` (an unknown price never does under a cap). */
export function checkSpend(spentUsd: number, nextUsd: Usd, maxUsd: number | null | undefined): BudgetVerdict {
  if (maxUsd === null || maxUsd === undefined) return { ok: true };
  if (nextUsd === "unknown") return { ok: false, reason: `the next clip's price is unknown; spend so far $${spentUsd.toFixed(2)} of max_cost_usd $${maxUsd.toFixed(2)}` };
  if (spentUsd + nextUsd > maxUsd + 1e-9) return { ok: false, reason: `spend would reach $${(spentUsd + nextUsd).toFixed(2)}, past max_cost_usd $${maxUsd.toFixed(2)}` };
  return { ok: true };
}

function applies(r: PriceRate, shot: Pick<CostShot, "duration_s" | "resolution" | "sound">): boolean {
  if (r.resolution && !(shot.resolution && r.resolution.includes(shot.resolution))) return false;
  if (r.duration_s && !r.duration_s.some((d) => Math.abs(d - shot.duration_s) < 1e-6)) return false;
  if (r.sound !== undefined && r.sound !== (shot.sound ?? false)) return false;
  return true;
}

function cents(n: number): number {
  return Math.round(n * 10000) / 10000;
}
