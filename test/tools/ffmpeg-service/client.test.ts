import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRemoteAudioAnalyzer, createRemoteComposer, type RemoteComposerOptions } from "../../../tools/ffmpeg-service/client.js";
import { FfmpegServiceHttpError, RemoteComposeError } from "../../../tools/ffmpeg-service/errors.js";
import { createCallbackHub, type CallbackHub } from "../../../tools/ffmpeg-service/hub.js";
import { tempDir, twoSceneTimeline } from "../../server/internal/helpers.js";
import { startFakeService, view } from "./fake-service.js";

const MP4 = Buffer.from("not really an mp4 but bytes all the same");

describe("createRemoteComposer against a scripted service", () => {
  let dir: ReturnType<typeof tempDir>;
  let hub: CallbackHub;
  let fake: Awaited<ReturnType<typeof startFakeService>> | null = null;
  beforeEach(() => {
    dir = tempDir("client");
    hub = createCallbackHub();
  });
  afterEach(async () => {
    await fake?.close();
    fake = null;
    dir.cleanup();
  });

  const composer = (url: string, over: Partial<RemoteComposerOptions> = {}) =>
    createRemoteComposer({
      serviceUrl: url,
      token: "tok",
      callbackBaseUrl: "http://gateway.test:8080/",
      clipUrl: (id, path) => `http://gateway.test:8080/internal/v1/media/${id}?p=${encodeURIComponent(path)}`,
      waitForCallback: (id, o) => hub.wait(id, o),
      pollIntervalMs: 30,
      deadlineMs: 10_000,
      ...over,
    });
  const input = (outPath: string, signal?: AbortSignal) => ({
    generationId: "gen_c",
    compositionId: "comp_c",
    timeline: twoSceneTimeline(1),
    clips: { clip_a: "/m/a.mp4", clip_b: "/m/b.mp4" },
    outPath,
    signal,
  });

  it("retries a refused submission, polls through a 5xx, and downloads the output with the token", async () => {
    fake = await startFakeService({
      submit: [{ status: 503, headers: { "retry-after": "0" }, body: { detail: "busy" } }, { status: 202, body: { job_id: "job_1", status: "queued" } }],
      status: [
        { status: 500, body: { detail: "hiccup" } },
        { status: 200, body: view("job_1", "running") },
        { status: 200, body: (base: string) => view("job_1", "succeeded", { output_url: `${base}/internal/v1/outputs/job_1.mp4`, duration_s: 2 }) },
      ],
      output: [{ status: 200, bytes: MP4 }],
    });

    const outPath = join(dir.dir, "out.mp4");
    const result = await composer(fake.url).compose(input(outPath));
    expect(result).toEqual({ path: outPath, duration_s: 2, reused: 0, encoded: 2 });
    expect(readFileSync(outPath).equals(MP4)).toBe(true);
    expect(readdirSync(dir.dir)).toEqual(["out.mp4"]);

    const submits = fake.requests.filter((r) => r.method === "POST");
    expect(submits).toHaveLength(2);
    expect(submits[1]!.body).toEqual({
      composition_id: "comp_c",
      version: 1,
      timeline: twoSceneTimeline(1),
      clips: [
        { clip_id: "clip_a", url: "http://gateway.test:8080/internal/v1/media/clip_a?p=%2Fm%2Fa.mp4" },
        { clip_id: "clip_b", url: "http://gateway.test:8080/internal/v1/media/clip_b?p=%2Fm%2Fb.mp4" },
      ],
      callback_url: "http://gateway.test:8080/internal/v1/processing-complete",
    });
    expect(fake.requests.filter((r) => r.path === "/internal/v1/process-clips/job_1")).toHaveLength(3);
    for (const r of fake.requests) expect(r.headers.authorization).toBe("Bearer tok");
  });

  it("takes the callback when it comes first, without waiting for the poll", async () => {
    fake = await startFakeService({ submit: [{ status: 202, body: { job_id: "job_cb" } }], status: [{ status: 200, body: view("job_cb", "running") }], output: [{ status: 200, bytes: MP4 }] });
    const url = fake.url;
    setTimeout(() => hub.resolve({ job_id: "job_cb", composition_id: "comp_c", version: 1, status: "succeeded", output_url: `${url}/internal/v1/outputs/job_cb.mp4`, duration_s: 1.5, error: null }), 50);
    const result = await composer(url, { pollIntervalMs: 60_000 }).compose(input(join(dir.dir, "cb.mp4")));
    expect(result.duration_s).toBe(1.5);
    expect(fake.requests.filter((r) => r.path.startsWith("/internal/v1/process-clips/"))).toHaveLength(0);
  });

  it("a failed job, a foreign payload and a forgotten job are RemoteComposeErrors; nothing is written", async () => {
    fake = await startFakeService({ submit: [{ status: 202, body: { job_id: "job_f" } }], status: [{ status: 200, body: view("job_f", "failed", { error: "ffmpeg exploded" }) }] });
    const outPath = join(dir.dir, "f.mp4");
    const failed = await composer(fake.url).compose(input(outPath)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RemoteComposeError);
    expect((failed as RemoteComposeError).context).toEqual({ jobId: "job_f", compositionId: "comp_c", version: 1, serviceError: "ffmpeg exploded" });
    await fake.close();

    fake = await startFakeService({ submit: [{ status: 202, body: { job_id: "job_o" } }], status: [{ status: 200, body: view("job_o", "succeeded", { composition_id: "comp_other", output_url: "http://x.test/o.mp4" }) }] });
    await expect(composer(fake.url).compose(input(outPath))).rejects.toThrow(/answered for comp_other v1/);
    await fake.close();

    fake = await startFakeService({ submit: [{ status: 202, body: { job_id: "job_g" } }], status: [{ status: 404, body: { detail: "no job job_g" } }] });
    await expect(composer(fake.url).compose(input(outPath))).rejects.toThrow(/no longer knows job job_g/);
    expect(existsSync(outPath)).toBe(false);
  });

  it("an output that cannot be fetched leaves no file behind", async () => {
    fake = await startFakeService({
      submit: [{ status: 202, body: { job_id: "job_d", status: "succeeded" } }],
      status: [{ status: 200, body: view("job_d", "succeeded", { output_url: "http://127.0.0.1:9/internal/v1/outputs/job_d.mp4", duration_s: 2 }) }],
    });
    const outPath = join(dir.dir, "d.mp4");
    const err = await composer(fake.url).compose(input(outPath)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteComposeError);
    expect((err as Error).message).toMatch(/could not fetch the output of job job_d/);
    expect(readdirSync(dir.dir)).toEqual([]);
  });

  it("the caller's abort wins over the deadline and is rethrown as is", async () => {
    fake = await startFakeService({ submit: [{ status: 202, body: { job_id: "job_a" } }], status: [{ status: 200, body: view("job_a", "running") }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run cancelled")), 100);
    const started = Date.now();
    await expect(composer(fake.url).compose(input(join(dir.dir, "a.mp4"), controller.signal))).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hub.waiting).toBe(0);
  });

  it("the remote audio analyser validates what the service sends", async () => {
    fake = await startFakeService({ analysis: [{ status: 200, body: { duration_s: 10, bpm: "fast" } }] });
    const analyzer = createRemoteAudioAnalyzer({ serviceUrl: fake.url, token: "tok", fileUrl: (p) => `http://gateway.test/internal/v1/media${p}` });
    const err = await analyzer.analyze("/song.wav").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegServiceHttpError);
    expect((err as Error).message).toMatch(/unexpected body \(bpm: /);
    expect(fake.requests[0]!.body).toEqual({ audio_url: "http://gateway.test/internal/v1/media/song.wav" });
  });
});
