import { z } from "zod";

export const ClipStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);
export type ClipStatus = z.infer<typeof ClipStatusSchema>;

/** One generated clip, as the API returns it (plus bookkeeping fields). */
export const ClipSchema = z.object({
  id: z.string(),
  scene_id: z.string(),
  status: ClipStatusSchema,
  provider: z.string().describe("local | replicate:<model>"),
  prompt: z.string(),
  path: z.string().nullable(),
  duration_s: z.number().nullable(),
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  prediction_id: z.string().nullable().default(null).describe("Replicate prediction id, saved before waiting so a resume polls it"),
  checksum: z.string().nullable().default(null).describe("sha256 of the file"),
  prompt_hash: z.string().optional().describe("Hash of the prompt + render spec the clip was made from"),
});
export type Clip = z.infer<typeof ClipSchema>;

/** Where the still of a video file lives: beside it, same name, `.jpg` (a clip's thumbnail, a render's poster). */
export function stillPathOf(videoPath: string): string {
  return videoPath.replace(/\.[A-Za-z0-9]+$/, "") + ".jpg";
}
