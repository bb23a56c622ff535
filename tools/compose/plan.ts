import { createHash } from "node:crypto";
import { frameBoundaries } from "../../core/timeline/invariants.js";
import type { Crop, Grade, Timeline, TimelineScene, Transition } from "../../core/timeline/schema.js";
import { reframeFor } from "../../core/video-models/reframe.js";
import { ENCODER_PROFILE, SEGMENT_CRF, timescaleFor } from "../ffmpeg/args.js";
import type { MediaInfo } from "../ffmpeg/probe.js";
import { fitText, fontId, type FontRef } from "../ffmpeg/text.js";
import { ComposeError } from "./errors.js";
import { cropRect, fitInto, type Rect } from "./geometry.js";

/**
 * The composition planner: pure. From a timeline and what is known about each clip it
 * decides, per scene, the exact frames, how the picture is conformed, whether the clip's
 * own packets can be copied, and a cache key covering everything that affects the pixels.
 */

/** What the composer knows about one clip file. */
export interface ClipFacts {
  path: string;
  /** Changes whenever the file does (path, size, mtime, inode — or a checksum). */
  identity: string;
  info: MediaInfo;
}

export interface PlanOptions {
  font: FontRef;
  /**
   * sha256 of the decoder configuration our encoder writes at this size and rate, when
   * known. Copied clips must match it, or the joined stream would carry the wrong headers.
   * When null, copied clips must at least agree with each other.
   */
  encoderExtradata: string | null;
  crf?: number;
}

/** The CTA as drawn in one segment (frame numbers are the segment's own). */
export interface OverlayPlan {
  /** Laid-out text, lines joined with "\n": written to a file, never into the graph. */
  text: string;
  fontSize: number;
  fromFrame: number;
  /** Exclusive. */
  toFrame: number;
  /** CTA frames already shown before this segment (the fade-in continues across a cut). */
  elapsedFrames: number;
  fadeFrames: number;
}

/**
 * One piece of the output: a whole scene, or part of one. A scene whose clip could be
 * copied but for a fade or the CTA is split at the clip's keyframes, so that only the
 * stretch the effect touches is encoded and the rest is copied.
 */
export interface SegmentPlan {
  scene_id: string;
  clip_id: string;
  /** The scene's index in the timeline. */
  index: number;
  /** The piece's index within its scene. */
  part: number;
  /** First output frame of the piece. */
  startFrame: number;
  /** First frame of the piece counted from the scene's start. */
  offset: number;
  frames: number;
  key: string;
  mode: "copy" | "encode";
  /** Why the clip cannot be copied (empty for copy). */
  reasons: string[];
  input: string;
  sourceInS: number;
  speed: number;
  crop: Rect | null;
  scale: { width: number; height: number } | null;
  pad: { x: number; y: number } | null;
  /** The scene's colour grade (encode mode only). */
  grade: Grade | null;
  fadeInFrames: number;
  overlay: OverlayPlan | null;
  /** Copy mode: the first clip frame taken (a keyframe). */
  inFrame: number;
  /** Copy mode: the clip goes on after the piece and is cut after `frames`. */
  cut: boolean;
  /** The clip holds fewer frames than the scene needs: its last frame is held. */
  holdsLastFrame: boolean;
}

export interface CompositionPlan {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Pieces in output order (a scene may span several consecutive pieces). */
  segments: SegmentPlan[];
  warnings: string[];
}

/** Length of the fade from black drawn over a scene's first frames. */
export const TRANSITION_FADE_S: Record<Transition, number> = { cut: 0, fade: 0.4, fade_black: 0.6, dissolve: 0.3 };
const CTA_FADE_S = 0.25;

/**
 * Plans a timeline's composition: the frames of every scene (frame-exact boundaries), and
 * for each scene the pieces that are copied from its clip or encoded, with their cache keys.
 * Throws ComposeError (stage "plan") for a scene without a usable clip.
 */
