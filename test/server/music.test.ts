import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../tools/ffmpeg/probe.js";
import { runFfmpeg } from "../../tools/ffmpeg/run.js";
import { drumArgs } from "../../tools/audio/synth.js";
import { startApi, type ApiHarness } from "./harness.js";

let api: ApiHarness;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rg-music-"));
  await runFfmpeg(drumArgs({ bpm: 124, durationS: 66, leadInS: 0.8, noise: 0.03 }, join(dir, "song.wav")));
  await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.3:duration=62:seed=3", "-ac", "1", "-c:a", "libmp3lame", join(dir, "noise.mp3")]);
  api = await startApi();
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(path: string, type: string): Promise<string> {
  const r = await fetch(`${api.url}/api/v1/assets`, { method: "POST", headers: { "Content-Type": type }, body: readFileSync(path) });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

const frame = (t: { fps: number }) => 1 / t.fps + 1e-6;

describe("music videos", () => {
  it("uploads a song (raw body or multipart) and refuses what is not audio", async () => {
    expect(await upload(join(dir, "song.wav"), "audio/wav")).toMatch(/^asset_/);
    const form = new FormData();
    form.append("file", new Blob([readFileSync(join(dir, "noise.mp3"))], { type: "audio/mpeg" }), "noise.mp3");
    const m = await fetch(`${api.url}/api/v1/assets`, { method: "POST", body: form });
    expect(m.status).toBe(201);
    const bad = await fetch(`${api.url}/api/v1/assets`, { method: "POST", headers: { "Content-Type": "audio/wav" }, body: "definitely not a wav file" });
    expect(bad.status).toBe(415);
    const wrongType = await fetch(`${api.url}/api/v1/assets`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "x" });
    expect(wrongType.status).toBe(415);
  });

  it("cuts on the song's bars, in sync, for the song's length", async () => {
    const asset = await upload(join(dir, "song.wav"), "audio/wav");
    const r = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "neon synthwave night drive", audio: { url: asset } });
    expect(r.status).toBe(202);
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 120_000);
    expect(g.error).toBeNull();
    const t = g.composition.timeline;
    expect(t.audio.bpm).toBeGreaterThan(124 * 0.98);
    expect(t.audio.bpm).toBeLessThan(124 * 1.02);
    expect(t.scenes.length).toBeGreaterThanOrEqual(10);
    expect(t.scenes.length).toBeLessThanOrEqual(20);
    for (const s of t.scenes.slice(1)) {
      const nearest = Math.min(...t.audio.downbeats_s.map((d: number) => Math.abs(d - s.start_s)));
      expect(nearest).toBeLessThanOrEqual(frame(t));
    }
    const info = await probe(g.composition.video.path);
    expect(info.has_audio).toBe(true);
    expect(Math.abs(info.duration_s - t.duration_s)).toBeLessThanOrEqual(frame(t));
    expect(t.duration_s).toBeGreaterThan(64);
  });

  it("shortens to duration_s, ending on a bar with a fade", async () => {
    const asset = await upload(join(dir, "song.wav"), "audio/wav");
    const r = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "lo-fi city walk", duration_s: 60, audio: { url: asset } });
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 120_000);
    expect(g.status).toBe("completed");
    const t = g.composition.timeline;
    expect(t.duration_s).toBeLessThanOrEqual(60.5);
    expect(t.audio.fade_out_s).toBeGreaterThan(0);
    // The video ends where a bar starts: on a listed downbeat, or one bar after the last one.
    const bar = (60 / t.audio.bpm) * (t.audio.beats_per_bar ?? 4);
    const last = t.audio.downbeats_s.filter((d: number) => d <= t.duration_s + 1e-6).at(-1);
    const offGrid = Math.min(Math.abs(t.duration_s - last), Math.abs(t.duration_s - (last + bar)));
    expect(offGrid).toBeLessThanOrEqual(frame(t));
  });

  it("falls back to a duration-based plan when no beat is found, and says so", async () => {
    const asset = await upload(join(dir, "noise.mp3"), "audio/mpeg");
    const r = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "ambient ocean film", audio: { url: asset } });
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 120_000);
    expect(g.status).toBe("completed");
    expect(g.plan.timing).toBe("duration_fallback");
    expect(g.warnings.join(" ")).toMatch(/beat|tempo|confidence/i);
  });

  it("refuses a music video without a usable song", async () => {
    const none = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "a song video" });
    expect(none.status).toBe(400);
    expect(none.json.errors.map((e: any) => e.path)).toContain("body.audio");
    const unknown = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "a song video", audio: { url: "asset_doesnotexist" } });
    expect(unknown.status).toBe(400);
    const ftp = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "a song video", audio: { url: "ftp://example.com/a.mp3" } });
    expect(ftp.status).toBe(400);
    expect(ftp.json.detail).toContain("body.audio.url");
  });
});
