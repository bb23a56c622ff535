import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NORMALIZE_TAIL, videoEncodeArgs } from "../../../tools/ffmpeg/args.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";

/**
 * Test media made with FFmpeg itself: small clips whose every frame says which clip and
 * which source frame it is (luma = 16 + 4·n, chroma U = the clip's tag), and songs whose
 * loudness says where in the song they are. Reading them back checks cuts and retiming
 * to the frame without any image recognition.
 */

export async function tempDir(prefix = "reelgraph-test-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CodedClip {
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Chroma U of every frame: tells clips apart. */
  tag: number;
  /** Encode with the shared profile (stream-copyable) or with x264 defaults (B-frames, other headers). */
  profile?: "shared" | "foreign";
}

/** A clip whose frame n has luma 16 + 4n (n < 55) and chroma U = tag. */
export async function makeCodedClip(path: string, c: CodedClip): Promise<string> {
  if (c.frames > 55) throw new RangeError("coded clips hold at most 55 frames");
  const source = `color=c=black:s=${c.width}x${c.height}:r=${c.fps},format=yuv444p,geq=lum=16+4*N:cb=${c.tag}:cr=128`;
  const encode =
    c.profile === "foreign"
      ? ["-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-pix_fmt", "yuv420p", "-an"]
      : videoEncodeArgs({ fps: c.fps, crf: 12 });
  await runFfmpeg(["-f", "lavfi", "-i", source, "-vf", NORMALIZE_TAIL.join(","), "-frames:v", String(c.frames), ...encode, "-f", "mp4", path], { timeoutS: 60 });
  return path;
}

/** A clip of one flat colour (every frame identical). */
export async function makeFlatClip(path: string, o: { frames: number; fps: number; width: number; height: number; color: string }): Promise<string> {
  const source = `color=c=${o.color}:s=${o.width}x${o.height}:r=${o.fps}`;
  await runFfmpeg(["-f", "lavfi", "-i", source, "-vf", NORMALIZE_TAIL.join(","), "-frames:v", String(o.frames), ...videoEncodeArgs({ fps: o.fps, crf: 12 }), "-f", "mp4", path], {
    timeoutS: 60,
  });
  return path;
}

export interface FrameColor {
  y: number;
  u: number;
  v: number;
}

/** Every frame's average colour, in display order. */
export async function readFrameColors(path: string, region?: { x: number; y: number; w: number; h: number }): Promise<FrameColor[]> {
  const crop = region ? [`crop=${region.w}:${region.h}:${region.x}:${region.y}`] : [];
  const { stdout } = await runFfmpeg(["-i", path, "-map", "0:v:0", "-vf", [...crop, "scale=1:1:flags=area", "format=yuv444p"].join(","), "-f", "rawvideo", "pipe:1"], {
    captureStdout: true,
    timeoutS: 60,
  });
  const out: FrameColor[] = [];
  for (let i = 0; i + 2 < stdout.length; i += 3) out.push({ y: stdout[i], u: stdout[i + 1], v: stdout[i + 2] });
  return out;
}

/** Every frame as 8-bit gray pixels (width × height bytes each). */
export async function readGrayFrames(path: string, width: number, height: number): Promise<Buffer[]> {
  const { stdout } = await runFfmpeg(["-i", path, "-map", "0:v:0", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"], { captureStdout: true, timeoutS: 60 });
  const size = width * height;
  const out: Buffer[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) out.push(stdout.subarray(at, at + size));
  return out;
}

/** Pixels that differ by more than `threshold` levels: coding noise stays far below it, a changed glyph does not. */
export function changedPixels(a: Buffer, b: Buffer, threshold = 48): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > threshold) n++;
  return n;
}

/** The source frame a coded frame came from. */
export function codedIndex(c: FrameColor): number {
  return Math.round((c.y - 16) / 4);
}

/** Each frame's raw bytes hashed, to compare pictures exactly. */
export async function frameHashes(path: string): Promise<string[]> {
  const { stdout } = await runFfmpeg(["-i", path, "-map", "0:v:0", "-f", "framemd5", "pipe:1"], { captureStdout: true, timeoutS: 60 });
  return stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(",").pop()!.trim());
}

/**
 * A mono song whose amplitude grows linearly with song time (0.1 at 0 s, +0.1 per second),
 * so the loudness of any stretch of the output says which part of the song it came from.
 */
export async function makeRampSong(path: string, durationS: number): Promise<string> {
  await runFfmpeg(["-f", "lavfi", "-i", `aevalsrc=exprs=(0.1+0.1*t)*sin(2*PI*440*t):s=48000:d=${durationS}`, "-c:a", "pcm_s16le", "-f", "wav", path], { timeoutS: 60 });
  return path;
}

/** The audio of a file as mono float samples at 8 kHz. */
export async function readPcm(path: string): Promise<Float32Array> {
  const { stdout } = await runFfmpeg(["-i", path, "-map", "0:a:0", "-ac", "1", "-ar", "8000", "-f", "f32le", "pipe:1"], { captureStdout: true, timeoutS: 60 });
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.length - (stdout.length % 4)));
}

/** Peak amplitude of samples [fromS, toS) at 8 kHz. */
export function peak(pcm: Float32Array, fromS: number, toS: number): number {
  let p = 0;
  for (let i = Math.floor(fromS * 8000); i < Math.min(pcm.length, Math.floor(toS * 8000)); i++) p = Math.max(p, Math.abs(pcm[i]));
  return p;
}