export function planComposition(timeline: Timeline, clips: Record<string, ClipFacts>, opts: PlanOptions): CompositionPlan {
  const { width, height, fps } = timeline;
  const bounds = frameBoundaries(timeline);
  const total = bounds[bounds.length - 1];
  const warnings: string[] = [];
  const cta = timeline.cta
    ? {
        from: clamp(Math.round(timeline.cta.start_s * fps), 0, total),
        to: clamp(Math.round((timeline.cta.start_s + timeline.cta.duration_s) * fps), 0, total),
        layout: fitText(timeline.cta.text, {
          width: Math.floor(width * 0.84),
          height: Math.floor(height * 0.3),
          maxFontSize: Math.round(height / 11),
          minFontSize: Math.max(10, Math.round(height / 40)),
          maxLines: 3,
        }),
      }
    : null;

  const drafts = timeline.scenes.flatMap((scene, index) => {
    const startFrame = bounds[index];
    const frames = bounds[index + 1] - startFrame;
    if (frames <= 0) {
      warnings.push(`${scene.id} lasts ${scene.duration_s} s, under one frame at ${fps} fps: it is left out`);
      return [];
    }
    if (!scene.clip_id) throw new ComposeError(`${scene.id} has no clip`, { stage: "plan", scene_id: scene.id });
    const facts = clips[scene.clip_id];
    if (!facts) throw new ComposeError(`${scene.id}: clip ${scene.clip_id} was not given`, { stage: "plan", scene_id: scene.id, clip_id: scene.clip_id });
    if (!facts.info.has_video) throw new ComposeError(`${scene.id}: clip ${scene.clip_id} has no video`, { stage: "plan", scene_id: scene.id, clip_id: scene.clip_id });

    // A scene's own crop wins; a clip of another shape than the output is cropped to it when
    // little is lost, else fitted and padded (core/video-models reframeFor).
    const crop = cropRect(scene.crop ?? autoCrop(facts.info, width, height), facts.info.width, facts.info.height);
    const fit = fitInto(crop ? { w: crop.w, h: crop.h } : { w: facts.info.width, h: facts.info.height }, width, height);
    const fadeInFrames = Math.min(frames, Math.round(TRANSITION_FADE_S[scene.transition_in] * fps));
    const overlay = cta ? overlayFor(cta, startFrame, frames, Math.round(CTA_FADE_S * fps)) : null;
    const needSource = scene.source_in_s + (frames / fps) * scene.speed;
    const holdsLastFrame = needSource > facts.info.video_duration_s + 0.5 / fps;
    if (holdsLastFrame)
      warnings.push(`${scene.id}: clip ${scene.clip_id} lasts ${round3(facts.info.video_duration_s)} s but the scene needs ${round3(needSource)} s of it: the last frame is held`);
    // The clip frame the scene starts on, as an input seek to source_in_s would find it.
    const firstFrame = Math.max(0, Math.ceil(scene.source_in_s * fps - 1e-6));
    const staticReasons = copyBlockers(scene, facts.info, { firstFrame, frames, width, height, fps, crop: Boolean(crop) });
    const keyframes = sceneKeyframes(facts.info.keyframes, firstFrame, fps);
    const dirty = [
      ...(keyframes[0] === 0 ? [] : [{ from: 0, to: keyframes[0] ?? frames, why: "starts between keyframes" }]),
      ...(fadeInFrames > 0 ? [{ from: 0, to: fadeInFrames, why: "fade in" }] : []),
      ...(overlay ? [{ from: overlay.fromFrame, to: overlay.toFrame, why: "CTA overlay" }] : []),
    ];
    const reasons = [...staticReasons, ...dirty.map((r) => r.why)];
    return [{ scene, index, startFrame, frames, firstFrame, keyframes, dirty, facts, crop, fit, fadeInFrames, overlay, holdsLastFrame, staticReasons, reasons }];
  });

  const wanted =
    opts.encoderExtradata ?? mostCommon(drafts.filter((d) => d.staticReasons.length === 0).map((d) => d.facts.info.extradata_hash));
  for (const d of drafts) {
    if (d.staticReasons.length === 0 && d.facts.info.extradata_hash !== wanted) {
      d.staticReasons.push(HEADERS_DIFFER);
      d.reasons.unshift(HEADERS_DIFFER);
    }
  }

  const layout = cta?.layout;
  const out = { width, height, fps, font: opts.font, crf: opts.crf ?? SEGMENT_CRF };
  const segments = drafts.flatMap((d) => {
    const pieces =
      d.reasons.length === 0
        ? [{ from: 0, to: d.frames, mode: "copy" as const }]
        : d.staticReasons.length === 0
          ? splitAtKeyframes(d.frames, d.dirty, d.keyframes)
          : [{ from: 0, to: d.frames, mode: "encode" as const }];
    return pieces.map((p, part): SegmentPlan => {
      const copy = p.mode === "copy";
      const overlay = copy ? null : pieceOverlay(d.overlay, p.from, p.to);
      const seg: Omit<SegmentPlan, "key"> = {
        scene_id: d.scene.id,
        clip_id: d.scene.clip_id!,
        index: d.index,
        part,
        startFrame: d.startFrame + p.from,
        offset: p.from,
        frames: p.to - p.from,
        mode: p.mode,
        reasons: copy ? [] : d.reasons,
        input: d.facts.path,
        // Half a frame early, so that rounding the seek time can never skip the wanted frame.
        sourceInS: p.from === 0 && d.scene.speed !== 1 ? d.scene.source_in_s : Math.max(0, (d.firstFrame + p.from - 0.5) / fps),
        speed: d.scene.speed,
        crop: copy ? null : d.crop,
        scale: copy ? null : d.fit.scale,
        pad: copy ? null : d.fit.pad,
        grade: copy ? null : (d.scene.grade ?? null),
        fadeInFrames: !copy && p.from === 0 ? d.fadeInFrames : 0,
        overlay: overlay && layout ? { ...overlay, text: layout.lines.join("\n"), fontSize: layout.fontSize } : null,
        inFrame: copy ? d.firstFrame + p.from : 0,
        cut: copy && d.facts.info.nb_frames > d.firstFrame + p.to,
        holdsLastFrame: d.holdsLastFrame,
      };
      return { ...seg, key: segmentKey(seg, d.facts.identity, out) };
    });
  });
  return { width, height, fps, frames: total, segments, warnings };
}

