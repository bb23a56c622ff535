import type { Clip } from "./schemas/clip.js";
import type { EditPlan } from "./schemas/edit.js";
import type { GenerationRequest } from "./schemas/request.js";
import type { Timeline } from "./timeline/schema.js";
import type { CompositionView, GenerationStatus, GenerationView, RunError, Stage, StoredEdit, StoredEvent, VersionView } from "./domain.js";

/**
 * The small storage interfaces reelgraph is built on. Each has one contract test suite
 * (test/stores/contracts/) that every backend must pass. Every method is async so a backend
 * may live in another process (Postgres); the SQLite backend answers at once.
 *
 * Who writes what: the graph's checkpoints are the record of a run. The clip ledger is the
 * one thing a node writes directly (before any wait, so nothing is paid twice); everything
 * else here is a projection of the graph's stream (app/projector.ts) or the API's own data.
 */

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(readonly kind: string, readonly id: string) {
    super(`${kind} ${id} was not found`);
  }
}

export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(message: string, readonly context: Record<string, unknown> = {}) {
    super(message);
  }
}

export type GenerationPatch = Partial<{
  status: GenerationStatus;
  stage: Stage | null;
  percent: number;
  clips_done: number;
  clips_total: number;
  analysis: unknown;
  plan: unknown;
  style: unknown;
  error: RunError | null;
  warnings: string[];
  /** Extra figures a projection keeps (ETA inputs, cost); merged into the stored object. */
  extra: Record<string, unknown>;
}>;

/** The read model of generations the API serves: a projection, never the graph's input. */
export interface GenerationReadModel {
  create(input: { id: string; request: GenerationRequest; client?: string | null }): Promise<GenerationView>;
  /** Throws NotFoundError. */
  get(id: string): Promise<GenerationView>;
  has(id: string): Promise<boolean>;
  list(q: { status?: GenerationStatus; limit: number; cursor?: string }): Promise<{ items: GenerationView[]; next_cursor: string | null }>;
  /**
   * Writes `patch`. With `unlessStatus`, nothing is written while the generation's status is
   * one of those (checked in the same statement): a run's own writes never take a cancelled
   * generation back to running or completed, wherever the cancel was said.
   */
  update(id: string, patch: GenerationPatch, opts?: { unlessStatus?: GenerationStatus[] }): Promise<void>;
  /** A generation's `extra` alone, without reading its whole view; throws NotFoundError. */
  extraOf(id: string): Promise<Record<string, unknown>>;
  /** Runs the API started that are still queued or running (to resume after a restart). */
  unfinished(): Promise<string[]>;
}

/**
 * What was asked of a provider for each clip, written before any wait: the pay-once rule.
 * A resumed run looks here first and polls the prediction it finds instead of paying again.
 */
export interface ClipLedger {
  get(clipId: string): Promise<Clip | null>;
  listFor(generationId: string): Promise<Clip[]>;
  upsert(generationId: string, clip: Clip): Promise<Clip>;
  /** Records a paid prediction id at once, before anyone waits on it. */
  setPredictionId(clipId: string, predictionId: string): Promise<void>;
  /**
   * Notes that a paid create is about to be sent, and returns when an earlier attempt did the
   * same without its prediction id ever being recorded (a crash in between).
   */
  markCreateAttempt(clipId: string, nowMs: number): Promise<number | null>;
  /** Forgets a clip's prediction (it ended without a result): the next attempt pays for a new one. */
  clearPrediction(clipId: string): Promise<void>;
  findByPrediction(predictionId: string): Promise<{ clip_id: string; generation_id: string; scene_id: string } | null>;
}

/** Composition versions and the edit plans made against them. */
export interface CompositionStore {
  /** Saves a rendered timeline as the composition's version `timeline.version` (creating the composition). */
  saveVersion(input: { generationId: string; timeline: Timeline; videoPath: string | null; duration_s: number | null; editId?: string | null; revertedFrom?: number | null; posterPath?: string | null }): Promise<CompositionView>;
  /** Throws NotFoundError. */
  get(id: string): Promise<{ id: string; generation_id: string; current_version: number; view: CompositionView }>;
  ofGeneration(generationId: string): Promise<CompositionView | null>;
  /** Throws NotFoundError. */
  version(id: string, version: number): Promise<CompositionView>;
  listVersions(id: string): Promise<VersionView[]>;
  latestVersionNumber(id: string): Promise<number>;
  saveEdit(generationId: string, plan: EditPlan): Promise<void>;
  /** Throws NotFoundError. */
  getEdit(id: string): Promise<StoredEdit>;
  listEdits(compositionId: string): Promise<StoredEdit[]>;
}

export type EventListener = (event: StoredEvent) => void;

/** Progress events of each generation, numbered; SSE replays them after `Last-Event-ID`. */
export interface EventLog {
  append(generationId: string, type: string, data: Record<string, unknown>): Promise<StoredEvent>;
  after(generationId: string, afterSeq: number, limit?: number): Promise<StoredEvent[]>;
  /** New events of one generation ("*" for all); returns the unsubscribe. */
  subscribe(generationId: string, listener: EventListener): () => void;
}

export interface StoredAsset {
  id: string;
  kind: string;
  path: string;
  mime: string | null;
  bytes: number;
  sha256: string | null;
  source: string | null;
}

/** Uploaded files (songs) by id. */
export interface AssetStore {
  save(asset: StoredAsset): Promise<void>;
  get(id: string): Promise<StoredAsset | null>;
}

/** Keys that make a retried request (or a repeated webhook) act once. */
export interface IdempotencyStore {
  /**
   * Claims `key` for `value` unless it is already held; returns the holder. `fingerprint`
   * tells a true retry from the same key reused for another request.
   */
  claim(key: string, value: string, fingerprint?: string | null): Promise<{ value: string; fingerprint: string | null; claimed: boolean }>;
}

/**
 * Per-client allowances for the API's rate limits, as token buckets (GCRA: one timestamp per
 * client, when its bucket is full again). On a shared backend every API process draws from
 * the same bucket.
 */
export interface RateLimitCounter {
  /**
   * Takes one token from `key`'s bucket, which holds `windowMs / intervalMs` tokens and earns one
   * every `intervalMs`. `fullAtMs`: when the bucket is full again (allowed) or when the next
   * request would pass (refused).
   */
  take(key: string, nowMs: number, intervalMs: number, windowMs: number): Promise<{ allowed: boolean; fullAtMs: number }>;
  /** Gives back a token (a request that should not count). */
  giveBack(key: string, intervalMs: number): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Every store the app uses, opened together on one backend. */
export interface Stores {
  readonly backend: string;
  readonly generations: GenerationReadModel;
  readonly clips: ClipLedger;
  readonly compositions: CompositionStore;
  readonly events: EventLog;
  readonly assets: AssetStore;
  readonly idempotency: IdempotencyStore;
  /** Shared rate-limit buckets, on a backend several API processes share (absent: each process counts alone). */
  readonly rateLimits?: RateLimitCounter;
  close(): Promise<void>;
}
