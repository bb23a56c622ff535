import type { LanguageModel } from "ai";
import type { Brain, BrainResult, EditInterpretation } from "../../graph/deps.js";
import type { Storyboard } from "../../core/schemas/storyboard.js";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import type { GenerationRequest } from "../../core/schemas/request.js";
import type { Analysis } from "../../core/schemas/analysis.js";
import { analyzeOffline } from "../../graph/nodes/analyze/logic.js";
import { analyzeWithModel } from "../../graph/nodes/analyze/model.js";
import { planMusicOffline, planOffline } from "../../graph/nodes/plan/logic.js";
import { planWithModel } from "../../graph/nodes/plan/model.js";
import { planMusicTimings } from "../../graph/nodes/plan/music.js";
import { stylizeOffline } from "../../graph/nodes/stylize/logic.js";
import { stylizeWithModel } from "../../graph/nodes/stylize/model.js";
import { interpretOffline } from "../../graph/nodes/edit/interpret.js";
import { interpretWithModel } from "../../graph/nodes/edit/model.js";

/**
 * The offline brain: deterministic analysis, planning, styling and edit interpretation from
 * lexicons and heuristics. It is the default without a key and the fallback when a model
 * call fails.
 */
export function createOfflineBrain(opts: { fps: number }): Brain {
  const ok = <T>(value: T): BrainResult<T> => ({ value, by: "offline", warnings: [] });
  return {
    name: "offline",
    analyze: async ({ request, audio }) => ok(analyzeOffline(request, audio)),
    plan: async ({ request, analysis, audio }) =>
      ok(request.pipeline === "music_video" ? musicPlan(request, analysis, audio, opts.fps) : planOffline(request, analysis, audio)),
    stylize: async ({ request, analysis, storyboard }) => ok(stylizeOffline(request, analysis, storyboard)),
    interpretEdit: async ({ instruction, timeline }) => ok(interpretOffline(instruction, timeline)),
  };
}

/** Music timing is always computed from the song's bars; only the words may come from a model. */
function musicPlan(request: GenerationRequest, analysis: Analysis, audio: AudioAnalysis | null, fps: number): Storyboard {
  if (!audio) throw new Error("a music video plan needs the song's analysis");
  const timings = planMusicTimings(audio, { duration_s: request.duration_s, fps });
  const sb = planMusicOffline(request, analysis, audio, timings);
  return {
    ...sb,
    music: { offset_s: timings.offset_s, fade_out_s: timings.fade_out_s, downbeats_s: timings.downbeats_s },
  };
}

/** The model-backed brain (AI SDK structured outputs, validated with zod). */
export function createModelBrain(model: LanguageModel, modelName: string, opts: { fps: number; timeoutMs?: number }): Brain {
  const by = `llm:${modelName}`;
  const offline = createOfflineBrain(opts);
  const call = { timeoutMs: opts.timeoutMs };
  return {
    name: by,
    analyze: async (input) => {
      const r = await analyzeWithModel(model, modelName, input, call);
      return { value: r.value, by, warnings: repairedNote("analyze", r.repaired) };
    },
    plan: async (input) => {
      if (input.request.pipeline === "music_video") return offline.plan(input);
      const r = await planWithModel(model, modelName, input, call);
      return { value: r.value, by, warnings: repairedNote("plan", r.repaired) };
    },
    stylize: async (input) => {
      const r = await stylizeWithModel(model, modelName, input, call);
      return { value: r.value, by, warnings: repairedNote("stylize", r.repaired) };
    },
    interpretEdit: async (input) => {
      const r = await interpretWithModel(model, modelName, input, call);
      const value: EditInterpretation = { operations: r.operations, warnings: r.warnings, rejection: r.rejection };
      return { value, by, warnings: repairedNote("edit", r.repaired) };
    },
  };
}

/**
 * Tries the primary brain; when its call fails or its answer stays invalid after the repair
 * round, the offline brain does that step and a warning says so.
 */
export function withFallback(primary: Brain, fallback: Brain, onFallback?: (task: string, error: unknown) => void): Brain {
  const wrap =
    <K extends "analyze" | "plan" | "stylize" | "interpretEdit">(task: K) =>
    async (input: Parameters<Brain[K]>[0]): Promise<Awaited<ReturnType<Brain[K]>>> => {
      try {
        return (await (primary[task] as (i: typeof input) => ReturnType<Brain[K]>)(input)) as Awaited<ReturnType<Brain[K]>>;
      } catch (error) {
        onFallback?.(task, error);
        const r = (await (fallback[task] as (i: typeof input) => ReturnType<Brain[K]>)(input)) as Awaited<ReturnType<Brain[K]>>;
        const why = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
        return { ...r, warnings: [...r.warnings, `${task}: ${primary.name} failed (${why.slice(0, 300)}); the offline provider did this step`] } as Awaited<ReturnType<Brain[K]>>;
      }
    };
  return { name: primary.name, analyze: wrap("analyze"), plan: wrap("plan"), stylize: wrap("stylize"), interpretEdit: wrap("interpretEdit") };
}

function repairedNote(task: string, repaired: string[]): string[] {
  return repaired.length ? [`${task}: the model's first answer was repaired (${repaired.slice(0, 3).join("; ")})`] : [];
}
