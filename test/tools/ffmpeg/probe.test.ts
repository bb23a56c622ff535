import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, probeFast, ProbeError, type MediaInfo } from "../../../tools/ffmpeg/probe.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";
import { makeCodedClip, makeRampSong, tempDir } from "./media.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await Promise.all([
    makeCodedClip(join(dir, "shared.mp4"), { frames: 47, fps: 30, width: 320, height: 180, tag: 64 }),
    makeCodedClip(join(dir, "foreign.mp4"), { frames: 40, fps: 25, width: 320, height: 180, tag: 64, profile: "foreign" }),
    makeRampSong(join(dir, "song.wav"), 2),
  ]);
  await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x90:r=24", "-frames:v", "10", "-c:v", "libx264", "-preset", "ultrafast", "-f", "matroska", join(dir, "clip.mkv")]);
});

afterAll(() => cleanup());

/** Fields both readers must agree on. */
function comparable(i: MediaInfo) {
  const { source: _s, keyframes: _k, duration_s, video_duration_s, ...rest } = i;
  return { ...rest, duration_s: Math.round(duration_s * 100) / 100, video_duration_s: Math.round(video_duration_s * 1000) / 1000 };
}

describe("probe (ffprobe)", () => {
  it("describes an H.264 MP4 exactly", async () => {
    const info = await probe(join(dir, "shared.mp4"));
    expect(info).toMatchObject({
      source: "ffprobe",
      width: 320,
      height: 180,
      fps: 30,
      video_codec: "h264",
      pix_fmt: "yuv420p",
      has_audio: false,
      audio_codec: null,
      nb_frames: 47,
      has_b_frames: false,
      time_base: "1/90000",
      start_s: 0,
    });
    expect(info.video_duration_s).toBeCloseTo(47 / 30, 5);
    expect(info.extradata_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts packets when the container does not store a frame count", async () => {
    const info = await probe(join(dir, "clip.mkv"));
    expect(info.nb_frames).toBe(10);
    expect(info.fps).toBe(24);
  });

  it("describes an audio-only file", async () => {
    const info = await probe(join(dir, "song.wav"));
    expect(info).toMatchObject({ has_video: false, has_audio: true, audio_codec: "pcm_s16le", width: 0, nb_frames: 0, video_codec: null });
    expect(info.duration_s).toBeCloseTo(2, 2);
  });
});

describe("probeFast", () => {
  it("reads our MP4s in-process and agrees with ffprobe", async () => {
    for (const name of ["shared.mp4", "foreign.mp4"]) {
      const [fast, slow] = await Promise.all([probeFast(join(dir, name)), probe(join(dir, name))]);
      expect(fast.source).toBe("mp4");
      expect(comparable(fast)).toEqual(comparable(slow));
      expect(slow.keyframes).toBeNull();
    }
  });

  it("sees the reordering and the different headers of a foreign encode", async () => {
    const [shared, foreign] = await Promise.all([probeFast(join(dir, "shared.mp4")), probeFast(join(dir, "foreign.mp4"))]);
    expect(foreign.has_b_frames).toBe(true);
    expect(foreign.extradata_hash).not.toBe(shared.extradata_hash);
    expect(foreign.fps).toBe(25);
  });

  it("lists the keyframes: one a second, on the second, for our encoder profile", async () => {
    expect((await probeFast(join(dir, "shared.mp4"))).keyframes).toEqual([0, 30]);
  });

  it("falls back to ffprobe for other containers", async () => {
    expect((await probeFast(join(dir, "clip.mkv"))).source).toBe("ffprobe");
    expect((await probeFast(join(dir, "song.wav"))).source).toBe("ffprobe");
  });

  it("fails with a ProbeError for a missing file", async () => {
    await expect(probeFast(join(dir, "missing.mp4"))).rejects.toBeInstanceOf(ProbeError);
  });
});