const HEADERS_DIFFER = "stream headers differ from the encoder's";

type Range = { from: number; to: number };

/**
 * Where, counted from the scene's first frame, a stream copy of the clip may begin: the
 * clip's keyframes at or after that frame which fall on a whole microsecond (so that the
 * concat demuxer's seek lands exactly on them).
 */
function sceneKeyframes(keyframes: number[] | null, firstFrame: number, fps: number): number[] {
  return (keyframes ?? [0]).filter((k) => k >= firstFrame && (k * 1_000_000) % fps === 0).map((k) => k - firstFrame);
}

/**
 * Splits a scene of `frames` frames into encoded stretches (each effect widened out to the
 * keyframes around it) and copied stretches (everything else, each starting on a keyframe).
 * Pure.
 */
export function splitAtKeyframes(frames: number, dirty: Range[], keyframes: number[]): { from: number; to: number; mode: "copy" | "encode" }[] {
  const keys = keyframes.filter((k) => k < frames);
  const widened = dirty
    .filter((r) => r.to > r.from)
    .map((r) => ({
      from: Math.max(0, ...keys.filter((k) => k <= r.from)),
      to: Math.min(frames, ...keys.filter((k) => k >= r.to), frames),
    }))
    .sort((a, b) => a.from - b.from);
  const encode: Range[] = [];
  for (const r of widened) {
    const last = encode[encode.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else encode.push({ ...r });
  }
  const out: { from: number; to: number; mode: "copy" | "encode" }[] = [];
  let at = 0;
  for (const r of encode) {
    if (r.from > at) out.push({ from: at, to: r.from, mode: "copy" });
    out.push({ from: r.from, to: r.to, mode: "encode" });
    at = r.to;
  }
  if (at < frames) out.push({ from: at, to: frames, mode: "copy" });
  return out;
}

/** The scene's CTA window seen from one piece, in the piece's own frame numbers. */
function pieceOverlay(o: Omit<OverlayPlan, "text" | "fontSize"> | null, from: number, to: number): Omit<OverlayPlan, "text" | "fontSize"> | null {
  if (!o) return null;
  const a = Math.max(o.fromFrame, from);
  const b = Math.min(o.toFrame, to);
  if (b <= a) return null;
  return { fromFrame: a - from, toFrame: b - from, elapsedFrames: o.elapsedFrames + (a - o.fromFrame), fadeFrames: o.fadeFrames };
}

/**
 * Why no part of a clip can be stream-copied for a scene; empty when it can. Copying needs
 * the clip to be exactly what an encoded segment would be, minus the work: same picture
 * format, size, rate and timescale, no reordering or audio, played as is, with at least
 * the frames the scene needs. (Where the copy may begin — keyframes — and the effects drawn
 * over the scene decide which parts are copied.)
 */
export function copyBlockers(
  scene: Pick<TimelineScene, "speed" | "grade">,
  info: MediaInfo,
  need: { firstFrame: number; frames: number; width: number; height: number; fps: number; crop: boolean },
): string[] {
  const r: string[] = [];
  if (info.video_codec !== "h264") r.push(`codec ${info.video_codec ?? "none"}`);
  if (info.pix_fmt !== "yuv420p") r.push(`pixel format ${info.pix_fmt ?? "unknown"}`);
  if (info.width !== need.width || info.height !== need.height) r.push(`size ${info.width}x${info.height}`);
  if (Math.abs(info.fps - need.fps) > 1e-6) r.push(`${info.fps} fps`);
  if (Math.abs(info.video_duration_s - info.nb_frames / need.fps) > 0.5 / need.fps) r.push("variable frame rate");
  if (info.time_base !== `1/${timescaleFor(need.fps)}`) r.push(`time base ${info.time_base}`);
  if (info.has_b_frames) r.push("reordered frames");
  if (info.has_audio) r.push("has audio");
  if (Math.abs(info.start_s) > 1e-6) r.push(`starts at ${info.start_s} s`);
  if (!info.extradata_hash) r.push("no stream headers");
  if (scene.speed !== 1) r.push(`speed ${scene.speed}`);
  if (need.crop) r.push("crop");
  if (scene.grade) r.push(`grade ${scene.grade}`);
  if (info.nb_frames < need.firstFrame + need.frames) r.push(`clip has ${info.nb_frames} frames, scene needs ${need.firstFrame + need.frames}`);
  return r;
}

function overlayFor(cta: { from: number; to: number }, start: number, frames: number, fadeFrames: number) {
  const from = Math.max(cta.from, start) - start;
  const to = Math.min(cta.to, start + frames) - start;
  if (to <= from) return null;
  return { fromFrame: from, toFrame: to, elapsedFrames: Math.max(0, start - cta.from), fadeFrames };
}

/** Everything that decides a segment's bytes, hashed. The timeline position is not in it. */
function segmentKey(seg: Omit<SegmentPlan, "key">, identity: string, out: { width: number; height: number; fps: number; font: FontRef; crf: number }): string {
  const material =
    seg.mode === "copy"
      ? { mode: "copy", clip: identity, in: seg.inFrame, frames: seg.frames, fps: out.fps }
      : {
          mode: "encode",
          profile: ENCODER_PROFILE,
          crf: out.crf,
          clip: identity,
          source_in_s: seg.sourceInS,
          speed: seg.speed,
          frames: seg.frames,
          size: [out.width, out.height],
          fps: out.fps,
          crop: seg.crop,
          scale: seg.scale,
          pad: seg.pad,
          ...(seg.grade ? { grade: seg.grade } : {}),
          fade: seg.fadeInFrames,
          overlay: seg.overlay && { ...seg.overlay, font: fontId(out.font) },
        };
  return `seg_${createHash("sha256").update(JSON.stringify(material)).digest("hex").slice(0, 40)}`;
}

/** The value seen most often (nulls ignored; the first seen wins a tie); null when there is none. Pure. */
export function mostCommon(values: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

/** Least share of a clip's picture kept when it is cropped to the output's shape; below it, it is padded. */
export const CROP_KEEPS_AT_LEAST = 0.75;

function autoCrop(info: { width: number; height: number }, width: number, height: number): Crop | null {
  if (!(info.width > 0 && info.height > 0)) return null;
  const src = info.width / info.height;
  const out = width / height;
  const kept = Math.min(src, out) / Math.max(src, out);
  const r = reframeFor({ width: info.width, height: info.height }, { width, height }, null, kept >= CROP_KEEPS_AT_LEAST ? "crop" : "pad");
  return r.mode === "crop" && r.crop ? { ...r.crop, aspect_ratio: null } : null;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
