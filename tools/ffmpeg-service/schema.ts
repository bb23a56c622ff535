import { z } from "zod";
import { TimelineSchema } from "../../core/timeline/schema.js";

/**
 * The wire shapes of the internal API between the gateway and the FFmpeg service
 * (../shared/contract.md, "Internal service API"). Both sides validate with these, so a field
 * cannot drift between the client and the routes. Field names are fixed; add, never rename.
 */

export const INTERNAL_PATHS = {
  audioAnalysis: "/internal/v1/audio-analysis",
  processClips: "/internal/v1/process-clips",
  processingComplete: "/internal/v1/processing-complete",
  output: (jobId: string) => `/internal/v1/outputs/${encodeURIComponent(jobId)}.mp4`,
  job: (jobId: string) => `/internal/v1/process-clips/${encodeURIComponent(jobId)}`,
  media: "/internal/v1/media",
} as const;

/** An http(s) URL, a file:// URL, or an absolute local path (the last two only under the media root). */
export const SourceUrlSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => /^https?:\/\/[^/]/i.test(s) || /^file:\/\//i.test(s) || s.startsWith("/"), {
    message: "must be an http(s) URL, a file:// URL or an absolute path",
  })
  .describe("Where the file is: http(s) URL, or a file:// URL / absolute path under the service's media root");

export const AudioAnalysisRequestSchema = z.object({
  audio_url: SourceUrlSchema.describe("The song to analyse"),
});
export type AudioAnalysisRequest = z.infer<typeof AudioAnalysisRequestSchema>;

export const ClipSourceSchema = z.object({
  clip_id: z.string().min(1).max(200).describe("The clip id the timeline's scenes name"),
  url: SourceUrlSchema.describe("Where the service fetches the clip"),
});

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const ProcessClipsRequestSchema = z
  .object({
    composition_id: z.string().min(1).max(200).describe("The composition the render belongs to"),
    version: z.number().int().positive().describe("Composition version; equals timeline.version"),
    timeline: TimelineSchema.describe("What to render"),
    clips: z.array(ClipSourceSchema).min(1).max(500).describe("Every clip the timeline's scenes use"),
    callback_url: HttpUrlSchema.describe("Where the service POSTs processing-complete"),
  })
  .superRefine((body, ctx) => {
    if (body.timeline.version !== body.version) {
      ctx.addIssue({ code: "custom", path: ["version"], message: `must equal timeline.version (${body.timeline.version})` });
    }
    const seen = new Set<string>();
    body.clips.forEach((c, i) => {
      if (seen.has(c.clip_id)) ctx.addIssue({ code: "custom", path: ["clips", i, "clip_id"], message: `${c.clip_id} is listed twice` });
      seen.add(c.clip_id);
    });
    body.timeline.scenes.forEach((s, i) => {
      if (!s.clip_id) ctx.addIssue({ code: "custom", path: ["timeline", "scenes", i, "clip_id"], message: `${s.id} has no clip` });
      else if (!seen.has(s.clip_id)) ctx.addIssue({ code: "custom", path: ["timeline", "scenes", i, "clip_id"], message: `${s.clip_id} is not in clips` });
    });
  });
export type ProcessClipsRequest = z.infer<typeof ProcessClipsRequestSchema>;

/** A service job's life: queued → running → succeeded | failed. */
export const JobStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const ProcessClipsAcceptedSchema = z.object({
  job_id: z.string().min(1).describe("The service's job id; the same for a repeated submission of a running job"),
  status: JobStatusSchema.optional().describe("The job's status now; succeeded when an earlier identical job already finished"),
});
export type ProcessClipsAccepted = z.infer<typeof ProcessClipsAcceptedSchema>;

export const ProcessingCompleteSchema = z.object({
  job_id: z.string().min(1).max(200),
  composition_id: z.string().min(1).max(200),
  version: z.number().int().positive(),
  status: z.enum(["succeeded", "failed"]).describe("The job's outcome"),
  output_url: HttpUrlSchema.nullable().describe("Where the MP4 can be fetched (with the bearer token); null when failed"),
  duration_s: z.number().min(0).nullable().describe("The MP4's duration; null when failed"),
  error: z.string().max(4000).nullable().describe("Why the job failed; null when it succeeded"),
});
export type ProcessingComplete = z.infer<typeof ProcessingCompleteSchema>;

export const JobViewSchema = z.object({
  job_id: z.string(),
  composition_id: z.string(),
  version: z.number().int(),
  status: JobStatusSchema,
  output_url: z.string().nullable(),
  duration_s: z.number().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type JobView = z.infer<typeof JobViewSchema>;

export function isTerminal(status: JobStatus): status is "succeeded" | "failed" {
  return status === "succeeded" || status === "failed";
}
