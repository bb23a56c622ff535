import { existsSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import { ReplicateNetworkError } from "../../../tools/replicate/errors.js";
import type { FakeReplicateServer } from "../../fakes/replicate-server.js";
import { makeJob, recordingProgress, startFake, tinyVideoFixture, virtualClock, testProvider } from "./helpers.js";

let fixture: Awaited<ReturnType<typeof tinyVideoFixture>>;
let server: FakeReplicateServer;
let vc: ReturnType<typeof virtualClock>;

beforeAll(async () => {
  fixture = await tinyVideoFixture();
});
afterAll(() => fixture.cleanup());
beforeEach(async () => {
  server = await startFake(fixture.video);
  vc = virtualClock();
});
afterEach(async () => {
  await server.close();
});

function provider(extra: Partial<ReplicateVideoProviderOptions> = {}) {
  return testProvider(server, vc.clock, extra);
}

const GET_ONE = /^\/v1\/predictions\/[^/]+$/;

describe("createReplicateVideoProvider — happy path", () => {
  it("creates one prediction, reports its id before polling, polls to success and downloads the video", async () => {
    const job = makeJob(fixture.dir);
    const { progress, reported } = recordingProgress(server);
    const result = await provider().generate(job, progress);

    expect(server.creates()).toHaveLength(1);
    const create = server.creates()[0]!;
    expect(create.path).toBe("/v1/models/acme/video/predictions");
    expect(create.headers.authorization).toBe("Bearer r8_test_token");
    expect(create.body).toEqual({ input: { prompt: job.prompt, duration: 4, aspect_ratio: "16:9" } });

    const id = [...server.predictions.keys()][0]!;
    expect(reported).toEqual([{ id, requestsSeen: 2 }]);
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/v1/models/acme/video" });
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(2);
    expect(server.count("GET", `/files/${id}.mp4`)).toBe(1);
    const download = server.requests.find((r) => r.path.startsWith("/files/"))!;
    expect(download.headers.authorization).toBeUndefined();

    expect(result).toMatchObject({ path: job.outPath, duration_s: 3.6, prediction_id: id, requested_s: 4, cost_usd: "unknown", input: (create.body as { input: unknown }).input });
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
    expect(vc.sleeps.length).toBe(2);
    expect(vc.sleeps[1]!).toBeGreaterThan(vc.sleeps[0]!);
  });

  it("names itself after the model", () => {
    expect(provider().name).toBe("replicate:acme/video");
  });

  it("sends a pinned version to POST /v1/predictions, with the webhook when configured", async () => {
    const job = makeJob(fixture.dir, { width: 720, height: 1280 });
    await provider({ model: "acme/video:fakeversion", webhookUrl: "https://example.test/hooks/replicate" }).generate(job, recordingProgress(server).progress);
    const create = server.creates();
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
    server.scriptNext({ output });
    const job = makeJob(fixture.dir, { clipId: `clip_${output}` });
    await provider().generate(job, recordingProgress(server).progress);
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
  });

  it("uses a custom buildInput", async () => {
    const job = makeJob(fixture.dir);
    await provider({ buildInput: (j) => ({ prompt: `${j.prompt}, slow motion`, duration: 9 }) }).generate(job, recordingProgress(server).progress);
    expect(server.creates()[0]!.body).toEqual({ input: { prompt: `${job.prompt}, slow motion`, duration: 9 } });
  });
});

describe("resume", () => {
  it("polls an existing prediction id and never creates one", async () => {
    const id = server.addPrediction({ statuses: ["processing", "processing", "succeeded"] });
    const job = makeJob(fixture.dir);
    const { progress, reported } = recordingProgress(server, id);
    const result = await provider().generate(job, progress);
    expect(server.creates()).toHaveLength(0);
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(3);
    expect(reported).toEqual([]);
    expect(result.prediction_id).toBe(id);
    expect(existsSync(job.outPath)).toBe(true);
  });
});

describe("transient failures while polling", () => {
  it("honours Retry-After in seconds on a 429, without the client's own retries reaching the server", async () => {
    server.fail({ method: "GET", path: GET_ONE, status: 429, headers: { "retry-after": "7" } });
    const job = makeJob(fixture.dir);
    await provider().generate(job, recordingProgress(server).progress);
    expect(vc.sleeps).toContain(7000);
    const id = [...server.predictions.keys()][0]!;
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(3);
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
  });

  it("honours Retry-After given as an HTTP date", async () => {
    server.fail({ method: "GET", path: GET_ONE, status: 429, headers: { "retry-after": new Date(vc.now() + 20_000).toUTCString() } });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    const waited = vc.sleeps.filter((ms) => ms > 10_000);
    expect(waited).toHaveLength(1);
    expect(waited[0]!).toBeGreaterThan(19_000 - 1000);
    expect(waited[0]!).toBeLessThanOrEqual(20_000);
  });

  it("retries 5xx on GET with growing backoff", async () => {
    server.fail({ method: "GET", path: GET_ONE, status: 503, times: 3 });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    const id = [...server.predictions.keys()][0]!;
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(5);
    expect(server.creates()).toHaveLength(1);
    const retryWaits = vc.sleeps.slice(1, 4);
    expect(retryWaits[1]!).toBeGreaterThan(retryWaits[0]!);
    expect(retryWaits[2]!).toBeGreaterThan(retryWaits[1]!);
  });

  it("retries a poll that exceeds the per-call timeout", async () => {
    server.fail({ method: "GET", path: GET_ONE, delayMs: 600 });
    const started = Date.now();
    await provider({ callTimeoutMs: 150 }).generate(makeJob(fixture.dir), recordingProgress(server).progress);
    expect(Date.now() - started).toBeLessThan(3000);
    const id = [...server.predictions.keys()][0]!;
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(3);
  });

  it("retries a dropped connection while polling", async () => {
    server.fail({ method: "GET", path: GET_ONE, destroy: true, times: 2 });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    const id = [...server.predictions.keys()][0]!;
    expect(server.count("GET", `/v1/predictions/${id}`)).toBe(4);
  });

  it("retries a 5xx on the output download", async () => {
    server.fail({ method: "GET", path: /^\/files\//, status: 502 });
    const job = makeJob(fixture.dir);
    await provider().generate(job, recordingProgress(server).progress);
    expect(server.count("GET", /^\/files\//)).toBe(2);
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
  });

  it("maps the per-call timeout to a retryable network error when the deadline leaves no room", async () => {
    server.fail({ method: "GET", path: GET_ONE, delayMs: 400, times: 5 });
    const err = await provider({ callTimeoutMs: 100, clipTimeoutMs: 1500 })
      .generate(makeJob(fixture.dir), recordingProgress(server).progress)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ReplicateTimeoutError" });
    expect((err as Error).cause).toBeInstanceOf(ReplicateNetworkError);
    expect(((err as Error).cause as ReplicateNetworkError).timedOut).toBe(true);
  });
});
