import { copyFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { runFfprobe } from "../../../tools/ffmpeg/run.js";
import { createRemoteComposer, type RemoteJobJournal } from "../../../tools/ffmpeg-service/client.js";
import { FfmpegServiceHttpError, RemoteComposeError, ServiceTimeoutError } from "../../../tools/ffmpeg-service/errors.js";
import { mediaFileUrl } from "../../../tools/ffmpeg-service/http.js";
import { createCallbackHub } from "../../../tools/ffmpeg-service/hub.js";
import type { ProcessingComplete } from "../../../tools/ffmpeg-service/schema.js";
import { createRemoteFfmpeg, type RemoteFfmpeg } from "../../../server/internal/gateway.js";
import type { JobRow } from "../../../server/internal/jobs.js";
import { call, closeServer, listen, memoryLog, renderClickTrack, renderClip, startInternal, tempDir, TOKEN, twoSceneTimeline, type InternalHarness } from "../../server/internal/helpers.js";
import { spawnService, type SpawnedService } from "./spawn.js";

/** The gateway (this process) and the FFmpeg service (a second process), over real HTTP. */
describe("remote FFmpeg service in a second process", () => {
  let service: SpawnedService;
  let serviceDir: ReturnType<typeof tempDir>;
  let gateway: InternalHarness;
  let remote: RemoteFfmpeg;
  let clips: Record<string, string>;
  let slow: Server;
  let slowUrl: string;
  let deadPort: number;
  const delivered: ProcessingComplete[] = [];

  beforeAll(async () => {
    serviceDir = tempDir("service");
    let forward: (p: ProcessingComplete) => void = () => {};
    const [spawned] = await Promise.all([
      spawnService({ REELGRAPH_INTERNAL_TOKEN: TOKEN, REELGRAPH_DATA_DIR: serviceDir.dir }),
      (async () => {
        gateway = await startInternal({
          onProcessingComplete: (p) => {
            delivered.push(p);
            forward(p);
          },
        });
        clips = {
          clip_a: await renderClip(gateway.media.clipPath("gen_r", "clip_a"), "testsrc2"),
          clip_b: await renderClip(gateway.media.clipPath("gen_r", "clip_b"), "smptebars"),
        };
      })(),
    ]);
    service = spawned;
    // The poll is the fallback: slow enough that on a busy machine it never beats the callback these tests expect.
    remote = createRemoteFfmpeg({ serviceUrl: service.url, token: TOKEN, publicUrl: gateway.url, db: gateway.db, media: gateway.media, log: memoryLog(), pollIntervalMs: 10_000 });
    forward = (p) => remote.onProcessingComplete(p);
    // A clip host that never answers: the service's job stays busy past any short deadline.
    slow = createServer(() => {});
    slowUrl = await listen(slow);
    const dead = createServer();
    await listen(dead);
    deadPort = (dead.address() as AddressInfo).port;
    await closeServer(dead);
  });

  afterAll(async () => {
    if (slow) await closeServer(slow);
    await service?.stop();
    await gateway?.close();
    serviceDir?.cleanup();
  });

  const jobRows = (compositionId: string) => gateway.db.prepare("SELECT * FROM jobs WHERE composition_id = ?").all(compositionId) as JobRow[];
  const clipUrl = (_id: string, path: string) => mediaFileUrl(gateway.url, gateway.media.root, path);

  it("composes through the service; the callback settles the job and a repeat changes nothing", async () => {
    const outPath = gateway.media.renderPath("gen_r", 1);
    const result = await remote.composer.compose({ generationId: "gen_r", compositionId: "comp_r", timeline: twoSceneTimeline(1), clips, outPath });
    expect(result).toMatchObject({ path: outPath, reused: 0, encoded: 2 });
    expect(result.duration_s).toBeCloseTo(2, 1);
    const { stdout } = await runFfprobe(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", outPath]);
    expect(stdout.toString().trim()).toBe("320,180");

    const [row] = jobRows("comp_r");
    expect(row).toMatchObject({ side: "gateway", status: "succeeded", settled_via: "callback", version: 1 });
    expect(delivered.filter((d) => d.job_id === row!.id)).toHaveLength(1);
    expect(remote.hub.waiting).toBe(0);
    expect(remote.hub.unclaimed).toBe(0);

    const late = await call(`${gateway.url}/internal/v1/processing-complete`, {
      body: { job_id: row!.id, composition_id: "comp_r", version: 1, status: "failed", output_url: null, duration_s: null, error: "late" },
    });
    expect(late.status).toBe(204);
    expect(jobRows("comp_r")).toEqual([row]);
    expect(delivered.filter((d) => d.job_id === row!.id)).toHaveLength(1);

    const again = await remote.composer.compose({ generationId: "gen_r", compositionId: "comp_r", timeline: twoSceneTimeline(1), clips, outPath: join(gateway.dataDir, "again.mp4") });
    expect(again.duration_s).toBeCloseTo(result.duration_s, 3);
    expect(jobRows("comp_r")).toHaveLength(1);
  });

  it("falls back to the status poll when the service cannot reach the callback URL", async () => {
    const journal: { submitted: unknown[]; polled: ProcessingComplete[] } = { submitted: [], polled: [] };
    const recording: RemoteJobJournal = { submitted: (j) => void journal.submitted.push(j), settledByPoll: (p) => void journal.polled.push(p) };
    const hub = createCallbackHub();
    const composer = createRemoteComposer({
      serviceUrl: service.url,
      token: TOKEN,
      callbackBaseUrl: `http://127.0.0.1:${deadPort}`,
      clipUrl,
      waitForCallback: (id, o) => hub.wait(id, o),
      journal: recording,
      pollIntervalMs: 150,
      deadlineMs: 30_000,
    });
    const outPath = join(gateway.dataDir, "polled.mp4");
    const result = await composer.compose({ generationId: "gen_r", compositionId: "comp_poll", timeline: twoSceneTimeline(2), clips, outPath });
    expect(existsSync(outPath)).toBe(true);
    expect(result.duration_s).toBeCloseTo(2, 1);
    expect(journal.submitted).toEqual([{ job_id: expect.stringMatching(/^job_/), composition_id: "comp_poll", version: 2, callback_url: `http://127.0.0.1:${deadPort}/internal/v1/processing-complete` }]);
    expect(journal.polled).toEqual([expect.objectContaining({ composition_id: "comp_poll", version: 2, status: "succeeded" })]);
    expect(hub.waiting).toBe(0);
  });

  it("gives up at the deadline with a ServiceTimeoutError", async () => {
    const composer = createRemoteComposer({
      serviceUrl: service.url,
      token: TOKEN,
      callbackBaseUrl: gateway.url,
      clipUrl: (id) => `${slowUrl}/${id}.mp4`,
      waitForCallback: (id, o) => remote.hub.wait(id, o),
      pollIntervalMs: 100,
      deadlineMs: 1_200,
    });
    const outPath = join(gateway.dataDir, "never.mp4");
    const started = Date.now();
    const err = await composer.compose({ generationId: "gen_r", compositionId: "comp_slow", timeline: twoSceneTimeline(1), clips, outPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceTimeoutError);
    expect((err as ServiceTimeoutError).context).toMatchObject({ phase: "wait", deadlineMs: 1_200, jobId: expect.stringMatching(/^job_/), serviceUrl: service.url });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(existsSync(outPath)).toBe(false);
    expect(remote.hub.waiting).toBe(0);
  });

  it("a job the service fails surfaces as RemoteComposeError with the service's reason", async () => {
    const err = await remote.composer
      .compose({ generationId: "gen_r", compositionId: "comp_bad", timeline: twoSceneTimeline(1), clips: { ...clips, clip_b: join(gateway.media.root, "clips", "gen_r", "gone.mp4") }, outPath: join(gateway.dataDir, "bad.mp4") })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteComposeError);
    expect((err as RemoteComposeError).context).toMatchObject({ compositionId: "comp_bad", version: 1, jobId: expect.stringMatching(/^job_/) });
    expect((err as RemoteComposeError).context.serviceError).toMatch(/clip clip_b: .*answered 404/);
    expect(jobRows("comp_bad")[0]).toMatchObject({ status: "failed", settled_via: "callback" });
  });

  it("a wrong token is refused at once, without retries", async () => {
    const composer = createRemoteComposer({ serviceUrl: service.url, token: "wrong", callbackBaseUrl: gateway.url, clipUrl, waitForCallback: (id, o) => remote.hub.wait(id, o) });
    const err = await composer.compose({ generationId: "gen_r", compositionId: "comp_x", timeline: twoSceneTimeline(1), clips, outPath: join(gateway.dataDir, "x.mp4") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegServiceHttpError);
    expect((err as FfmpegServiceHttpError).context).toMatchObject({ status: 401, detail: "the bearer token is not valid" });
  });

  it("analyses audio in the service, also for a song outside the media folder", async () => {
    const outside = await renderClickTrack(join(gateway.dataDir, "song-outside.wav"), 120, 10);
    const inMedia = gateway.media.assetPath("song", "wav");
    copyFileSync(outside, inMedia);
    const expected = JSON.parse(JSON.stringify(await analyzeAudioFile(inMedia)));
    expect(await remote.audio.analyze(inMedia)).toEqual(expected);
    expect(await remote.audio.analyze(outside)).toEqual(expected);
  });

  it("answers /healthz without a token", async () => {
    const r = await call(`${service.url}/healthz`, { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", service: "reelgraph-ffmpeg" });
  });
});
