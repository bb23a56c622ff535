import { writeFileSync } from "node:fs";
import type { ClipJob, ClipProgress, ClipResult, VideoProvider } from "../../graph/ports.js";

export interface RecordedClipCall {
  clipId: string;
  sceneId: string;
  prompt: string;
  predictionIdGiven: string | null;
  at: number;
}

export type Script = (job: ClipJob, progress: ClipProgress, call: number) => Promise<ClipResult | "delegate">;

/**
 * A video provider that records every call and can be scripted per call: fail, hang until
 * aborted, create a "prediction", or delegate to a real provider (the local renderer).
 */
export class FakeVideoProvider implements VideoProvider {
  readonly calls: RecordedClipCall[] = [];
  private predictionSeq = 0;
  readonly predictionsCreated: string[] = [];

  constructor(
    readonly name = "fake",
    private readonly script: Script = async () => "delegate",
    private readonly delegate?: VideoProvider,
  ) {}

  async generate(job: ClipJob, progress: ClipProgress): Promise<ClipResult> {
    this.calls.push({ clipId: job.clipId, sceneId: job.sceneId, prompt: job.prompt, predictionIdGiven: progress.predictionId, at: Date.now() });
    const r = await this.script(job, progress, this.calls.length);
    if (r !== "delegate") return r;
    if (this.delegate) return this.delegate.generate(job, progress);
    writeFileSync(job.outPath, "not a video");
    return { path: job.outPath, duration_s: job.duration_s, prediction_id: null };
  }

  /** Creates a fake paid prediction and reports it, as a remote provider would. */
  createPrediction(progress: ClipProgress): string {
    const id = `pred_${++this.predictionSeq}`;
    this.predictionsCreated.push(id);
    void progress.onPrediction(id);
    return id;
  }

  callsFor(sceneId: string): RecordedClipCall[] {
    return this.calls.filter((c) => c.sceneId === sceneId);
  }
}

/** Resolves when the signal aborts (a provider that never answers). */
export function hangUntilAborted(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    signal.addEventListener("abort", () => reject(signal.reason ?? new Error("aborted")), { once: true });
  });
}
