import type { Analysis } from "./schemas/analysis.js";
import type { AudioAnalysis } from "./schemas/audio.js";
import type { GenerationRequest } from "./schemas/request.js";
import type { EditOperation } from "./schemas/edit.js";
import type { Storyboard } from "./schemas/storyboard.js";
import type { StyleGuide } from "./schemas/style.js";
import type { Timeline } from "./timeline/schema.js";

/**
 * The small interfaces behind which every side effect lives. The graph is built from a
 * Deps object (graph/index.ts), so tests build a fresh graph from fakes.
 */

/** Does the LLM's jobs. Implemented by the offline provider and by the AI SDK provider. */
export interface Brain {
  /** offline | openai:<model> */
  readonly name: string;
  analyze(input: { request: GenerationRequest; audio: AudioAnalysis | null }): Promise<BrainResult<Analysis>>;
  plan(input: { request: GenerationRequest; analysis: Analysis; audio: AudioAnalysis | null }): Promise<BrainResult<Storyboard>>;
  stylize(input: { request: GenerationRequest; analysis: Analysis; storyboard: Storyboard }): Promise<BrainResult<StyleGuide>>;
  interpretEdit(input: { instruction: string; timeline: Timeline }): Promise<BrainResult<EditInterpretation>>;
}

/** A structured answer and what was repaired or fell back along the way. */
export interface BrainResult<T> {
  value: T;
  /** Who produced the value: offline, or openai:<model>. */
  by: string;
  warnings: string[];
}

export interface EditInterpretation {
  operations: EditOperation[];
  warnings: string[];
  /** Set when the instruction cannot be honoured at all. */
  rejection: string | null;
}

/** One clip to make. */
export interface ClipJob {
  generationId: string;
  clipId: string;
  sceneId: string;
  prompt: string;
  duration_s: number;
  width: number;
  height: number;
  fps: number;
  /** Palette for the animatic, brand colours first. */
  palette: string[];
  /** Short on-screen text (the animatic draws it). */
  text: string;
  /** Camera movement word (push-in, pan…), for the animatic's motion. */
  motion: string;
  /** Where the finished file must be written. */
  outPath: string;
}

export interface ClipProgress {
  /** A prediction id already created for this clip by an earlier attempt or process. */
  predictionId: string | null;
  /** Must be called the moment a paid prediction exists, before waiting on it. */
  onPrediction(id: string): void;
  signal?: AbortSignal;
}

export interface ClipResult {
  path: string;
  duration_s: number;
  prediction_id: string | null;
}

export interface VideoProvider {
  /** local | replicate:<model> */
  readonly name: string;
  generate(job: ClipJob, progress: ClipProgress): Promise<ClipResult>;
}
