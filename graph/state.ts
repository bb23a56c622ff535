import { ReducedValue, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import { AnalysisSchema } from "../core/schemas/analysis.js";
import { AudioAnalysisSchema } from "../core/schemas/audio.js";
import { ClipSchema, type Clip } from "../core/schemas/clip.js";
import { EditPlanSchema } from "../core/schemas/edit.js";
import { GenerationRequestSchema } from "../core/schemas/request.js";
import { StoryboardSchema } from "../core/schemas/storyboard.js";
import { StyleGuideSchema } from "../core/schemas/style.js";
import { TimelineSchema } from "../core/timeline/schema.js";
import { RunErrorSchema } from "../core/domain.js";
import { ModelProfileSchema, SourceSchema } from "../core/video-models/profile.js";

/** A pending natural-language edit, handed to the graph by the API or CLI. */
export const EditRequestSchema = z.object({
  id: z.string().describe("edit_…, also the edit plan's id"),
  instruction: z.string().min(1).max(2000),
  apply_immediately: z.boolean().default(false).describe("true: recompose at once; false: wait for confirm/reject"),
  webhook_url: z.string().nullable().optional().describe("Where to send the signed webhook when the plan is ready"),
});
export type EditRequest = z.infer<typeof EditRequestSchema>;

/** The reviewer's answer to a proposed edit, passed as the interrupt's resume value. */
export const EditDecisionSchema = z.object({
  decision: z.enum(["confirm", "reject", "supersede"]).describe("supersede: a newer edit replaces this waiting plan"),
  reason: z.string().optional(),
  by: z.string().optional().describe("With supersede: the edit that replaces it"),
});
export type EditDecision = z.infer<typeof EditDecisionSchema>;


/** The composition the compose node produced last. */
export const CompositionStateSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  video: z.object({ path: z.string(), duration_s: z.number() }),
  edit_id: z.string().nullable().optional().describe("The applied edit this version came from"),
  segments: z.object({ reused: z.number().int(), encoded: z.number().int() }).optional().describe("What the composer reused and re-encoded"),
  poster_path: z.string().nullable().optional().describe("A still of this version (JPEG), when one could be made"),
});

/** The video model a run asks for clips, as the planner saw it. */
export const VideoModelStateSchema = z.object({
  provider: z.string().describe("local | replicate:<model>"),
  profile: ModelProfileSchema.nullable().describe("What the model makes and costs; null for a provider that makes any length (local)"),
  chain: z.boolean().describe("Shots of a scene start from the previous shot's last frame"),
});
export type VideoModelState = z.infer<typeof VideoModelStateSchema>;

const UsdSchema = z.union([z.number().nonnegative(), z.literal("unknown")]).describe("US dollars, or \"unknown\" where no price is known");

/** What the clips would cost (plan, dry run, an edit's regenerated clips). */
export const CostEstimateSchema = z.object({
  model: z.string().describe("The provider's model (local: the animatic)"),
  currency: z.literal("USD"),
  basis: z.enum(["per_second", "per_clip", "unknown", "free"]).describe("How the model is priced; free: rendered locally"),
  price_source: SourceSchema.nullable().describe("Where the price was read and when; null when unknown or free"),
  estimate_usd: UsdSchema.describe("The total, or \"unknown\" when any clip's price is"),
  known_usd: z.number().nonnegative().describe("The sum of the clips whose price is known"),
  unknown_clips: z.number().int().min(0),
  per_clip: z.array(
    z.object({
      clip_id: z.string().nullable(),
      scene_id: z.string(),
      shot_index: z.number().int().min(0),
      request_s: z.number().describe("Seconds asked of the model"),
      resolution: z.string().nullable(),
      usd: UsdSchema,
    }),
  ),
  note: z.string().nullable(),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;

const mergeClips = (current: Record<string, Clip>, update: Record<string, Clip>) => ({ ...current, ...update });
const mergeSpend = (current: Record<string, number | "unknown">, update: Record<string, number | "unknown">) => ({ ...current, ...update });
const appendWarnings = (current: string[], update: string[]) => [...current, ...update.filter((w) => !current.includes(w))];

/**
 * The graph's state. One thread per generation (thread_id = generation id); the same thread
 * carries its edits, so the checkpoint history is the generation's history.
 */
export const GraphState = new StateSchema({
  /** The generation this thread belongs to (gen_…). */
  generationId: z.string(),
  /** What the caller asked for, validated. */
  request: GenerationRequestSchema,
  /** Local path of the song (music videos), resolved from request.audio before the run. */
  audioPath: z.string().nullable().default(null),
  /** Beat analysis of the song; null for ads. */
  audioAnalysis: AudioAnalysisSchema.nullable().default(null),
  /** analyze: the brief understood. */
  analysis: AnalysisSchema.nullable().default(null),
  /** plan: Overview → Scenes → Shots with timing. */
  storyboard: StoryboardSchema.nullable().default(null),
  /** stylize: the style vector held across every clip. */
  styleGuide: StyleGuideSchema.nullable().default(null),
  /** The current timeline (clip ids assigned at stylize; edits replace it). */
  timeline: TimelineSchema.nullable().default(null),
  /** Every clip made for this generation, by clip id (merged, never dropped: versions reuse them). */
  clips: new ReducedValue(z.record(z.string(), ClipSchema).default(() => ({})), {
    inputSchema: z.record(z.string(), ClipSchema),
    reducer: mergeClips,
  }),
  /** stylize: the video model the clips are asked of, and how shots are linked. */
  videoModel: VideoModelStateSchema.nullable().default(null),
  /** stylize (and generate after an edit): what the clips still to make would cost. */
  costEstimate: CostEstimateSchema.nullable().default(null),
  /** What each paid prediction cost, by clip id (USD or "unknown"); merged, never dropped. */
  spend: new ReducedValue(z.record(z.string(), UsdSchema).default(() => ({})), {
    inputSchema: z.record(z.string(), UsdSchema),
    reducer: mergeSpend,
  }),
  /** The last composition rendered. */
  composition: CompositionStateSchema.nullable().default(null),
  /** The highest composition version made on this thread (edits and reverts number after it). */
  latestVersion: z.number().int().min(0).default(0),
  /** The edit waiting to be interpreted (set by the caller; routes START to `edit`). */
  editRequest: EditRequestSchema.nullable().default(null),
  /** The edit plan for editRequest (proposed → applied | rejected). */
  editPlan: EditPlanSchema.nullable().default(null),
  /** What was repaired, assumed or fell back along the way (deduplicated). */
  warnings: new ReducedValue(z.array(z.string()).default(() => []), {
    inputSchema: z.array(z.string()),
    reducer: appendWarnings,
  }),
  /** Set when the run cannot finish; routes to the end. */
  error: RunErrorSchema.nullable().default(null),
});

export type State = typeof GraphState.State;
export type Update = typeof GraphState.Update;
