import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timeline, TimelineAudio } from "../../../core/timeline/schema.js";
import { composeTimeline } from "../../../tools/compose/index.js";
import { probe } from "../../../tools/ffmpeg/probe.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";
import { createMediaStore, type MediaStore } from "../../../tools/media/store.js";
import { makeCodedClip, makeRampSong, peak, readPcm, tempDir } from "../ffmpeg/media.js";
import { testScene, testTimeline } from "./timelines.js";

/**
 * The song's amplitude is 0.1 + 0.1·t (t in song seconds), so the loudness of the output
 * says which part of the song is playing: it checks the offset, the fade and the padding.
 */

const FPS = 30;
let dir: string;
let cleanup: () => Promise<void>;
let media: MediaStore;
let song: string;
let clips: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  media = createMediaStore(join(dir, "data"));
  song = await makeRampSong(join(dir, "song.wav"), 4);
  clips = {
    a: await makeCodedClip(join(dir, "a.mp4"), { frames: 30, fps: FPS, width: 320, height: 180, tag: 64 }),
    b: await makeCodedClip(join(dir, "b.mp4"), { frames: 30, fps: FPS, width: 320, height: 180, tag: 128 }),
  };
});

afterAll(() => cleanup());

function timelineWith(audio: Partial<TimelineAudio> & { src: string }): Timeline {
  return testTimeline([testScene("scene_1", "a", 1), testScene("scene_2", "b", 1)], { fps: FPS, audio: { offset_s: 0, bpm: null, downbeats_s: [], ...audio } });
}

describe("the soundtrack", () => {
  it("starts at the offset, fades out at the end and lasts exactly as long as the video", async () => {
    const r = await composeTimeline({ timeline: timelineWith({ src: song, offset_s: 1, fade_out_s: 0.5 }), clips, outPath: join(dir, "a.mp4.out.mp4"), media });
    const info = await probe(r.path);
    expect(info).toMatchObject({ has_audio: true, audio_codec: "aac", nb_frames: 60, video_codec: "h264" });
    expect(Math.abs(info.video_duration_s - 2)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(info.duration_s - 2)).toBeLessThanOrEqual(0.05);
    expect(r.segments.every((s) => s.mode === "copy")).toBe(true);

    const pcm = await readPcm(r.path);
    expect(Math.abs(pcm.length / 8000 - 2)).toBeLessThanOrEqual(0.05);
    // Song time 1.05–1.2 s: amplitude ≈ 0.2–0.22 (without the offset it would be ≈ 0.11).
    expect(peak(pcm, 0.05, 0.2)).toBeGreaterThan(0.18);
    expect(peak(pcm, 0.05, 0.2)).toBeLessThan(0.25);
    // Before the fade: song time ≈ 2.3–2.4 s, amplitude ≈ 0.34; in its last 0.1 s: under 20 % of that.
    const before = peak(pcm, 1.3, 1.4);
    expect(before).toBeGreaterThan(0.3);
    expect(peak(pcm, 1.92, 2)).toBeLessThan(before * 0.2);
  });

  it("pads with silence when the song ends before the video, and says so", async () => {
    const r = await composeTimeline({ timeline: timelineWith({ src: song, offset_s: 3 }), clips, outPath: join(dir, "short.mp4"), media });
    expect(r.warnings.join()).toContain("soundtrack ends");
    const info = await probe(r.path);
    expect(info.nb_frames).toBe(60);
    expect(Math.abs(info.duration_s - 2)).toBeLessThanOrEqual(0.05);
    const pcm = await readPcm(r.path);
    expect(peak(pcm, 0.5, 0.9)).toBeGreaterThan(0.3);
    expect(peak(pcm, 1.2, 1.9)).toBeLessThan(0.01);
  });

  it("fades by default when the song goes on after the video", async () => {
    const r = await composeTimeline({ timeline: timelineWith({ src: song }), clips, outPath: join(dir, "default.mp4"), media });
    const pcm = await readPcm(r.path);
    expect(peak(pcm, 1.95, 2)).toBeLessThan(peak(pcm, 1.0, 1.1) * 0.2);
  });

  it("accepts an AAC song in an MP4 and refuses a non-local source", async () => {
    const m4a = join(dir, "song.m4a");
    await runFfmpeg(["-i", song, "-c:a", "aac", "-f", "mp4", m4a]);
    const r = await composeTimeline({ timeline: timelineWith({ src: m4a, offset_s: 0.5 }), clips, outPath: join(dir, "m4a.mp4"), media });
    expect((await probe(r.path)).has_audio).toBe(true);
    await expect(
      composeTimeline({ timeline: timelineWith({ src: "https://example.com/song.mp3" }), clips, outPath: join(dir, "net.mp4"), media }),
    ).rejects.toMatchObject({ name: "ComposeError", stage: "audio" });
  });
});
