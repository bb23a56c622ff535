import type { Scorer } from "../core/types.js";
import type { Brief, BriefExpect } from "../datasets/briefs.js";
import type { AnalyzedBrief } from "../pipeline.js";
import { matchColours } from "./colour.js";

/** The analyze suite's scorers: what a careful reader takes from a brief, compared field by field. */

export type AnalyzeExpected = Omit<BriefExpect, "duration_s"> & { duration_s: number };
type AnalyzeScorer = Scorer<Brief, AnalyzedBrief, AnalyzeExpected>;

/** Lower case, NFC, no surrounding quotes or end punctuation, single spaces. */
export function normText(s: string): string {
  return s
    .normalize("NFC")
    .toLowerCase()
    .replace(/[“”„«»"'‘’「」]/gu, "")
    .replace(/[\s]+/g, " ")
    .replace(/^[\s.,;:!?¡¿]+|[\s,;:]+$/gu, "")
    .trim();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const TOPIC_ALIASES: Record<string, string> = { colors: "colours", color: "colours", colour: "colours", "call to action": "cta", length: "duration", name: "brand", "brand name": "brand" };
const topicOf = (t: string) => {
  const k = t.trim().toLowerCase().replace(/_/g, " ");
  return TOPIC_ALIASES[k] ?? k;
};

export const coloursScorer: AnalyzeScorer = {
  name: "colours",
  kind: "hard",
  score: ({ output, expected }) => {
    const got = output.analysis.brand.colors;
    if (!expected.colors.length) return got.length ? { score: 0, detail: `invented colours ${got.join(", ")}` } : { score: 1 };
    const m = matchColours(expected.colors, got);
    const score = m.matched / (expected.colors.length + m.extra.length);
    const parts = [m.missing.length ? `missing ${m.missing.join(", ")}` : "", m.extra.length ? `extra ${m.extra.join(", ")}` : ""].filter(Boolean);
    return { score, detail: parts.length ? `${parts.join("; ")} (got ${got.join(", ") || "none"})` : undefined };
  },
};

export const toneScorer: AnalyzeScorer = {
  name: "tone",
  kind: "soft",
  score: ({ output, expected }) => {
    if (!expected.tone.length) return { score: null, detail: "the brief names no tone" };
    const tone = output.analysis.tone.toLowerCase();
    const missed = expected.tone.filter((group) => !group.some((w) => new RegExp(`(?<![\\p{L}])${escapeRe(w.toLowerCase())}`, "u").test(tone)));
    return {
      score: (expected.tone.length - missed.length) / expected.tone.length,
      detail: missed.length ? `"${output.analysis.tone}" lacks ${missed.map((g) => g[0]).join(", ")}` : undefined,
    };
  },
};

export const lengthScorer: AnalyzeScorer = {
  name: "length",
  kind: "hard",
  score: ({ output, expected }) => {
    const got = output.analysis.duration_s;
    return Math.abs(got - expected.duration_s) <= 0.5 ? { score: 1 } : { score: 0, detail: `${got} s, expected ${expected.duration_s} s` };
  },
};

export const ctaScorer: AnalyzeScorer = {
  name: "cta",
  kind: "hard",
  score: ({ output, expected }) => {
    const got = output.analysis.brand.cta?.text ?? null;
    if (expected.cta === null) return got === null ? { score: 1 } : { score: 0, detail: `invented CTA "${got}"` };
    if (got === null) return { score: 0, detail: `missing CTA "${expected.cta}"` };
    return normText(got) === normText(expected.cta) ? { score: 1 } : { score: 0, detail: `"${got}", expected "${expected.cta}"` };
  },
};

export const brandScorer: AnalyzeScorer = {
  name: "brand",
  kind: "soft",
  score: ({ output, expected }) => {
    const got = output.analysis.brand.name;
    if (expected.brand === null) return got === null ? { score: 1 } : { score: 0, detail: `invented brand "${got}"` };
    const accepted = Array.isArray(expected.brand) ? expected.brand : [expected.brand];
    if (got !== null && accepted.some((a) => normText(a) === normText(got))) return { score: 1 };
    return { score: 0, detail: `${got === null ? "no brand" : `"${got}"`}, expected "${accepted[0]}"` };
  },
};

export const languageScorer: AnalyzeScorer = {
  name: "language",
  kind: "soft",
  score: ({ output, expected }) =>
    output.analysis.language === expected.language ? { score: 1 } : { score: 0, detail: `${output.analysis.language}, expected ${expected.language}` },
};

export const pacingScorer: AnalyzeScorer = {
  name: "pacing",
  kind: "soft",
  score: ({ output, expected }) => {
    if (!expected.pacing) return { score: null, detail: "the brief states no pacing" };
    return output.analysis.pacing === expected.pacing ? { score: 1 } : { score: 0, detail: `${output.analysis.pacing}, expected ${expected.pacing}` };
  },
};

export const contradictionScorer: AnalyzeScorer = {
  name: "contradiction_flagged",
  kind: "soft",
  score: ({ output, expected }) => {
    if (!expected.contradiction) return { score: null, detail: "no contradiction in the brief" };
    return output.analysis.warnings.length ? { score: 1 } : { score: 0, detail: "the analysis has no warning" };
  },
};

export const assumptionsScorer: AnalyzeScorer = {
  name: "assumptions",
  kind: "soft",
  score: ({ output, expected }) => {
    if (!expected.unsaid?.length) return { score: null, detail: "no unsaid topics listed" };
    const covered = new Set(output.analysis.assumptions.map((a) => topicOf(a.topic)));
    const missing = expected.unsaid.filter((t) => !covered.has(topicOf(t)));
    return { score: (expected.unsaid.length - missing.length) / expected.unsaid.length, detail: missing.length ? `no assumption for ${missing.join(", ")}` : undefined };
  },
};

export const ANALYZE_SCORERS: AnalyzeScorer[] = [
  coloursScorer,
  toneScorer,
  lengthScorer,
  ctaScorer,
  brandScorer,
  languageScorer,
  pacingScorer,
  contradictionScorer,
  assumptionsScorer,
];
