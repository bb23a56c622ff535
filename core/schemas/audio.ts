import { z } from "zod";

/** Result of beat analysis: what /internal/v1/audio-analysis returns. */
export const AudioAnalysisSchema = z.object({
  duration_s: z.number().positive(),
  bpm: z.number().positive().nullable().describe("Tempo; null when no beat was found"),
  beats_s: z.array(z.number()).describe("Beat times"),
  downbeats_s: z.array(z.number()).describe("Bar starts"),
  beats_per_bar: z.number().int().positive(),
  confidence: z.number().min(0).max(1).describe("0: no usable beat, 1: unambiguous"),
  first_beat_s: z.number().min(0).optional().describe("Lead-in before the first beat"),
  energy: z.array(z.number()).optional().describe("Loudness per bar (0–1), when measured"),
  bpm_alternatives: z
    .array(z.number().positive())
    .optional()
    .describe("The other readings of the tempo, half and double: a listener may tap one of them (the bars stay the same)"),
  downbeat_confidence: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("How clearly the chosen bar phase beats the next best one (0: a guess, 1: clear); the planner avoids trusting a doubtful bar grid"),
  beat_accent: z
    .array(z.number())
    .optional()
    .describe("Per beat (aligned with beats_s): how much it looks like a bar start (harmonic, bass and spectral change; 0 average, in standard deviations)"),
  notes: z.array(z.string()).default([]).describe("What the analyser decided and why (tempo octave, drift…)"),
});
export type AudioAnalysis = z.infer<typeof AudioAnalysisSchema>;
