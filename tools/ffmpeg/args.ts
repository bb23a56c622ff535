import type { Grade } from "../../core/timeline/schema.js";
import { drawtextFilter, filterOptions, type FontRef } from "./text.js";

/**
 * Pure FFmpeg argument builders. Nothing here touches the disk or spawns: each function
 * turns a validated spec into an argument array for tools/ffmpeg/run.ts.
 *
 * Every video we encode (animatic clips and composer segments) shares one encoder profile,
 * so the pieces can be joined with `-c copy`: same codec settings, pixel format, colour
 * description, sample aspect, frame rate and track timescale. The x264 options that reach
 * the stream headers are pinned (X264_HEADER_PARAMS; `stitchable=1` keeps them independent
 * of the CRF), and B-frames are off so any prefix of a clip is a valid stream copy (decode
 * order equals display order).
 */

/** Bumped whenever the encoder profile changes: it is part of every segment's cache key. */
export const ENCODER_PROFILE = "x264/bf0/ref1/cabac/8x8dct/noweightp/stitchable/gop1s/yuv420p/bt709-tv/sar1/v3";
/**
 * x264 settings that decide the stream headers (SPS/PPS), pinned so that any preset gives
 * the same headers: presets then only change how hard the encoder searches.
 */
export const X264_HEADER_PARAMS = "stitchable=1:ref=1:cabac=1:8x8dct=1:weightp=0";
/** Composer segments: visually transparent over animatics and typical model output. */
export const SEGMENT_CRF = 21;
/** Animatics are placeholders: encoded as fast as x264 goes. */
export const ANIMATIC_CRF = 28;
export const SEGMENT_PRESET = "veryfast";
export const ANIMATIC_PRESET = "ultrafast";

/** The MP4 track timescale for a frame rate: 90 kHz when it divides evenly, else fps×1000. */
export function timescaleFor(fps: number): number {
  assertFps(fps);
  return 90000 % fps === 0 ? 90000 : fps * 1000;
}

/** Seconds for the command line: fixed precision, no exponent, no trailing zeros. */
export function fmtS(s: number): string {
  if (!Number.isFinite(s) || s < 0) throw new RangeError(`invalid time ${s}`);
  return s.toFixed(6).replace(/\.?0+$/, "") || "0";
}

/**
 * The shared profile (no audio, no metadata carried from the input). A keyframe every
 * second, on the second (no scene-cut keyframes), gives the composer exact points where a
 * clip can be entered by stream copy.
 */
export function videoEncodeArgs(o: { fps: number; crf: number; preset?: string }): string[] {
  return [
    "-c:v", "libx264",
    "-preset", o.preset ?? SEGMENT_PRESET,
    "-bf", "0",
    "-x264-params", X264_HEADER_PARAMS,
    "-g", String(o.fps),
    "-sc_threshold", "0",
    "-crf", String(o.crf),
    "-pix_fmt", "yuv420p",
    "-video_track_timescale", String(timescaleFor(o.fps)),
    "-an", "-sn", "-dn",
    "-map_metadata", "-1",
  ];
}

/**
 * The tail every encoded chain ends with: pixel format, square pixels and one colour
 * description. x264 writes the colour tags into the stream headers, so a clip tagged
 * differently would otherwise break stream-copy concatenation.
 */
export const NORMALIZE_TAIL = ["format=yuv420p", "setsar=1", "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709"];

function scaleFilter(size: { width: number; height: number } | null, flags: string): string {
  return `scale=${filterOptions({ w: size?.width, h: size?.height, flags, out_color_matrix: "bt709", out_range: "tv" })}`;
}

/** A drawn text layer: the text lives in `textFile`, never in the graph. */
export interface TextLayer {
  textFile: string;
  font: FontRef;
  fontSize: number | string;
  x: string;
  y: string;
  color?: string;
  borderW?: number;
  box?: { color: string; border: number };
  lineSpacing?: number;
  enable?: string;
  alpha?: string;
}

function layer(t: TextLayer): string {
  return drawtextFilter({ color: "white", ...t, textFile: t.textFile });
}

export const GRADIENT_TYPES = ["linear", "radial", "circular", "spiral"] as const;
export type GradientType = (typeof GRADIENT_TYPES)[number];

