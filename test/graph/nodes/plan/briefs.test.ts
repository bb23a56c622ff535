import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { checkStoryboard } from "../../../../graph/nodes/plan/checks.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { subjectOf } from "../../../../core/vocabulary/words.js";
import { checkStyle, stylizeOffline } from "../../../../graph/nodes/stylize/logic.js";
import { buildAllMicroPrompts, buildMicroPrompt, MICRO_PROMPT_MAX } from "../../../../graph/nodes/stylize/microprompt.js";
import { AnalysisSchema } from "../../../../core/schemas/analysis.js";
import { GenerationRequestSchema, type GenerationRequestInput } from "../../../../core/schemas/request.js";
import { StoryboardSchema } from "../../../../core/schemas/storyboard.js";
import { StyleGuideSchema } from "../../../../core/schemas/style.js";

/**
 * The offline brain over a table of varied briefs: underspecified, contradictory, branded,
 * non-English. Every property the pipeline promises is checked for every brief.
 */
interface Case {
  name: string;
  request: Omit<GenerationRequestInput, "pipeline">;
  language: string;
  /** Topics the brief leaves unsaid: each needs an assumption. */
  unsaid: string[];
  /** Topics the brief does say: none may be "assumed". */
  said: string[];
  brand?: string | null;
  colors?: string[];
  cta?: string | null;
  duration?: number;
  /** Substrings expected among the analysis warnings. */
  warns?: string[];
  /** The style guide must report resolved conflicts. */
  conflicts?: boolean;
}

