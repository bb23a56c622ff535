import { z } from "zod";
import { AnalysisSchema } from "../core/schemas/analysis.js";
import { ClipSchema } from "../core/schemas/clip.js";
import { EditPlanSchema } from "../core/schemas/edit.js";
import { GenerationRequestSchema } from "../core/schemas/request.js";
import { StoryboardSchema } from "../core/schemas/storyboard.js";
import { StyleGuideSchema } from "../core/schemas/style.js";
import { TimelineSchema } from "../core/timeline/schema.js";
import { GENERATION_STATUSES, STAGES } from "../core/domain.js";

/**
 * Request and response shapes of the HTTP API. Routes validate with these; /openapi.json is
 * generated from the same objects, so the document cannot drift from the code.
 */

export const GenerationIdParams = z.strictObject({ id: z.string().regex(/^gen_[A-Za-z0-9_]{1,64}$/, "a generation id looks like gen_…") });
export const CompositionIdParams = z.strictObject({ id: z.string().regex(/^comp_[A-Za-z0-9_]{1,64}$/, "a composition id looks like comp_…") });
export const EditIdParams = CompositionIdParams.extend({ edit_id: z.string().regex(/^edit_[A-Za-z0-9_]{1,64}$/, "an edit id looks like edit_…") });
export const ClipIdParams = z.strictObject({ id: z.string().regex(/^clip_[A-Za-z0-9_]{1,128}$/, "a clip id looks like clip_…") });

export const ListGenerationsQuery = z.strictObject({
  status: z.enum(GENERATION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const EditBody = z.strictObject({
  instruction: z.string().trim().min(1, "say what to change, e.g. 'swap the second and third scenes'").max(2000),
  apply_immediately: z.boolean().default(false),
  webhook_url: z.string().max(2048).optional().describe("A public http(s) URL that gets a signed POST when the edit plan is ready"),
});

export const RevertBody = z.strictObject({ version: z.number().int().positive() });
export const RejectBody = z.strictObject({ reason: z.string().max(500).optional() }).default({});
export const VideoQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() });

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("Each invalid field by its path"),
});

export const CompositionViewSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  timeline: TimelineSchema,
  video: z.object({ path: z.string().nullable(), url: z.string().nullable(), duration_s: z.number().nullable() }),
  poster_url: z.string().nullable().optional().describe("A still of this version (JPEG): GET /api/v1/compositions/{id}/poster?version=N"),
});

const UsdView = z.union([z.number(), z.literal("unknown")]);
export const CostViewSchema = z
  .object({
    currency: z.literal("USD"),
    model: z.string().nullable(),
    basis: z.string().nullable().describe("per_second | per_clip | unknown | free (rendered locally)"),
    price_source: z.object({ url: z.string(), read_at: z.string(), note: z.string().optional() }).nullable().describe("Where the price was read, and when"),
    estimate_usd: UsdView.nullable().describe("The plan's estimate; \"unknown\" when any clip's price is"),
    estimate_known_usd: z.number().nullable(),
    unknown_clips: z.number().int(),
    spent_usd: z.number().describe("Paid so far, at known prices"),
    spent_unknown_clips: z.number().int(),
    max_cost_usd: z.number().nullable(),
    per_clip: z.array(z.object({ clip_id: z.string().nullable(), scene_id: z.string().nullable(), shot_index: z.number().int().nullable(), request_s: z.number().nullable(), estimate_usd: UsdView.nullable(), spent_usd: UsdView.nullable() })),
    note: z.string().nullable(),
  })
  .describe("What the clips cost: the estimate and the spend, per clip and in total (USD)");

export const GenerationViewSchema = z.object({
  id: z.string(),
  pipeline: z.enum(["ad", "music_video"]),
  status: z.enum(GENERATION_STATUSES),
  stage: z.enum(STAGES).nullable(),
  progress: z.object({ percent: z.number(), clips_done: z.number().int(), clips_total: z.number().int() }),
  request: GenerationRequestSchema,
  analysis: AnalysisSchema.nullable(),
  plan: StoryboardSchema.nullable(),
  style: StyleGuideSchema.nullable(),
  clips: z.array(ClipSchema.extend({ url: z.string().nullable().optional().describe("The clip's MP4"), thumbnail_url: z.string().nullable().optional().describe("A still of the clip (JPEG)") })),
  composition: CompositionViewSchema.nullable(),
  cost: CostViewSchema.nullable().optional(),
  error: z.object({ stage: z.string().nullable(), message: z.string(), scene_id: z.string().nullable().optional(), provider: z.string().nullable().optional() }).nullable(),
  warnings: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const AcceptedSchema = z.object({
  id: z.string(),
  status: z.enum(GENERATION_STATUSES),
  links: z.object({ self: z.string(), events: z.string(), cancel: z.string() }),
});

export const GenerationListSchema = z.object({ items: z.array(GenerationViewSchema), next_cursor: z.string().nullable() });

export const VersionListSchema = z.object({
  composition_id: z.string(),
  current_version: z.number().int(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      duration_s: z.number().nullable(),
      edit_id: z.string().nullable(),
      reverted_from: z.number().int().nullable(),
      created_at: z.string(),
      current: z.boolean(),
      url: z.string().nullable(),
    }),
  ),
});

export { EditPlanSchema, GenerationRequestSchema };

export const AssetSchema = z
  .object({
    id: z.string().describe("Asset id: give it as audio.url of a music_video request"),
    kind: z.literal("audio"),
    bytes: z.number().int().describe("Size of the stored file"),
    mime: z.string().describe("The file's media type as detected"),
    duration_s: z.number().nullable().describe("The song's length, when it could be measured"),
  })
  .describe("An uploaded song");

export const EditPlanListSchema = z.object({ items: z.array(EditPlanSchema) }).describe("Edit plans of a composition, oldest first");

export const EVENT_TYPES = [
  "queued", "stage", "audio_resolved", "audio_analyzed", "clip_started", "clip_retry", "clip_done", "clip_failed",
  "composition_ready", "awaiting_confirmation", "edit_planned", "edit_applied", "edit_rejected", "reverted",
  "completed", "failed", "cancelled", "stopped",
] as const;

export const ProgressEventSchema = z
  .object({
    type: z.string().describe(`The event's name, also sent as the SSE \`event:\` field: ${EVENT_TYPES.join(", ")} (more may be added)`),
    at: z.string().describe("When it happened (ISO 8601)"),
  })
  .catchall(z.unknown())
  .describe("The `data:` of one server-sent event. Its `id:` is a sequence number: reconnect with Last-Event-ID to get what was missed, and nothing twice. Other fields depend on the type (stage, percent, clip_id, scene_id, error…)");
