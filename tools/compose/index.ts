import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { checkTimeline } from "../../core/timeline/invariants.js";
import { expandShots } from "../../core/timeline/shots.js";
import { TimelineSchema, type Timeline, type TimelineAudio } from "../../core/timeline/schema.js";
import type { MediaStore } from "../media/store.js";
import { audioMuxArgs, concatArgs, concatList, ENCODER_PROFILE, type ConcatEntry } from "../ffmpeg/args.js";
import { probeFast, type MediaInfo } from "../ffmpeg/probe.js";
import { runFfmpeg, withFfmpegRank } from "../ffmpeg/run.js";
import { resolveFont } from "../ffmpeg/text.js";
import { ComposeError, type ComposeStage } from "./errors.js";
import { localPath, readFacts } from "./facts.js";
import { mostCommon, planComposition, type ClipFacts, type CompositionPlan, type SegmentPlan } from "./plan.js";
import { produceSegment, tmpName, type ProducedSegment } from "./segments.js";

export { ComposeError } from "./errors.js";
export type { ComposeStage } from "./errors.js";
export { planComposition } from "./plan.js";

export interface ComposeInput {
  timeline: Timeline;
  /** clip_id → path of the clip file. */
  clips: Record<string, string>;
  outPath: string;
  media: MediaStore;
  /** Deadline for each FFmpeg run, in seconds (default 600). */
  timeoutS?: number;
  signal?: AbortSignal;
}

/** One piece of a scene: copied from the clip, or encoded (and cached under its key). */
export interface ComposedPart {
  key: string;
  mode: "copy" | "encode";
  reused: boolean;
  /** First frame of the part, counted from the scene's start. */
  offset: number;
  frames: number;
}

/** How one scene was made. */
export interface ComposedSegment {
  scene_id: string;
  /** The cache key (media.segmentPath) of a one-part scene; a digest of its parts' keys otherwise. */
  key: string;
  /**
   * No encoding was needed for this scene in this composition: its encoded parts came from
   * the cache and the rest is the clip's own packets, which need no work at all.
   */
  reused: boolean;
  /** copy: the clip's packets only; encode: at least part of the scene was re-encoded. */
  mode: "copy" | "encode";
  start_frame: number;
  frames: number;
  /** Frames of this scene that come from an encode (cached or new). */
  encoded_frames: number;
  /** Why the clip could not simply be copied. */
  reasons: string[];
  parts: ComposedPart[];
}

export interface ComposeResult {
  path: string;
  duration_s: number;
  frames: number;
  segments: ComposedSegment[];
  ms: number;
  /** Scenes left out or padded, a soundtrack that ran out… */
  warnings: string[];
}

/** Decoder headers our encoder writes, per output format, learnt from segments we encoded. */
const encoderHeaders = new Map<string, string>();

/**
 * Renders a timeline to an MP4. Each scene is its clip's own packets where they can be
 * copied; what must change (a fade, the CTA, an in point between keyframes, a crop, a
 * speed, an incompatible clip) is encoded — only as far as the nearest keyframes allow —
 * and cached under a key of everything that decides its pixels, so a recompose after an
 * edit re-encodes only what the edit changed. The pieces are joined with stream copy, the
 * song (if any) is laid under, and the result is checked frame-exact before it is moved
 * to `outPath`. Throws ComposeError with the stage (and scene) that failed.
 */
export async function composeTimeline(input: ComposeInput): Promise<ComposeResult> {
  // Every FFmpeg call of this compose queues by when it started: with many composes waiting for
  // a slot they finish one after another, not all a step at a time and all at the end.
  return withFfmpegRank(Date.now(), () => compose(input));
}

