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
});

const mergeClips = (current: Record<string, Clip>, update: Record<string, Clip>) => ({ ...current, ...update });
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
