import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeBrain } from "../../evals/brain.js";
import { createEvalContext, type EvalContext, type JudgeHandle } from "../../evals/core/context.js";
import { loadTrackSpecs } from "../../evals/datasets/briefs.js";
import { TrackLibrary } from "../../evals/tracks.js";
import type { CliIO } from "../../evals/cli.js";

/** Shared helpers for the eval tests: temp folders, an offline context, a captured CLI. */

export function tempDir(prefix = "reelgraph-evals-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function offlineContext(opts: { judge?: JudgeHandle | null; judgeReason?: string; tracksDir?: string } = {}): EvalContext {
  return createEvalContext({
    provider: "offline",
    brain: nodeBrain(null, { fps: 30 }),
    fps: 30,
    shortSide: 720,
    tracks: new TrackLibrary(loadTrackSpecs(), opts.tracksDir ?? join(tmpdir(), "reelgraph-evals-tracks-unused")),
    judge: opts.judge ?? null,
    judgeReason: opts.judgeReason ?? "test: no judge",
  });
}

/** A CLI io that records what was printed. */
export function captureIO(env: NodeJS.ProcessEnv = {}, extra: Partial<CliIO> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, color: false, ...extra };
}
