import { z } from "zod";

/**
 * What the analyst model fills. Every field is required (nullable where it may be absent) so
 * the schema works with strict structured outputs; the domain Analysis is derived from it in
 * model.ts, where the request's own facts (duration, brand) win over the model's reading.
 */
export const AnalyzeOutputSchema = z.object({
  product: z.string().describe("What is advertised, or what the song/video is about, in a few words (no brand name)"),
  narrative: z.string().describe("One or two sentences: the story arc from hook to close"),
  audience: z.string().describe("Who the video speaks to; when the brief is silent, your assumption"),
  tone: z.string().describe("Emotional register as comma-separated English adjectives, e.g. 'playful, energetic'"),
  pacing: z.enum(["slow", "medium", "fast"]).describe("How quickly scenes should change, from the brief's words and the length"),
  duration_s: z.number().positive().describe("Target length in seconds: the request's, else the one the brief names, else 30 (ad) or the song's length (music)"),
  language: z.string().describe("ISO 639-1 code of the brief's language (en, es, fr, de, pt, it…)"),
  brand: z
    .object({
      name: z.string().nullable().describe("Brand or product name as written in the brief; null when none is given"),
      colors: z
        .array(z.string().regex(/^#[0-9A-Fa-f]{6}$/).describe("#RRGGBB"))
        .describe("Brand colours as #RRGGBB, most important first: hex codes from the brief, and named colours converted to hex"),
      cta: z
        .object({
          text: z.string().describe("Call-to-action text, verbatim from the brief"),
          duration_s: z.number().positive().describe("Seconds on screen (3 unless the brief says)"),
        })
        .nullable()
        .describe("The call to action the video must end on; null when the brief asks for none"),
    })
    .describe("Brand facts found in the brief"),
  style_hints: z.array(z.string()).describe("Visual cues from the brief, in English (neon, pastel, film grain, minimalist…)"),
  key_messages: z.array(z.string()).min(1).max(5).describe("Points the video must get across, in order"),
  assumptions: z
    .array(
      z.object({
        topic: z.string().describe("audience | tone | setting | cta | colours | pacing | duration | brand | key_messages | product"),
        assumption: z.string().describe("What you assumed for it"),
      }),
    )
    .describe("One entry for each thing the brief leaves unsaid, with the assumption you made"),
  warnings: z.array(z.string()).describe("Contradictions or problems in the brief (e.g. 'calm but high-energy', a length that conflicts with the request)"),
});
export type AnalyzeOutput = z.infer<typeof AnalyzeOutputSchema>;
