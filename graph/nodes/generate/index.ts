import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { existsSync, statSync } from "node:fs";
import type { GraphDeps } from "../../deps.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { State, Update } from "../../state.js";
import type { TimelineScene } from "../../../core/timeline/schema.js";
import { percentFor } from "../../../core/progress.js";
import { sha256File } from "../../../tools/media/store.js";
import { probeFast } from "../../../tools/ffmpeg/probe.js";
import { enterStage, generationIdOf } from "../stage.js";
import { backoffMs, clipJobFor, isRetryable, isUsable, pool, scenesNeedingClips } from "./logic.js";

const exists = (p: string) => existsSync(p) && statSync(p).size > 0;

/**
 * generate: one clip per scene that has none yet, in parallel under a bound. Every state
 * change of a clip is written to the store as it happens, and a prediction id the moment it
 * exists, so a resumed run reuses finished clips and polls paid predictions instead of
 * paying again. A clip that still fails after its attempts ends the run with its scene named.
 */
export function generateNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const timeline = state.timeline!;
    const { store, media } = deps;
    enterStage(deps, state, generationId, "generate", percentFor("generate", 0));
    const provider = deps.videoFor(state.request.options);
    const usable = (clipId: string) => isUsable(store.getClip(clipId), exists);
    const needed = scenesNeedingClips(timeline, usable);
    const total = new Set(timeline.scenes.map((s) => s.clip_id)).size;
    let done = total - needed.length;
    const report = () => store.updateGeneration(generationId, { clips_done: done, clips_total: total, percent: percentFor("generate", total ? done / total : 1) });
    report();

    for (const scene of needed) {
      const prior = store.getClip(scene.clip_id!);
      store.upsertClip(generationId, {
        id: scene.clip_id!,
        scene_id: scene.id,
        status: "queued",
        provider: provider.name,
        prompt: scene.prompt,
        path: null,
        duration_s: null,
        attempts: prior?.attempts ?? 0,
        error: null,
        prediction_id: prior?.prediction_id ?? null,
        checksum: null,
      });
    }

    const motions = Object.fromEntries((state.storyboard?.scenes ?? []).map((s) => [s.id, s.shots[0]?.camera_move ?? "static"]));
    const failures: { scene: TimelineScene; message: string }[] = [];

    const makeClip = async (scene: TimelineScene) => {
      const clipId = scene.clip_id!;
      const job = clipJobFor({ generationId, scene, timeline, style: state.styleGuide, outPath: media.clipPath(generationId, clipId), motion: motions[scene.id] ?? "static" });
      const deadline = AbortSignal.timeout(deps.config.clip.timeoutS * 1000);
      const signal = config.signal ? AbortSignal.any([config.signal, deadline]) : deadline;
      for (let attempt = 1; ; attempt++) {
        const row = store.getClip(clipId)!;
        store.upsertClip(generationId, { ...row, status: "running", attempts: row.attempts + 1, error: null });
        store.appendEvent(generationId, "clip_started", { clip_id: clipId, scene_id: scene.id, attempt, provider: provider.name });
        try {
          const createAttemptedAt = row.prediction_id ? null : store.markCreateAttempt(clipId);
          const result = await provider.generate(job, {
            predictionId: row.prediction_id ?? null,
            createAttemptedAt,
            onPrediction: (id) => store.setPredictionId(clipId, id),
            signal,
          });
          const checksum = await sha256File(result.path);
          // The file's own length, not the one asked for: models return fixed-length clips.
          const measured = (await probeFast(result.path).catch(() => null))?.duration_s ?? result.duration_s;
          const latest = store.getClip(clipId)!;
          store.upsertClip(generationId, { ...latest, status: "succeeded", path: result.path, duration_s: measured, prediction_id: result.prediction_id ?? latest.prediction_id, checksum, error: null });
          done++;
          report();
          store.appendEvent(generationId, "clip_done", { clip_id: clipId, scene_id: scene.id, clips_done: done, clips_total: total });
          return;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const latest = store.getClip(clipId)!;
          // A prediction that ended (failed, cancelled, expired, unknown to the provider) will
          // never succeed: the next attempt pays for a new one.
          const predictionDead = needsNewPrediction(error);
          const last = attempt >= deps.config.clip.attempts || (!isRetryable(error) && !predictionDead) || signal.aborted;
          store.upsertClip(generationId, { ...latest, status: last ? "failed" : "queued", error: message });
          if (predictionDead) store.clearPrediction(clipId);
          deps.log.warn({ generation_id: generationId, node: "generate", clip_id: clipId, scene_id: scene.id, attempt, err: message }, "clip attempt failed");
          if (last) {
            const why = signal.aborted && !config.signal?.aborted ? `timed out after ${deps.config.clip.timeoutS} s: ${message}` : message;
            store.appendEvent(generationId, "clip_failed", { clip_id: clipId, scene_id: scene.id, attempts: attempt, error: why, clips_done: done, clips_total: total });
            failures.push({ scene, message: why });
            return;
          }
          store.appendEvent(generationId, "clip_retry", { clip_id: clipId, scene_id: scene.id, attempt, error: message });
          await (deps.sleep ?? sleep)(backoffMs(attempt), signal).catch(() => undefined);
        }
      }
    };

    await pool(needed, deps.config.clip.concurrency, makeClip);
    if (config.signal?.aborted) throw config.signal.reason ?? new Error("cancelled");

    const clips: Record<string, Clip> = {};
    for (const s of timeline.scenes) {
      const c = s.clip_id ? store.getClip(s.clip_id) : null;
      if (c) clips[c.id] = c;
    }
    if (failures.length) {
      const f = failures[0]!;
      return {
        clips,
        error: {
          stage: "generate",
          scene_id: f.scene.id,
          provider: provider.name,
          message: `the clip for ${f.scene.id} could not be made with ${provider.name}: ${f.message}` + (failures.length > 1 ? ` (and ${failures.length - 1} more scene(s) failed)` : ""),
          code: "clip_failed",
        },
      };
    }
    return { clips };
  };
}

function needsNewPrediction(error: unknown): boolean {
  const e = error as { requiresNewPrediction?: boolean; context?: { httpStatus?: number; status?: number } } | null;
  return e?.requiresNewPrediction === true || e?.context?.httpStatus === 404 || e?.context?.status === 404;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
