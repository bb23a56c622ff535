import type { PlanScorer } from "./plan.js";

/**
 * The plan suite's soft scores: does the story move from hook to CTA (or intro to outro), and do
 * the cuts come at the pace the brief asked for. Graded, not pass/fail.
 */

const AD_ROLES: [string, RegExp][] = [
  ["hook", /hook|open|attention|tease|intro/i],
  ["problem", /problem|pain|challenge|tension|struggle|set-?up|before/i],
  ["benefit", /benefit|solution|product|reveal|demo|feature|payoff|transform|hero/i],
  ["proof", /proof|testimonial|social|result|evidence|trust|review/i],
  ["cta", /cta|call|clos|end|outro|action|logo|pack|sign-?off/i],
];
const AD_RANK: Record<string, number> = { hook: 0, problem: 1, benefit: 2, proof: 2, cta: 3 };

const MUSIC_ROLES: [string, RegExp][] = [
  ["intro", /intro|open/i],
  ["pre-chorus", /pre-?chorus|build/i],
  ["chorus", /chorus|hook|drop|peak/i],
  ["verse", /verse/i],
  ["bridge", /bridge|break/i],
  ["outro", /outro|end|clos|coda/i],
];

/** The canonical role a free-text purpose names ("Hook: a splash of foam" → hook), or null. */
export function roleOf(purpose: string, pipeline: "ad" | "music_video"): string | null {
  for (const [role, re] of pipeline === "ad" ? AD_ROLES : MUSIC_ROLES) if (re.test(purpose)) return role;
  return null;
}

export const narrativeArcScorer: PlanScorer = {
  name: "narrative_arc",
  kind: "soft",
  score: ({ output, expected }) => {
    const purposes = output.storyboard.scenes.map((s) => s.purpose);
    const roles = purposes.map((p) => roleOf(p, expected.pipeline));
    const list: [boolean, string][] = [];
    if (expected.pipeline === "ad") {
      const middle = roles.slice(1, -1);
      const ranks = roles.filter((r): r is string => r !== null).map((r) => AD_RANK[r]!);
      list.push(
        [roles[0] === "hook", `opens on "${purposes[0]}", not a hook`],
        [roles[roles.length - 1] === "cta", `ends on "${purposes[purposes.length - 1]}", not the CTA/close`],
        [middle.some((r) => r === "benefit" || r === "proof"), "no benefit or proof scene between hook and close"],
        [ranks.every((r, i) => i === 0 || r >= ranks[i - 1]!), `roles out of order: ${roles.map((r) => r ?? "?").join(" → ")}`],
      );
    } else {
      const firstChorus = roles.indexOf("chorus");
      list.push(
        [roles[0] === "intro", `opens on "${purposes[0]}", not an intro`],
        [roles[roles.length - 1] === "outro", `ends on "${purposes[purposes.length - 1]}", not an outro`],
        [firstChorus >= 0, "no chorus"],
        [firstChorus > 0 && roles.slice(0, firstChorus).includes("verse"), "no verse before the first chorus"],
      );
    }
    const failed = list.filter(([ok]) => !ok).map(([, why]) => why);
    return { score: (list.length - failed.length) / list.length, detail: failed.length ? failed.join("; ") : undefined };
  },
};

/** Average-shot-length bands (seconds) that read as each pace. */
const AD_BANDS: Record<"slow" | "medium" | "fast", [number, number]> = { fast: [0, 5], medium: [4.5, 6.2], slow: [5.5, 99] };
const MUSIC_BANDS: Record<"slow" | "medium" | "fast", [number, number]> = { fast: [1.5, 6], medium: [3, 9], slow: [5, 12] };

/** 1 inside the band, falling linearly to 0 at `falloff` seconds outside it. */
export function bandScore(x: number, [lo, hi]: [number, number], falloff = 1.5): number {
  const out = x < lo ? lo - x : x > hi ? x - hi : 0;
  return Math.max(0, 1 - out / falloff);
}

export const pacingFitScorer: PlanScorer = {
  name: "pacing_fit",
  kind: "soft",
  score: ({ output, expected }) => {
    const pacing = expected.pacing ?? output.analysis.pacing;
    const sb = output.storyboard;
    const units = expected.pipeline === "ad" ? sb.scenes.flatMap((s) => s.shots.map((x) => x.duration_s)) : sb.scenes.map((s) => s.duration_s);
    if (!units.length) return { score: 0, detail: "no scenes" };
    const mean = units.reduce((a, b) => a + b, 0) / units.length;
    const band = (expected.pipeline === "ad" ? AD_BANDS : MUSIC_BANDS)[pacing];
    const score = bandScore(mean, band);
    const what = expected.pipeline === "ad" ? "shots" : "scenes";
    return { score, detail: score < 1 ? `${pacing} pace wants ${what} of ${band[0]}–${band[1] >= 99 ? "∞" : band[1]} s, mean is ${Math.round(mean * 100) / 100} s` : undefined };
  },
};

export const PLAN_SOFT_SCORERS: PlanScorer[] = [narrativeArcScorer, pacingFitScorer];
