import { system, render, type PlanPromptInput } from "../../../prompts/plan.js";
import type { StructuredModel } from "../../ports.js";
import type { Analysis } from "../../../core/schemas/analysis.js";
import type { Shot, Storyboard, StoryboardScene } from "../../../core/schemas/storyboard.js";
import { roundS } from "../../../core/timeline/invariants.js";
import type { ModelAnswer } from "../path.js";
import { checkStoryboard, storyboardContext } from "./checks.js";
import { AD_SHOT_MAX_S, AD_SHOT_MIN_S, splitLength } from "./logic.js";
import { PlanOutputSchema, type PlanOutput } from "./schema.js";

/** planWithModel plans ads only: music timing comes from the song's bars. */
export class UnsupportedPipelineError extends Error {
  override readonly name = "UnsupportedPipelineError";
  constructor(readonly pipeline: string) {
    super(`the model planner plans ads; ${pipeline} timing is planned from the song's bars`);
  }
}

const fits = (x: number) => x >= AD_SHOT_MIN_S - 1e-9 && x <= AD_SHOT_MAX_S + 1e-9;

/**
 * Maps the model's scenes to a Storyboard: ids, back-to-back starts, scene lengths scaled to
 * add up exactly to the analysed duration, shots scaled to their scene (and split again into
 * 4–7 s shots when scaling pushed them out), and the CTA window at the end.
 */
export function toStoryboard(raw: PlanOutput, analysis: Analysis): { value: Storyboard; adjusted: string[] } {
  const adjusted: string[] = [];
  const total = roundS(analysis.duration_s);
  const rawTotal = raw.scenes.reduce((a, s) => a + s.duration_s, 0);
  if (Math.abs(rawTotal - total) > 0.002) adjusted.push(`scene lengths scaled from ${roundS(rawTotal)} s to ${total} s`);
  const lengths = splitLength(total, raw.scenes.map((s) => s.duration_s));
  let start = 0;
  const scenes = raw.scenes.map((s, i): StoryboardScene => {
    const id = `scene_${i + 1}`;
    const d = lengths[i]!;
    let shotLengths = splitLength(d, s.shots.map((x) => x.duration_s));
    let source = s.shots;
    if (!shotLengths.every(fits) && d >= AD_SHOT_MIN_S && (d <= AD_SHOT_MAX_S || d >= AD_SHOT_MAX_S + 1)) {
      const count = Math.min(Math.floor(d / AD_SHOT_MIN_S + 1e-9), Math.max(Math.ceil(d / AD_SHOT_MAX_S - 1e-9), s.shots.length));
      shotLengths = splitLength(d, Array(count).fill(1));
      source = Array.from({ length: count }, (_, j) => s.shots[Math.min(j, s.shots.length - 1)]!);
      adjusted.push(`${id}: shots re-split into ${count} of ${roundS(d / count)} s`);
    }
    const shots = shotLengths.map((duration_s, j): Shot => {
      const x = source[j]!;
      return { id: `${id}_shot_${j + 1}`, description: x.description, shot_type: x.shot_type, camera_move: x.camera_move, duration_s, ...(x.text ? { text: x.text } : {}) };
    });
    const scene: StoryboardScene = { id, purpose: s.purpose, description: s.description, start_s: roundS(start), duration_s: d, shot_type: s.shot_type, shots, ...(s.text ? { text: s.text } : {}) };
    start += d;
    return scene;
  });
  const cta = analysis.brand.cta;
  const ctaLength = cta ? roundS(Math.min(cta.duration_s, total / 2)) : 0;
  return {
    value: {
      overview: raw.overview,
      duration_s: total,
      scenes,
      cta: cta ? { text: cta.text, start_s: roundS(total - ctaLength), duration_s: ctaLength } : null,
      timing: "heuristic",
      warnings: adjusted.map((a) => `plan: ${a}`),
    },
    adjusted,
  };
}

/** An ad storyboard from a language model; the hard constraints are checked and repaired once. */
export async function planWithModel(
  model: StructuredModel,
  input: PlanPromptInput,
): Promise<ModelAnswer<Storyboard>> {
  if (input.request.pipeline !== "ad") throw new UnsupportedPipelineError(input.request.pipeline);
  const ctx = storyboardContext("ad", input.analysis);
  const answer = await model.generate({
    task: "plan",
    schema: PlanOutputSchema,
    system,
    prompt: render(input),
    check: (raw) => checkStoryboard(toStoryboard(raw, input.analysis).value, ctx),
  });
  const { value, adjusted } = toStoryboard(answer.value, input.analysis);
  return { value, repaired: answer.repaired, adjusted };
}