async function compose(input: ComposeInput): Promise<ComposeResult> {
  const started = performance.now();
  if (input.signal?.aborted) throw new ComposeError("the composition was cancelled", { stage: "input" }, { cause: input.signal.reason });
  // A scene made of shots is played as one piece per shot, each its clip trimmed to the shot.
  const timeline = expandShots(validTimeline(input.timeline));
  const timeoutS = input.timeoutS ?? 600;
  const font = resolveFont();
  const facts = await gatherFacts(timeline, input.clips, timeoutS, input.signal);
  const formatKey = `${timeline.width}x${timeline.height}@${timeline.fps}|${ENCODER_PROFILE}`;
  let encoderExtradata = encoderHeaders.get(formatKey) ?? null;
  const encodedNow = new Set<string>();
  let plan: CompositionPlan;
  let produced: Map<string, ProducedSegment>;
  for (let round = 0; ; round++) {
    plan = planComposition(timeline, facts, { font, encoderExtradata });
    produced = await produceAll(plan, { media: input.media, font, timeoutS, signal: input.signal });
    for (const p of produced.values()) if (!p.reused) encodedNow.add(p.key);
    const fresh = [...produced.values()].filter((p) => !p.reused).map((p) => p.info.extradata_hash);
    const ref =
      fresh[0] ??
      encoderExtradata ??
      mostCommon([...produced.values()].map((p) => p.info.extradata_hash)) ??
      mostCommon(plan.segments.filter((s) => s.mode === "copy").map((s) => facts[s.clip_id].info.extradata_hash));
    const stale = plan.segments.filter((s) => {
      const p = produced.get(s.key);
      return p && (p.info.extradata_hash !== ref || p.info.nb_frames !== s.frames);
    });
    const strayCopies = plan.segments.filter((s) => s.mode === "copy" && facts[s.clip_id].info.extradata_hash !== ref);
    // Only what this process's encoder just wrote is taken as the truth for later compositions.
    if (fresh[0]) encoderHeaders.set(formatKey, fresh[0]);
    encoderExtradata = ref;
    if (!stale.length && !strayCopies.length) break;
    if (round >= 2) {
      const bad = stale[0] ?? strayCopies[0];
      throw new ComposeError(`${bad.scene_id}: segment ${bad.key} does not match the others (headers or frame count) after re-encoding`, {
        stage: "verify",
        scene_id: bad.scene_id,
      });
    }
    for (const s of stale) await rm(input.media.segmentPath(s.key), { force: true });
  }

  const entries: ConcatEntry[] = plan.segments.map((s) =>
    s.mode === "copy"
      ? { path: s.input, frames: s.frames, fps: plan.fps, inFrame: s.inFrame, cut: s.cut }
      : { path: produced.get(s.key)!.path, frames: s.frames, fps: plan.fps },
  );
  const out = resolve(input.outPath);
  const warnings = [...plan.warnings];
  const info = await joinAndFinish({
    entries,
    outPath: out,
    listPath: input.media.tmpPath(`concat.${process.pid}.${randomBytes(4).toString("hex")}.txt`),
    timeline,
    frames: plan.frames,
    timeoutS,
    signal: input.signal,
    warnings,
  });
  return {
    path: out,
    duration_s: info.video_duration_s,
    frames: info.nb_frames,
    segments: byScene(plan.segments, encodedNow),
    ms: Math.round(performance.now() - started),
    warnings,
  };
}

function validTimeline(t: Timeline): Timeline {
  const parsed = TimelineSchema.safeParse(t);
  if (!parsed.success) throw new ComposeError(`the timeline is invalid: ${parsed.error.message}`, { stage: "input" });
  const problems = checkTimeline(parsed.data);
  if (problems.length) throw new ComposeError(`the timeline is inconsistent: ${problems.map((p) => p.message).join("; ")}`, { stage: "input" });
  return parsed.data;
}

async function gatherFacts(timeline: Timeline, clips: Record<string, string>, timeoutS: number, signal?: AbortSignal): Promise<Record<string, ClipFacts>> {
  const facts: Record<string, ClipFacts> = {};
  const jobs = new Map<string, string>();
  for (const scene of timeline.scenes) {
    if (!scene.clip_id) throw new ComposeError(`${scene.id} has no clip`, { stage: "input", scene_id: scene.id });
    const path = clips[scene.clip_id];
    if (!path) throw new ComposeError(`${scene.id}: no file for clip ${scene.clip_id}`, { stage: "input", scene_id: scene.id, clip_id: scene.clip_id });
    jobs.set(scene.clip_id, path);
  }
  await Promise.all(
    [...jobs].map(async ([clipId, path]) => {
      try {
        facts[clipId] = await readFacts(localPath(path), { timeoutS: Math.min(timeoutS, 60), signal });
      } catch (err) {
        const scene = timeline.scenes.find((s) => s.clip_id === clipId);
        throw new ComposeError(`clip ${clipId} (${path}) could not be read: ${(err as Error).message}`, { stage: "probe", scene_id: scene?.id, clip_id: clipId, path }, { cause: err });
      }
    }),
  );
  return facts;
}