const CASES: Case[] = [
  {
    name: "the demo brief",
    request: { prompt: "30s ad for an oat-milk cold brew called Oatly Chill, playful, Gen Z, brand colours #1E3A8A and #F59E0B, end with Shop now" },
    language: "en", unsaid: ["setting", "pacing"], said: ["duration", "audience", "tone", "cta", "colours", "brand"],
    brand: "Oatly Chill", colors: ["#1E3A8A", "#F59E0B"], cta: "Shop now", duration: 30,
  },
  {
    name: "a one-word brief",
    request: { prompt: "sneakers" },
    language: "en", unsaid: ["duration", "audience", "tone", "setting", "cta", "colours", "pacing", "brand"], said: [],
    brand: null, colors: [], cta: null, duration: 30,
  },
  {
    name: "a vague brief",
    request: { prompt: "make something cool for our new thing" },
    language: "en", unsaid: ["duration", "audience", "setting", "cta", "colours", "brand", "product"], said: [],
    cta: null, duration: 30,
  },
  {
    name: "a self-contradictory brief",
    request: { prompt: "A calm but high-energy 45-second commercial for Nike running shoes, dark moody look but a bright pastel palette, minimalist yet busy, CTA: Just do it" },
    language: "en", unsaid: ["colours", "setting"], said: ["duration", "tone", "cta", "brand"],
    brand: "Nike", cta: "Just do it", duration: 45, warns: ['"calm" vs "high-energy"', '"dark" vs "bright"', '"minimalist" vs "busy"'], conflicts: true,
  },
  {
    name: "Spanish",
    request: { prompt: "Anuncio de 20 segundos para una app de finanzas llamada Ahorra, divertido, para jóvenes, colores azul y amarillo, termina con 'Descárgala hoy'" },
    language: "es", unsaid: ["setting"], said: ["duration", "tone", "cta", "colours", "brand", "audience"],
    brand: "Ahorra", colors: ["#2563EB", "#FACC15"], cta: "Descárgala hoy", duration: 20,
  },
  {
    name: "French",
    request: { prompt: "Publicité de 30 secondes pour un parfum de luxe appelé Nuit Blanche, élégant et calme, couleurs noir et or" },
    language: "fr", unsaid: ["audience", "setting", "cta"], said: ["duration", "tone", "colours", "brand"],
    brand: "Nuit Blanche", colors: ["#111111", "#D4AF37"], cta: null, duration: 30,
  },
  {
    name: "German",
    request: { prompt: "Werbespot für eine neue Uhr namens ZeitWerk, 15 Sekunden, ruhig und minimalistisch, im Büro" },
    language: "de", unsaid: ["audience", "cta", "colours"], said: ["duration", "tone", "brand", "setting"],
    brand: "ZeitWerk", cta: null, duration: 15,
  },
  {
    name: "Portuguese",
    request: { prompt: "Anúncio de 40 segundos para um café gelado chamado Brisa, divertido, na praia, cores verde e branco" },
    language: "pt", unsaid: ["audience", "cta"], said: ["duration", "tone", "colours", "brand", "setting"],
    brand: "Brisa", colors: ["#22C55E", "#FFFFFF"], cta: null, duration: 40,
  },
  {
    name: "Italian",
    request: { prompt: "Spot di 30 secondi per una pizza chiamata Bella Napoli, caldo e accogliente, in cucina, finisce con 'Ordina ora'" },
    language: "it", unsaid: ["audience", "colours"], said: ["duration", "tone", "cta", "brand", "setting"],
    brand: "Bella Napoli", cta: "Ordina ora", duration: 30,
  },
  {
    name: "brand facts in the request",
    request: {
      prompt: "ad for a photo editing app, fast-paced, neon, for creators",
      duration_s: 60, aspect_ratio: "9:16",
      brand: { name: "PixelPal", colors: ["#FF00AA", "#00D1FF", "#222"], tone: "bold", cta: { text: "Download free", duration_s: 4 } },
    },
    language: "en", unsaid: ["setting"], said: ["duration", "tone", "cta", "colours", "brand", "pacing"],
    brand: "PixelPal", colors: ["#FF00AA", "#00D1FF", "#222222"], cta: "Download free", duration: 60,
  },
  {
    name: "a length that conflicts with the request",
    request: { prompt: "45-second ad for a budgeting app that saves you 2 hours a week", duration_s: 20 },
    language: "en", unsaid: ["tone", "cta", "colours"], said: ["duration"], duration: 20, warns: ["45 s but the request asks for 20 s"],
  },
  {
    name: "a length out of range",
    request: { prompt: "90-second ad for an electric scooter, upbeat" },
    language: "en", unsaid: ["cta", "colours", "audience"], said: ["duration", "tone"], duration: 60, warns: ["an ad lasts 15–60 s"],
  },
  {
    name: "a slow premium car ad",
    request: { prompt: "Slow, cinematic 60 second ad for a premium electric SUV called Volta at golden hour on a coastal road, silver and black, CTA: Book a test drive" },
    language: "en", unsaid: ["audience"], said: ["duration", "tone", "cta", "colours", "brand", "setting", "pacing"],
    brand: "Volta", colors: ["#C0C0C0", "#111111"], cta: "Book a test drive", duration: 60,
  },
  {
    name: "a fast energy-drink ad",
    request: { prompt: "Fast, punchy 15s TikTok ad for an energy drink 'Zap', neon green #39FF14, Gen Z, quick cuts, end with 'Grab a Zap'" },
    language: "en", unsaid: ["setting"], said: ["duration", "tone", "cta", "colours", "brand", "audience", "pacing"],
    brand: "Zap", colors: ["#39FF14"], cta: "Grab a Zap", duration: 15,
  },
  {
    name: "black and white with brand colours",
    request: { prompt: "A heartwarming 50 second spot for a family insurance company, emotional, in a kitchen, black and white, brand colours navy and gold" },
    language: "en", unsaid: ["cta", "brand"], said: ["duration", "tone", "colours", "setting"],
    brand: null, colors: ["#1E3A8A", "#D4AF37"], cta: null, duration: 50, conflicts: true,
  },
  {
    name: "vintage yet futuristic",
    request: { prompt: "Vintage yet futuristic 35mm film grain ad for headphones called Echo, 25s, for gamers" },
    language: "en", unsaid: ["cta", "colours", "setting"], said: ["duration", "brand", "audience"],
    brand: "Echo", duration: 25, warns: ['"vintage" vs "futuristic"'], conflicts: true,
  },
  {
    name: "a pet-food ad with one brand colour",
    request: { prompt: "dog food ad, 30 seconds, playful, for dog owners, in the park, brand colour #E63946, highlighting real chicken and happy walks" },
    language: "en", unsaid: ["cta"], said: ["duration", "tone", "audience", "setting", "colours", "key_messages"],
    colors: ["#E63946"], cta: null, duration: 30,
  },
];

function run(c: Case) {
  const request = GenerationRequestSchema.parse({ pipeline: "ad", ...c.request });
  const analysis = analyzeOffline(request, null);
  const storyboard = planOffline(request, analysis, null);
  const style = stylizeOffline(request, analysis, storyboard);
  const prompts = buildAllMicroPrompts(style, storyboard, analysis);
  return { request, analysis, storyboard, style, prompts };
}

