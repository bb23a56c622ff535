import { z } from "zod";

/** One style vector held across every clip. */
export const StyleGuideSchema = z.object({
  palette: z.array(z.string()).min(2).describe("#RRGGBB colours, brand colours first"),
  lighting: z.string(),
  environment: z.string(),
  camera: z.string().describe("Lens, movement language"),
  texture: z.string().describe("Film stock, grain, finish"),
  mood: z.string(),
  anchors: z.array(z.string()).min(1).describe("Visual anchors repeated in every micro-prompt for consistency"),
  negative: z.array(z.string()).describe("Terms to keep out of every clip"),
  resolved_conflicts: z
    .array(z.object({ brief: z.string(), style: z.string(), resolution: z.string() }))
    .describe("Contradictions between brief and style, and how each was resolved"),
});
export type StyleGuide = z.infer<typeof StyleGuideSchema>;
