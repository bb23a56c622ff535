import type { Pipeline } from "../../core/schemas/request.js";
import type { Suite } from "../core/types.js";
import { expectedDuration, loadBriefs, type Brief } from "../datasets/briefs.js";
import { planBrief, type PlannedBrief } from "../pipeline.js";
import { narrativeJudgeScorer } from "../scorers/judge.js";
import { PLAN_HARD_SCORERS, type PlanExpected } from "../scorers/plan.js";
import { PLAN_SOFT_SCORERS } from "../scorers/soft.js";

/**
 * plan: every brief through plan and stylize. Hard constraints (scene counts and lengths per
 * pipeline, sums, shot diversity, the CTA at the end, brand colours and style anchors in every
 * micro-prompt, no contradictory style terms), soft scores (narrative arc, pacing) and, with a
 * model, the narrative judge.
 */
export const planSuite: Suite<Brief, PlannedBrief, PlanExpected> = {
  name: "plan",
  description: "Storyboards and micro-prompts: hard constraints per pipeline, narrative arc and pacing, the LLM judge when a model is available",
  threshold: 95,
  async data(ctx) {
    const specs = ctx.tracks.specs;
    return loadBriefs(specs).map((b) => {
      const pipeline = b.request.pipeline as Pipeline;
      const spec = specs.find((t) => t.id === b.track);
      const requested = typeof b.request.duration_s === "number" ? b.request.duration_s : null;
      const shortened = !!spec && requested !== null && requested < spec.duration_s;
      return {
        id: b.id,
        title: String(b.request.prompt ?? ""),
        tags: [...new Set([b.category, pipeline, ...b.tags])],
        input: b,
        expected: {
          pipeline,
          duration_s: expectedDuration(b, specs),
          endSlack_s: shortened ? (60 / spec.bpm) * (spec.beats_per_bar ?? 4) : 0,
          cta: b.expect.cta,
          pacing: b.expect.pacing,
        },
      };
    });
  },
  task: (brief, ctx) => planBrief(brief, ctx),
  scorers: [...PLAN_HARD_SCORERS, ...PLAN_SOFT_SCORERS, narrativeJudgeScorer],
  artifact: ({ output, expected }) => ({
    kind: "timeline",
    pipeline: expected.pipeline,
    timeline: output.timeline,
    palette: output.style.palette,
    prompt: Object.values(output.prompts)[0] ?? "",
  }),
};
