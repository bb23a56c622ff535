import { roundS } from "./invariants.js";
import type { Timeline, TimelineScene, TimelineShot } from "./schema.js";

/**
 * Shots: the predictions that make a scene. A scene's source is its shots' clips laid end to
 * end (each trimmed to its shot's `duration_s`); the scene's `source_in_s`, `duration_s` and
 * `speed` pick the stretch of that source it plays, as they pick the stretch of one clip in a
 * scene without shots. So a trim or a speed change needs no new clip, and the contract's
 * scene fields keep their meaning. Pure.
 */

/** The lengths one scene is split into: seconds of source each shot adds, and what is asked of the model. */
export interface ShotLengths {
  duration_s: number;
  request_s: number;
}

/** Splits `sourceSeconds` of a scene into shots the video model can make. */
export type SceneFitter = (sceneId: string, sourceSeconds: number) => { shots: ShotLengths[]; warnings: string[] };

/** Longest shot the local animatic is asked for: longer scenes are split evenly. */
export const LOCAL_SHOT_CAP_S = 30;

/** The fitter for providers that make any length (the local animatic): one shot per scene up to `cap` seconds. */
export function anyLengthFitter(cap = LOCAL_SHOT_CAP_S): SceneFitter {
  return (_sceneId, seconds) => {
    const n = Math.max(1, Math.ceil(seconds / cap - 1e-9));
    const each = roundS(seconds / n);
    const shots = Array.from({ length: n }, (_, i) => {
      const d = i === n - 1 ? roundS(seconds - each * (n - 1)) : each;
      return { duration_s: d, request_s: d };
    });
    return { shots, warnings: [] };
  };
}

/** Seconds of source a scene plays: where it starts in its source plus its length times its speed. */
export function sourceNeeded(scene: Pick<TimelineScene, "source_in_s" | "duration_s" | "speed">): number {
  return roundS(scene.source_in_s + scene.duration_s * (scene.speed ?? 1));
}

/** Seconds of source a scene's shots hold, or null when the scene has none (its clip alone). */
export function shotsSource(scene: Pick<TimelineScene, "shots">): number | null {
  return scene.shots ? roundS(scene.shots.reduce((a, s) => a + s.duration_s, 0)) : null;
}

/** The clip id of a scene's shot `index` (the first is the scene's own clip id). */
export function shotClipId(sceneClipId: string, index: number): string {
  return index === 0 ? sceneClipId : `${sceneClipId}_s${index + 1}`;
}

/**
 * Gives every scene shots that cover the source it plays. A scene whose shots already cover
 * it (and start with its clip) keeps them; one whose shots fall short gets more shots after
 * them; one whose clip changed (a new prompt) or that has none is fitted afresh. Scenes
 * without a clip id are left alone. `chain`: each shot after the first starts from the
 * previous shot's last frame.
 */
export function fitTimelineShots(timeline: Timeline, fit: SceneFitter, opts: { chain?: boolean } = {}): { timeline: Timeline; warnings: string[] } {
  const warnings: string[] = [];
  const scenes = timeline.scenes.map((scene) => {
    if (!scene.clip_id) return scene;
    const need = sourceNeeded(scene);
    const current = scene.shots && scene.shots[0]?.clip_id === scene.clip_id ? scene.shots : null;
    const have = current ? (shotsSource({ shots: current }) ?? 0) : 0;
    if (current && have >= need - 0.0005) return scene;
    const r = fit(scene.id, roundS(need - have));
    warnings.push(...r.warnings);
    const start = current?.length ?? 0;
    const added: TimelineShot[] = r.shots.map((s, i) => {
      const index = start + i;
      return {
        clip_id: shotClipId(scene.clip_id!, index),
        duration_s: roundS(s.duration_s),
        source_in_s: 0,
        request_s: roundS(s.request_s),
        ...(opts.chain && index > 0 ? { first_frame_from: index - 1 } : {}),
      };
    });
    return { ...scene, shots: [...(current ?? []), ...added] };
  });
  return { timeline: { ...timeline, scenes }, warnings };
}

/** One stretch of one shot that a scene plays. */
export interface PlayedShot {
  index: number;
  shot: TimelineShot;
  /** Where in the shot's clip the stretch starts. */
  clip_in_s: number;
  /** Seconds of source (clip) played. */
  source_s: number;
}

/**
 * The stretches of its shots a scene plays, in order. Past the end of its shots the last shot
 * is held (its clip's last frame), as a scene without shots holds its clip's.
 */
