import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { lastFrameArgs, stillArgs } from "./args.js";
import { runFfmpeg, withFfmpegRank } from "./run.js";

/**
 * Stills of a video on this machine's FFmpeg: a frame at a time (thumbnails, posters) and the
 * last frame (chained shots). Written to a temporary name and renamed, so a reader never sees
 * half a JPEG; an input seek past the end is retried at 0 s.
 */

export async function writeStill(videoPath: string, outPath: string, atS: number, opts: { timeoutS?: number; signal?: AbortSignal; background?: boolean } = {}): Promise<string> {
  // Made beside a run (thumbnails, posters): queued a minute behind the runs' own FFmpeg work.
  if (opts.background) return withFfmpegRank(Date.now() + 60_000, () => writeStill(videoPath, outPath, atS, { ...opts, background: false }));
  await mkdir(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.${process.pid}.${Date.now()}.tmp.jpg`;
  try {
    await runFfmpeg(stillArgs({ input: videoPath, outPath: tmp, atS: Math.max(0, atS) }), { timeoutS: opts.timeoutS ?? 60, signal: opts.signal });
    if (!(await nonEmpty(tmp)) && atS > 0) await runFfmpeg(stillArgs({ input: videoPath, outPath: tmp, atS: 0 }), { timeoutS: opts.timeoutS ?? 60, signal: opts.signal });
    if (!(await nonEmpty(tmp))) throw new Error(`no frame could be read from ${videoPath}`);
    await rename(tmp, outPath);
    return outPath;
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function writeLastFrame(videoPath: string, outPath: string, opts: { timeoutS?: number; signal?: AbortSignal } = {}): Promise<string> {
  await mkdir(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.${process.pid}.${Date.now()}.tmp.jpg`;
  try {
    await runFfmpeg(lastFrameArgs({ input: videoPath, outPath: tmp }), { timeoutS: opts.timeoutS ?? 60, signal: opts.signal });
    if (!(await nonEmpty(tmp))) throw new Error(`no last frame could be read from ${videoPath}`);
    await rename(tmp, outPath);
    return outPath;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function nonEmpty(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.size ? true : false;
}
