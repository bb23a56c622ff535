import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import { ReplicateNetworkError } from "../../../tools/replicate/errors.js";
import type { FakeReplicateServer } from "../../../devkit/fakes/replicate-server.js";
import { makeJob, recordingProgress, useReplicateHarness } from "./helpers.js";

const h = useReplicateHarness();

const GET_ONE = /^\/v1\/predictions\/[^/]+$/;

describe("createReplicateVideoProvider — happy path", () => {
  it("creates one prediction, reports its id before polling, polls to success and downloads the video", async () => {
    const job = makeJob(h.fixture.dir);
    const { progress, reported } = recordingProgress(h.server);
    const result = await h.provider().generate(job, progress);

    expect(h.server.creates()).toHaveLength(1);
    const create = h.server.creates()[0]!;
    expect(create.path).toBe("/v1/models/acme/video/predictions");
    expect(create.headers.authorization).toBe("Bearer r8_test_token");
    expect(create.body).toEqual({ input: { prompt: job.prompt, duration: 4, aspect_ratio: "16:9" } });

    const id = [...h.server.predictions.keys()][0]!;
    expect(reported).toEqual([{ id, requestsSeen: 2 }]);
    expect(h.server.requests[0]).toMatchObject({ method: "GET", path: "/v1/models/acme/video" });
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(2);
    expect(h.server.count("GET", `/files/${id}.mp4`)).toBe(1);
    const download = h.server.requests.find((r) => r.path.startsWith("/files/"))!;
    expect(download.headers.authorization).toBeUndefined();

    expect(result).toMatchObject({ path: job.outPath, duration_s: 3.6, prediction_id: id, requested_s: 4, cost_usd: "unknown", input: (create.body as { input: unknown }).input });
    expect(readFileSync(job.outPath).equals(h.fixture.video)).toBe(true);
    expect(h.vc.sleeps.length).toBe(2);
    expect(h.vc.sleeps[1]!).toBeGreaterThan(h.vc.sleeps[0]!);
  });

  it("names itself after the model", () => {
    expect(h.provider().name).toBe("replicate:acme/video");
  });

  it("sends a pinned version to POST /v1/predictions, with the webhook when configured", async () => {
    const job = makeJob(h.fixture.dir, { width: 720, height: 1280 });
    await h.provider({ model: "acme/video:fakeversion", webhookUrl: "https://example.test/hooks/replicate" }).generate(job, recordingProgress(h.server).progress);
    const create = h.server.creates();
    expect(create).toHaveLength(1);
    expect(create[0]!.path).toBe("/v1/predictions");
    expect(create[0]!.body).toMatchObject({
      version: "fakeversion",
      input: { aspect_ratio: "9:16" },
      webhook: "https://example.test/hooks/replicate",
      webhook_events_filter: ["completed"],
    });
  });

  it.each(["array", "object"] as const)("downloads an output given as %s", async (output) => {
    h.server.scriptNext({ output });
    const job = makeJob(h.fixture.dir, { clipId: `clip_${output}` });
    await h.provider().generate(job, recordingProgress(h.server).progress);
    expect(readFileSync(job.outPath).equals(h.fixture.video)).toBe(true);
  });

  it("uses a custom buildInput", async () => {
    const job = makeJob(h.fixture.dir);
    await h.provider({ buildInput: (j) => ({ prompt: `${j.prompt}, slow motion`, duration: 9 }) }).generate(job, recordingProgress(h.server).progress);
    expect(h.server.creates()[0]!.body).toEqual({ input: { prompt: `${job.prompt}, slow motion`, duration: 9 } });
  });
});

describe("resume", () => {
  it("polls an existing prediction id and never creates one", async () => {
    const id = h.server.addPrediction({ statuses: ["processing", "processing", "succeeded"] });
    const job = makeJob(h.fixture.dir);
    const { progress, reported } = recordingProgress(h.server, id);
    const result = await h.provider().generate(job, progress);
    expect(h.server.creates()).toHaveLength(0);
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(3);
    expect(reported).toEqual([]);
    expect(result.prediction_id).toBe(id);
    expect(existsSync(job.outPath)).toBe(true);
  });
});

describe("transient failures while polling", () => {
  it("honours Retry-After in seconds on a 429, without the client's own retries reaching the h.server", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, status: 429, headers: { "retry-after": "7" } });
    const job = makeJob(h.fixture.dir);
    await h.provider().generate(job, recordingProgress(h.server).progress);
    expect(h.vc.sleeps).toContain(7000);
    const id = [...h.server.predictions.keys()][0]!;
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(3);
    expect(readFileSync(job.outPath).equals(h.fixture.video)).toBe(true);
  });

  it("honours Retry-After given as an HTTP date", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, status: 429, headers: { "retry-after": new Date(h.vc.now() + 20_000).toUTCString() } });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    const waited = h.vc.sleeps.filter((ms) => ms > 10_000);
    expect(waited).toHaveLength(1);
    expect(waited[0]!).toBeGreaterThan(19_000 - 1000);
    expect(waited[0]!).toBeLessThanOrEqual(20_000);
  });

  it("retries 5xx on GET with growing backoff", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, status: 503, times: 3 });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    const id = [...h.server.predictions.keys()][0]!;
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(5);
    expect(h.server.creates()).toHaveLength(1);
    const retryWaits = h.vc.sleeps.slice(1, 4);
    expect(retryWaits[1]!).toBeGreaterThan(retryWaits[0]!);
    expect(retryWaits[2]!).toBeGreaterThan(retryWaits[1]!);
  });

  it("retries a poll that exceeds the per-call timeout", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, delayMs: 600 });
    const started = Date.now();
    await h.provider({ callTimeoutMs: 150 }).generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    expect(Date.now() - started).toBeLessThan(3000);
    const id = [...h.server.predictions.keys()][0]!;
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(3);
  });

  it("retries a dropped connection while polling", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, destroy: true, times: 2 });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    const id = [...h.server.predictions.keys()][0]!;
    expect(h.server.count("GET", `/v1/predictions/${id}`)).toBe(4);
  });

  it("retries a 5xx on the output download", async () => {
    h.server.fail({ method: "GET", path: /^\/files\//, status: 502 });
    const job = makeJob(h.fixture.dir);
    await h.provider().generate(job, recordingProgress(h.server).progress);
    expect(h.server.count("GET", /^\/files\//)).toBe(2);
    expect(readFileSync(job.outPath).equals(h.fixture.video)).toBe(true);
  });

  it("maps the per-call timeout to a retryable network error when the deadline leaves no room", async () => {
    h.server.fail({ method: "GET", path: GET_ONE, delayMs: 400, times: 5 });
    const err = await h.provider({ callTimeoutMs: 100, clipTimeoutMs: 1500 })
      .generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ReplicateTimeoutError" });
    expect((err as Error).cause).toBeInstanceOf(ReplicateNetworkError);
    expect(((err as Error).cause as ReplicateNetworkError).timedOut).toBe(true);
  });
});
