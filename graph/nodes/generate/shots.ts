import { chooseRequest, fitShots, priceOf, type ModelProfile } from "../../../core/video-models/index.js";
import type { RunOptions } from "../../../core/schemas/request.js";
import { anyLengthFitter, fitTimelineShots, scenesToRegenerate, shotsToMake, type SceneFitter } from "../../../core/timeline/shots.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import type { GraphDeps, VideoProvider } from "../../ports.js";
import type { CostEstimate, VideoModelState } from "../../state.js";

/**
 * Shots and cost as the graph sees them: the video model's profile read through the
 * VideoProvider port, the timeline's scenes split into shots it can make, and what the shots
 * still to make would cost. Used by stylize (the plan), generate (after an edit) and the
 * projection of an edit plan.
 */

/** The run's video model, described by its provider (a provider without `describe` makes any length). */
export async function describeVideoModel(deps: GraphDeps, options: RunOptions | undefined, signal?: AbortSignal): Promise<{ provider: VideoProvider; model: VideoModelState; warnings: string[] }> {
  const provider = deps.videoFor(options);
  const d = provider.describe ? await provider.describe(signal) : null;
  const profile = d?.profile ?? null;
  const wantsChain = options?.continuity === "chain";
  const chain = wantsChain && (profile === null ? false : profile.first_frame !== null);
  const warnings = [...(d?.warnings ?? [])];
  if (wantsChain && !chain) warnings.push(`continuity "chain" is not possible with ${provider.name}: it takes no first-frame image; every shot starts fresh`);
  return { provider, model: { provider: provider.name, profile, chain }, warnings };
}

/** How a scene's seconds become shots for this model at this output size. */
export function fitterFor(profile: ModelProfile | null, frame: { width: number; height: number }): SceneFitter {
  if (!profile) return anyLengthFitter();
  return (sceneId, seconds) => {
    const f = fitShots(seconds, profile, { sceneId, width: frame.width, height: frame.height });
    return { shots: f.shots.map((s) => ({ duration_s: s.duration_s, request_s: s.request_s })), warnings: f.warnings };
  };
}

/** The timeline with every scene split into shots the model makes. */
export function withShots(timeline: Timeline, model: VideoModelState): { timeline: Timeline; warnings: string[] } {
  return fitTimelineShots(timeline, fitterFor(model.profile, timeline), { chain: model.chain });
}

export interface ShotToPrice {
  scene_id: string;
  clip_id: string | null;
  shot_index: number;
  request_s: number;
}

/** What one shot costs on this model: the price of the length and resolution actually asked for. */
export function shotPrice(model: VideoModelState, frame: { width: number; height: number }, request_s: number): { usd: number | "unknown"; request_s: number; resolution: string | null } {
  if (!model.profile) return { usd: 0, request_s, resolution: null };
  const c = chooseRequest(model.profile, { duration_s: request_s, width: frame.width, height: frame.height });
  const resolution = c.resolution?.value ?? null;
  return { usd: priceOf(model.profile, { duration_s: c.duration_s, resolution, sound: false }), request_s: c.duration_s, resolution };
}

export function estimateShots(model: VideoModelState, frame: { width: number; height: number }, shots: ShotToPrice[]): CostEstimate {
  const per_clip = shots.map((s) => {
    const p = shotPrice(model, frame, s.request_s);
    return { clip_id: s.clip_id, scene_id: s.scene_id, shot_index: s.shot_index, request_s: p.request_s, resolution: p.resolution, usd: p.usd };
  });
  const known = per_clip.flatMap((c) => (c.usd === "unknown" ? [] : [c.usd]));
  const unknown = per_clip.length - known.length;
  const knownUsd = Math.round(known.reduce((a, b) => a + b, 0) * 10000) / 10000;
  const price = model.profile?.price ?? null;
  return {
    model: model.provider,
    currency: "USD",
    basis: price ? price.basis : "free",
    price_source: price && price.basis !== "unknown" ? price.source : null,
    estimate_usd: unknown ? "unknown" : knownUsd,
    known_usd: knownUsd,
    unknown_clips: unknown,
    per_clip,
    note: !price
      ? "rendered locally: nothing is paid"
      : price.basis === "unknown"
        ? `no price is known for ${model.profile!.model}: ${price.note}`
        : unknown
          ? `no price is kept for ${unknown} clip(s) at their length or resolution`
          : null,
  };
}

/** What the shots of a timeline still to make would cost (`made`: clips already paid for or made). */
export function estimateTimeline(model: VideoModelState, timeline: Timeline, made: (clipId: string) => boolean = () => false): CostEstimate {
  const shots: ShotToPrice[] = [];
  const seen = new Set<string>();
  for (const scene of timeline.scenes) {
    const list = scene.shots?.length ? shotsToMake(scene) : [];
    for (const { index, shot } of list) {
      if (seen.has(shot.clip_id) || made(shot.clip_id)) continue;
      seen.add(shot.clip_id);
      shots.push({ scene_id: scene.id, clip_id: shot.clip_id, shot_index: index, request_s: shot.request_s ?? shot.duration_s });
    }
  }
  return estimateShots(model, timeline, shots);
}

/** What an edit's regenerated clips would cost: the scenes it makes anew, split into shots. */
export function estimateEdit(model: VideoModelState, before: Timeline, after: Timeline): CostEstimate {
  const fit = fitterFor(model.profile, after);
  const shots = scenesToRegenerate(before, after).flatMap((s) => fit(s.scene_id, s.source_s).shots.map((x, i) => ({ scene_id: s.scene_id, clip_id: null, shot_index: i, request_s: x.request_s })));
  return estimateShots(model, after, shots);
}