/** One animatic clip. Colours must already be validated `0xRRGGBB` strings. */
export interface AnimaticSpec {
  width: number;
  height: number;
  fps: number;
  frames: number;
  colors: string[];
  gradient: { type: GradientType; speed: number; seed: number };
  layers: TextLayer[];
  outPath: string;
  crf?: number;
}

/**
 * A gradient drawn at a quarter of the output size (it is smooth, and the gradients source
 * costs per pixel) then scaled up, with text layers on top, cut to an exact frame count.
 */
export function animaticArgs(s: AnimaticSpec): string[] {
  assertSize(s.width, s.height);
  assertFrames(s.frames);
  if (s.colors.length < 2 || s.colors.length > 8) throw new RangeError("an animatic needs 2–8 colours");
  for (const c of s.colors) if (!/^0x[0-9A-F]{6}$/.test(c)) throw new RangeError(`colour ${c} is not 0xRRGGBB`);
  const sw = Math.max(16, even(Math.ceil(s.width / 4)));
  const sh = Math.max(16, even(Math.ceil(s.height / 4)));
  const line =
    s.gradient.type === "linear"
      ? { x0: 0, y0: 0, x1: sw, y1: sh }
      : { x0: Math.round(sw / 2), y0: Math.round(sh / 2), x1: sw, y1: sh };
  const colors = Object.fromEntries(s.colors.map((c, i) => [`c${i}`, c]));
  const source = `gradients=${filterOptions({
    s: `${sw}x${sh}`,
    r: s.fps,
    ...colors,
    n: s.colors.length,
    ...line,
    type: s.gradient.type,
    speed: s.gradient.speed,
    seed: s.gradient.seed,
  })}`;
  const chain = [scaleFilter({ width: s.width, height: s.height }, "bilinear"), ...NORMALIZE_TAIL, ...s.layers.map(layer)];
  return [
    "-f", "lavfi",
    "-i", source,
    "-vf", chain.join(","),
    "-frames:v", String(s.frames),
    ...videoEncodeArgs({ fps: s.fps, crf: s.crf ?? ANIMATIC_CRF, preset: ANIMATIC_PRESET }),
    "-f", "mp4",
    s.outPath,
  ];
}

/** One composer segment: a scene's slice of a clip, conformed to the output. */
export interface SegmentSpec {
  input: string;
  /** Where in the clip the slice starts. */
  sourceInS: number;
  speed: number;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Source-pixel rectangle to keep, or null for the whole frame. */
  crop: { x: number; y: number; w: number; h: number } | null;
  /** Scaled size before padding, or null when the (cropped) source already fits. */
  scale: { width: number; height: number } | null;
  /** Letterbox offsets when the scaled picture is smaller than the output. */
  pad: { x: number; y: number } | null;
  /** A colour grade drawn over the conformed picture (before the fade and the overlay), or null. */
  grade?: Grade | null;
  /** Frames of fade from black at the start; 0 for a cut. */
  fadeInFrames: number;
  overlay: TextLayer | null;
  outPath: string;
  crf?: number;
}

/**
 * Each grade as FFmpeg filters: colour balance for warm/cool (shadows, midtones, highlights
 * pushed toward orange or blue), eq for brightness and saturation, a zero-saturation hue for
 * black and white, the classic sepia matrix. Mild on purpose: a grade keeps the clip readable.
 */
export const GRADE_FILTERS: Record<Grade, string> = {
  warm: "colorbalance=rs=0.06:bs=-0.06:rm=0.08:gm=0.02:bm=-0.08:rh=0.05:bh=-0.05",
  cool: "colorbalance=rs=-0.06:bs=0.06:rm=-0.08:gm=0.01:bm=0.08:rh=-0.05:bh=0.05",
  bright: "eq=brightness=0.07:contrast=1.04:gamma=1.08",
  dark: "eq=brightness=-0.07:contrast=1.06:gamma=0.9",
  black_and_white: "hue=s=0,eq=contrast=1.08",
  sepia: "colorchannelmixer=rr=0.393:rg=0.769:rb=0.189:gr=0.349:gg=0.686:gb=0.168:br=0.272:bg=0.534:bb=0.131",
  vivid: "eq=saturation=1.35:contrast=1.05",
  muted: "eq=saturation=0.65",
};

/**
 * Reads only what the slice needs (input seek, bounded read), retimes for speed, resamples
 * to the output rate, holds the last frame if the clip runs short, conforms the picture,
 * then draws the fade and overlay. `-frames:v` makes the length exact.
 */
