import { describe, expect, it } from "vitest";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { GenerationRequestSchema } from "../../../core/schemas/request.js";
import { buildAllMicroPrompts } from "../../../graph/nodes/stylize/microprompt.js";
import { timelineFromStoryboard } from "../../../core/timeline/build.js";
import { nodeBrain } from "../../../evals/brain.js";
import { loadBriefs, type Brief } from "../../../evals/datasets/briefs.js";
import { planBrief, type PlannedBrief } from "../../../evals/pipeline.js";
import {
  ctaAtEndScorer, findOpposedTerms, lengthScorer, PLAN_HARD_SCORERS, promptAnchorsScorer, promptColoursScorer, sceneCountScorer, sceneLengthsScorer, shotDiversityScorer,
  styleContradictionScorer, sumsScorer, type PlanExpected, type PlanScorer,
} from "../../../evals/scorers/plan.js";
import { bandScore, narrativeArcScorer, pacingFitScorer, roleOf } from "../../../evals/scorers/soft.js";
import { offlineContext } from "../helpers.js";

const ctx = offlineContext();
const brief = loadBriefs().find((b) => b.id === "ad30-oat-cold-brew")!;
const expected: PlanExpected = { pipeline: "ad", duration_s: 30, endSlack_s: 0, cta: "Shop now" };
const run = (s: PlanScorer, output: PlannedBrief, exp: PlanExpected = expected, input: Brief = brief) =>
  s.score({ input, output, expected: exp, ctx }) as { score: number | null; detail?: string };

