import { describe, expect, it } from "vitest";
import { COLOUR_NAMES, colourMatches, deltaE, matchColours, NAMED_TOLERANCE } from "../../../evals/scorers/colour.js";

describe("colour matching", () => {
  it("needs a hex code back exactly, in any case and in 3-digit form", () => {
    expect(colourMatches("#1E3A8A", "#1e3a8a")).toBe(true);
    expect(colourMatches("#FFFFFF", "#FFF")).toBe(true);
    expect(colourMatches("#1E3A8A", "#1E3A8B")).toBe(false);
    expect(colourMatches("#1E3A8A", "navy")).toBe(false);
  });

  it("accepts the usual hex values of a colour name and rejects other colours", () => {
    for (const [name, ok] of [["navy", "#000080"], ["navy", "#1E3A8A"], ["gold", "#FFD700"], ["gold", "#D4AF37"], ["green", "#22C55E"], ["green", "#008000"], ["magenta", "#FF00FF"]] as const)
      expect(colourMatches(name, ok), `${name} ~ ${ok}`).toBe(true);
    for (const [name, bad] of [["navy", "#FFD700"], ["pastel purple", "#7C3AED"], ["muted green", "#22C55E"], ["red", "#2563EB"], ["white", "#111111"]] as const)
      expect(colourMatches(name, bad), `${name} !~ ${bad}`).toBe(false);
  });

  it("throws for a colour name without a reference, so a typo in the data cannot pass silently", () => {
    expect(() => colourMatches("navvy", "#000080")).toThrow(/no reference value/);
  });

  it("measures distance perceptually (ΔE 0 for the same colour, large across hues)", () => {
    expect(deltaE("#123456", "#123456")).toBe(0);
    expect(deltaE("#FF0000", "#00FF00")).toBeGreaterThan(100);
    expect(deltaE("#FF0000", "not a colour")).toBe(Infinity);
    expect(NAMED_TOLERANCE).toBeLessThan(deltaE(COLOUR_NAMES.red!, COLOUR_NAMES.blue!));
  });

  it("pairs wanted colours with answers one to one and reports the rest", () => {
    expect(matchColours(["navy", "#F59E0B"], ["#1E3A8A", "#F59E0B"])).toEqual({ matched: 2, missing: [], extra: [] });
    expect(matchColours(["navy", "navy"], ["#1E3A8A"])).toEqual({ matched: 1, missing: ["navy"], extra: [] });
    expect(matchColours(["red"], ["#2563EB", "#DC2626"])).toEqual({ matched: 1, missing: [], extra: ["#2563EB"] });
    expect(matchColours([], ["#000000"])).toEqual({ matched: 0, missing: [], extra: ["#000000"] });
  });
});