export function segmentArgs(s: SegmentSpec): string[] {
  assertSize(s.width, s.height);
  assertFrames(s.frames);
  if (!(s.speed > 0)) throw new RangeError(`invalid speed ${s.speed}`);
  const outS = s.frames / s.fps;
  const readS = ((s.frames + 2) / s.fps) * s.speed;
  const chain = [
    s.speed === 1 ? "setpts=PTS-STARTPTS" : `setpts=(PTS-STARTPTS)/${num(s.speed)}`,
    `fps=${s.fps}`,
    `tpad=stop_mode=clone:stop_duration=${fmtS(outS)}`,
  ];
  if (s.crop) chain.push(`crop=${s.crop.w}:${s.crop.h}:${s.crop.x}:${s.crop.y}:exact=1`);
  chain.push(scaleFilter(s.scale, "bicubic"));
  if (s.pad) chain.push(`pad=${s.width}:${s.height}:${s.pad.x}:${s.pad.y}:color=black`);
  if (s.grade) chain.push(GRADE_FILTERS[s.grade]);
  chain.push(...NORMALIZE_TAIL);
  if (s.fadeInFrames > 0) chain.push(`fade=t=in:s=0:n=${Math.min(s.fadeInFrames, s.frames)}:color=black`);
  if (s.overlay) chain.push(layer(s.overlay));
  return [
    "-ss", fmtS(s.sourceInS),
    "-t", fmtS(readS),
    "-i", s.input,
    "-map", "0:v:0",
    "-vf", chain.join(","),
    "-frames:v", String(s.frames),
    ...videoEncodeArgs({ fps: s.fps, crf: s.crf ?? SEGMENT_CRF }),
    "-f", "mp4",
    s.outPath,
  ];
}

/** One part of a concatenation: a file, how long it lasts, and where to stop reading it. */
export interface ConcatEntry {
  path: string;
  frames: number;
  fps: number;
  /** First frame to take; it must be a keyframe at a whole microsecond (the seek is exact there). */
  inFrame?: number;
  /** Set when the file goes on after the wanted frames. */
  cut?: boolean;
}

/**
 * An ffconcat list. Each entry states its exact duration (the container's own is rounded
 * to the millisecond, which would drift the next part); an entry that starts inside its
 * file enters at a keyframe; a cut entry stops half a frame before the first unwanted
 * frame (in the file's own time), which is exact because our streams have no reordering.
 */
export function concatList(entries: ConcatEntry[]): string {
  if (entries.length === 0) throw new RangeError("nothing to concatenate");
  const lines = ["ffconcat version 1.0"];
  for (const e of entries) {
    assertFrames(e.frames);
    const from = e.inFrame ?? 0;
    if (!Number.isInteger(from) || from < 0 || (from * 1_000_000) % e.fps !== 0)
      throw new RangeError(`in frame ${from} at ${e.fps} fps is not a whole microsecond: the seek would not be exact`);
    lines.push(`file ${quoteConcatPath(e.path)}`);
    if (from > 0) lines.push(`inpoint ${fmtS(from / e.fps)}`);
    if (e.cut) lines.push(`outpoint ${fmtS((from + e.frames - 0.5) / e.fps)}`);
    lines.push(`duration ${fmtS(e.frames / e.fps)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Single-quoted for the concat demuxer: a quote inside is closed, escaped and reopened. */
export function quoteConcatPath(path: string): string {
  if (/[\0\r\n]/.test(path)) throw new Error(`a concatenated path may not contain line breaks: ${JSON.stringify(path)}`);
  return `'${path.replace(/'/g, "'\\''")}'`;
}

/** Joins the parts of a list with stream copy; no re-encode. */
export function concatArgs(o: { listPath: string; outPath: string; fps: number }): string[] {
  return [
    "-f", "concat",
    "-safe", "0",
    "-i", o.listPath,
    "-map", "0:v:0",
    "-c", "copy",
    "-video_track_timescale", String(timescaleFor(o.fps)),
    "-movflags", "+faststart",
    "-f", "mp4",
    o.outPath,
  ];
}

/** The soundtrack: where in the song to start, how long the video is, how long to fade. */
export interface AudioMuxSpec {
  videoPath: string;
  audioPath: string;
  offsetS: number;
  durationS: number;
  fadeOutS: number;
  outPath: string;
  bitrate?: string;
}

