import { system, render, type StylizePromptInput } from "../../../prompts/stylize.js";
import type { StructuredModel } from "../../ports.js";
import type { Analysis } from "../../../core/schemas/analysis.js";
import { normalizeHex } from "../../../core/schemas/request.js";
import type { StyleGuide } from "../../../core/schemas/style.js";
import type { ModelAnswer } from "../path.js";
import { checkStyle, stylizeOffline } from "./logic.js";
import { StyleOutputSchema, type StyleOutput } from "./schema.js";

/**
 * Maps the model's style to a StyleGuide: the brand colours first and in order whatever the
 * model answered, topped up to three colours from `fill` (the offline palette).
 */
export function toStyleGuide(raw: StyleOutput, analysis: Analysis, fill: string[]): { value: StyleGuide; adjusted: string[] } {
  const adjusted: string[] = [];
  const brand = [...new Set(analysis.brand.colors.map(normalizeHex))];
  const own = raw.palette.map(normalizeHex);
  let palette = [...new Set([...brand, ...own])];
  if (own.slice(0, brand.length).join() !== brand.join()) adjusted.push("palette: brand colours moved to the front");
  if (palette.length < 3) {
    palette = [...new Set([...palette, ...fill.map(normalizeHex)])].slice(0, Math.max(3, palette.length));
    adjusted.push("palette: topped up to three colours");
  }
  return { value: { ...raw, palette, anchors: raw.anchors.map((a) => a.trim()).filter(Boolean) }, adjusted };
}

/** The style guide from a language model; contradictions and brand-colour order are checked and repaired once. */
export async function stylizeWithModel(
  model: StructuredModel,
  input: StylizePromptInput,
): Promise<ModelAnswer<StyleGuide>> {
  const fill = stylizeOffline(input.request, input.analysis, input.storyboard).palette;
  const answer = await model.generate({
    task: "stylize",
    schema: StyleOutputSchema,
    system,
    prompt: render(input),
    check: (raw) => checkStyle(toStyleGuide(raw, input.analysis, fill).value, input.analysis),
  });
  const { value, adjusted } = toStyleGuide(answer.value, input.analysis, fill);
  return { value, repaired: answer.repaired, adjusted };
}
