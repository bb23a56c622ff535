import { stat } from "node:fs/promises";
import type { AudioAnalysis } from "../../core/schemas/audio.js";
import { FfmpegError, FfmpegNotFoundError } from "../ffmpeg/run.js";
import { analyzeBeats, type AnalyzeBeatsOptions } from "./beats.js";
import { decodeMonoStream } from "./decode.js";
import { OnsetFeatureStream } from "./onset.js";

/** The song could not be read as audio; `path` names it and `cause` holds FFmpeg's reason. */
export class AudioAnalysisError extends Error {
  override readonly name = "AudioAnalysisError";
  constructor(
    message: string,
    readonly path: string,
    readonly reason: "missing" | "undecodable" | "empty",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AnalyzeAudioOptions extends AnalyzeBeatsOptions {
  /** Decode rate in Hz; 11025 keeps analysis well under 1.5 s per minute on 2 cores. */
  sampleRate?: number;
  /** Analyse at most this many seconds from the start (default 600). */
  maxSeconds?: number;
  signal?: AbortSignal;
}

/** Decodes `path` with FFmpeg and analyses its beats (see tools/audio/README.md). */
export async function analyzeAudioFile(path: string, options: AnalyzeAudioOptions = {}): Promise<AudioAnalysis> {
  const { sampleRate = 11025, maxSeconds, signal, ...beatOptions } = options;
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new AudioAnalysisError(`audio file not found: ${path}`, path, "missing");
  // The onset transforms run on each piece of PCM as it arrives, beside FFmpeg's decode.
  const stream = new OnsetFeatureStream(sampleRate);
  try {
    await decodeMonoStream(path, { sampleRate, maxSeconds, signal }, (piece) => stream.push(piece));
  } catch (err) {
    if (err instanceof FfmpegNotFoundError || signal?.aborted) throw err;
    const why = err instanceof FfmpegError ? decodeFailure(err.context.stderr) || err.message : String(err);
    throw new AudioAnalysisError(`could not decode audio file ${path}: ${why}`, path, "undecodable", { cause: err });
  }
  const { samples, features } = stream.finish();
  if (samples.length === 0) throw new AudioAnalysisError(`audio file ${path} has no audio samples`, path, "empty");
  return analyzeBeats(samples, sampleRate, beatOptions, features);
}

/**
 * What to tell the caller from FFmpeg's stderr: its last line, except where that line is advice
 * about FFmpeg's own arguments (a file with no audio track ends "To ignore this, add a trailing
 * '?' to the map"), which is said in words about the file instead.
 */
function decodeFailure(stderr: string): string {
  if (/Stream map '[^']*a[^']*' matches no streams/.test(stderr)) return "the file has no audio track (give a song, or a video with sound)";
  return stderr.trim().split("\n").slice(-1)[0]?.slice(0, 300) ?? "";
}
