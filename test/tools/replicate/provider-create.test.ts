import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import { ReplicateAuthError, ReplicateRequestError, ReplicateTimeoutError } from "../../../tools/replicate/errors.js";
import type { FakeReplicateServer } from "../../fakes/replicate-server.js";
import { makeJob, recordingProgress, startFake, tinyVideoFixture, virtualClock, testProvider } from "./helpers.js";

/** Creating a prediction: retries that must not pay twice. */

let fixture: Awaited<ReturnType<typeof tinyVideoFixture>>;
let server: FakeReplicateServer;
let vc: ReturnType<typeof virtualClock>;

beforeAll(async () => {
  fixture = await tinyVideoFixture();
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  await server.close();
});

async function start(options: Parameters<typeof startFake>[1] = {}) {
  server = await startFake(fixture.video, options);
  vc = virtualClock();
}

function provider(extra: Partial<ReplicateVideoProviderOptions> = {}) {
  return testProvider(server, vc.clock, extra);
}

const CREATE = "/v1/models/acme/video/predictions";

describe("create retries without double pay", () => {
  beforeEach(() => start());

  it("a 500 after the prediction was made: finds it in the listing and does not create again", async () => {
    server.fail({ method: "POST", path: CREATE, status: 500, afterEffect: true });
    const job = makeJob(fixture.dir);
    const { progress, reported } = recordingProgress(server);
    const result = await provider().generate(job, progress);

    expect(server.creates()).toHaveLength(1);
    expect(server.predictions.size).toBe(1);
    expect(server.count("GET", "/v1/predictions")).toBe(1);
    const id = [...server.predictions.keys()][0]!;
    expect(reported.map((r) => r.id)).toEqual([id]);
    expect(result.prediction_id).toBe(id);
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
  });

  it("a 500 that made nothing: the listing is empty, so it creates exactly once more", async () => {
    server.fail({ method: "POST", path: CREATE, status: 500 });
    const { progress, reported } = recordingProgress(server);
    await provider().generate(makeJob(fixture.dir), progress);
    expect(server.creates()).toHaveLength(2);
    expect(server.predictions.size).toBe(1);
    expect(reported).toHaveLength(1);
  });

  it("a dropped connection after the prediction was made is recovered the same way", async () => {
    server.fail({ method: "POST", path: CREATE, destroy: true, afterEffect: true });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    expect(server.creates()).toHaveLength(1);
    expect(server.predictions.size).toBe(1);
  });

  it("ignores listed predictions of other models, other inputs, older ones, and ones claimed by other clips", async () => {
    const sameInput = { prompt: makeJob(fixture.dir).prompt, duration: 4, aspect_ratio: "16:9" };
    const seeded = [
      server.addPrediction({}, "other/model", sameInput),
      server.addPrediction({}, "acme/video", { ...sameInput, prompt: "something else" }),
      server.addPrediction({}, "acme/video", sameInput),
    ];
    server.predictions.get(seeded[2]!)!.createdAt = new Date(vc.now() - 3_600_000).toISOString();
    const p = provider();
    const a = recordingProgress(server);
    await p.generate(makeJob(fixture.dir, { clipId: "clip_a" }), a.progress);
    server.fail({ method: "POST", path: CREATE, status: 502 });
    const b = recordingProgress(server);
    await p.generate(makeJob(fixture.dir, { clipId: "clip_b" }), b.progress);

    expect(server.count("GET", "/v1/predictions")).toBe(1);
    expect(server.creates()).toHaveLength(3);
    expect(server.predictions.size).toBe(5);
    const idA = a.reported[0]!.id;
    const idB = b.reported[0]!.id;
    expect(idB).not.toBe(idA);
    expect(seeded).not.toContain(idA);
    expect(seeded).not.toContain(idB);
  });

  it("a 429 on create is not ambiguous: waits Retry-After and creates without listing", async () => {
    server.fail({ method: "POST", path: CREATE, status: 429, headers: { "retry-after": "4" } });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    expect(vc.sleeps[0]).toBe(4000);
    expect(server.creates()).toHaveLength(2);
    expect(server.count("GET", "/v1/predictions")).toBe(0);
    expect(server.predictions.size).toBe(1);
  });

  it("401 is an AuthError, sent once and never retried", async () => {
    const err = await provider({ token: "r8_wrong" })
      .generate(makeJob(fixture.dir), recordingProgress(server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateAuthError);
    expect(err).toMatchObject({ retryable: false, context: { httpStatus: 401, operation: "schema", clipId: "clip_1", sceneId: "scene_1" } });
    expect((err as ReplicateAuthError).context.providerMessage).toMatch(/valid authentication token/);
    expect(server.requests).toHaveLength(1);
    expect(vc.sleeps).toEqual([]);
  });

  it("422 (invalid input) is a RequestError, not retried", async () => {
    const err = await provider({ buildInput: () => null as unknown as Record<string, unknown> })
      .generate(makeJob(fixture.dir), recordingProgress(server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateRequestError);
    expect(err).toMatchObject({ retryable: false, context: { httpStatus: 422 } });
    expect(server.creates()).toHaveLength(1);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models/acme/video", `POST ${CREATE}`]);
  });

  it("gives up with a Timeout when create keeps failing past the deadline", async () => {
    server.fail({ method: "POST", path: CREATE, status: 503, times: 1000 });
    const err = await provider({ clipTimeoutMs: 20_000 })
      .generate(makeJob(fixture.dir), recordingProgress(server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateTimeoutError);
    expect(err).toMatchObject({ context: { operation: "create", httpStatus: 503 } });
    expect(vc.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect(server.predictions.size).toBe(0);
  });
});

describe("create recovery when the listing leaves input out", () => {
  beforeEach(() => start({ listOmitsInput: true }));

  it("fetches candidates one by one to compare the input", async () => {
    server.fail({ method: "POST", path: CREATE, status: 500, afterEffect: true });
    await provider().generate(makeJob(fixture.dir), recordingProgress(server).progress);
    expect(server.creates()).toHaveLength(1);
    const id = [...server.predictions.keys()][0]!;
    expect(server.requests.filter((r) => r.path === `/v1/predictions/${id}`).length).toBeGreaterThanOrEqual(2);
  });
});

describe("pinned versions", () => {
  beforeEach(() => start({ versions: { fakeversion: "acme/video" } }));

  it("recovers a version-pinned create by version id", async () => {
    server.fail({ method: "POST", path: "/v1/predictions", status: 500, afterEffect: true });
    await provider({ model: "acme/video:fakeversion" }).generate(makeJob(fixture.dir), recordingProgress(server).progress);
    expect(server.creates()).toHaveLength(1);
    expect(server.predictions.size).toBe(1);
  });
});
