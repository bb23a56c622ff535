import { describe, expect, it } from "vitest";
import { AUDIENCES, COLORS, FAST, SETTINGS, SLOW, STYLE, TONES, scan, type Lexicon } from "../../../../core/vocabulary/lexicon.js";
import { WARM_SAMPLES, warmOfflineAnalyst } from "../../../../graph/nodes/analyze/warm.js";

/**
 * The warm-up compiles the offline analyst's lexicons before the first brief: it only does so
 * for a lexicon its sample briefs actually run into, in its spaced and its CJK alternations.
 */
describe("warmOfflineAnalyst", () => {
  it("runs without a model, a network or a store", () => {
    expect(() => warmOfflineAnalyst()).not.toThrow();
  });

  it("has sample briefs that reach every lexicon, and a CJK term among them", () => {
    const lexicons: Record<string, Lexicon> = { COLORS, TONES, FAST, SLOW, STYLE, AUDIENCES, SETTINGS };
    for (const [name, lex] of Object.entries(lexicons)) {
      const hits = WARM_SAMPLES.flatMap((s) => scan(lex, s.prompt));
      expect(hits.length, `no sample brief reaches ${name}`).toBeGreaterThan(0);
    }
    const cjk = WARM_SAMPLES.flatMap((s) => scan(COLORS, s.prompt)).filter((h) => /[\u3040-\u30ff\u3400-\u9fff]/u.test(h.term));
    expect(cjk.length).toBeGreaterThan(0);
  });
});
