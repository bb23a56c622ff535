import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { backoffDelay } from "../../../core/backoff.js";
import { stillPathOf, type Clip } from "../../../core/schemas/clip.js";
import { shotsToMake } from "../../../core/timeline/shots.js";
import type { TimelineScene, TimelineShot } from "../../../core/timeline/schema.js";
import { emit } from "../../events.js";
import type { GraphDeps } from "../../ports.js";
import type { State, Update, VideoModelState } from "../../state.js";
import { enterStage, generationIdOf, logWarnings } from "../stage.js";
import { CostLimitError, spendGuard, type Spend } from "./budget.js";
import { clipJobFor, isRetryable, isUsable, pool, seedFor, shotPrompt } from "./logic.js";
import { describeVideoModel, estimateTimeline, shotPrice, withShots } from "./shots.js";

/** Between attempts at one clip: 1 s, then doubling to 30 s, half of it random. */
const RETRY = { initialMs: 1000, maxMs: 30_000, jitter: 0.5 };

/** One prediction to make: a shot of a scene. */
interface ShotWork {
  scene: TimelineScene;
  index: number;
  shot: TimelineShot;
}

/**
 * generate: one prediction per shot that has no finished clip yet, in parallel under a bound
 * (with continuity "chain", a scene's shots run in order, each starting from the last frame of
 * the one before; scenes still run in parallel). Each clip's state goes to the clip ledger as
 * it changes, and a prediction id the moment it exists, so a resumed run reuses finished clips
 * and polls paid predictions instead of paying again. Before anything is paid the estimate is
 * held to `max_cost_usd`, and no prediction is created that would take the spend past it. A
 * clip that still fails after its attempts ends the run with its scene named.
 */
