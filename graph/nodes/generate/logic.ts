import { createHash } from "node:crypto";
import type { ClipJob } from "../../ports.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { StyleGuide } from "../../../core/schemas/style.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";

/** A clip can be reused when it finished and its file is still there. */
export function isUsable(clip: Clip | null | undefined, exists: (path: string) => boolean): boolean {
  return !!clip && clip.status === "succeeded" && !!clip.path && exists(clip.path);
}

/** The scenes whose clips must still be made. */
export function scenesNeedingClips(timeline: Timeline, usable: (clipId: string) => boolean): TimelineScene[] {
  const seen = new Set<string>();
  return timeline.scenes.filter((s) => {
    if (!s.clip_id || seen.has(s.clip_id)) return false;
    seen.add(s.clip_id);
    return !usable(s.clip_id);
  });
}

/** Source seconds a scene plays: its length times its speed, plus where it starts in the clip. */
export function sourceSecondsNeeded(scene: TimelineScene): number {
  return Math.round((scene.source_in_s + scene.duration_s * (scene.speed ?? 1)) * 1000) / 1000;
}

/**
 * The job for one clip of a scene: by default the scene's own clip at the source it plays; for
 * a shot, that shot's clip at the length asked of the model (`request_s`).
 */
export function clipJobFor(input: { generationId: string; scene: TimelineScene; timeline: Timeline; style: StyleGuide | null; outPath: string; motion: string; shot?: { clip_id: string; request_s: number } }): ClipJob {
  const { scene, timeline } = input;
  return {
    generationId: input.generationId,
    clipId: input.shot?.clip_id ?? scene.clip_id!,
    sceneId: scene.id,
    prompt: scene.prompt,
    duration_s: input.shot?.request_s ?? sourceSecondsNeeded(scene),
    width: timeline.width,
    height: timeline.height,
    fps: timeline.fps,
    palette: input.style?.palette ?? ["#1E293B", "#F8FAFC", "#64748B"],
    text: scene.text ?? "",
    motion: input.motion,
    outPath: input.outPath,
  };
}

/**
 * What a shot asks of the model: the scene's prompt, and for every shot after the first a note
 * that it continues the scene. Shots of one scene never send the same input twice, so a create
 * recovered after a crash (matched by its input) is never mistaken for a sibling shot's.
 */
export function shotPrompt(scenePrompt: string, index: number): string {
  return index === 0 ? scenePrompt : `${scenePrompt} (continuing the same scene: shot ${index + 1})`;
}

/** A seed fixed by the clip id: a retried or resumed clip asks for the same picture. */
export function seedFor(clipId: string): number {
  return parseInt(createHash("sha256").update(clipId).digest("hex").slice(0, 8), 16) % 2_147_483_647;
}

/** Whether an error is worth another attempt: providers mark theirs; anything else is. */
export function isRetryable(error: unknown): boolean {
  const r = (error as { retryable?: unknown } | null)?.retryable;
  return r === undefined ? true : Boolean(r);
}

/** Runs `fn` over items with at most `limit` at once; resolves when all have settled. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
