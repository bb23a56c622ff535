import { SCENE_COUNTS } from "../../graph/nodes/plan/checks.js";
import { AD_SHOT_MAX_S, AD_SHOT_MIN_S } from "../../graph/nodes/plan/logic.js";
import { checkStyle } from "../../graph/nodes/stylize/logic.js";
import { normalizeHex, type Pipeline } from "../../core/schemas/request.js";
import type { StyleGuide } from "../../core/schemas/style.js";
import { checkTimeline } from "../../core/timeline/invariants.js";
import type { Scorer } from "../core/types.js";
import type { Brief } from "../datasets/briefs.js";
import type { PlannedBrief } from "../pipeline.js";
import { normText } from "./analyze.js";

/**
 * The plan suite's hard constraints. Each is written here from the contract rather than by
 * calling the planner's own validator, so a bug shared by planner and validator still shows.
 */

export interface PlanExpected {
  pipeline: Pipeline;
  /** What the video must last: the brief's length, or the song's. */
  duration_s: number;
  /** A music video asked to stop before the song ends on a bar: the end may move by up to one bar. */
  endSlack_s: number;
  cta: string | null;
  pacing?: "slow" | "medium" | "fast";
}
export type PlanScorer = Scorer<Brief, PlannedBrief, PlanExpected>;

const TOL = 0.002;
const fmt = (s: number) => `${Math.round(s * 1000) / 1000} s`;

/** Score of a list of checks: the share that hold, and the first that failed. */
function checks(list: [boolean, string][]): { score: number; detail?: string } {
  const failed = list.filter(([ok]) => !ok).map(([, why]) => why);
  return { score: (list.length - failed.length) / list.length, detail: failed.length ? failed.slice(0, 3).join("; ") : undefined };
}

export const sceneCountScorer: PlanScorer = {
  name: "scene_count",
  kind: "hard",
  score: ({ output, expected }) => {
    const [lo, hi] = SCENE_COUNTS[expected.pipeline];
    const n = output.storyboard.scenes.length;
    return n >= lo && n <= hi ? { score: 1 } : { score: 0, detail: `${n} scenes; ${expected.pipeline} needs ${lo}–${hi}` };
  },
};

export const sceneLengthsScorer: PlanScorer = {
  name: "scene_lengths",
  kind: "hard",
  score: ({ output, expected }) => {
    const list: [boolean, string][] = [];
    for (const s of output.storyboard.scenes) {
      if (expected.pipeline === "ad") {
        for (const shot of s.shots)
          list.push([shot.duration_s >= AD_SHOT_MIN_S - TOL && shot.duration_s <= AD_SHOT_MAX_S + TOL, `${shot.id} lasts ${fmt(shot.duration_s)} (ad shots ${AD_SHOT_MIN_S}–${AD_SHOT_MAX_S} s)`]);
      } else {
        list.push([s.duration_s >= 1 - TOL, `${s.id} lasts ${fmt(s.duration_s)} (music scenes ≥ 1 s)`]);
      }
    }
    return list.length ? checks(list) : { score: 0, detail: "no scenes" };
  },
};

export const sumsScorer: PlanScorer = {
  name: "sums",
  kind: "hard",
  score: ({ output }) => {
    const sb = output.storyboard;
    let at = 0;
    let backToBack = true;
    let shotsAddUp = true;
    for (const s of sb.scenes) {
      if (Math.abs(s.start_s - at) > TOL) backToBack = false;
      if (Math.abs(s.shots.reduce((a, x) => a + x.duration_s, 0) - s.duration_s) > TOL) shotsAddUp = false;
      at += s.duration_s;
    }
    const problems = checkTimeline(output.timeline);
    return checks([
      [backToBack, "scenes are not back to back"],
      [shotsAddUp, "a scene's shots do not add up to its length"],
      [Math.abs(sb.duration_s - at) <= TOL, `duration_s ${fmt(sb.duration_s)} but the scenes add up to ${fmt(at)}`],
      [problems.length === 0, `timeline: ${problems.map((p) => p.message).join("; ")}`],
    ]);
  },
};

export const lengthScorer: PlanScorer = {
  name: "length_as_briefed",
  kind: "hard",
  score: ({ output, expected }) => {
    const total = output.storyboard.scenes.reduce((a, s) => a + s.duration_s, 0);
    const off = total - expected.duration_s;
    // A music video stopped before the song's end ends on the nearest bar: up to a bar early or a quarter bar late.
    const ok = expected.endSlack_s > 0 ? off <= expected.endSlack_s / 4 + TOL && off >= -expected.endSlack_s - TOL : Math.abs(off) <= TOL;
    return ok ? { score: 1 } : { score: 0, detail: `the scenes add up to ${fmt(total)}, the brief asks for ${fmt(expected.duration_s)}` };
  },
};

export const shotDiversityScorer: PlanScorer = {
  name: "shot_diversity",
  kind: "hard",
  score: ({ output, expected }) => {
    const types = output.storyboard.scenes.map((s) => s.shot_type);
    if (types.length < 2) return { score: 1 };
    const repeats = types.slice(1).map((t, i) => t === types[i]).filter(Boolean).length;
    const distinct = new Set(types).size;
    const wanted = Math.min(expected.pipeline === "ad" ? 3 : 4, types.length);
    return checks([
      [repeats === 0, `${repeats} adjacent scene pair(s) share a shot type (${types.join(", ")})`],
      [distinct >= wanted, `only ${distinct} distinct shot types, ${wanted} wanted`],
    ]);
  },
};

