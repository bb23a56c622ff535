import { z } from "zod";

/**
 * What the art-director model fills. model.ts puts the brand colours first in the palette
 * whatever the model answered, and tops the palette up to three colours.
 */
export const StyleOutputSchema = z.object({
  palette: z
    .array(z.string().regex(/^#[0-9A-Fa-f]{6}$/).describe("#RRGGBB"))
    .min(3)
    .max(8)
    .describe("Colours as #RRGGBB: the brand colours first, in order, then complementary colours that fit the tone"),
  lighting: z.string().describe("One lighting set-up held across every clip"),
  environment: z.string().describe("Where every scene takes place"),
  camera: z.string().describe("Lens and movement language"),
  texture: z.string().describe("Film stock, grain, finish"),
  mood: z.string().describe("The feeling, in a few words"),
  anchors: z.array(z.string()).min(2).max(4).describe("2–4 short visual anchors (under 60 characters) repeated in every clip, e.g. 'the oat-milk carton with a navy label'"),
  negative: z.array(z.string()).describe("Terms to keep out of every clip"),
  resolved_conflicts: z
    .array(
      z.object({
        brief: z.string().describe("What the brief asked for"),
        style: z.string().describe("The style cue it contradicts"),
        resolution: z.string().describe("How the style guide resolves it"),
      }),
    )
    .describe("Every contradiction between brief and style (e.g. 'dark moody' vs 'bright pastel'), each resolved"),
});
export type StyleOutput = z.infer<typeof StyleOutputSchema>;
