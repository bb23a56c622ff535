import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { backoffDelay } from "../../../core/backoff.js";
import type { Clip } from "../../../core/schemas/clip.js";
import type { TimelineScene } from "../../../core/timeline/schema.js";
import { emit } from "../../events.js";
import type { GraphDeps } from "../../ports.js";
import type { State, Update } from "../../state.js";
import { enterStage, generationIdOf } from "../stage.js";
import { clipJobFor, isRetryable, isUsable, pool, scenesNeedingClips } from "./logic.js";

/** Between attempts at one clip: 1 s, then doubling to 30 s, half of it random. */
const RETRY = { initialMs: 1000, maxMs: 30_000, jitter: 0.5 };

/**
 * generate: one clip per scene that has none yet, in parallel under a bound. Each clip's
 * state goes to the clip ledger as it changes, and a prediction id the moment it exists, so a
 * resumed run reuses finished clips and polls paid predictions instead of paying again. A clip
 * that still fails after its attempts ends the run with its scene named.
 */
export function generateNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const timeline = state.timeline!;
    const { clips: ledger, media, files } = deps;
    enterStage(deps, config, generationId, "generate");
    const provider = deps.videoFor(state.request.options);
    const known = new Map<string, Clip | null>();
    for (const s of timeline.scenes) if (s.clip_id && !known.has(s.clip_id)) known.set(s.clip_id, await ledger.get(s.clip_id));
    const needed = scenesNeedingClips(timeline, (clipId) => isUsable(known.get(clipId), files.exists));
    const total = known.size;
    let done = total - needed.length;
    emit(config, { kind: "clips", done, total });

    for (const scene of needed) {
      const prior = known.get(scene.clip_id!);
      await ledger.upsert(generationId, {
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
    const event = (type: string, data: Record<string, unknown>) => emit(config, { kind: "event", type, data });

    const makeClip = async (scene: TimelineScene) => {
      const clipId = scene.clip_id!;
      const job = clipJobFor({ generationId, scene, timeline, style: state.styleGuide, outPath: media.clipPath(generationId, clipId), motion: motions[scene.id] ?? "static" });
      const deadline = AbortSignal.timeout(deps.config.clip.timeoutS * 1000);
      const signal = config.signal ? AbortSignal.any([config.signal, deadline]) : deadline;
      for (let attempt = 1; ; attempt++) {
        const row = (await ledger.get(clipId))!;
        await ledger.upsert(generationId, { ...row, status: "running", attempts: row.attempts + 1, error: null });
        event("clip_started", { clip_id: clipId, scene_id: scene.id, attempt, provider: provider.name });
        try {
          const createAttemptedAt = row.prediction_id ? null : await ledger.markCreateAttempt(clipId, deps.now());
          const result = await provider.generate(job, {
            predictionId: row.prediction_id ?? null,
            createAttemptedAt,
            onPrediction: (id) => ledger.setPredictionId(clipId, id),
            signal,
          });
          const checksum = await files.sha256(result.path);
          // The file's own length, not the one asked for: models return fixed-length clips.
          const measured = (await files.duration(result.path)) ?? result.duration_s;
          await media.publish(result.path);
          const latest = (await ledger.get(clipId))!;
          await ledger.upsert(generationId, { ...latest, status: "succeeded", path: result.path, duration_s: measured, prediction_id: result.prediction_id ?? latest.prediction_id, checksum, error: null });
          done++;
          emit(config, { kind: "clips", done, total });
          event("clip_done", { clip_id: clipId, scene_id: scene.id, clips_done: done, clips_total: total });
          return;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const latest = (await ledger.get(clipId))!;
          // A prediction that ended (failed, cancelled, expired, unknown to the provider) will
          // never succeed: the next attempt pays for a new one.
          const predictionDead = needsNewPrediction(error);
          const last = attempt >= deps.config.clip.attempts || (!isRetryable(error) && !predictionDead) || signal.aborted;
          await ledger.upsert(generationId, { ...latest, status: last ? "failed" : "queued", error: message });
          if (predictionDead) await ledger.clearPrediction(clipId);
          deps.log.warn({ generation_id: generationId, node: "generate", clip_id: clipId, scene_id: scene.id, attempt, err: message }, "clip attempt failed");
          if (last) {
            const why = signal.aborted && !config.signal?.aborted ? `timed out after ${deps.config.clip.timeoutS} s: ${message}` : message;
            event("clip_failed", { clip_id: clipId, scene_id: scene.id, attempts: attempt, error: why, clips_done: done, clips_total: total });
            failures.push({ scene, message: why });
            return;
          }
          event("clip_retry", { clip_id: clipId, scene_id: scene.id, attempt, error: message });
          await deps.sleep(backoffDelay(attempt - 1, RETRY), signal).catch(() => undefined);
        }
      }
    };

    await pool(needed, deps.config.clip.concurrency, makeClip);
    if (config.signal?.aborted) throw config.signal.reason ?? new Error("cancelled");

    const clips: Record<string, Clip> = {};
    for (const id of known.keys()) {
      const c = await ledger.get(id);
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
