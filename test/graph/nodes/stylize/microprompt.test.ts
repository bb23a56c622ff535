import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { stylizeOffline } from "../../../../graph/nodes/stylize/logic.js";
import { buildAllMicroPrompts, buildMicroPrompt, MICRO_PROMPT_MAX } from "../../../../graph/nodes/stylize/microprompt.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for an oat-milk cold brew called Oatly Chill, playful, Gen Z, brand colours #1E3A8A and #F59E0B, end with Shop now" });
const analysis = analyzeOffline(request, null);
const storyboard = planOffline(request, analysis, null);
const style = stylizeOffline(request, analysis, storyboard);

describe("buildMicroPrompt", () => {
  it("orders brand colours, anchors, the shot, then the look", () => {
    const scene = storyboard.scenes[2]!;
    const p = buildMicroPrompt({ style, scene, analysis });
    expect(p.startsWith("Brand colours navy #1E3A8A, amber #F59E0B")).toBe(true);
    const at = (s: string) => p.indexOf(s);
    expect(at("#F59E0B")).toBeLessThan(at(style.anchors[0]!));
    expect(at(style.anchors.at(-1)!)).toBeLessThan(at("Close up shot"));
    expect(at("Close up shot")).toBeLessThan(at("Lighting:"));
    expect(p).toContain(scene.shots[0]!.camera_move);
    expect(p).not.toContain("Benefit:");
  });

  it("describes one shot when asked", () => {
    const scene = storyboard.scenes[2]!;
    const p = buildMicroPrompt({ style, scene, shotIndex: 1, analysis });
    const shot = scene.shots[1]!;
    expect(p).toContain(`${shot.shot_type.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())} shot, ${shot.camera_move}`);
    expect(p).toContain(shot.description.slice(0, 30));
  });

  it("stays within bounds with long inputs, keeping colours and anchors", () => {
    const long = { ...style, anchors: [...style.anchors.slice(0, 2), "x".repeat(200)], lighting: "very ".repeat(100), texture: "grain ".repeat(50) };
    const scene = { ...storyboard.scenes[0]!, description: "a very long description ".repeat(40) };
    const p = buildMicroPrompt({ style: long, scene, analysis });
    expect(p.length).toBeLessThanOrEqual(MICRO_PROMPT_MAX);
    expect(p).toContain("#1E3A8A");
    expect(p).toContain(style.anchors[0]!);
    expect(p).toContain("Extreme close up shot");
  });

  it("falls back to the palette when there are no brand colours", () => {
    const plain = { ...analysis, brand: { ...analysis.brand, colors: [] } };
    const p = buildMicroPrompt({ style, scene: storyboard.scenes[0]!, analysis: plain });
    expect(p.startsWith(`Palette navy ${style.palette[0]}`)).toBe(true);
  });

  it("is deterministic and covers every scene", () => {
    const a = buildAllMicroPrompts(style, storyboard, analysis);
    expect(buildAllMicroPrompts(style, storyboard, analysis)).toEqual(a);
    expect(Object.keys(a)).toEqual(storyboard.scenes.map((s) => s.id));
    expect(new Set(Object.values(a)).size).toBe(storyboard.scenes.length);
  });
});
