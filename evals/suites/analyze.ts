import type { Suite } from "../core/types.js";
import { expectedDuration, loadBriefs, type Brief } from "../datasets/briefs.js";
import { analyzeBrief, type AnalyzedBrief } from "../pipeline.js";
import { ANALYZE_SCORERS, type AnalyzeExpected } from "../scorers/analyze.js";

/** analyze: brand colours, tone, length, CTA, brand and language pulled from each brief. */
export const analyzeSuite: Suite<Brief, AnalyzedBrief, AnalyzeExpected> = {
  name: "analyze",
  description: "What the analyst pulls from a brief: brand colours, tone, length, CTA, brand, language; contradictions flagged, gaps assumed",
  threshold: 85,
  async data(ctx) {
    return loadBriefs(ctx.tracks.specs).map((b) => ({
      id: b.id,
      title: String(b.request.prompt ?? ""),
      tags: [b.category, ...b.tags],
      input: b,
      expected: { ...b.expect, duration_s: expectedDuration(b, ctx.tracks.specs) },
    }));
  },
  task: (brief, ctx) => analyzeBrief(brief, ctx),
  scorers: ANALYZE_SCORERS,
  artifact: ({ output, expected }) => {
    const a = output.analysis;
    return {
      kind: "analyze",
      got: { duration_s: a.duration_s, colors: a.brand.colors, tone: a.tone, cta: a.brand.cta?.text ?? null, brand: a.brand.name, language: a.language, pacing: a.pacing, warnings: a.warnings },
      expected: { duration_s: expected.duration_s, colors: expected.colors, tone: expected.tone.map((g) => g[0]), cta: expected.cta, brand: expected.brand, language: expected.language, pacing: expected.pacing ?? null },
    };
  },
};
