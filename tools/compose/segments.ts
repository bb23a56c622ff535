import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import type { MediaStore } from "../media/store.js";
import { segmentArgs, type SegmentSpec } from "../ffmpeg/args.js";
import { probeFast, type MediaInfo } from "../ffmpeg/probe.js";
import { runFfmpeg } from "../ffmpeg/run.js";
import type { FontRef } from "../ffmpeg/text.js";
import { ComposeError } from "./errors.js";
import type { CompositionPlan, SegmentPlan } from "./plan.js";

/** Makes (or finds in the cache) the encoded segments of a plan. */

export interface SegmentContext {
  media: MediaStore;
  font: FontRef;
  timeoutS: number;
  signal?: AbortSignal;
}

export interface ProducedSegment {
  key: string;
  path: string;
  /** Found in the cache: no FFmpeg run. */
  reused: boolean;
  info: MediaInfo;
}

/** A unique temporary name beside `path`, so the final rename stays on one filesystem. */
export function tmpName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

/**
 * The FFmpeg spec for an encoded segment. Pure. The CTA's text is not in it: only the path
 * of the file that holds it.
 */
export function segmentSpecFor(seg: SegmentPlan, plan: CompositionPlan, o: { font: FontRef; textFile: string | null; outPath: string }): SegmentSpec {
  const overlay = seg.overlay;
  if (overlay && !o.textFile) throw new Error(`${seg.scene_id}: the CTA needs a text file`);
  return {
    input: seg.input,
    sourceInS: seg.sourceInS,
    speed: seg.speed,
    frames: seg.frames,
    fps: plan.fps,
    width: plan.width,
    height: plan.height,
    crop: seg.crop,
    scale: seg.scale,
    pad: seg.pad,
    grade: seg.grade,
    fadeInFrames: seg.fadeInFrames,
    overlay:
      overlay && o.textFile
        ? {
            textFile: o.textFile,
            font: o.font,
            fontSize: overlay.fontSize,
            x: "(w-tw)/2",
            y: "h-th-h*0.1",
            box: { color: "black@0.55", border: Math.round(overlay.fontSize * 0.45) },
            lineSpacing: Math.round(overlay.fontSize * 0.25),
            enable: `between(n,${overlay.fromFrame},${overlay.toFrame - 1})`,
            alpha: overlay.fadeFrames > 0 ? `min(1,(n-${overlay.fromFrame}+${overlay.elapsedFrames}+1)/${overlay.fadeFrames})` : undefined,
          }
        : null,
    outPath: o.outPath,
  };
}

/** Encodes one segment into the cache, atomically; returns the cached file if it exists. */
export async function produceSegment(seg: SegmentPlan, plan: CompositionPlan, ctx: SegmentContext): Promise<ProducedSegment> {
  const where = { scene_id: seg.scene_id, clip_id: seg.clip_id };
  const path = ctx.media.segmentPath(seg.key);
  if (existsSync(path)) {
    const cached = await probeFast(path).catch(() => null);
    if (cached) return { key: seg.key, path, reused: true, info: cached };
    await rm(path, { force: true });
  }
  const tmp = tmpName(path);
  const textFile = seg.overlay ? ctx.media.tmpPath(`${seg.key}.${process.pid}.${randomBytes(4).toString("hex")}.txt`) : null;
  try {
    if (textFile && seg.overlay) await writeFile(textFile, seg.overlay.text, "utf8");
    const args = segmentArgs(segmentSpecFor(seg, plan, { font: ctx.font, textFile, outPath: tmp }));
    await runFfmpeg(args, { timeoutS: ctx.timeoutS, signal: ctx.signal });
    await rename(tmp, path);
  } catch (err) {
    throw new ComposeError(`${seg.scene_id}: the segment could not be encoded: ${(err as Error).message}`, { stage: "segment", ...where, path }, { cause: err });
  } finally {
    await rm(tmp, { force: true });
    if (textFile) await rm(textFile, { force: true });
  }
  return { key: seg.key, path, reused: false, info: await readSegment(path, seg) };
}

async function readSegment(path: string, seg: SegmentPlan): Promise<MediaInfo> {
  try {
    return await probeFast(path);
  } catch (err) {
    throw new ComposeError(`${seg.scene_id}: segment ${path} is unreadable`, { stage: "verify", scene_id: seg.scene_id, path }, { cause: err });
  }
}
