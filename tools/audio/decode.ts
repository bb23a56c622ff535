import os from "node:os";
import { resolve } from "node:path";
import { FfmpegError, runFfmpeg } from "../ffmpeg/run.js";

/**
 * Decodes any audio FFmpeg reads into mono float samples at a low rate: beat analysis needs
 * nothing above a few kHz, and 11025 Hz keeps a 3-minute song under 8 MB of PCM.
 */

export interface DecodeOptions {
  /** Output sample rate in Hz (e.g. 11025 or 22050). */
  sampleRate: number;
  /** Decode at most this many seconds from the start (default 600). */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** Kill FFmpeg after this many seconds (default 120). */
  timeoutS?: number;
}

/**
 * The FFmpeg arguments for `decodeMono` (pure, for tests). `-flush_packets 0`: on a pipe FFmpeg
 * otherwise writes every packet as soon as it is muxed — 1 KB per AAC frame at 11025 Hz, 5,000
 * writes and as many wake-ups of the reader for two minutes of audio; with it, its 32 KB output
 * buffer goes out whole (the same bytes, 160 writes).
 */
export function decodeArgs(path: string, options: Pick<DecodeOptions, "sampleRate" | "maxSeconds">): string[] {
  const maxSeconds = options.maxSeconds ?? 600;
  return ["-v", "error", "-i", path, "-map", "0:a:0", "-vn", "-t", String(maxSeconds), "-ac", "1", "-ar", String(options.sampleRate), "-f", "f32le", "-c:a", "pcm_f32le", "-flush_packets", "0", "pipe:1"];
}

/**
 * Mono samples (−1…1) of the first audio stream of `path`. Throws FfmpegError when FFmpeg fails.
 * The PCM is taken chunk by chunk while FFmpeg decodes (`runFfmpeg`'s `onStdout`), so what is
 * left when it exits is one copy into the result, not the whole transfer.
 */
export async function decodeMono(path: string, options: DecodeOptions): Promise<Float32Array> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  await runDecode(path, options, (chunk) => {
    chunks.push(chunk);
    bytes += chunk.length;
  });
  return pcmF32leChunks(chunks, bytes);
}

/**
 * Like `decodeMono`, but hands the samples to `onSamples` in order while FFmpeg decodes (each
 * piece a fresh array of whole samples), so the caller's work overlaps the decode.
 */
export async function decodeMonoStream(path: string, options: DecodeOptions, onSamples: (samples: Float32Array) => void): Promise<void> {
  let carry: Buffer | null = null;
  await runDecode(path, options, (chunk) => {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 4);
    carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : null;
    if (whole > 0) onSamples(pcmF32le(bytes.subarray(0, whole)));
  });
}

/**
 * `decodeArgs` with the input named on stdin instead: FFmpeg's concat demuxer reads a one-line
 * list (`concatList`) and opens the file itself, seekable as with `-i`, so the samples are the
 * same bytes. The arguments no longer depend on the song, so the process can be started before
 * the song is known (RunOptions.warm): a second song's decode starts without FFmpeg's start-up.
 */
export function decodeListArgs(options: Pick<DecodeOptions, "sampleRate" | "maxSeconds">): string[] {
  const direct = decodeArgs("-", options);
  const input = direct.indexOf("-i");
  return [...direct.slice(0, input), "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe", "-i", "pipe:0", ...direct.slice(input + 2)];
}

/** The concat list naming `path` (absolute, read as a plain file), or null when no list can name it safely. */
export function concatList(path: string): string | null {
  if (/[\n\r\0]/.test(path)) return null;
  return `file '${`file:${resolve(path)}`.replace(/'/g, "'\\''")}'\n`;
}

async function runDecode(path: string, options: DecodeOptions, onStdout: (chunk: Buffer) => void): Promise<void> {
  if (!(options.sampleRate >= 1000 && options.sampleRate <= 192_000)) throw new RangeError(`sampleRate must be 1000–192000 Hz, got ${options.sampleRate}`);
  const maxSeconds = options.maxSeconds ?? 600;
  const run = { maxStdoutBytes: Math.ceil((maxSeconds + 1) * options.sampleRate) * 4, signal: options.signal, timeoutS: options.timeoutS ?? 120 };
  const list = concatList(path);
  if (list !== null) {
    let delivered = false;
    try {
      await runFfmpeg(decodeListArgs({ sampleRate: options.sampleRate, maxSeconds }), {
        ...run,
        stdin: list,
        warm: true,
        onStdout: (chunk) => {
          delivered = true;
          onStdout(chunk);
        },
      });
      return;
    } catch (err) {
      // Samples already handed on cannot be taken back; nor is a cancel or a deadline retried.
      if (delivered || options.signal?.aborted || !(err instanceof FfmpegError) || err.context.timedOut) throw err;
      // Otherwise the direct form runs, and its error (if any) names the problem as FFmpeg reads the file itself.
    }
  }
  await runFfmpeg(decodeArgs(path, { sampleRate: options.sampleRate, maxSeconds }), { ...run, onStdout });
}

/** `pcmF32le` of the concatenation of `chunks` (`bytes` long in all), with one copy on little-endian machines. */
export function pcmF32leChunks(chunks: Buffer[], bytes: number): Float32Array {
  if (os.endianness() !== "LE") return pcmF32le(Buffer.concat(chunks, bytes));
  const out = new Float32Array(Math.floor(bytes / 4));
  const view = new Uint8Array(out.buffer);
  let at = 0;
  for (const c of chunks) {
    if (at >= view.length) break;
    const part = c.length <= view.length - at ? c : c.subarray(0, view.length - at);
    view.set(part, at);
    at += part.length;
  }
  return out;
}

/** Little-endian f32 bytes to samples; copies, so the result never aliases Node's buffer pool. */
export function pcmF32le(bytes: Buffer): Float32Array {
  const count = Math.floor(bytes.length / 4);
  const out = new Float32Array(count);
  if (os.endianness() === "LE") {
    out.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * 4)));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