export function playedShots(scene: TimelineScene): PlayedShot[] {
  const shots = scene.shots;
  if (!shots?.length) return [];
  const a = scene.source_in_s;
  const b = sourceNeeded(scene);
  const out: PlayedShot[] = [];
  let at = 0;
  shots.forEach((shot, index) => {
    const end = index === shots.length - 1 ? Math.max(at + shot.duration_s, b) : at + shot.duration_s;
    const from = Math.max(a, at);
    const to = Math.min(b, end);
    if (to - from > 0.0005) out.push({ index, shot, clip_in_s: roundS(shot.source_in_s + (from - at)), source_s: roundS(to - from) });
    at += shot.duration_s;
  });
  return out;
}

/** Shots a scene needs made: those it plays, and the earlier shots they start from (chain). */
export function shotsToMake(scene: TimelineScene): { index: number; shot: TimelineShot }[] {
  const shots = scene.shots ?? [];
  const wanted = new Set<number>();
  for (const p of playedShots(scene)) {
    for (let i: number | null | undefined = p.index; i !== null && i !== undefined && !wanted.has(i); i = shots[i]?.first_frame_from) wanted.add(i);
  }
  return [...wanted].sort((x, y) => x - y).map((index) => ({ index, shot: shots[index]! }));
}

/** Every clip id the timeline needs to be rendered (shots' clips, or scenes' clips), in order, once each. */
export function clipIdsNeeded(timeline: Timeline): string[] {
  const ids = new Set<string>();
  for (const s of timeline.scenes) {
    if (s.shots?.length) for (const m of shotsToMake(s)) ids.add(m.shot.clip_id);
    else if (s.clip_id) ids.add(s.clip_id);
  }
  return [...ids];
}

/**
 * The timeline as the composer plays it: a scene with shots becomes one scene per stretch of
 * a shot it plays (the first keeps the scene's id and transition; the rest are cuts, ids
 * `<scene>~<n>`), each with that shot's clip. Durations sum to the scene's, so every original
 * boundary falls on the same frame. Scenes without shots are unchanged.
 */
export function expandShots(timeline: Timeline): Timeline {
  if (!timeline.scenes.some((s) => s.shots?.length)) return timeline;
  let at = 0;
  const scenes: TimelineScene[] = timeline.scenes.flatMap((scene) => {
    const played = playedShots(scene);
    const sceneStart = at;
    at = roundS(at + scene.duration_s);
    if (!played.length) {
      const { shots: _shots, ...rest } = scene;
      return [{ ...rest, start_s: sceneStart }];
    }
    let used = 0;
    return played.map((p, k) => {
      const last = k === played.length - 1;
      const duration = last ? roundS(scene.duration_s - used) : roundS(p.source_s / scene.speed);
      const start = roundS(sceneStart + used);
      used = roundS(used + duration);
      const { shots: _shots, ...rest } = scene;
      return { ...rest, id: k === 0 ? scene.id : `${scene.id}~${k + 1}`, clip_id: p.shot.clip_id, source_in_s: p.clip_in_s, start_s: start, duration_s: duration, transition_in: k === 0 ? scene.transition_in : "cut" };
    }).filter((s) => s.duration_s > 0);
  });
  return { ...timeline, scenes };
}

/**
 * What an edit would have made anew: scenes of `after` whose prompt changed (they get a new
 * clip), that are new without a clip of `before`, or that play past the source they have.
 * `source_s`: the seconds of source to make for each.
 */
export function scenesToRegenerate(before: Timeline, after: Timeline): { scene_id: string; source_s: number }[] {
  const old = new Map(before.scenes.map((s) => [s.id, s]));
  const oldClips = new Set(before.scenes.flatMap((s) => [s.clip_id, ...(s.shots ?? []).map((x) => x.clip_id)]).filter(Boolean));
  const out: { scene_id: string; source_s: number }[] = [];
  for (const s of after.scenes) {
    const prev = old.get(s.id);
    const fresh = !s.clip_id || (!prev && !oldClips.has(s.clip_id)) || (prev !== undefined && prev.prompt !== s.prompt);
    const need = sourceNeeded(s);
    if (fresh) out.push({ scene_id: s.id, source_s: need });
    else {
      const have = shotsSource(s);
      if (have !== null && have < need - 0.0005) out.push({ scene_id: s.id, source_s: roundS(need - have) });
    }
  }
  return out;
}
