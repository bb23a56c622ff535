import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mp4ParseError, parseAvcC, parseMoov, readMp4 } from "../../../tools/compose/mp4.js";
import { audioMuxArgs } from "../../../tools/ffmpeg/args.js";
import { probe, probeFast } from "../../../tools/ffmpeg/probe.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";
import { makeCodedClip, makeRampSong, tempDir } from "../ffmpeg/media.js";

let dir: string;
let cleanup: () => Promise<void>;
let clip: string;
let muxed: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  clip = await makeCodedClip(join(dir, "clip.mp4"), { frames: 20, fps: 30, width: 160, height: 90, tag: 64 });
  const song = await makeRampSong(join(dir, "song.wav"), 1);
  muxed = join(dir, "muxed.mp4");
  await runFfmpeg(audioMuxArgs({ videoPath: clip, audioPath: song, offsetS: 0, durationS: 20 / 30, fadeOutS: 0, outPath: muxed }));
});

afterAll(() => cleanup());

describe("readMp4", () => {
  it("reads the video track's samples, timing and decoder configuration", async () => {
    const movie = await readMp4(clip);
    const video = movie!.tracks.find((t) => t.handler === "vide")!;
    expect(video).toMatchObject({ codecTag: "avc1", width: 160, height: 90, samples: 20, timescale: 90000, reordered: false });
    expect(video.deltas).toEqual([{ count: 20, delta: 3000 }]);
    expect(parseAvcC(video.avcC!)).toEqual({ profileIdc: 100, chromaFormatIdc: 1, bitDepthLuma: 8, bitDepthChroma: 8 });
  });

  it("describes a muxed file like ffprobe does", async () => {
    const [fast, slow] = await Promise.all([probeFast(muxed), probe(muxed)]);
    expect(fast.source).toBe("mp4");
    for (const k of ["has_audio", "audio_codec", "nb_frames", "width", "height", "fps", "extradata_hash", "time_base"] as const) expect(fast[k]).toEqual(slow[k]);
  });

  it("returns null for files that are not MP4", async () => {
    const text = join(dir, "notes.txt");
    await writeFile(text, "not a movie at all, just some text that is long enough");
    expect(await readMp4(text)).toBeNull();
    expect(await readMp4(join(dir, "song.wav"))).toBeNull();
  });

  it("returns null for a truncated file and rejects a malformed moov", async () => {
    const bytes = await readFile(clip);
    const cut = join(dir, "cut.mp4");
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const movie = await readMp4(cut).catch((e) => e);
    expect(movie === null || movie instanceof Mp4ParseError).toBe(true);
    const bad = Buffer.alloc(16);
    bad.writeUInt32BE(64, 0);
    bad.write("trak", 4, "latin1");
    expect(() => parseMoov(bad)).toThrow(Mp4ParseError);
  });
});

describe("parseAvcC", () => {
  it("refuses what is not an avcC", () => {
    expect(parseAvcC(Buffer.from([0, 1, 2]))).toBeNull();
    expect(parseAvcC(Buffer.from([1, 100, 0, 31, 0xff, 0xe0, 0, 0]))).toBeNull();
  });
});