/**
 * Copies the video and lays the song under it. The audio is trimmed and, if the song runs
 * out early, padded with silence to exactly the video's length, so neither stream decides
 * the end and `-shortest` (which could clip the last video frames) is not needed.
 */
export function audioMuxArgs(s: AudioMuxSpec): string[] {
  if (!(s.durationS > 0)) throw new RangeError(`invalid duration ${s.durationS}`);
  const d = fmtS(s.durationS);
  const fade = Math.min(Math.max(0, s.fadeOutS), s.durationS);
  const chain = [`atrim=duration=${d}`, "asetpts=PTS-STARTPTS"];
  if (fade > 0) chain.push(`afade=t=out:st=${fmtS(s.durationS - fade)}:d=${fmtS(fade)}`);
  chain.push(`apad=whole_dur=${d}`, `atrim=duration=${d}`);
  return [
    "-i", s.videoPath,
    "-ss", fmtS(s.offsetS),
    "-i", s.audioPath,
    "-map", "0:v:0",
    "-map", "1:a:0",
    "-c:v", "copy",
    "-af", chain.join(","),
    "-c:a", "aac",
    "-b:a", s.bitrate ?? "192k",
    "-ar", "48000",
    "-movflags", "+faststart",
    "-f", "mp4",
    s.outPath,
  ];
}

function num(n: number): string {
  return String(Number(n.toFixed(6)));
}

function even(n: number): number {
  return Math.round(n / 2) * 2;
}

function assertFps(fps: number): void {
  if (!Number.isInteger(fps) || fps <= 0 || fps > 240) throw new RangeError(`invalid fps ${fps}`);
}

function assertSize(w: number, h: number): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 2 || h < 2 || w % 2 || h % 2)
    throw new RangeError(`invalid output size ${w}x${h}: width and height must be even integers`);
}

function assertFrames(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`invalid frame count ${n}`);
}

/**
 * The last frame of a clip as a JPEG: the first frame of the next shot when shots are chained.
 * Reads only the clip's tail (`-sseof`) and keeps overwriting one image, so the file ends as
 * the final decoded frame whatever the clip's length. Scaled to at most `maxSide` pixels on
 * its long side (never up) so it stays small enough to send as a data URI.
 */
export function lastFrameArgs(o: { input: string; outPath: string; tailS?: number; maxSide?: number; quality?: number }): string[] {
  const tail = o.tailS ?? 0.5;
  if (!(tail > 0)) throw new RangeError(`invalid tail ${tail}`);
  const side = o.maxSide ?? 1280;
  if (!(Number.isInteger(side) && side >= 16)) throw new RangeError(`invalid maxSide ${side}`);
  const q = o.quality ?? 3;
  if (!(Number.isInteger(q) && q >= 2 && q <= 31)) throw new RangeError(`invalid JPEG quality ${q}`);
  return [
    "-sseof", `-${fmtS(tail)}`,
    "-i", o.input,
    "-map", "0:v:0",
    "-an", "-sn", "-dn",
    "-vf", `scale=w='min(${side},iw)':h='min(${side},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuvj420p`,
    "-q:v", String(q),
    "-update", "1",
    "-f", "image2",
    o.outPath,
  ];
}

/**
 * One frame of a video at `atS` seconds as a JPEG: a clip's thumbnail or a composition's
 * poster. The seek is an input seek (fast, lands on the frame at or after `atS`); scaled to at
 * most `maxSide` pixels on its long side, never up.
 */
export function stillArgs(o: { input: string; outPath: string; atS: number; maxSide?: number; quality?: number }): string[] {
  if (!(o.atS >= 0) || !Number.isFinite(o.atS)) throw new RangeError(`invalid still time ${o.atS}`);
  const side = o.maxSide ?? 640;
  if (!(Number.isInteger(side) && side >= 16)) throw new RangeError(`invalid maxSide ${side}`);
  const q = o.quality ?? 4;
  if (!(Number.isInteger(q) && q >= 2 && q <= 31)) throw new RangeError(`invalid JPEG quality ${q}`);
  return [
    "-ss", fmtS(o.atS),
    "-i", o.input,
    "-map", "0:v:0",
    "-an", "-sn", "-dn",
    "-frames:v", "1",
    "-vf", `scale=w='min(${side},iw)':h='min(${side},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuvj420p`,
    "-q:v", String(q),
    "-update", "1",
    "-f", "image2",
    o.outPath,
  ];
}
