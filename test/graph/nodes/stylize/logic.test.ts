import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { buildPalette, checkStyle, stylizeOffline } from "../../../../graph/nodes/stylize/logic.js";
import { GenerationRequestSchema, type GenerationRequestInput } from "../../../../core/schemas/request.js";
import type { StyleGuide } from "../../../../core/schemas/style.js";

function styleFor(prompt: string, extra: Partial<GenerationRequestInput> = {}) {
  const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt, ...extra });
  const analysis = analyzeOffline(request, null);
  const storyboard = planOffline(request, analysis, null);
  return { analysis, style: stylizeOffline(request, analysis, storyboard) };
}

describe("stylizeOffline", () => {
  it("keeps the mood when a dark brief asks for a bright pastel palette, and says how", () => {
    const { analysis, style } = styleFor("dark moody ad for a perfume, with a bright pastel palette");
    expect(style.lighting).toMatch(/low-key/);
    expect(style.lighting).not.toMatch(/bright|high-key/);
    const c = style.resolved_conflicts.find((x) => x.brief === "dark");
    expect(c?.style).toMatch(/bright/);
    expect(c?.resolution).toMatch(/accents/);
    expect(style.palette).toContain("#FBC4D4");
    expect(checkStyle(style, analysis)).toEqual([]);
  });

  it("resolves minimalist vs busy towards negative space", () => {
    const { style } = styleFor("minimalist but busy maximal ad for a lamp");
    expect(style.environment).toMatch(/negative space/);
    expect(style.negative).toContain("clutter");
    expect(style.resolved_conflicts.map((c) => c.brief)).toContain("minimalist");
  });

  it("keeps brand colours in a black-and-white film", () => {
    const { style } = styleFor("black and white ad for a watch", { brand: { colors: ["#C8102E"] } });
    expect(style.palette[0]).toBe("#C8102E");
    expect(style.lighting).toMatch(/monochrome/);
    expect(style.resolved_conflicts[0]).toMatchObject({ brief: "brand colours", style: "black and white" });
  });

  it("mutes around saturated brand colours when the brief is calm", () => {
    const { style } = styleFor("calm, serene ad for tea", { brand: { colors: ["#FF0000"] } });
    expect(style.resolved_conflicts.some((c) => /muted/.test(c.resolution))).toBe(true);
    expect(style.mood).toMatch(/calm/);
  });

  it("derives complementary colours from the tone, brand colours first", () => {
    const playful = buildPalette(["#1E3A8A"], { key: "playful", s: 0.85, l: 0.6, palette: ["#FF6F91", "#FFC75F", "#00C9A7"] });
    const calm = buildPalette(["#1E3A8A"], { key: "calm", s: 0.35, l: 0.78, palette: ["#A8DADC", "#F1FAEE", "#457B9D"] });
    expect(playful[0]).toBe("#1E3A8A");
    expect(calm[0]).toBe("#1E3A8A");
    expect(playful[1]).not.toBe(calm[1]);
    expect(playful.length).toBeGreaterThanOrEqual(3);
    expect(buildPalette([], { key: "neutral", s: 0.5, l: 0.5, palette: ["#111111", "#222222", "#333333"] })).toEqual(["#111111", "#222222", "#333333"]);
  });

  it("names a concrete product anchor and a light anchor", () => {
    const { style } = styleFor("30s ad for an oat-milk cold brew called Oatly Chill, brand colours #1E3A8A and #F59E0B");
    expect(style.anchors[0]).toBe("the Oatly Chill oat-milk cold brew with a navy label");
    expect(style.anchors[1]).toBe("soft amber rim light");
  });
});

describe("checkStyle", () => {
  const { analysis, style } = styleFor("ad for sneakers", { brand: { colors: ["#1E3A8A", "#F59E0B"] } });
  const broken = (patch: Partial<StyleGuide>) => checkStyle({ ...style, ...patch }, analysis).join("\n");

  it("passes the offline style", () => expect(checkStyle(style, analysis)).toEqual([]));

  it("reports what is wrong", () => {
    expect(broken({ palette: ["#F59E0B", "#1E3A8A", "#FFFFFF"] })).toMatch(/must start with the brand colours in order/);
    expect(broken({ palette: ["#1E3A8A", "#F59E0B"] })).toMatch(/at least 3 colours/);
    expect(broken({ palette: ["#1E3A8A", "#F59E0B", "navy"] })).toMatch(/#RRGGBB: navy/);
    expect(broken({ lighting: "low-key moody light", mood: "bright and airy" })).toMatch(/dark vs bright/);
    expect(broken({ environment: "a minimal loft, busy with props" })).toMatch(/minimal vs busy/);
    expect(broken({ anchors: ["one"] })).toMatch(/2–4 visual anchors/);
    expect(broken({ negative: ["rim light"] })).toMatch(/"rim light" is both a negative term and part of the anchors/);
  });
});