describe("offline brain over varied briefs", () => {
  it("has at least 15 briefs, some non-English, some contradictory, some underspecified", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CASES.map((c) => c.language)).size).toBeGreaterThanOrEqual(6);
    expect(CASES.filter((c) => c.conflicts).length).toBeGreaterThanOrEqual(2);
    expect(CASES.filter((c) => c.unsaid.length >= 6).length).toBeGreaterThanOrEqual(2);
  });

  describe.each(CASES)("$name", (c) => {
    const { request, analysis, storyboard, style, prompts } = run(c);

    it("reads the brief: language, length, brand, colours, CTA", () => {
      expect(() => AnalysisSchema.parse(analysis)).not.toThrow();
      expect(analysis.language).toBe(c.language);
      if (c.duration !== undefined) expect(analysis.duration_s).toBe(c.duration);
      if (c.brand !== undefined) expect(analysis.brand.name).toBe(c.brand);
      if (c.colors) expect(analysis.brand.colors.slice(0, c.colors.length)).toEqual(c.colors);
      if (c.cta !== undefined) expect(analysis.brand.cta?.text ?? null).toBe(c.cta);
      for (const w of c.warns ?? []) expect(analysis.warnings.join("\n")).toContain(w);
    });

    it("records an assumption for each thing left unsaid, and none for what was said", () => {
      const topics = analysis.assumptions.map((a) => a.topic);
      for (const t of c.unsaid) expect(topics, `assumption for ${t}`).toContain(t);
      for (const t of c.said) expect(topics, `no assumption for ${t}`).not.toContain(t);
      for (const a of analysis.assumptions) expect(a.assumption.length).toBeGreaterThan(10);
    });

    it("plans 3–5 scenes that add up exactly, with 4–7 s shots and varied framing", () => {
      expect(() => StoryboardSchema.parse(storyboard)).not.toThrow();
      expect(checkStoryboard(storyboard, { pipeline: "ad", duration_s: analysis.duration_s, cta: analysis.brand.cta })).toEqual([]);
      const n = storyboard.scenes.length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
      const ms = storyboard.scenes.reduce((a, s) => a + Math.round(s.duration_s * 1000), 0);
      expect(ms).toBe(Math.round(analysis.duration_s * 1000));
      expect(storyboard.duration_s).toBe(analysis.duration_s);
      storyboard.scenes.forEach((s, i) => {
        expect(s.id).toBe(`scene_${i + 1}`);
        if (i > 0) expect(s.shot_type).not.toBe(storyboard.scenes[i - 1]!.shot_type);
        for (const shot of s.shots) {
          expect(shot.duration_s).toBeGreaterThanOrEqual(4);
          expect(shot.duration_s).toBeLessThanOrEqual(7);
        }
        expect(s.shots.reduce((a, x) => a + Math.round(x.duration_s * 1000), 0)).toBe(Math.round(s.duration_s * 1000));
        expect(s.description).toContain(subjectOf(analysis));
      });
      expect(storyboard.scenes[0]!.purpose).toBe("hook");
      expect(storyboard.timing).toBe("heuristic");
    });

    it("ends on the CTA when the brand has one", () => {
      const last = storyboard.scenes.at(-1)!;
      if (analysis.brand.cta) {
        expect(storyboard.cta).not.toBeNull();
        expect(storyboard.cta!.text).toBe(analysis.brand.cta.text);
        expect(storyboard.cta!.start_s + storyboard.cta!.duration_s).toBeCloseTo(storyboard.duration_s, 6);
        expect(last.purpose).toBe("cta");
        expect(last.text).toBe(analysis.brand.cta.text);
      } else {
        expect(storyboard.cta).toBeNull();
        expect(last.purpose).toBe("close");
      }
    });

    it("holds one style: brand colours first, 2–4 anchors, no contradictions left", () => {
      expect(() => StyleGuideSchema.parse(style)).not.toThrow();
      expect(checkStyle(style, analysis)).toEqual([]);
      expect(style.palette.length).toBeGreaterThanOrEqual(3);
      expect(style.palette.slice(0, analysis.brand.colors.length)).toEqual(analysis.brand.colors);
      expect(style.anchors.length).toBeGreaterThanOrEqual(2);
      expect(style.anchors.length).toBeLessThanOrEqual(4);
      if (c.conflicts) expect(style.resolved_conflicts.length).toBeGreaterThan(0);
    });

    it("puts brand colours early and the anchors in every micro-prompt", () => {
      expect(Object.keys(prompts)).toEqual(storyboard.scenes.map((s) => s.id));
      for (const scene of storyboard.scenes) {
        const texts = [prompts[scene.id]!, ...scene.shots.map((_, j) => buildMicroPrompt({ style, scene, shotIndex: j, analysis }))];
        for (const p of texts) {
          expect(p.length).toBeLessThanOrEqual(MICRO_PROMPT_MAX);
          for (const hex of analysis.brand.colors) {
            expect(p.indexOf(hex)).toBeGreaterThanOrEqual(0);
            expect(p.indexOf(hex)).toBeLessThan(150);
          }
          for (const anchor of style.anchors) expect(p).toContain(anchor);
        }
      }
    });

    it("is deterministic", () => {
      expect(run(c)).toEqual({ request, analysis, storyboard, style, prompts });
    });
  });

  it("plans in well under 5 ms per brief", () => {
    const inputs = CASES.map((c) => {
      const request = GenerationRequestSchema.parse({ pipeline: "ad", ...c.request });
      return { request, analysis: analyzeOffline(request, null) };
    });
    for (const { request, analysis } of inputs) planOffline(request, analysis, null);
    const rounds = 20;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const { request, analysis } of inputs) planOffline(request, analysis, null);
    const perPlan = (performance.now() - t0) / (rounds * inputs.length);
    expect(perPlan).toBeLessThan(5);
  });
});