export function generateNode(deps: GraphDeps) {
  return async (state: State, config: LangGraphRunnableConfig): Promise<Update> => {
    const generationId = generationIdOf(state, config);
    const { clips: ledger, media, files } = deps;
    enterStage(deps, config, generationId, "generate");
    const options = state.request.options;
    const provider = deps.videoFor(options);
    const warnings: string[] = [];
    let model: VideoModelState;
    if (state.videoModel && state.videoModel.provider === provider.name) model = state.videoModel;
    else {
      try {
        const d = await describeVideoModel(deps, options, config.signal);
        model = d.model;
        warnings.push(...d.warnings);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { error: { stage: "generate", code: "video_model", provider: provider.name, message: `the video model could not be read: ${message}` } };
      }
    }
    // Shots for scenes an edit changed or added (the others keep theirs).
    const fitted = withShots(state.timeline!, model);
    const timeline = fitted.timeline;
    warnings.push(...fitted.warnings);

    const work: ShotWork[] = [];
    const byClip = new Map<string, ShotWork>();
    for (const scene of timeline.scenes) {
      if (!scene.clip_id) continue;
      for (const { index, shot } of shotsToMake(scene)) {
        if (byClip.has(shot.clip_id)) continue;
        const w = { scene, index, shot };
        byClip.set(shot.clip_id, w);
        work.push(w);
      }
    }
    const known = new Map<string, Clip | null>();
    for (const w of work) {
      const row = await ledger.get(w.shot.clip_id);
      // A clip another process made (a resumed run on another worker) is fetched from shared media first.
      if (row?.status === "succeeded" && row.path && !files.exists(row.path)) row.path = await media.ensureLocal(row.path).catch(() => row.path);
      known.set(w.shot.clip_id, row);
    }
    const usable = (clipId: string) => isUsable(known.get(clipId), files.exists);
    const needed = work.filter((w) => !usable(w.shot.clip_id));
    const total = work.length;
    let done = total - needed.length;
    emit(config, { kind: "clips", done, total });

    // Spend so far: what this thread recorded, and any prediction the ledger says was paid for.
    const priceOf = (w: ShotWork) => shotPrice(model, timeline, w.shot.request_s ?? w.shot.duration_s).usd;
    const spent: Spend = { ...state.spend };
    for (const w of work) {
      const row = known.get(w.shot.clip_id);
      if (row && !(w.shot.clip_id in spent) && (row.prediction_id || (row.status === "succeeded" && model.profile))) spent[w.shot.clip_id] = priceOf(w);
    }
    const toMake = estimateTimeline(model, timeline, (id) => usable(id) || !!known.get(id)?.prediction_id);
    const limit = options?.max_cost_usd;
    const guard = spendGuard({ spent, maxUsd: limit, allowUnknown: options?.allow_unknown_cost === true, model: model.provider });
    emit(config, { kind: "event", type: "cost_estimated", data: { ...toMake, shots: toMake.per_clip.length, spent_usd: guard.spentKnown(), max_cost_usd: limit ?? null } });
    const refusal = guard.refuseRun(toMake);
    if (refusal) {
      logWarnings(deps, generationId, warnings);
      return { timeline, videoModel: model, costEstimate: toMake, warnings, spend: spent, error: { stage: "generate", code: "cost_limit", provider: provider.name, scene_id: refusal.sceneId, message: refusal.message } };
    }

    for (const w of needed) {
      const prior = known.get(w.shot.clip_id);
      await ledger.upsert(generationId, {
        id: w.shot.clip_id,
        scene_id: w.scene.id,
        status: "queued",
        provider: provider.name,
        prompt: w.scene.prompt,
        path: null,
        duration_s: null,
        attempts: prior?.attempts ?? 0,
        error: null,
        prediction_id: prior?.prediction_id ?? null,
        checksum: null,
      });
    }

    const motions = Object.fromEntries((state.storyboard?.scenes ?? []).map((s) => [s.id, s.shots[0]?.camera_move ?? "static"]));
    const failures: { scene: TimelineScene; message: string; code: string }[] = [];
    const event = (type: string, data: Record<string, unknown>) => emit(config, { kind: "event", type, data });
    const pathOf = async (clipId: string) => (await ledger.get(clipId))?.path ?? null;

    const makeShot = async (w: ShotWork): Promise<boolean> => {
      const { scene, shot } = w;
      const clipId = shot.clip_id;
      let firstFrame: string | null = null;
      if (model.chain && shot.first_frame_from !== null && shot.first_frame_from !== undefined) {
        const from = scene.shots?.[shot.first_frame_from];
        const fromPath = from ? await pathOf(from.clip_id) : null;
        if (fromPath && files.lastFrame) {
          firstFrame = await files.lastFrame(fromPath, media.tmpPath(`${from!.clip_id}.last.jpg`), config.signal).catch((err) => {
            warnings.push(`${scene.id}: the last frame of ${from!.clip_id} could not be read (${(err as Error).message}); shot ${w.index + 1} starts fresh`);
            return null;
          });
        }
      }
      const base = clipJobFor({ generationId, scene, timeline, style: state.styleGuide, outPath: media.clipPath(generationId, clipId), motion: motions[scene.id] ?? "static", shot: { clip_id: clipId, request_s: shot.request_s ?? shot.duration_s } });
      const job = { ...base, prompt: shotPrompt(scene.prompt, w.index), firstFrame, seed: seedFor(clipId), negativePrompt: state.styleGuide?.negative.join(", ") ?? null };
      const price = priceOf(w);
      const deadline = AbortSignal.timeout(deps.config.clip.timeoutS * 1000);
      const signal = config.signal ? AbortSignal.any([config.signal, deadline]) : deadline;
      for (let attempt = 1; ; attempt++) {
        const row = (await ledger.get(clipId))!;
        await ledger.upsert(generationId, { ...row, status: "running", attempts: row.attempts + 1, error: null });
        event("clip_started", { clip_id: clipId, scene_id: scene.id, shot: w.index, attempt, provider: provider.name });
        let hold: (() => void) | null = null;
        try {
          if (!row.prediction_id) hold = guard.reserve(clipId, scene.id, price);
          const createAttemptedAt = row.prediction_id ? null : await ledger.markCreateAttempt(clipId, deps.now());
          const result = await provider.generate(job, {
            predictionId: row.prediction_id ?? null,
            createAttemptedAt,
            onPrediction: async (id) => {
              await ledger.setPredictionId(clipId, id);
              hold?.();
              hold = null;
              const total = guard.paid(clipId, price);
              event("clip_paid", { clip_id: clipId, scene_id: scene.id, prediction_id: id, cost_usd: price, spent_usd: total });
            },
            signal,
          });
          hold?.();
          hold = null;
          if (!(clipId in spent)) guard.paid(clipId, result.cost_usd ?? price);
          const checksum = await files.sha256(result.path);
          // The file's own length, not the one asked for: models return fixed-length clips.
          const measured = (await files.duration(result.path)) ?? result.duration_s;
          await media.publish(result.path);
          if (result.warnings?.length) warnings.push(...result.warnings.map((x) => `${scene.id}: ${x}`));
          // The thumbnail is made beside the run, not in its way (the API makes a missing one on request).
          if (files.still) void files.still(result.path, stillPathOf(result.path), Math.min(1, measured / 2)).catch((err) => deps.log.warn({ generation_id: generationId, clip_id: clipId, err: (err as Error).message }, "no thumbnail"));
          const latest = (await ledger.get(clipId))!;
          await ledger.upsert(generationId, { ...latest, status: "succeeded", path: result.path, duration_s: measured, prediction_id: result.prediction_id ?? latest.prediction_id, checksum, error: null });
          done++;
          emit(config, { kind: "clips", done, total });
          event("clip_done", { clip_id: clipId, scene_id: scene.id, shot: w.index, clips_done: done, clips_total: total, cost_usd: spent[clipId] ?? 0, spent_usd: guard.spentKnown() });
          return true;
        } catch (error) {
          hold?.();
          const message = error instanceof Error ? error.message : String(error);
          const latest = (await ledger.get(clipId))!;
          const overBudget = error instanceof CostLimitError;
          // A prediction that ended (failed, cancelled, expired, unknown to the provider) will
          // never succeed: the next attempt pays for a new one.
          const predictionDead = !overBudget && needsNewPrediction(error);
          const last = overBudget || attempt >= deps.config.clip.attempts || (!isRetryable(error) && !predictionDead) || signal.aborted;
          await ledger.upsert(generationId, { ...latest, status: last ? "failed" : "queued", error: message });
          if (predictionDead) await ledger.clearPrediction(clipId);
          deps.log.warn({ generation_id: generationId, node: "generate", clip_id: clipId, scene_id: scene.id, attempt, err: message }, "clip attempt failed");
          if (last) {
            const why = signal.aborted && !config.signal?.aborted ? `timed out after ${deps.config.clip.timeoutS} s: ${message}` : message;
            event("clip_failed", { clip_id: clipId, scene_id: scene.id, shot: w.index, attempts: attempt, error: why, clips_done: done, clips_total: total });
            failures.push({ scene, message: why, code: overBudget ? "cost_limit" : "clip_failed" });
            return false;
          }
          event("clip_retry", { clip_id: clipId, scene_id: scene.id, shot: w.index, attempt, error: message });
          await deps.sleep(backoffDelay(attempt - 1, RETRY), signal).catch(() => undefined);
        }
      }
    };

    // Chained shots of a scene run in order (each needs the one before); otherwise every shot is its own unit.
    const pending = new Set(needed.map((w) => w.shot.clip_id));
    const units: ShotWork[][] = model.chain
      ? [...groupBy(needed, (w) => w.scene.id).values()]
      : needed.map((w) => [w]);
    await pool(units, deps.config.clip.concurrency, async (unit) => {
      for (const w of unit) {
        if (!pending.has(w.shot.clip_id)) continue;
        if (!(await makeShot(w))) return;
      }
    });
    if (config.signal?.aborted) throw config.signal.reason ?? new Error("cancelled");

    const clips: Record<string, Clip> = {};
    for (const id of known.keys()) {
      const c = await ledger.get(id);
      if (c) clips[c.id] = c;
    }
    logWarnings(deps, generationId, warnings);
    const update: Update = { clips, timeline, videoModel: model, warnings, spend: spent };
    if (failures.length) {
      const f = failures.find((x) => x.code === "cost_limit") ?? failures[0]!;
      return {
        ...update,
        error: {
          stage: "generate",
          scene_id: f.scene.id,
          provider: provider.name,
          message:
            (f.code === "cost_limit" ? `the run was stopped before ${f.scene.id}: ${f.message}` : `the clip for ${f.scene.id} could not be made with ${provider.name}: ${f.message}`) +
            (failures.length > 1 ? ` (and ${failures.length - 1} more clip(s) failed)` : ""),
          code: f.code,
        },
      };
    }
    return update;
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    out.set(k, [...(out.get(k) ?? []), i]);
  }
  return out;
}

function needsNewPrediction(error: unknown): boolean {
  const e = error as { requiresNewPrediction?: boolean; context?: { httpStatus?: number; status?: number } } | null;
  return e?.requiresNewPrediction === true || e?.context?.httpStatus === 404 || e?.context?.status === 404;
}
