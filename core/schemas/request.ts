import { z } from "zod";
import { AspectRatioSchema } from "../timeline/schema.js";

/** A hex colour such as #1E3A8A (3 or 6 digits). */
export const HexColorSchema = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "a colour is a hex value such as #1E3A8A")
  .transform((c) => normalizeHex(c));

export function normalizeHex(c: string): string {
  const h = c.replace("#", "").toUpperCase();
  return "#" + (h.length === 3 ? h.split("").map((x) => x + x).join("") : h);
}

export const BrandSchema = z
  .strictObject({
    name: z.string().min(1).max(120).optional().describe("Brand or product name"),
    colors: z.array(HexColorSchema).max(8).default([]).describe("Brand colours, most important first"),
    tone: z.string().max(200).optional().describe("Brand voice, e.g. 'warm, confident'"),
    cta: z
      .strictObject({
        text: z.string().min(1).max(120).describe("Call-to-action text, e.g. 'Shop now'"),
        duration_s: z.number().gt(0).max(15).default(3).describe("How long the CTA stays on screen, at the end"),
      })
      .optional(),
  })
  .describe("Brand rules every scene must honour");
export type Brand = z.infer<typeof BrandSchema>;

export const PipelineSchema = z.enum(["ad", "music_video"]).describe("ad: 15–60 s in 3–5 scenes; music_video: cut on the song's bars");
export type Pipeline = z.infer<typeof PipelineSchema>;

export const RunOptionsSchema = z
  .strictObject({
    llm: z.string().max(100).optional().describe("Model name for analysis/planning ('offline' forces the deterministic provider)"),
    video_model: z.string().max(200).optional().describe("Video model (Replicate owner/name[:version]) or 'local' for the FFmpeg animatic"),
    continuity: z
      .enum(["none", "chain"])
      .optional()
      .describe("chain: on models with a first-frame input, each shot of a scene starts from the previous shot's last frame (a scene's shots then run in order); none (default): shots are independent"),
    dry_run: z.boolean().optional().describe("Plan and estimate the cost only: nothing is generated or paid, and no generation is created"),
    max_cost_usd: z
      .number()
      .nonnegative()
      .max(100_000)
      .optional()
      .describe("Refuse the run before anything is paid when its estimate exceeds this (USD), and stop it before a clip whose price would take the spend past it"),
    allow_unknown_cost: z
      .boolean()
      .optional()
      .describe("With max_cost_usd: run even when some clips' prices are unknown (only the known prices count toward the cap); refused otherwise"),
  })
  .describe("Per-run overrides of the configured providers");
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** Longest prompt accepted when nothing else is configured (REELGRAPH_MAX_PROMPT_CHARS). */
export const DEFAULT_MAX_PROMPT_CHARS = 20_000;
/** The most REELGRAPH_MAX_PROMPT_CHARS may be; stored requests are read against it. */
export const PROMPT_CHARS_CEILING = 1_000_000;

/**
 * The request schema with a given prompt limit: the API, the CLI and the OpenAPI document
 * build theirs from the configured REELGRAPH_MAX_PROMPT_CHARS.
 */
export function generationRequestSchema(opts: { maxPromptChars?: number } = {}) {
  const maxPromptChars = opts.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS;
  return z
    .strictObject({
      pipeline: PipelineSchema,
      prompt: z
        .string()
        .trim()
        .min(3, "describe the video in a few words")
        .max(maxPromptChars, `a brief may be at most ${maxPromptChars} characters`)
        .describe(`The brief in plain words: product, audience, tone, length, colours, CTA… (at most ${maxPromptChars} characters)`),
      duration_s: z.number().positive().optional().describe("ad: 15–60 (default 30); music: defaults to the song's length, 60–180"),
      aspect_ratio: AspectRatioSchema.default("16:9"),
      brand: BrandSchema.optional(),
      audio: z
        .strictObject({ url: z.string().min(1).max(2048).describe("http(s) URL, uploaded asset id, or (CLI) a local path") })
        .optional(),
      options: RunOptionsSchema.optional(),
      webhook_url: z
        .string()
        .max(2048)
        .optional()
        .describe("A public http(s) URL that gets a signed POST when the generation completes or fails (needs REELGRAPH_WEBHOOK_SECRET on the server)"),
    })
    .superRefine((r, ctx) => {
      if (r.pipeline === "ad" && r.duration_s !== undefined && (r.duration_s < 15 || r.duration_s > 60))
        ctx.addIssue({ code: "custom", path: ["duration_s"], message: "an ad lasts 15–60 seconds" });
      if (r.pipeline === "music_video" && !r.audio)
        ctx.addIssue({ code: "custom", path: ["audio"], message: "a music video needs a song: give audio.url" });
      if (r.pipeline === "music_video" && r.duration_s !== undefined && (r.duration_s < 60 || r.duration_s > 180))
        ctx.addIssue({ code: "custom", path: ["duration_s"], message: "a music video lasts 60–180 seconds" });
    })
    .describe("What the caller asks for: POST /api/v1/generations");
}

/**
 * A request as stored and carried in graph state: any prompt up to the ceiling, since the
 * limit that admitted it was the configuration's at the time. Edges (API, CLI) validate with
 * generationRequestSchema(config).
 */
export const GenerationRequestSchema = generationRequestSchema({ maxPromptChars: PROMPT_CHARS_CEILING });
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;
export type GenerationRequestInput = z.input<typeof GenerationRequestSchema>;
