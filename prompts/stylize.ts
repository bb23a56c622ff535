import type { Analysis } from "../core/schemas/analysis.js";
import type { GenerationRequest } from "../core/schemas/request.js";
import type { Storyboard } from "../core/schemas/storyboard.js";

/** The art director's instructions: one style vector held across every clip. */
export const system = `You are the art director of a video studio. You define ONE visual style that every generated
clip repeats, so the scenes look like one film: palette, lighting, environment, camera, texture, mood,
2–4 short visual anchors that appear in every clip, and negative terms to keep out.

Rules:
- The palette starts with the brand colours, exactly and in order; add complementary colours that fit
  the tone (at least 3 colours in all, as #RRGGBB).
- Anchors are concrete and short (under 60 characters), e.g. "the oat-milk carton with a navy label",
  "soft amber rim light".
- Never put contradictory terms in the style (dark and bright lighting, minimal and busy framing).
  When the brief contradicts itself or a style cue, pick one side, apply it, and report the
  contradiction in resolved_conflicts with the resolution.`;

/** What the art director is shown. */
export interface StylizePromptInput {
  request: GenerationRequest;
  analysis: Analysis;
  storyboard: Storyboard;
}

/** The user message for one style guide. */
export function render(input: StylizePromptInput): string {
  const { analysis: a, storyboard } = input;
  return [
    a.brand.colors.length ? `Brand colours (first in the palette, in this order): ${a.brand.colors.join(", ")}` : "Brand colours: none given",
    `Product: ${a.product}${a.brand.name ? ` — brand "${a.brand.name}"` : ""}`,
    `Tone: ${a.tone}; pacing: ${a.pacing}; audience: ${a.audience}`,
    a.style_hints.length ? `Style cues from the brief: ${a.style_hints.join(", ")}` : "Style cues from the brief: none",
    a.warnings.length ? `Contradictions the analyst noticed:\n${a.warnings.map((w) => `- ${w}`).join("\n")}` : "",
    `Scenes:\n${storyboard.scenes.map((s) => `- ${s.id} (${s.purpose}, ${s.shot_type}, ${s.duration_s} s): ${s.description}`).join("\n")}`,
    `\nBrief:\n"""\n${input.request.prompt}\n"""`,
    "\nReturn the style guide.",
  ]
    .filter(Boolean)
    .join("\n");
}
