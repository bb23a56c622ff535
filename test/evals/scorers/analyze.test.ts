import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../graph/nodes/analyze/logic.js";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import type { Brief } from "../../../evals/datasets/briefs.js";
import type { AnalyzedBrief } from "../../../evals/pipeline.js";
import {
  assumptionsScorer, brandScorer, coloursScorer, contradictionScorer, ctaScorer, languageScorer, lengthScorer, normText, pacingScorer, toneScorer, type AnalyzeExpected,
} from "../../../evals/scorers/analyze.js";
import { offlineContext } from "../helpers.js";

const ctx = offlineContext();
const brief = { id: "b", category: "ad", tags: [], request: { pipeline: "ad", prompt: "x" }, expect: {} } as unknown as Brief;

function analyzed(prompt: string): AnalyzedBrief {
  const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt });
  return { request, track: null, analysis: analyzeOffline(request, null), warnings: [] };
}

const expected: AnalyzeExpected = {
  duration_s: 30, colors: ["#1E3A8A", "amber"], tone: [["playful", "fun"], ["energetic", "punchy"]], cta: "Shop now", brand: "Oatly Chill", language: "en",
};
const score = (s: { score: (a: never) => unknown }, output: AnalyzedBrief, exp: AnalyzeExpected = expected) =>
  s.score({ input: brief, output, expected: exp, ctx } as never) as { score: number | null; detail?: string };

describe("analyze scorers", () => {
  const good = analyzed("30s ad for an oat-milk cold brew called Oatly Chill, playful and punchy, brand colours #1E3A8A and amber, end with 'Shop now'");

  it("give full marks when every field is pulled from the brief", () => {
    for (const s of [coloursScorer, toneScorer, lengthScorer, ctaScorer, brandScorer, languageScorer]) expect(score(s, good), s.name).toEqual({ score: 1 });
  });

  it("colours: missing and extra colours both cost, invented colours score 0", () => {
    const a = structuredClone(good);
    a.analysis.brand.colors = ["#1E3A8A", "#FF0000"];
    const r = score(coloursScorer, a);
    expect(r.score).toBeCloseTo(1 / 3, 5);
    expect(r.detail).toMatch(/missing amber; extra #FF0000/);
    expect(score(coloursScorer, a, { ...expected, colors: [] })).toMatchObject({ score: 0, detail: expect.stringMatching(/invented/) });
  });

  it("tone: the share of synonym groups present; skipped when the brief names no tone", () => {
    const a = structuredClone(good);
    a.analysis.tone = "fun, warm";
    expect(score(toneScorer, a)).toMatchObject({ score: 0.5, detail: expect.stringContaining("energetic") });
    a.analysis.tone = "unfunny";
    expect(score(toneScorer, a).score).toBe(0);
    expect(score(toneScorer, a, { ...expected, tone: [] }).score).toBeNull();
  });

  it("length, CTA, brand and language compare exactly (CTA and brand ignore case, quotes and end punctuation)", () => {
    const a = structuredClone(good);
    a.analysis.duration_s = 31;
    expect(score(lengthScorer, a).score).toBe(0);
    a.analysis.duration_s = 30.4;
    expect(score(lengthScorer, a).score).toBe(1);
    a.analysis.brand.cta = { text: "“shop now”", duration_s: 3 };
    expect(score(ctaScorer, a).score).toBe(1);
    a.analysis.brand.cta = { text: "Shop today", duration_s: 3 };
    expect(score(ctaScorer, a).score).toBe(0);
    expect(score(ctaScorer, a, { ...expected, cta: null })).toMatchObject({ score: 0, detail: expect.stringMatching(/invented CTA/) });
    a.analysis.brand.name = "Oatly";
    expect(score(brandScorer, a).score).toBe(0);
    expect(score(brandScorer, a, { ...expected, brand: ["Oatly Chill", "Oatly"] }).score).toBe(1);
    a.analysis.language = "fr";
    expect(score(languageScorer, a).score).toBe(0);
    expect(normText("  «Protégez votre été» ")).toBe("protégez votre été");
  });

  it("pacing, contradictions and assumptions only score when the brief calls for them", () => {
    const a = structuredClone(good);
    expect(score(pacingScorer, a).score).toBeNull();
    expect(score(pacingScorer, a, { ...expected, pacing: a.analysis.pacing === "fast" ? "slow" : "fast" }).score).toBe(0);
    expect(score(contradictionScorer, a).score).toBeNull();
    a.analysis.warnings = [];
    expect(score(contradictionScorer, a, { ...expected, contradiction: true }).score).toBe(0);
    a.analysis.warnings = ['contradiction: "calm" vs "energetic"'];
    expect(score(contradictionScorer, a, { ...expected, contradiction: true }).score).toBe(1);
    a.analysis.assumptions = [{ topic: "colors", assumption: "x" }, { topic: "CTA", assumption: "y" }];
    expect(score(assumptionsScorer, a, { ...expected, unsaid: ["colours", "cta", "audience", "tone"] })).toMatchObject({ score: 0.5, detail: "no assumption for audience, tone" });
  });
});
