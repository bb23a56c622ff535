import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import {
  ReplicateOutputUnavailableError,
  ReplicatePredictionCanceledError,
  ReplicatePredictionFailedError,
  ReplicateTimeoutError,
} from "../../../tools/replicate/errors.js";
import type { FakeReplicateServer } from "../../../devkit/fakes/replicate-server.js";
import { makeJob, recordingProgress, useReplicateHarness } from "./helpers.js";

const h = useReplicateHarness();

async function failure(extra: Partial<ReplicateVideoProviderOptions> = {}, clipId = "clip_1", signal?: AbortSignal) {
  const job = makeJob(h.fixture.dir, { clipId });
  const err = await h.provider(extra)
    .generate(job, recordingProgress(h.server, null, signal).progress)
    .then(() => null, (e: unknown) => e);
  return { err, job };
}

function noFileLeft(outPath: string) {
  expect(existsSync(outPath)).toBe(false);
  const dir = dirname(outPath);
  if (existsSync(dir)) expect(readdirSync(dir).filter((f) => f.endsWith(".part"))).toEqual([]);
}

describe("predictions that end badly", () => {
  it("failed → PredictionFailed with Replicate's message and the clip's context", async () => {
    h.server.scriptNext({ statuses: ["processing", "failed"], error: "NSFW content detected in the prompt" });
    const { err, job } = await failure();
    expect(err).toBeInstanceOf(ReplicatePredictionFailedError);
    const e = err as ReplicatePredictionFailedError;
    expect(e.retryable).toBe(false);
    expect(e.requiresNewPrediction).toBe(true);
    expect(e.context).toMatchObject({
      predictionId: [...h.server.predictions.keys()][0],
      predictionStatus: "failed",
      providerMessage: "NSFW content detected in the prompt",
      clipId: "clip_1",
      sceneId: "scene_1",
      generationId: "gen_1",
    });
    expect(e.message).toContain("NSFW content detected");
    noFileLeft(job.outPath);
  });

  it("canceled → PredictionCanceled", async () => {
    h.server.scriptNext({ statuses: ["processing", "canceled"] });
    const { err } = await failure();
    expect(err).toBeInstanceOf(ReplicatePredictionCanceledError);
    expect(err).toMatchObject({ context: { predictionStatus: "canceled" } });
  });
});

describe("outputs that cannot be had", () => {
  it("an output URL that 404s → OutputUnavailable naming the prediction, tried once, nothing written", async () => {
    h.server.scriptNext({ output: "missing" });
    const { err, job } = await failure({}, "clip_404");
    expect(err).toBeInstanceOf(ReplicateOutputUnavailableError);
    const id = [...h.server.predictions.keys()][0]!;
    expect(err).toMatchObject({ retryable: false, context: { predictionId: id, httpStatus: 404, operation: "download" } });
    expect((err as Error).message).toContain(id);
    expect(h.server.count("GET", /^\/files\//)).toBe(1);
    noFileLeft(job.outPath);
  });

  it("a non-video content type → OutputUnavailable", async () => {
    h.server.scriptNext({ contentType: "text/html; charset=utf-8" });
    const { err, job } = await failure({}, "clip_html");
    expect(err).toBeInstanceOf(ReplicateOutputUnavailableError);
    expect((err as ReplicateOutputUnavailableError).context.providerMessage).toMatch(/text\/html/);
    noFileLeft(job.outPath);
  });

  it("application/octet-stream is accepted", async () => {
    h.server.scriptNext({ contentType: "application/octet-stream" });
    const job = makeJob(h.fixture.dir, { clipId: "clip_octet" });
    await h.provider().generate(job, recordingProgress(h.server).progress);
    expect(existsSync(job.outPath)).toBe(true);
  });

  it("a file over maxDownloadBytes → OutputUnavailable, no partial file", async () => {
    const { err, job } = await failure({ maxDownloadBytes: h.fixture.video.length - 1 }, "clip_big");
    expect(err).toBeInstanceOf(ReplicateOutputUnavailableError);
    expect((err as ReplicateOutputUnavailableError).context.providerMessage).toMatch(/allowed/);
    noFileLeft(job.outPath);
  });

  it("an output on another origin than the API's is fetched only from a public address", async () => {
    // The API is reached as localhost; the fake names its outputs by 127.0.0.1: another origin, and private.
    expect(h.server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const { err, job } = await failure({ baseUrl: h.server.baseUrl.replace("127.0.0.1", "localhost") }, "clip_private");
    expect(err).toBeInstanceOf(ReplicateOutputUnavailableError);
    expect((err as ReplicateOutputUnavailableError).context.providerMessage).toMatch(/private or reserved address/);
    expect(h.server.count("GET", /^\/files\//)).toBe(0);
    noFileLeft(job.outPath);
  });

  it("no output, or output removed by Replicate → OutputUnavailable", async () => {
    h.server.scriptNext({ output: "none" }, { output: "none", dataRemoved: true });
    const a = await failure({}, "clip_none");
    expect(a.err).toBeInstanceOf(ReplicateOutputUnavailableError);
    const b = await failure({}, "clip_removed");
    expect((b.err as ReplicateOutputUnavailableError).context.providerMessage).toMatch(/data_removed/);
  });
});

describe("deadline and abort", () => {
  it("deadline passes while processing → Timeout and exactly one cancel request", async () => {
    h.server.scriptNext({ statuses: ["processing"] });
    const { err } = await failure({ clipTimeoutMs: 30_000 });
    expect(err).toBeInstanceOf(ReplicateTimeoutError);
    const id = [...h.server.predictions.keys()][0]!;
    expect(err).toMatchObject({ cancelRequested: true, requiresNewPrediction: true, context: { predictionId: id, predictionStatus: "processing" } });
    expect(h.server.count("POST", `/v1/predictions/${id}/cancel`)).toBe(1);
    expect(h.server.predictions.get(id)!.cancelled).toBe(true);
    expect(h.vc.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
    expect(Math.max(...h.vc.sleeps)).toBeLessThanOrEqual(8000);
  });

  it("a deadline hit on a resumed prediction also cancels it", async () => {
    const id = h.server.addPrediction({ statuses: ["starting"] });
    const job = makeJob(h.fixture.dir);
    const err = await h.provider({ clipTimeoutMs: 5000 }).generate(job, recordingProgress(h.server, id).progress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateTimeoutError);
    expect(h.server.creates()).toHaveLength(0);
    expect(h.server.count("POST", `/v1/predictions/${id}/cancel`)).toBe(1);
  });

  it("an abort stops waiting without cancelling the paid prediction (a resume can collect it)", async () => {
    h.server.scriptNext({ statuses: ["processing"] });
    const controller = new AbortController();
    const reason = new Error("run cancelled by the user");
    const abortOnceCreated = setInterval(() => {
      if (h.server.predictions.size) {
        clearInterval(abortOnceCreated);
        setTimeout(() => controller.abort(reason), 20);
      }
    }, 5);
    const { err } = await failure({ pollIntervalMs: 1, maxPollIntervalMs: 1 }, "clip_abort", controller.signal);
    expect(err).toBe(reason);
    expect(h.server.count("POST", /\/cancel$/)).toBe(0);
    expect(h.server.predictions.size).toBe(1);
  });
});
