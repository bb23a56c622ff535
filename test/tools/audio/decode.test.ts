import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioAnalysisError, analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { decodeArgs, decodeMono, pcmF32le, pcmF32leChunks } from "../../../tools/audio/decode.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";

let dir: string;
let ogg: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reelgraph-decode-"));
  ogg = join(dir, "tone.ogg");
  await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=5", "-ac", "2", "-c:a", "libvorbis", ogg]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("decodeArgs", () => {
  it("asks FFmpeg for mono f32le on stdout at the given rate, bounded in time", () => {
    const args = decodeArgs("/songs/a b.mp3", { sampleRate: 11025, maxSeconds: 90 });
    expect(args).toEqual(["-v", "error", "-i", "/songs/a b.mp3", "-map", "0:a:0", "-vn", "-t", "90", "-ac", "1", "-ar", "11025", "-f", "f32le", "-c:a", "pcm_f32le", "-flush_packets", "0", "pipe:1"]);
    expect(decodeArgs("x.wav", { sampleRate: 22050 })).toContain("600");
  });
});

describe("pcmF32le", () => {
  it("reads little-endian floats even from an odd byte offset", () => {
    const bytes = Buffer.alloc(1 + 8);
    bytes.writeFloatLE(0.5, 1);
    bytes.writeFloatLE(-0.25, 5);
    expect(Array.from(pcmF32le(bytes.subarray(1)))).toEqual([0.5, -0.25]);
  });
});

describe("decodeMono", () => {
  it("decodes a stereo Ogg Vorbis file to mono at 11025 Hz", async () => {
    const s = await decodeMono(ogg, { sampleRate: 11025 });
    expect(s.length).toBeGreaterThan(11025 * 4.95);
    expect(s.length).toBeLessThan(11025 * 5.05);
    let peak = 0;
    for (const v of s) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0.05);
    expect(peak).toBeLessThan(1.01);
  });

  it("stops at maxSeconds", async () => {
    const s = await decodeMono(ogg, { sampleRate: 8000, maxSeconds: 1 });
    expect(s.length).toBe(8000);
  });

  it("rejects an unusable sample rate before starting FFmpeg", async () => {
    await expect(decodeMono(ogg, { sampleRate: 10 })).rejects.toThrow(RangeError);
  });
});

describe("analyzeAudioFile", () => {
  it("names a missing file", async () => {
    const path = join(dir, "nope.mp3");
    const err = await analyzeAudioFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioAnalysisError);
    expect((err as AudioAnalysisError).reason).toBe("missing");
    expect((err as AudioAnalysisError).path).toBe(path);
    expect((err as Error).message).toContain(path);
  });

  it("names a file FFmpeg cannot decode and keeps FFmpeg's reason as the cause", async () => {
    const path = join(dir, "notes.mp3");
    await writeFile(path, "this is not audio\n".repeat(50));
    const err = await analyzeAudioFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioAnalysisError);
    expect((err as AudioAnalysisError).reason).toBe("undecodable");
    expect((err as Error).message).toContain(path);
    expect((err as Error).cause).toBeDefined();
  });

  it("analyses a beatless file to bpm null", async () => {
    const a = await analyzeAudioFile(ogg);
    expect(a.bpm).toBeNull();
    expect(a.duration_s).toBeCloseTo(5, 1);
  });
});

describe("pcmF32leChunks", () => {
  it("reads samples split anywhere across chunks, dropping a trailing partial sample", () => {
    const whole = Buffer.alloc(4 * 5 + 2);
    [0.5, -0.25, 1, -1, 0.125].forEach((v, i) => whole.writeFloatLE(v, 4 * i));
    const chunks = [whole.subarray(0, 3), whole.subarray(3, 3), whole.subarray(3, 11), whole.subarray(11)];
    expect(Array.from(pcmF32leChunks(chunks, whole.length))).toEqual([0.5, -0.25, 1, -1, 0.125]);
    expect(pcmF32leChunks([], 0).length).toBe(0);
  });
});