/** Encodes the plan's encode segments (cache first); the first failure cancels the rest. */
async function produceAll(plan: CompositionPlan, ctx: Parameters<typeof produceSegment>[2]): Promise<Map<string, ProducedSegment>> {
  const abort = new AbortController();
  const onAbort = () => abort.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal?.aborted) onAbort();
  const unique = new Map<string, SegmentPlan>();
  for (const s of plan.segments) if (s.mode === "encode") unique.set(s.key, s);
  try {
    const results = await Promise.allSettled(
      [...unique.values()].map((s) =>
        produceSegment(s, plan, { ...ctx, signal: abort.signal }).catch((err) => {
          abort.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return new Map(results.map((r) => [(r as PromiseFulfilledResult<ProducedSegment>).value.key, (r as PromiseFulfilledResult<ProducedSegment>).value]));
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
  }
}

interface FinishJob {
  entries: ConcatEntry[];
  outPath: string;
  listPath: string;
  timeline: Timeline;
  frames: number;
  timeoutS: number;
  signal?: AbortSignal;
  warnings: string[];
}

/** Concat with stream copy, the song under it, a frame-exact check, then the atomic move. */
async function joinAndFinish(job: FinishJob): Promise<MediaInfo> {
  await mkdir(dirname(job.outPath), { recursive: true });
  const { fps } = job.timeline;
  const videoTmp = tmpName(job.outPath);
  const muxTmp = tmpName(job.outPath);
  const step = async (stage: ComposeStage, args: string[]) => {
    try {
      await runFfmpeg(args, { timeoutS: job.timeoutS, signal: job.signal });
    } catch (err) {
      throw new ComposeError(`${stage} failed: ${(err as Error).message}`, { stage, path: job.outPath }, { cause: err });
    }
  };
  try {
    await writeFile(job.listPath, concatList(job.entries), "utf8");
    await step("concat", concatArgs({ listPath: job.listPath, outPath: videoTmp, fps }));
    let final = videoTmp;
    const duration = job.frames / fps;
    if (job.timeline.audio) {
      const audio = await songFor(job.timeline.audio, duration, job.warnings);
      await step("audio", audioMuxArgs({ videoPath: videoTmp, audioPath: audio.path, offsetS: job.timeline.audio.offset_s, durationS: duration, fadeOutS: audio.fadeOutS, outPath: muxTmp }));
      final = muxTmp;
    }
    const info = await probeFast(final).catch((err) => {
      throw new ComposeError(`the composed file is unreadable: ${(err as Error).message}`, { stage: "verify", path: job.outPath }, { cause: err });
    });
    if (info.nb_frames !== job.frames || (job.timeline.audio && !info.has_audio))
      throw new ComposeError(`the composed file has ${info.nb_frames} frames${info.has_audio ? " with" : " without"} audio; the timeline needs ${job.frames}`, {
        stage: "verify",
        path: job.outPath,
      });
    try {
      await rename(final, job.outPath);
    } catch (err) {
      throw new ComposeError(`could not move the result to ${job.outPath}`, { stage: "finalize", path: job.outPath }, { cause: err });
    }
    return info;
  } finally {
    await Promise.all([rm(videoTmp, { force: true }), rm(muxTmp, { force: true }), rm(job.listPath, { force: true })]);
  }
}

/** The song file and the fade: the timeline's, or 1 s when the song outlasts the video. */
async function songFor(audio: TimelineAudio, durationS: number, warnings: string[]): Promise<{ path: string; fadeOutS: number }> {
  let song: ClipFacts;
  try {
    song = await readFacts(localPath(audio.src));
  } catch (err) {
    throw new ComposeError(`the soundtrack ${audio.src} could not be read: ${(err as Error).message}`, { stage: "audio", path: audio.src }, { cause: err });
  }
  if (!song.info.has_audio) throw new ComposeError(`the soundtrack ${audio.src} has no audio stream`, { stage: "audio", path: audio.src });
  const remaining = song.info.duration_s - audio.offset_s;
  if (remaining < durationS - 0.05) warnings.push(`the soundtrack ends ${Math.round((durationS - remaining) * 100) / 100} s before the video; the rest is silent`);
  const fadeOutS = audio.fade_out_s ?? (remaining > durationS + 0.05 ? Math.min(1, durationS / 4) : 0);
  return { path: song.path, fadeOutS };
}

/** The per-scene report: a scene's consecutive pieces folded together. */
function byScene(pieces: SegmentPlan[], encodedNow: Set<string>): ComposedSegment[] {
  const out: ComposedSegment[] = [];
  for (const p of pieces) {
    const part: ComposedPart = { key: p.key, mode: p.mode, reused: p.mode === "copy" || !encodedNow.has(p.key), offset: p.offset, frames: p.frames };
    const last = out[out.length - 1];
    if (last && last.scene_id === p.scene_id && p.part > 0) {
      last.parts.push(part);
      last.frames += p.frames;
    } else
      out.push({ scene_id: p.scene_id, key: p.key, reused: true, mode: "copy", start_frame: p.startFrame, frames: p.frames, encoded_frames: 0, reasons: p.reasons, parts: [part] });
    const seg = out[out.length - 1];
    if (p.mode === "encode") {
      seg.mode = "encode";
      seg.encoded_frames += p.frames;
      if (!seg.reasons.length) seg.reasons = p.reasons;
    }
    seg.reused &&= part.reused;
  }
  for (const seg of out)
    if (seg.parts.length > 1) seg.key = `scene_${createHash("sha256").update(seg.parts.map((p) => p.key).join("|")).digest("hex").slice(0, 40)}`;
  return out;
}
