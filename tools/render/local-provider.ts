import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { ClipJob, ClipProgress, ClipResult, VideoProvider } from "../../graph/ports.js";
import { animaticArgs } from "../ffmpeg/args.js";
import { probeFast } from "../ffmpeg/probe.js";
import { runFfmpeg } from "../ffmpeg/run.js";
import { normalizeText, resolveFont, type FontRef } from "../ffmpeg/text.js";
import { animaticSpec, layoutTitle } from "./motion.js";

export interface LocalVideoProviderOptions {
  /** Deadline for one render, in seconds (default 120). */
  timeoutS?: number;
  /** Font for the drawn text (default: resolveFont()). */
  font?: FontRef;
}

/** A clip the local renderer could not make. */
export class LocalRenderError extends Error {
  override readonly name = "LocalRenderError";
  constructor(
    message: string,
    readonly context: { clipId: string; sceneId: string; outPath: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The offline video provider: renders a timed animatic (palette gradient, the shot's text,
 * a scene label, gentle motion from the camera word) with the composer's encoder profile,
 * so its clips are stream-copied into the final video when a scene uses them as they are.
 */
export function createLocalVideoProvider(opts: LocalVideoProviderOptions = {}): VideoProvider {
  const timeoutS = opts.timeoutS ?? 120;
  return {
    name: "local",
    async generate(job: ClipJob, progress: ClipProgress): Promise<ClipResult> {
      const where = { clipId: job.clipId, sceneId: job.sceneId, outPath: job.outPath };
      const out = resolve(job.outPath);
      const stem = `${out}.${process.pid}.${randomBytes(4).toString("hex")}`;
      const tmp = `${stem}.tmp`;
      const titleFile = `${stem}.title.txt`;
      const labelFile = `${stem}.label.txt`;
      try {
        if (!(job.duration_s > 0)) throw new RangeError(`duration must be positive, got ${job.duration_s}`);
        await mkdir(dirname(out), { recursive: true });
        const title = layoutTitle(job.text, job.width, job.height, job.motion);
        const label = normalizeText(job.sceneId);
        if (title) await writeFile(titleFile, title.text, "utf8");
        if (label) await writeFile(labelFile, label, "utf8");
        const spec = animaticSpec(
          job,
          { title: title ? { path: titleFile, fontSize: title.fontSize } : null, label: label ? labelFile : null },
          opts.font ?? resolveFont(),
          tmp,
        );
        await runFfmpeg(animaticArgs(spec), { timeoutS, signal: progress.signal });
        await rename(tmp, out);
        const info = await probeFast(out);
        return { path: out, duration_s: info.video_duration_s, prediction_id: null };
      } catch (err) {
        throw new LocalRenderError(`animatic for ${job.sceneId} failed: ${(err as Error).message}`, where, { cause: err });
      } finally {
        await Promise.all([rm(tmp, { force: true }), rm(titleFile, { force: true }), rm(labelFile, { force: true })]);
      }
    },
  };
}
