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
  /** Image to start from (path, http(s) URL or data URI): the previous shot's last frame when chaining. */
  firstFrame?: string | null;
  /** Image to end on, for models with a last-frame input. */
  lastFrame?: string | null;
  /** Seed for models that take one (reproducible retries). */
  seed?: number | null;
  negativePrompt?: string | null;
}

export interface ClipProgress {
  /** A prediction id already created for this clip by an earlier attempt or process. */
  predictionId: string | null;
  /** Must be called the moment a paid prediction exists, before waiting on it. */
  onPrediction(id: string): void;
  /**
   * When (epoch ms) an earlier attempt may have asked the provider to create this clip's
   * prediction without the id being recorded (a crash in between): look for it first.
   */
  createAttemptedAt?: number | null;
  signal?: AbortSignal;
}

export interface ClipResult {
  path: string;
  duration_s: number;
  prediction_id: string | null;
  /** Seconds asked of the model (its allowed length); absent when unknown (a resumed prediction). */
  requested_s?: number;
  /** The input sent to the model. */
  input?: Record<string, unknown>;
  /** What it cost by the model's price data (USD), or "unknown". */
  cost_usd?: number | "unknown";
  /** What did not fit (length the model cannot make, reframing, inputs it lacks…). */
  warnings?: string[];
}

/** A video model as the planner needs it: its profile and what could not be mapped. */
export interface VideoModelDescription {
  model: string;
  profile: import("../core/video-models/profile.js").ModelProfile;
  /** The input schema of the version that runs, when read from the provider. */
  schema: import("../core/video-models/openapi.js").InputSchema | null;
  warnings: string[];
}

export interface VideoProvider {
  /** local | replicate:<model> */
  readonly name: string;
  generate(job: ClipJob, progress: ClipProgress): Promise<ClipResult>;
  /** The model's profile for fitting shots and estimating cost; absent on providers that make any length (local). */
  describe?(signal?: AbortSignal): Promise<VideoModelDescription>;
}

/** Joins clips into the MP4 a timeline describes (in-process, or a remote FFmpeg service). */
export interface Composer {
  compose(input: { generationId: string; compositionId: string; timeline: Timeline; clips: Record<string, string>; outPath: string; signal?: AbortSignal }): Promise<{ path: string; duration_s: number; reused: number; encoded: number; warnings?: string[] }>;
}

/** Beat analysis of a song file (in-process, or the FFmpeg service). */
export interface AudioAnalyzer {
  analyze(path: string, signal?: AbortSignal): Promise<AudioAnalysis>;
}

/** Structured log lines with the generation id and node name. */
export interface Log {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** Everything the graph's nodes need; built once per process (or per test, from fakes). */
export interface GraphDeps {
  config: import("./configuration.js").Configuration;
  store: import("../tools/store/run-store.js").RunStore;
  media: import("../tools/media/store.js").MediaStore;
  /** The brain for a run's options (the configured model, or the offline provider). */
  brainFor(options: GenerationRequest["options"]): Brain;
  /** The video provider for a run's options. */
  videoFor(options: GenerationRequest["options"]): VideoProvider;
  composer: Composer;
  audio: AudioAnalyzer;
  log: Log;
  /** Injected for tests; Date.now by default. */
  now?: () => number;
  /** Waits between clip attempts; injected in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
