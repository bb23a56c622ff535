import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioAnalysisError, analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { concatList, decodeArgs, decodeListArgs, decodeMono, decodeMonoStream, pcmF32le, pcmF32leChunks } from "../../../tools/audio/decode.js";
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

describe("decodeListArgs and concatList", () => {
  it("are decodeArgs with the input named on stdin through a concat list", () => {
    const direct = decodeArgs("/songs/a.mp3", { sampleRate: 11025, maxSeconds: 90 });
    const list = decodeListArgs({ sampleRate: 11025, maxSeconds: 90 });
    const at = list.indexOf("-i");
    expect(list.slice(at - 6, at + 2)).toEqual(["-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe", "-i", "pipe:0"]);
    expect(list.filter((a, i) => i < at - 6 || i > at + 1)).toEqual(direct.filter((a) => a !== "-i" && a !== "/songs/a.mp3"));
  });

  it("names the file as a plain file with quotes escaped, and refuses names a list line cannot hold", () => {
    expect(concatList("/songs/it's here.mp3")).toBe("file 'file:/songs/it'\\''s here.mp3'\n");
    expect(concatList("/songs/two\nlines.mp3")).toBeNull();
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

  it("gives the same samples as FFmpeg's direct decode, streamed or whole, for a name with a quote", async () => {
    const odd = join(dir, "it's a song.ogg");
    await runFfmpeg(["-v", "error", "-i", ogg, "-c", "copy", odd]);
    const direct = (await runFfmpeg(decodeArgs(odd, { sampleRate: 11025 }), { captureStdout: true })).stdout;
    for (let round = 0; round < 2; round++) {
      // The second round's decode runs on the spare the first one left (RunOptions.warm).
      const whole = await decodeMono(odd, { sampleRate: 11025 });
      expect(Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).equals(direct)).toBe(true);
      const pieces: Float32Array[] = [];
      await decodeMonoStream(odd, { sampleRate: 11025 }, (p) => pieces.push(p));
      expect(pieces.length).toBeGreaterThan(0);
      const joined = Buffer.concat(pieces.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
      expect(joined.equals(direct)).toBe(true);
    }
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
    // FFmpeg's own reason for the file, not one about the concat list the decode tries first.
    expect((err as Error).message).toMatch(/notes\.mp3: Invalid argument$/);
    expect((err as Error).message).not.toMatch(/concat|pipe:0|Impossible/);
    expect((err as Error).cause).toBeDefined();
  });

  it("says a video without sound has no audio track, not FFmpeg's advice about its -map argument", async () => {
    const path = join(dir, "silent-film.mp4");
    await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=64x48", "-c:v", "libx264", "-pix_fmt", "yuv420p", path], { timeoutS: 60 });
    const err = await analyzeAudioFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioAnalysisError);
    expect((err as AudioAnalysisError).reason).toBe("undecodable");
    expect((err as Error).message).toBe(`could not decode audio file ${path}: the file has no audio track (give a song, or a video with sound)`);
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