export const ctaAtEndScorer: PlanScorer = {
  name: "cta_at_end",
  kind: "hard",
  score: ({ output, expected }) => {
    if (expected.cta === null) return { score: null, detail: "the brief asks for no CTA" };
    const c = output.storyboard.cta;
    const t = output.timeline;
    if (!c) return { score: 0, detail: `no CTA; "${expected.cta}" must close the video` };
    return checks([
      [normText(c.text) === normText(expected.cta), `the CTA reads "${c.text}", expected "${expected.cta}"`],
      [Math.abs(c.start_s + c.duration_s - output.storyboard.duration_s) <= TOL, `the CTA ends at ${fmt(c.start_s + c.duration_s)}, the video at ${fmt(output.storyboard.duration_s)}`],
      [!!t.cta && Math.abs(t.cta.start_s + t.cta.duration_s - t.duration_s) <= TOL, "the timeline's CTA does not close the video"],
    ]);
  },
};

export const promptColoursScorer: PlanScorer = {
  name: "prompts_brand_colours",
  kind: "hard",
  score: ({ output }) => {
    const colours = [...new Set(output.analysis.brand.colors.map(normalizeHex))];
    if (!colours.length) return { score: null, detail: "no brand colours" };
    const prompts = Object.entries(output.prompts);
    const lacking = prompts.filter(([, p]) => colours.some((c) => !p.toUpperCase().includes(c)));
    return { score: prompts.length ? 1 - lacking.length / prompts.length : 0, detail: lacking.length ? `${lacking.map(([id]) => id).join(", ")} lack ${colours.join(", ")}` : undefined };
  },
};

/** An anchor is carried when its opening words are (micro-prompts may shorten a long anchor). */
function carries(prompt: string, anchor: string): boolean {
  const head = anchor.toLowerCase().slice(0, 24).replace(/[\s,;:]+\S*$/, "") || anchor.toLowerCase().slice(0, 24);
  return prompt.toLowerCase().includes(head);
}

export const promptAnchorsScorer: PlanScorer = {
  name: "prompts_style_anchors",
  kind: "hard",
  score: ({ output }) => {
    const anchors = output.style.anchors;
    const prompts = Object.entries(output.prompts);
    if (!prompts.length) return { score: 0, detail: "no micro-prompts" };
    const lacking = prompts.filter(([, p]) => anchors.some((a) => !carries(p, a)));
    const first = lacking[0];
    return {
      score: 1 - lacking.length / prompts.length,
      detail: first ? `${lacking.length} prompt(s) lack an anchor, e.g. ${first[0]} lacks "${anchors.find((a) => !carries(first[1], a))}"` : undefined,
    };
  },
};

/** Pairs of terms that cannot describe the same clip. */
const OPPOSITES: [RegExp, RegExp, string][] = [
  [/\b(?:low-key|moody|gloomy|shadowy|dimly lit)\b/i, /\b(?:high-key|airy|sun-drenched|sunny)\b/i, "dark vs bright light"],
  // "busy" alone often describes people ("busy parents"); only a busy picture contradicts a minimal one.
  [/\b(?:minimal|minimalist|pared[- ]back|negative space)\b/i, /\b(?:cluttered|maximalist|(?:busy|maximal) (?:composition|frames?|backgrounds?|sets?|look|layout|visuals?))\b/i, "minimal vs busy"],
  [/\b(?:muted|desaturated|washed-out)\b/i, /\b(?:vibrant|saturated|neon)\b/i, "muted vs vibrant"],
  [/\b(?:black and white|monochrome)\b/i, /\b(?:colou?rful|rainbow|vibrant)\b/i, "monochrome vs colourful"],
  [/\b(?:serene|calm|tranquil)\b/i, /\b(?:frantic|chaotic|frenetic|hectic)\b/i, "calm vs frantic"],
  [/\b(?:daylight|midday sun|sunlit)\b/i, /\b(?:night|night-time|nighttime|moonlit)\b/i, "day vs night"],
];

/** The first pair of opposed terms in a text, or null. */
export function findOpposedTerms(text: string): string | null {
  for (const [a, b, label] of OPPOSITES) {
    const ma = a.exec(text)?.[0];
    const mb = b.exec(text)?.[0];
    if (ma && mb) return `${label}: "${ma}" and "${mb}"`;
  }
  return null;
}

function styleText(s: StyleGuide): string {
  return [s.lighting, s.environment, s.camera, s.texture, s.mood, ...s.anchors].join(" | ");
}

export const styleContradictionScorer: PlanScorer = {
  name: "no_contradictory_style",
  kind: "hard",
  score: ({ output }) => {
    const inStyle = findOpposedTerms(styleText(output.style));
    if (inStyle) return { score: 0, detail: `style guide: ${inStyle}` };
    for (const [id, p] of Object.entries(output.prompts)) {
      const found = findOpposedTerms(p);
      if (found) return { score: 0, detail: `${id}: ${found}` };
    }
    return { score: 1 };
  },
};

export const styleGuideScorer: PlanScorer = {
  name: "style_guide_sound",
  kind: "hard",
  score: ({ output }) => {
    const problems = checkStyle(output.style, output.analysis);
    return problems.length ? { score: 0, detail: problems.slice(0, 2).join("; ") } : { score: 1 };
  },
};

export const PLAN_HARD_SCORERS: PlanScorer[] = [
  sceneCountScorer,
  sceneLengthsScorer,
  sumsScorer,
  lengthScorer,
  shotDiversityScorer,
  ctaAtEndScorer,
  promptColoursScorer,
  promptAnchorsScorer,
  styleContradictionScorer,
  styleGuideScorer,
];
