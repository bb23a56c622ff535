import type { z } from "zod";
import type { AudioAnalysis } from "../core/schemas/audio.js";
import type { EditOperation } from "../core/schemas/edit.js";
import type { ClipLedger } from "../core/stores.js";
import type { Timeline } from "../core/timeline/schema.js";
import type { RunOptions } from "../core/schemas/request.js";
import type { Configuration } from "./configuration.js";
import type { InputSchema } from "../core/video-models/openapi.js";
import type { ModelProfile } from "../core/video-models/profile.js";

/**
 * The graph's ports: the small interfaces behind which every side effect lives. Nodes see
 * only these; tools/ implements them and app/ wires them (app/reelgraph.ts), so tests build
 * a fresh graph from fakes. Nothing here is a model or a provider chosen by a node: the
 * choice comes from configuration through `modelFor` and `videoFor`.
 */

/** One structured model call (AI SDK structured output, zod-validated, one repair round). */
export interface StructuredCall<T> {
  task: string;
  schema: z.ZodType<T>;
  system: string;
  prompt: string;
  /** Checks beyond the schema (e.g. plan invariants); problems send the answer back once. */
  check?: (value: T) => string[];
}

/** A configured language model, as the nodes see it. */
export interface StructuredModel {
  /** llm:<model> */
  readonly name: string;
  generate<T>(call: StructuredCall<T>): Promise<{ value: T; repaired: string[] }>;
}

export interface EditInterpretation {
  operations: EditOperation[];
  warnings: string[];
  /** Set when the instruction cannot be honoured at all. */
  rejection: string | null;
  /** How sure the reading is, 0–1 (the offline interpreter reports it; a model does not). */
  confidence?: number;
  /** Ready instructions, one per reading, when the instruction is ambiguous. */
  alternatives?: string[];
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
  onPrediction(id: string): void | Promise<void>;
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
  profile: ModelProfile;
  /** The input schema of the version that runs, when read from the provider. */
  schema: InputSchema | null;
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
  debug?(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/**
 * Where media lives under the data folder. Every writer goes through here so paths stay
 * predictable (and a resumed run finds what an earlier process wrote).
 */
export interface MediaStore {
  readonly root: string;
  clipPath(generationId: string, clipId: string): string;
  renderPath(generationId: string, version: number): string;
  segmentPath(key: string): string;
  assetPath(assetId: string, ext: string): string;
  tmpPath(name: string): string;
  /**
   * Makes a finished file (clip, render, song) available to every process: a no-op with the
   * local folder alone, an upload with shared storage (S3). Call it once the file is complete.
   */
  publish(path: string): Promise<void>;
  /**
   * The local path of a media file, fetched from shared storage first when this process does
   * not have it. `path` may name another process's media folder (as the stores record it);
   * the answer is the copy under this store's root. A URL or a file outside every media folder
   * comes back as given. Throws MediaNotFoundError when no process published the file.
   */
  ensureLocal(path: string): Promise<string>;
}

/** Facts about a finished file the generate node records in the ledger. */
export interface ClipFiles {
  /** Non-empty file on disk. */
  exists(path: string): boolean;
  sha256(path: string): Promise<string>;
  /** The file's own length in seconds, or null when it cannot be read. */
  duration(path: string): Promise<number | null>;
  /**
   * Writes a still frame of a video as a JPEG (a clip's thumbnail, a composition's poster), at
   * `atS` seconds (clamped into the video). Absent on ports that cannot make pictures.
   */
  still?(videoPath: string, outPath: string, atS: number, signal?: AbortSignal): Promise<string>;
  /** Writes a video's last frame as a JPEG (the first frame of the next shot when chaining). */
  lastFrame?(videoPath: string, outPath: string, signal?: AbortSignal): Promise<string>;
}

/** Makes a song given by URL or uploaded asset id local for a run (a guarded download). */
export interface SongSource {
  resolve(urlOrAsset: string, generationId: string, signal?: AbortSignal): Promise<string>;
}

/** Everything the graph's nodes need; built once per process (or per test, from fakes). */
export interface GraphDeps {
  config: Configuration;
  /** The one store nodes write: what was asked of a provider, before any wait. */
  clips: ClipLedger;
  media: MediaStore;
  files: ClipFiles;
  /** The configured language model for a run's options; null means the offline path. */
  modelFor(options: RunOptions | undefined): StructuredModel | null;
  /** The video provider for a run's options. */
  videoFor(options: RunOptions | undefined): VideoProvider;
  composer: Composer;
  audio: AudioAnalyzer;
  songs: SongSource;
  log: Log;
  /** Injected for tests; Date.now by default. */
  now: () => number;
  /** Waits between clip attempts; injected in tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}
