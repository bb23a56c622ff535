import os from "node:os";
import { runFfmpeg } from "../ffmpeg/run.js";

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
  if (!(options.sampleRate >= 1000 && options.sampleRate <= 192_000)) throw new RangeError(`sampleRate must be 1000–192000 Hz, got ${options.sampleRate}`);
  const maxSeconds = options.maxSeconds ?? 600;
  const maxStdoutBytes = Math.ceil((maxSeconds + 1) * options.sampleRate) * 4;
  const chunks: Buffer[] = [];
  let bytes = 0;
  await runFfmpeg(decodeArgs(path, { sampleRate: options.sampleRate, maxSeconds }), {
    onStdout: (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
    },
    maxStdoutBytes,
    signal: options.signal,
    timeoutS: options.timeoutS ?? 120,
  });
  return pcmF32leChunks(chunks, bytes);
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
