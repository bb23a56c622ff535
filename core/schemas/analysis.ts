import { z } from "zod";

export const AssumptionSchema = z.object({
  topic: z.string().describe("What the brief left unsaid (audience, tone, setting, cta…)"),
  assumption: z.string().describe("What was assumed for it"),
});

/** The analyst's reading of the brief. */
export const AnalysisSchema = z.object({
  product: z.string().describe("What is advertised or what the song/video is about"),
  narrative: z.string().describe("One or two sentences: the story arc from hook to close"),
  audience: z.string().describe("Who the video speaks to"),
  tone: z.string().describe("Emotional register, e.g. 'playful, energetic'"),
  pacing: z.enum(["slow", "medium", "fast"]).describe("How quickly scenes should change"),
  duration_s: z.number().positive().describe("Target length in seconds"),
  language: z.string().describe("Language of the brief (ISO 639-1)"),
  brand: z.object({
    name: z.string().nullable(),
    colors: z.array(z.string()).describe("Brand colours as #RRGGBB, most important first"),
    cta: z.object({ text: z.string(), duration_s: z.number().positive() }).nullable(),
  }),
  style_hints: z.array(z.string()).describe("Visual cues from the brief (neon, pastel, film grain…)"),
  key_messages: z.array(z.string()).describe("Points the video must get across, in order"),
  requested_shots: z
    .array(z.string())
    .default([])
    .describe("Visuals the brief asks to be shown (\"show a river crossing and a summit\", \"Scenes: …\"), in its order and words; the plan puts them on its scenes"),
  assumptions: z.array(AssumptionSchema).describe("Each thing the brief left unsaid, with the assumption made"),
  warnings: z.array(z.string()).default([]).describe("Contradictions or problems noticed in the brief"),
});
export type Analysis = z.infer<typeof AnalysisSchema>;