describe("plan scorers on an offline plan", async () => {
  const good = await planBrief(brief, ctx);

  it("every hard constraint holds for the demo brief", () => {
    for (const s of PLAN_HARD_SCORERS) expect(run(s, good), s.name).toMatchObject({ score: 1 });
  });

  it("scene count and lengths follow the pipeline's rules", () => {
    const few = structuredClone(good);
    few.storyboard.scenes = few.storyboard.scenes.slice(0, 2);
    expect(run(sceneCountScorer, few)).toMatchObject({ score: 0, detail: expect.stringContaining("3–5") });
    const long = structuredClone(good);
    long.storyboard.scenes[0]!.shots[0]!.duration_s = 9;
    expect(run(sceneLengthsScorer, long).score).toBeLessThan(1);
    expect(run(sceneLengthsScorer, long).detail).toMatch(/lasts 9 s \(ad shots 4–7 s\)/);
  });

  it("sums catch gaps and a wrong total; the length must be the brief's", () => {
    const gap = structuredClone(good);
    gap.storyboard.scenes[1]!.start_s += 0.5;
    expect(run(sumsScorer, gap).detail).toMatch(/not back to back/);
    const short = structuredClone(good);
    short.storyboard.scenes[0]!.duration_s -= 1;
    short.storyboard.scenes[0]!.shots[0]!.duration_s -= 1;
    expect(run(sumsScorer, short).detail).toMatch(/duration_s 30 s but the scenes add up to 29 s/);
    expect(run(lengthScorer, short)).toMatchObject({ score: 0, detail: "the scenes add up to 29 s, the brief asks for 30 s" });
    expect(run(lengthScorer, good, { ...expected, duration_s: 30.5, endSlack_s: 2 }).score).toBe(1);
    expect(run(lengthScorer, good, { ...expected, duration_s: 27, endSlack_s: 2 }).score).toBe(0);
  });

  it("shot diversity: adjacent scenes differ and enough framings are used", () => {
    const same = structuredClone(good);
    for (const s of same.storyboard.scenes) s.shot_type = "medium";
    const r = run(shotDiversityScorer, same);
    expect(r.score).toBe(0);
    expect(r.detail).toMatch(/adjacent scene pair/);
  });

  it("the CTA must read as briefed and close the storyboard and the timeline", () => {
    const moved = structuredClone(good);
    moved.storyboard.cta = { ...moved.storyboard.cta!, start_s: 10 };
    expect(run(ctaAtEndScorer, moved).score).toBeCloseTo(2 / 3, 5);
    const none = structuredClone(good);
    none.storyboard.cta = null;
    expect(run(ctaAtEndScorer, none).score).toBe(0);
    expect(run(ctaAtEndScorer, good, { ...expected, cta: "Buy now" }).detail).toMatch(/reads "Shop now"/);
    expect(run(ctaAtEndScorer, good, { ...expected, cta: null }).score).toBeNull();
  });

  it("every micro-prompt must carry the brand colours and the style anchors", () => {
    const p = structuredClone(good);
    const first = Object.keys(p.prompts)[0]!;
    p.prompts[first] = p.prompts[first]!.replace(/#1E3A8A/gi, "").replace(/Keep: [^.]*\./, "");
    const n = Object.keys(p.prompts).length;
    expect(run(promptColoursScorer, p)).toMatchObject({ score: 1 - 1 / n, detail: expect.stringContaining(first) });
    expect(run(promptAnchorsScorer, p).score).toBeCloseTo(1 - 1 / n, 5);
    const plain = structuredClone(good);
    plain.analysis.brand.colors = [];
    expect(run(promptColoursScorer, plain).score).toBeNull();
  });

  it("finds opposed style terms in the style guide or a prompt, but not a busy audience", () => {
    expect(findOpposedTerms("low-key light, sunny beach")).toMatch(/dark vs bright/);
    expect(findOpposedTerms("pared back set; busy composition")).toMatch(/minimal vs busy/);
    expect(findOpposedTerms("a pared back office for busy parents")).toBeNull();
    expect(findOpposedTerms("desaturated grade")).toBeNull();
    const c = structuredClone(good);
    c.style.mood = "serene yet frantic";
    expect(run(styleContradictionScorer, c)).toMatchObject({ score: 0, detail: expect.stringMatching(/^style guide: calm vs frantic/) });
  });

  it("narrative arc: hook first, CTA last, a payoff between, roles in order", () => {
    expect(run(narrativeArcScorer, good).score).toBe(1);
    const r = structuredClone(good);
    r.storyboard.scenes.reverse();
    const s = run(narrativeArcScorer, r);
    expect(s.score).toBeLessThanOrEqual(0.25);
    expect(s.detail).toMatch(/not a hook/);
    expect(roleOf("Call to action: the end card", "ad")).toBe("cta");
    expect(roleOf("Pre-chorus build", "music_video")).toBe("pre-chorus");
  });

  it("pacing: shot lengths inside the band for the pace score 1, falling off outside", () => {
    expect(bandScore(5, [0, 5])).toBe(1);
    expect(bandScore(5.75, [0, 5])).toBeCloseTo(0.5, 5);
    expect(bandScore(9, [0, 5])).toBe(0);
    const withShots = (len: number) => {
      const p = structuredClone(good);
      for (const sc of p.storyboard.scenes) for (const shot of sc.shots) shot.duration_s = len;
      return p;
    };
    expect(run(pacingFitScorer, withShots(4), { ...expected, pacing: "fast" }).score).toBe(1);
    const slow = run(pacingFitScorer, withShots(4), { ...expected, pacing: "slow" });
    expect(slow.score).toBe(0);
    expect(slow.detail).toMatch(/slow pace wants shots of 5.5–∞ s, mean is 4 s/);
    expect(run(pacingFitScorer, withShots(7), { ...expected, pacing: "slow" }).score).toBe(1);
    expect(run(pacingFitScorer, withShots(7), { ...expected, pacing: "fast" }).score).toBe(0);
  });
});

describe("plan scorers on a music video (synthetic 120 BPM grid)", () => {
  const beats = Array.from({ length: 160 }, (_, i) => i * 0.5);
  const audio: AudioAnalysis = { duration_s: 80, bpm: 120, beats_s: beats, downbeats_s: beats.filter((_, i) => i % 4 === 0), beats_per_bar: 4, confidence: 0.9, notes: [] };
  const brain = nodeBrain(null, { fps: 30 });
  const request = GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "Upbeat pop music video on a beach", audio: { url: "eval-tracks/x.wav" } });
  const mexp: PlanExpected = { pipeline: "music_video", duration_s: 80, endSlack_s: 0, cta: null };

  it("passes the music rules and the intro → verse → chorus → outro arc", async () => {
    const analysis = (await brain.analyze({ request, audio })).value;
    const storyboard = (await brain.plan({ request, analysis, audio })).value;
    const style = (await brain.stylize({ request, analysis, storyboard })).value;
    const prompts = buildAllMicroPrompts(style, storyboard, analysis);
    const timeline = timelineFromStoryboard({ generationId: "gen_t", storyboard, prompts, size: { width: 1280, height: 720 }, fps: 30, audio: { src: "x.wav", analysis: audio, downbeats_s: storyboard.music?.downbeats_s } });
    const out: PlannedBrief = { request, track: null, analysis, warnings: [], storyboard, style, prompts, timeline };
    for (const s of [sceneCountScorer, sceneLengthsScorer, sumsScorer, lengthScorer, shotDiversityScorer]) expect(run(s, out, mexp), s.name).toMatchObject({ score: 1 });
    expect(run(narrativeArcScorer, out, mexp).score).toBe(1);
    const noChorus = structuredClone(out);
    for (const s of noChorus.storyboard.scenes) if (/chorus/.test(s.purpose)) s.purpose = "verse";
    expect(run(narrativeArcScorer, noChorus, mexp).detail).toMatch(/no chorus/);
  });
});
