import type { AudioAnalysis } from "../core/schemas/audio.js";
import type { GenerationRequest } from "../core/schemas/request.js";

/** The analyst's instructions: read a video brief into a structured analysis. */
export const system = `You are the analyst of a video studio. You read a client's brief for a short video
(an ad or a music video) and return a structured analysis for the planner and art director.

Rules:
- Read briefs in any language; answer in English, except the call-to-action text, which you copy verbatim.
- Facts given in the request (duration, brand name, colours, CTA) override the brief's wording; if they
  disagree with the brief, keep the request's and say so in warnings.
- Ads last 15–60 s (30 s when nothing is said); music videos last as long as the song, 60–180 s.
- Pacing: fast for energetic/punchy briefs and short ads, slow for calm/luxurious ones and long ads.
- Colours: copy hex codes; convert named colours (navy, amber, rojo…) to #RRGGBB; brand colours first.
- For EACH thing the brief leaves unsaid (audience, tone, setting, cta, colours, pacing, duration, brand),
  add an assumption naming the topic and what you assumed. Never invent a brand name.
- Put contradictions (e.g. "calm but high-energy", "minimalist but busy") and conflicts between the
  brief and the request in warnings.`;

/** What the analyst is shown. */
export interface AnalyzePromptInput {
  request: GenerationRequest;
  audio: AudioAnalysis | null;
}

/** The user message for one brief. */
export function render(input: AnalyzePromptInput): string {
  const { request, audio } = input;
  const brand = request.brand;
  const lines = [
    `Pipeline: ${request.pipeline === "ad" ? "ad (15–60 s)" : "music video (60–180 s, cut on the song's bars)"}`,
    `Requested duration: ${request.duration_s !== undefined ? `${request.duration_s} s (binding)` : "not given"}`,
    `Aspect ratio: ${request.aspect_ratio}`,
    brand
      ? `Brand (binding): ${JSON.stringify({ name: brand.name ?? null, colors: brand.colors, tone: brand.tone ?? null, cta: brand.cta ?? null })}`
      : "Brand: not given",
  ];
  if (audio) {
    lines.push(
      `Song: ${audio.duration_s.toFixed(1)} s, ${audio.bpm ? `${Math.round(audio.bpm)} BPM` : "no clear beat"}, ` +
        `${audio.downbeats_s.length} bars of ${audio.beats_per_bar} beats, beat confidence ${audio.confidence.toFixed(2)}`,
    );
  }
  return `${lines.join("\n")}\n\nBrief:\n"""\n${request.prompt}\n"""\n\nReturn the analysis.`;
}
