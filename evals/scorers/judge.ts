import type { LanguageModel } from "ai";
import { z } from "zod";
import { LlmCallError, LlmOutputError } from "../../graph/errors.js";
import { generateStructured } from "../../tools/llm/structured.js";
import { cacheMissIn } from "../cache.js";
import type { PlanScorer } from "./plan.js";

/**
 * The LLM judge: a rubric for the narrative quality of a storyboard, which no deterministic
 * scorer can grade. It runs only when a model is available (a key, or the record/replay cache
 * of the openai provider); otherwise the scorer is skipped and says why.
 */

const Criterion = (what: string) =>
  z.object({
    score: z.number().int().min(1).max(5).describe(`1 (poor) to 5 (excellent): ${what}`),
    reason: z.string().describe("One sentence citing the scenes that earned the score"),
  });

export const JudgeRubricSchema = z.object({
  hook: Criterion("the first scene earns attention within two seconds"),
  progression: Criterion("each scene moves the story on: hook → problem → payoff → close for an ad; intro → verses → choruses → outro for a music video"),
  brief_fit: Criterion("the product, tone, audience and key messages of the brief are honoured"),
  ending: Criterion("the close lands: it motivates the call to action (ad) or resolves the song's story (music video)"),
  specificity: Criterion("scene descriptions are concrete and filmable, not generic filler"),
});
export type JudgeRubric = z.infer<typeof JudgeRubricSchema>;

export const JUDGE_SYSTEM = `You are a strict creative director reviewing storyboards for short videos (ads of 15–60 s and
music videos). You grade the narrative only — not timing arithmetic, not colours. Use the whole 1–5 scale:
3 is competent but forgettable, 5 is work you would ship unchanged. Cite scenes by their number.`;

/** What the judge is shown. */
export interface JudgeInput {
  brief: string;
  pipeline: "ad" | "music_video";
  duration_s: number;
  tone: string;
  audience: string;
  keyMessages: string[];
  cta: string | null;
  scenes: { purpose: string; description: string; duration_s: number; text?: string }[];
}

/** The user message for one storyboard. */
export function renderJudgePrompt(input: JudgeInput): string {
  const lines = [
    `Brief: ${input.brief}`,
    `Format: ${input.pipeline === "ad" ? "ad" : "music video"}, ${input.duration_s} s`,
    `Tone: ${input.tone}. Audience: ${input.audience}.`,
    `Key messages: ${input.keyMessages.join("; ") || "none given"}`,
    `Call to action: ${input.cta ?? "none"}`,
    "",
    "Storyboard:",
    ...input.scenes.map((s, i) => `${i + 1}. [${s.purpose}, ${Math.round(s.duration_s * 10) / 10} s] ${s.description}${s.text ? ` — on screen: "${s.text}"` : ""}`),
    "",
    "Grade each criterion of the rubric.",
  ];
  return lines.join("\n");
}

/** The rubric's mean, mapped from 1–5 to 0–1. */
export function rubricScore(r: JudgeRubric): number {
  const scores = [r.hook, r.progression, r.brief_fit, r.ending, r.specificity].map((c) => c.score);
  return scores.reduce((a, s) => a + (s - 1) / 4, 0) / scores.length;
}

/** One judged storyboard. */
export async function judgeNarrative(model: LanguageModel, modelName: string, input: JudgeInput): Promise<{ score: number; rubric: JudgeRubric }> {
  const answer = await generateStructured({ task: "judge", model, modelName, schema: JudgeRubricSchema, system: JUDGE_SYSTEM, prompt: renderJudgePrompt(input), maxRetries: 2 });
  return { score: rubricScore(answer.value), rubric: answer.value };
}

/**
 * The judge as a plan scorer, using the run's judge model (ctx.judge). With no model it is
 * skipped (score null) with the reason; a model that fails or answers unusably is reported and
 * skipped too, so one bad call does not sink a run. A missing cache entry in replay is not
 * caught: the run must stop on it.
 */
export const narrativeJudgeScorer: PlanScorer = {
  name: "judge_narrative",
  kind: "judge",
  score: async ({ input, output, expected, ctx }) => {
    const judge = ctx.judge;
    if (!judge) return { score: null, detail: `skipped: ${ctx.judgeReason}` };
    const a = output.analysis;
    const judgeInput: JudgeInput = {
      brief: String(input.request.prompt ?? ""),
      pipeline: expected.pipeline,
      duration_s: output.storyboard.duration_s,
      tone: a.tone,
      audience: a.audience,
      keyMessages: a.key_messages,
      cta: output.storyboard.cta?.text ?? null,
      scenes: output.storyboard.scenes.map((s) => ({ purpose: s.purpose, description: s.description, duration_s: s.duration_s, text: s.text })),
    };
    try {
      const { score, rubric } = await judgeNarrative(judge.model, judge.modelName, judgeInput);
      const low = Object.entries(rubric).filter(([, c]) => c.score <= 2);
      return { score, detail: low.length ? low.map(([k, c]) => `${k} ${c.score}/5: ${c.reason}`).join("; ") : `hook ${rubric.hook.score}, progression ${rubric.progression.score}, brief ${rubric.brief_fit.score}, ending ${rubric.ending.score}, specificity ${rubric.specificity.score}` };
    } catch (error) {
      if (error instanceof LlmOutputError || (error instanceof LlmCallError && !cacheMissIn(error))) return { score: null, detail: `skipped: the judge failed (${error.message.slice(0, 200)})` };
      throw error;
    }
  },
};
