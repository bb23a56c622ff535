import { z } from "zod";

/**
 * A video model's profile: what reelgraph needs to know to ask it for a clip — the names of
 * its inputs, the lengths, frames and sizes it can make, its first/last-frame inputs and what
 * it costs. Profiles are data (tools/replicate/catalog/ for known models, built from the
 * model's OpenAPI schema for any other); every function in core/video-models reads them, none
 * branches on a model's name.
 */

export const SourceSchema = z
  .object({
    url: z.string().min(1).describe("Where the facts were read (a replicate.com page, or the API URL the schema came from)"),
    read_at: z.string().regex(/^\d{4}-\d{2}-\d{2}/).describe("When they were read (ISO date)"),
    note: z.string().optional().describe("What was not on that page, or where else a fact came from"),
  })
  .describe("Where a fact comes from, and when it was read");
export type Source = z.infer<typeof SourceSchema>;

export const CONFIDENCE = ["schema", "docs", "default_only"] as const;
export const ConfidenceSchema = z
  .enum(CONFIDENCE)
  .describe("schema: the list was in the model's published schema; docs: from the model's README or its maker's docs; default_only: only the default was published, so only it is used");

export const FieldRefSchema = z
  .object({
    field: z.string().min(1).describe("The input's name in the model's schema"),
    aliases: z.array(z.string().min(1)).default([]).describe("Names other versions of the model use for the same input"),
  })
  .describe("An input of the model, by name");
export type FieldRef = z.infer<typeof FieldRefSchema>;

const ValueTypeSchema = z.enum(["integer", "number", "string"]).describe("JSON type the input takes; 'string' sends e.g. \"6\"");

export const DurationSpecSchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("fixed"),
      seconds: z.number().positive().describe("The one length the model makes (it has no duration input)"),
    }),
    z.object({
      kind: z.literal("enum"),
      input: FieldRefSchema,
      values: z.array(z.number().positive()).min(1).describe("Allowed lengths in seconds"),
      value_type: ValueTypeSchema.default("integer"),
      labels: z
        .record(z.string(), z.string())
        .optional()
        .describe("The exact value to send for each length (keys: seconds) when the model's list spells them out, e.g. {\"5\": \"5s\"}"),
      confidence: ConfidenceSchema,
      resolutions_for: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .describe("Lengths (keys, seconds) that only some resolution values allow, e.g. {\"10\": [\"768p\"]}"),
    }),
    z.object({
      kind: z.literal("range"),
      input: FieldRefSchema,
      min: z.number().positive(),
      max: z.number().positive(),
      step: z.number().positive().default(1).describe("Granularity; 1 for integer seconds"),
      value_type: ValueTypeSchema.default("integer"),
    }),
    z.object({
      kind: z.literal("frames"),
      frames: FieldRefSchema.describe("The frame-count input (num_frames)"),
      min_frames: z.number().int().positive(),
      max_frames: z.number().int().positive(),
      fps: FieldRefSchema.nullable().describe("The frame-rate input; null when the rate is fixed at min_fps"),
      min_fps: z.number().positive(),
      max_fps: z.number().positive(),
      fps_values: z.array(z.number().positive()).optional().describe("The only rates allowed, when the rate input is a choice"),
      frames_step: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("Frame counts the model takes are frames_offset more than a multiple of this (\"4k+1\": step 4, offset 1); absent: any count"),
      frames_offset: z.number().int().nonnegative().optional().describe("See frames_step"),
      smooth_fps: z.number().positive().describe("Lowest rate we ask for: below it motion looks choppy, so longer shots are split instead"),
    }),
  ])
  .describe("How the model is told how long to make a clip");
export type DurationSpec = z.infer<typeof DurationSpecSchema>;

const RatioSchema = z.string().regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/).describe("Width:height, e.g. 16:9");

