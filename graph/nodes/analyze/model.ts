import { system, render, type AnalyzePromptInput } from "../../../prompts/analyze.js";
import type { StructuredModel } from "../../ports.js";
import type { Analysis } from "../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { normalizeHex, type GenerationRequest } from "../../../core/schemas/request.js";
import { roundS } from "../../../core/timeline/invariants.js";
import { analyzeOffline, detectLanguage } from "./logic.js";
import { AnalyzeOutputSchema, type AnalyzeOutput } from "./schema.js";
import type { ModelAnswer } from "../path.js";


const TOPIC_ALIASES: Record<string, string> = { colors: "colours", color: "colours", colour: "colours", "call to action": "cta", "key messages": "key_messages", length: "duration", name: "brand" };
const topicOf = (t: string) => {
  const k = t.trim().toLowerCase().replace(/_/g, " ");
  return TOPIC_ALIASES[k] ?? k.replace(/ /g, "_");
};

/**
 * Maps the model's reading to an Analysis: the request's duration and brand facts win, the
 * duration is kept in the pipeline's range, colours are normalised with the request's first,
 * and every gap the offline reader finds gets an assumption even if the model left it out.
 */
export function toAnalysis(raw: AnalyzeOutput, request: GenerationRequest, audio: AudioAnalysis | null): { value: Analysis; adjusted: string[] } {
  const adjusted: string[] = [];
  const [lo, hi] = request.pipeline === "ad" ? [15, 60] : [60, 180];
  let duration_s = raw.duration_s;
  if (request.duration_s !== undefined) duration_s = request.duration_s;
  else if (request.pipeline === "music_video" && audio) duration_s = roundS(audio.duration_s);
  duration_s = Math.min(hi, Math.max(lo, duration_s));
  if (Math.abs(duration_s - raw.duration_s) > 1e-6) adjusted.push(`duration: ${duration_s} s instead of the model's ${raw.duration_s} s`);

  const given = request.brand;
  const modelColours = raw.brand.colors.map(normalizeHex);
  const colors = [...new Set([...(given?.colors ?? []).map(normalizeHex), ...modelColours])];
  if (given?.colors.length && modelColours.slice(0, given.colors.length).join() !== given.colors.map(normalizeHex).join())
    adjusted.push("colours: the request's brand colours put first");
  const name = given?.name ?? (raw.brand.name?.trim() || null);
  if (given?.name && raw.brand.name !== given.name) adjusted.push(`brand: "${given.name}" from the request`);
  const cta = given?.cta ? { text: given.cta.text, duration_s: given.cta.duration_s } : raw.brand.cta;
  if (given?.cta && raw.brand.cta?.text !== given.cta.text) adjusted.push(`cta: "${given.cta.text}" from the request`);
  const language = /^[a-z]{2}/i.test(raw.language.trim()) ? raw.language.trim().slice(0, 2).toLowerCase() : detectLanguage(request.prompt);

  const offline = analyzeOffline(request, audio);
  // The visuals the brief lists are read from its words, as the offline reader does (the model's planner sees the brief itself).
  const value: Analysis = { ...raw, duration_s, language, brand: { name, colors, cta }, requested_shots: offline.requested_shots, assumptions: [...raw.assumptions], warnings: [...raw.warnings] };
  const covered = new Set(raw.assumptions.map((a) => topicOf(a.topic)));
  const missing: string[] = [];
  for (const gap of offline.assumptions) {
    const topic = topicOf(gap.topic);
    // The model's key messages are its reading of the brief, not a gap the offline reader can judge.
    if (covered.has(topic) || topic === "key_messages") continue;
    const said = chosenFor(topic, value) ?? gap.assumption;
    value.assumptions.push({ topic, assumption: `not stated in the brief: ${said}` });
    missing.push(topic);
  }
  if (missing.length) adjusted.push(`assumptions added for what the model left unstated: ${missing.join(", ")}`);
  return { value, adjusted };
}

function chosenFor(topic: string, a: Analysis): string | null {
  switch (topic) {
    case "audience": return a.audience;
    case "tone": return a.tone;
    case "pacing": return `${a.pacing} pacing`;
    case "duration": return `${a.duration_s} s`;
    case "cta": return a.brand.cta ? `"${a.brand.cta.text}"` : "no call to action; close on the product";
    case "colours": return a.brand.colors.length ? a.brand.colors.join(", ") : "a palette derived from the tone";
    case "brand": return a.brand.name ?? "unbranded";
    case "product": return a.product;
    default: return null;
  }
}

/** The analysis from a language model (structured output, validated, one repair round). */
export async function analyzeWithModel(
  model: StructuredModel,
  input: AnalyzePromptInput,
): Promise<ModelAnswer<Analysis>> {
  const answer = await model.generate({ task: "analyze", schema: AnalyzeOutputSchema, system, prompt: render(input) });
  const { value, adjusted } = toAnalysis(answer.value, input.request, input.audio);
  return { value, repaired: answer.repaired, adjusted };
}
