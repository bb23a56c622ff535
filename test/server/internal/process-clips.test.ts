import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfprobe } from "../../../tools/ffmpeg/run.js";
import { createInternalRouter } from "../../../server/internal/router.js";
import { createJobStore } from "../../../server/internal/jobs.js";
import { composeTimeline } from "../../../tools/compose/index.js";
import { analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { call, eventually, renderClip, startFakeGateway, startInternal, tempDir, TOKEN, twoSceneTimeline, type InternalHarness } from "./helpers.js";

async function probe(path: string): Promise<{ width: number; height: number; duration: number }> {
  const { stdout } = await runFfprobe(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height:format=duration", "-of", "json", path]);
  const j = JSON.parse(stdout.toString("utf8")) as { streams: { width: number; height: number }[]; format: { duration: string } };
  return { width: j.streams[0]!.width, height: j.streams[0]!.height, duration: Number(j.format.duration) };
}

describe("POST /internal/v1/process-clips", () => {
  let h: InternalHarness;
  let clipA: string;
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  const tmpEntries = () => readdirSync(join(h.media.root, "tmp"));

  beforeAll(async () => {
    h = await startInternal({ callbackRetry: { attempts: 4, initialMs: 30, maxMs: 60 } });
    clipA = await renderClip(h.media.clipPath("gen_t", "clip_a"), "testsrc2");
    await renderClip(h.media.clipPath("gen_t", "clip_b"), "smptebars");
    gateway = await startFakeGateway();
  });
  afterAll(async () => {
    await gateway.close();
    await h.close();
  });

  const job = (overrides: Record<string, unknown> = {}) => ({
    composition_id: "comp_e2e",
    version: 1,
    timeline: twoSceneTimeline(1),
    clips: [
      { clip_id: "clip_a", url: pathToFileURL(clipA).href },
      // over http from a reelgraph media route: the service must send its bearer token
      { clip_id: "clip_b", url: `${h.url}/internal/v1/media/clips/gen_t/clip_b.mp4` },
    ],
    callback_url: `${gateway.url}/internal/v1/processing-complete`,
    ...overrides,
  });

  it("composes the clips, calls back once with the token, and serves the MP4 with Range", async () => {
    const first = await call(h.url + "/internal/v1/process-clips", { body: job() });
    expect(first.status).toBe(202);
    const jobId = first.body.job_id as string;
    expect(jobId).toMatch(/^job_/);
    expect(first.headers.get("location")).toBe(`/internal/v1/process-clips/${jobId}`);

    const again = await call(h.url + "/internal/v1/process-clips", { body: job() });
    expect(again.status).toBe(202);
    expect(again.body.job_id).toBe(jobId);

    const callback = await eventually(() => gateway.received[0]);
    expect(callback.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(callback.body).toEqual({
      job_id: jobId,
      composition_id: "comp_e2e",
      version: 1,
      status: "succeeded",
      output_url: `${h.url}/internal/v1/outputs/${jobId}.mp4`,
      duration_s: expect.closeTo(2, 1),
      error: null,
    });

    const status = await call(h.url + `/internal/v1/process-clips/${jobId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ job_id: jobId, status: "succeeded", output_url: callback.body.output_url, error: null });

    const res = await fetch(callback.body.output_url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    const bytes = Buffer.from(await res.arrayBuffer());
    const { dir, cleanup } = tempDir("output");
    try {
      writeFileSync(join(dir, "out.mp4"), bytes);
      const info = await probe(join(dir, "out.mp4"));
      expect(info).toMatchObject({ width: 320, height: 180 });
      expect(info.duration).toBeCloseTo(2, 1);
    } finally {
      cleanup();
    }

    const part = await fetch(callback.body.output_url, { headers: { authorization: `Bearer ${TOKEN}`, range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
    expect((await call(callback.body.output_url, { token: null })).status).toBe(401);

    const afterDone = await call(h.url + "/internal/v1/process-clips", { body: job() });
    expect(afterDone.body).toEqual({ job_id: jobId, status: "succeeded" });
    await h.router.idle();
    expect(gateway.received).toHaveLength(1);
    expect(tmpEntries().filter((f) => f.startsWith(jobId))).toEqual([]);
    expect((await createJobStore(h.db).get(jobId))!.notified_at).not.toBeNull();
  });

  it("reports a failed job with its reason, retrying the callback until the gateway takes it", async () => {
    const flaky = await startFakeGateway([503, 503]);
    try {
      const body = job({
        composition_id: "comp_fail",
        clips: [
          { clip_id: "clip_a", url: pathToFileURL(clipA).href },
          { clip_id: "clip_b", url: `${h.url}/internal/v1/media/clips/gen_t/missing.mp4` },
        ],
        callback_url: `${flaky.url}/internal/v1/processing-complete`,
      });
      const r = await call(h.url + "/internal/v1/process-clips", { body });
      expect(r.status).toBe(202);
      await eventually(() => (flaky.received.length === 3 ? true : undefined));
      await h.router.idle();
      expect(flaky.received).toHaveLength(3);
      for (const c of flaky.received) expect(c.body).toEqual(flaky.received[0]!.body);
      expect(flaky.received[0]!.body).toMatchObject({ job_id: r.body.job_id, status: "failed", output_url: null, duration_s: null });
      expect(flaky.received[0]!.body.error).toMatch(/clip clip_b: .*answered 404/);
      expect(flaky.received[2]!.at - flaky.received[1]!.at).toBeGreaterThanOrEqual(20);

      const status = await call(h.url + `/internal/v1/process-clips/${r.body.job_id}`);
      expect(status.body.status).toBe("failed");
      expect((await call(h.url + `/internal/v1/outputs/${r.body.job_id}.mp4`)).status).toBe(404);

      const retry = await call(h.url + "/internal/v1/process-clips", { body });
      expect(retry.body.job_id).not.toBe(r.body.job_id);
      await h.router.idle();
    } finally {
      await flaky.close();
    }
  });

  it("fails and reports the jobs an earlier process left running", async () => {
    const late = await startFakeGateway();
    const jobs = createJobStore(h.db);
    const orphan = await jobs.create({ id: "job_orphan", composition_id: "comp_orphan", version: 3, callback_url: `${late.url}/internal/v1/processing-complete` });
    await jobs.markRunning(orphan.id);
    const router = createInternalRouter({ token: TOKEN, db: h.db, media: h.media, log: h.log, compose: composeTimeline, analyzeAudio: analyzeAudioFile });
    try {
      const cb = await eventually(() => late.received[0]);
      expect(await jobs.get("job_orphan")).toMatchObject({ status: "failed", error: "the FFmpeg service restarted before the job finished" });
      expect(cb.body).toMatchObject({ job_id: "job_orphan", composition_id: "comp_orphan", version: 3, status: "failed" });
    } finally {
      await router.close();
      await late.close();
    }
  });
  it("composes a scene made of shots from every shot's clip", async () => {
    const base = twoSceneTimeline(3);
    const timeline = {
      ...base,
      scenes: [{ ...base.scenes[0]!, duration_s: 2, shots: [{ clip_id: "clip_a", duration_s: 1, source_in_s: 0, request_s: 1 }, { clip_id: "clip_b", duration_s: 1, source_in_s: 0, request_s: 1 }] }],
    };
    const r = await call(h.url + "/internal/v1/process-clips", { body: job({ composition_id: "comp_shots", version: 3, timeline }) });
    expect(r.status).toBe(202);
    const callback = await eventually(() => gateway.received.find((c) => c.body.job_id === r.body.job_id));
    expect(callback.body).toMatchObject({ status: "succeeded", composition_id: "comp_shots", error: null });
    expect(callback.body.duration_s).toBeCloseTo(2, 1);
  });
});