export const FrameSpecSchema = z
  .object({
    aspect: z
      .object({
        input: FieldRefSchema,
        options: z.array(z.object({ value: z.string(), ratio: RatioSchema })).min(1).describe("What to send, and the picture shape it gives"),
        confidence: ConfidenceSchema,
        ignored_with_first_frame: z.boolean().default(false).describe("The model follows the first frame's shape when one is given"),
      })
      .nullable()
      .describe("An aspect-ratio input (aspect_ratio, ratio…)"),
    size: z
      .object({
        input: FieldRefSchema,
        options: z.array(z.object({ value: z.string(), width: z.number().int().positive(), height: z.number().int().positive() })).min(1),
        confidence: ConfidenceSchema,
      })
      .nullable()
      .describe("A size input naming pixels (\"1280*720\")"),
    resolution: z
      .object({
        input: FieldRefSchema,
        options: z.array(z.object({ value: z.string(), short_side: z.number().int().positive() })).min(1).describe("What to send, and the short side in pixels it gives"),
        confidence: ConfidenceSchema,
      })
      .nullable()
      .describe("A resolution or quality input (resolution, mode…)"),
    dims: z
      .object({
        width: FieldRefSchema,
        height: FieldRefSchema,
        min: z.number().int().positive().nullable().describe("Smallest side the model takes, px (null: not published)"),
        max: z.number().int().positive().nullable().describe("Largest side the model takes, px (null: not published)"),
        multiple_of: z.number().int().positive().describe("Each side is a multiple of this (published, or 16)"),
        default: z
          .object({ width: z.number().int().positive(), height: z.number().int().positive() })
          .nullable()
          .describe("The size the model makes by default: its pixel count is kept when the shape changes"),
      })
      .nullable()
      .default(null)
      .describe("Width and height inputs in pixels (width/height): set to the output's shape at the model's own pixel count"),
    native: z
      .object({ ratio: RatioSchema.nullable(), short_side: z.number().int().positive().nullable() })
      .describe("The picture the model makes when nothing above sets it (ratio null: it follows the first frame)"),
  })
  .describe("The picture shapes and sizes the model can make");
export type FrameSpec = z.infer<typeof FrameSpecSchema>;

export const PriceRateSchema = z.object({
  usd: z.number().nonnegative().describe("Price in USD per unit of the basis"),
  resolution: z.array(z.string()).optional().describe("Applies only at these resolution values"),
  duration_s: z.array(z.number()).optional().describe("Applies only to these lengths (per-clip prices)"),
  sound: z.boolean().optional().describe("Applies only with (true) or without (false) generated sound"),
});
export type PriceRate = z.infer<typeof PriceRateSchema>;

export const PriceSchema = z
  .discriminatedUnion("basis", [
    z.object({
      basis: z.literal("per_second"),
      rates: z.array(PriceRateSchema).min(1).describe("USD per second of video asked for; the first that applies is used"),
      source: SourceSchema,
    }),
    z.object({
      basis: z.literal("per_clip"),
      rates: z.array(PriceRateSchema).min(1).describe("USD per prediction; the first that applies is used"),
      source: SourceSchema,
    }),
    z.object({
      basis: z.literal("unknown"),
      note: z.string().describe("Why no price is kept (none published on the model's page, only third-party figures…)"),
    }),
  ])
  .describe("What one clip costs, as dated data with its source; never a guess");
export type Price = z.infer<typeof PriceSchema>;

export const ModelProfileSchema = z
  .object({
    model: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/).describe("owner/name on Replicate"),
    version: z.string().nullable().describe("A version id the facts were read from (a prefix when only that was shown)"),
    title: z.string().describe("Human name"),
    source: SourceSchema,
    prompt: FieldRefSchema.describe("The text prompt input"),
    duration: DurationSpecSchema,
    frame: FrameSpecSchema,
    first_frame: FieldRefSchema.extend({ required: z.boolean().default(false).describe("The model cannot run without it (image-to-video only)") })
      .nullable()
      .describe("Input taking an image to start the clip from"),
    last_frame: FieldRefSchema.nullable().describe("Input taking an image to end the clip on"),
    negative_prompt: FieldRefSchema.nullable(),
    seed: FieldRefSchema.nullable(),
    sound: z
      .object({ input: FieldRefSchema.nullable(), default: z.boolean() })
      .nullable()
      .describe("Whether the model makes sound, and the input that turns it off (null when it cannot be turned off)"),
    fixed_inputs: z.record(z.string(), z.unknown()).default({}).describe("Inputs always sent with these values"),
    price: PriceSchema,
    notes: z.array(z.string()).default([]).describe("What a user picking this model should know"),
  })
  .describe("Everything reelgraph knows about one video model");
export type ModelProfile = z.infer<typeof ModelProfileSchema>;
export type ModelProfileInput = z.input<typeof ModelProfileSchema>;

/** Width / height of a "W:H" ratio. */
export function ratioValue(ratio: string): number {
  const [w, h] = ratio.split(":").map(Number);
  if (!(w! > 0 && h! > 0)) throw new RangeError(`not a ratio: ${ratio}`);
  return w! / h!;
}

/** Distance of two picture shapes on a log scale (so 2:1 and 1:2 are equally far from 1:1). */
export function ratioDistance(a: number, b: number): number {
  return Math.abs(Math.log(a) - Math.log(b));
}
