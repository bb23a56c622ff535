import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { generationRequestSchema } from "../../../../core/schemas/request.js";

/**
 * Two more long, structured briefs, unlike nimbus-long.txt in product, structure and language,
 * so the analyst is held to reading sections in general rather than one file's layout.
 *
 * tallow-long.txt (English, numbered markdown headings, ~5,000 characters): a meal kit. Its
 * distractors: "ready in 20 minutes" and "45 minutes" before the length, a 20-second earlier film,
 * 10- and 6-second edits briefed separately; quoted parents in the research ("sad orange trays");
 * colours in the story, competition and production notes (grey, red, green, golden, yellow,
 * purple, silver, blue-and-white); the CTA named under "Must include" with its duration.
 *
 * brisa-long-es.txt (Spanish, upper-case headings with colons): a solar fan. Distractors: quoted
 * phrases in "Investigación", colours in "Idea creativa" (rojo, verdes, azul), the 15- and 6-second
 * versions, the CTA under "Obligatorios" "en pantalla durante los últimos 5 segundos".
 *
 * `it.fails` marks what the analyst gets wrong today.
 */
const read = (name: string) => readFileSync(new URL(`../../../fixtures/briefs/${name}`, import.meta.url), "utf8");
const analyze = (name: string) => analyzeOffline(generationRequestSchema().parse({ pipeline: "ad", prompt: read(name) }), null);

describe("the offline analyst on a long English brief with numbered sections (meal kit)", () => {
  const a = analyze("tallow-long.txt");

  it("is given a brief over 5,000 characters", () => {
    expect(read("tallow-long.txt").length).toBeGreaterThan(5000);
  });

  it("finds the length of the film it is asked for (30 s) in the deliverables", () => {
    expect(a.duration_s).toBe(30);
  });

  it("finds the product from the Product section: the Slow Roast Box", () => {
    expect(a.product.toLowerCase()).toMatch(/slow roast box/);
  });

  it("finds the brand colours in the brand section's order, and none from the story or notes", () => {
    expect(a.brand.colors.slice(0, 3)).toEqual(["#8C2F1B", "#4A6B3A", "#EFE6D2"]);
    for (const hex of ["#6B7280", "#E63946", "#22C55E", "#FACC15", "#7C3AED", "#C0C0C0", "#2563EB", "#111111", "#FFFFFF", "#D4AF37"]) expect(a.brand.colors).not.toContain(hex);
  });

  it("finds the CTA named under \"Must include\": \"Order your Sunday\"", () => {
    expect(a.brand.cta?.text).toBe("Order your Sunday");
  });

  it("keeps the CTA on screen for the final 5 seconds", () => {
    expect(a.brand.cta?.duration_s).toBe(5);
  });

  it("names the brand Tallow & Thyme", () => {
    expect(a.brand.name).toBe("Tallow & Thyme");
  });

  it("reads the brief as English", () => {
    expect(a.language).toBe("en");
  });
});

describe("the offline analyst on a long Spanish brief with upper-case headings (solar fan)", () => {
  const a = analyze("brisa-long-es.txt");

  it("finds the length of the film it is asked for (30 s), not the later versions", () => {
    expect(a.duration_s).toBe(30);
  });

  it("finds the product: the Brisa Solar fan", () => {
    expect(a.product.toLowerCase()).toMatch(/ventilador|solar/);
  });

  it("finds the brand colours in the brand section's order, and none from the story", () => {
    expect(a.brand.colors.slice(0, 3)).toEqual(["#F6B93B", "#0A3D62", "#FAF7F0"]);
    for (const hex of ["#E63946", "#22C55E", "#2563EB"]) expect(a.brand.colors).not.toContain(hex);
  });

  it("finds the CTA named under \"Obligatorios\": «Respira el verano»", () => {
    expect(a.brand.cta?.text).toBe("Respira el verano");
  });

  it("keeps the CTA on screen for the last 5 seconds", () => {
    expect(a.brand.cta?.duration_s).toBe(5);
  });

  it("names the brand Brisa", () => {
    expect(a.brand.name).toMatch(/^Brisa/);
  });

  it("reads the brief as Spanish", () => {
    expect(a.language).toBe("es");
  });
});
