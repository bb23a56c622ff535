import type { Analysis } from "../core/schemas/analysis.js";
import type { AudioAnalysis } from "../core/schemas/audio.js";
import type { GenerationRequest } from "../core/schemas/request.js";
import { SHOT_TYPES } from "../core/schemas/storyboard.js";

/** The planner's instructions: turn an analysis into an ad storyboard (Overview → Scenes → Shots). */
export const system = `You are the storyboard planner of a video studio. From an analysed brief you plan a short ad
as Overview → Scenes → Shots. Each scene becomes one generated clip, so describe what a camera sees,
concretely, grounded in the product, the audience and the key messages; no abstract slogans.

Hard constraints (your answer is checked, and returned to you if one is broken):
- 3 to 5 scenes; the scene lengths add up EXACTLY to the total duration.
- Every shot lasts 4 to 7 seconds; a scene's shots add up exactly to the scene's length.
- Adjacent scenes use different shot types (${SHOT_TYPES.join(", ")}).
- Scene purposes follow an ad's arc: hook first, then problem/benefit/proof, and the call to action last
  when there is one (its text on screen in the last scene).`;

/** What the planner is shown. */
export interface PlanPromptInput {
  request: GenerationRequest;
  analysis: Analysis;
  audio: AudioAnalysis | null;
}

/** The user message for one ad plan. */
export function render(input: PlanPromptInput): string {
  const { analysis: a } = input;
  const cta = a.brand.cta;
  return [
    `Total duration: ${a.duration_s} s (scene lengths must add up to exactly this).`,
    `Product: ${a.product}${a.brand.name ? ` — brand "${a.brand.name}"` : ""}`,
    `Audience: ${a.audience}`,
    `Tone: ${a.tone}; pacing: ${a.pacing}`,
    `Narrative: ${a.narrative}`,
    `Key messages, in order:\n${a.key_messages.map((m, i) => `${i + 1}. ${m}`).join("\n")}`,
    a.style_hints.length ? `Style cues: ${a.style_hints.join(", ")}` : "Style cues: none",
    a.brand.colors.length ? `Brand colours: ${a.brand.colors.join(", ")}` : "Brand colours: none",
    cta ? `Call to action: "${cta.text}", on screen for the last ${cta.duration_s} s — the last scene's purpose is "cta".` : "Call to action: none — close on the product.",
    a.assumptions.length ? `Assumptions already made:\n${a.assumptions.map((x) => `- ${x.topic}: ${x.assumption}`).join("\n")}` : "",
    `\nBrief:\n"""\n${input.request.prompt}\n"""`,
    "\nReturn the storyboard.",
  ]
    .filter(Boolean)
    .join("\n");
}
