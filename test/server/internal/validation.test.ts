import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startInternal, twoSceneTimeline, type InternalHarness } from "./helpers.js";

function validJob(overrides: Record<string, unknown> = {}) {
  return {
    composition_id: "comp_v",
    version: 1,
    timeline: twoSceneTimeline(1),
    clips: [
      { clip_id: "clip_a", url: "https://clips.example/a.mp4" },
      { clip_id: "clip_b", url: "/data/media/clips/b.mp4" },
    ],
    callback_url: "http://127.0.0.1:9/internal/v1/processing-complete",
    ...overrides,
  };
}

describe("internal routes: request validation", () => {
  let h: InternalHarness;
  let outsideFile: string;
  beforeAll(async () => {
    h = await startInternal();
    outsideFile = join(h.dataDir, "secret.wav");
    writeFileSync(outsideFile, "not for you");
    mkdirSync(join(h.media.root, "links"), { recursive: true });
    symlinkSync(outsideFile, join(h.media.root, "links", "song.wav"));
  });
  afterAll(() => h.close());

  const invalid = (r: { status: number; headers: Headers; body: any }, path: string) => {
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(r.body.detail.startsWith(`${path}: `)).toBe(true);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  };

  it.each([
    ["composition_id", { composition_id: undefined }],
    ["version", { version: 0 }],
    ["version", { version: 2 }],
    ["timeline.scenes", { timeline: { ...twoSceneTimeline(1), scenes: [] } }],
    ["timeline.fps", { timeline: { ...twoSceneTimeline(1), fps: "30" } }],
    ["clips", { clips: [] }],
    ["clips.1.url", { clips: [{ clip_id: "clip_a", url: "https://x/a.mp4" }, { clip_id: "clip_b", url: "ftp://x/b.mp4" }] }],
    ["clips.1.clip_id", { clips: [{ clip_id: "clip_a", url: "https://x/a.mp4" }, { clip_id: "clip_a", url: "https://x/b.mp4" }] }],
    ["timeline.scenes.1.clip_id", { clips: [{ clip_id: "clip_a", url: "https://x/a.mp4" }] }],
    ["callback_url", { callback_url: "file:///etc/passwd" }],
    ["callback_url", { callback_url: "not a url" }],
  ])("process-clips names %s", async (path, change) => {
    const r = await call(h.url + "/internal/v1/process-clips", { body: validJob(change) });
    invalid(r, path);
  });

  it("process-clips answers 400 for a body that is not JSON", async () => {
    const r = await call(h.url + "/internal/v1/process-clips", { rawBody: "{oops" });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe("urn:reelgraph:problem:invalid-json");
    expect(r.body.detail).toMatch(/^body: /);
  });

  it("processing-complete names the bad field", async () => {
    const base = { job_id: "job_1", composition_id: "comp_v", version: 1, status: "succeeded", output_url: "http://127.0.0.1:1/o.mp4", duration_s: 2, error: null };
    invalid(await call(h.url + "/internal/v1/processing-complete", { body: { ...base, status: "done" } }), "status");
    invalid(await call(h.url + "/internal/v1/processing-complete", { body: { ...base, duration_s: "2" } }), "duration_s");
    invalid(await call(h.url + "/internal/v1/processing-complete", { body: { ...base, job_id: undefined } }), "job_id");
  });

  it("audio-analysis names audio_url when it is missing or not a URL or absolute path", async () => {
    invalid(await call(h.url + "/internal/v1/audio-analysis", { body: {} }), "audio_url");
    invalid(await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: "songs/a.wav" } }), "audio_url");
    invalid(await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: "ftp://x/a.wav" } }), "audio_url");
  });

  it.each([
    ["a path outside the media root", () => outsideFile],
    ["a ../ escape from the media root", () => `${h.media.root}/clips/../../secret.wav`],
    ["a file:// URL outside the media root", () => pathToFileURL(outsideFile).href],
    ["an encoded ../ in a file:// URL", () => `file://${h.media.root}/%2e%2e/secret.wav`],
    ["a symlink inside the root that points outside", () => join(h.media.root, "links", "song.wav")],
    ["a file URL with a remote host", () => "file://otherhost/etc/passwd"],
  ])("audio-analysis refuses %s", async (_what, url) => {
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: url() } });
    invalid(r, "audio_url");
  });

  it("audio-analysis answers 422 for a missing file under the media root", async () => {
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: join(h.media.root, "assets", "nope.wav") } });
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/^audio_url: .*does not exist/);
  });

  it("audio-analysis answers 422 when the file is not audio", async () => {
    const junk = join(h.media.root, "assets", "junk.wav");
    mkdirSync(join(h.media.root, "assets"), { recursive: true });
    writeFileSync(junk, "definitely not a wave file");
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: junk } });
    expect(r.status).toBe(422);
    expect(r.body.type).toBe("urn:reelgraph:problem:audio-analysis-failed");
    expect(r.body.detail).not.toContain(h.media.root);
  });

  it("the media route does not serve outside the root or dotfiles", async () => {
    writeFileSync(join(h.media.root, ".hidden"), "x");
    for (const path of ["/internal/v1/media/..%2F..%2Fsecret.wav", "/internal/v1/media/clips/..%2F..%2F..%2Fsecret.wav", "/internal/v1/media/.hidden", "/internal/v1/media/links/song.wav"]) {
      const r = await call(h.url + path);
      expect([403, 404], path).toContain(r.status);
      expect(String(r.body)).not.toContain("not for you");
    }
  });
});
