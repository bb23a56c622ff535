import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import { ReplicateAuthError, ReplicateRequestError, ReplicateTimeoutError } from "../../../tools/replicate/errors.js";
import type { FakeReplicateServer } from "../../../devkit/fakes/replicate-server.js";
import { makeJob, recordingProgress, useReplicateHarness } from "./helpers.js";

/** Creating a prediction: retries that must not pay twice. */

const h = useReplicateHarness({ startEach: false });

const CREATE = "/v1/models/acme/video/predictions";

describe("create retries without double pay", () => {
  beforeEach(() => h.start());

  it("a 500 after the prediction was made: finds it in the listing and does not create again", async () => {
    h.server.fail({ method: "POST", path: CREATE, status: 500, afterEffect: true });
    const job = makeJob(h.fixture.dir);
    const { progress, reported } = recordingProgress(h.server);
    const result = await h.provider().generate(job, progress);

    expect(h.server.creates()).toHaveLength(1);
    expect(h.server.predictions.size).toBe(1);
    expect(h.server.count("GET", "/v1/predictions")).toBe(1);
    const id = [...h.server.predictions.keys()][0]!;
    expect(reported.map((r) => r.id)).toEqual([id]);
    expect(result.prediction_id).toBe(id);
    expect(readFileSync(job.outPath).equals(h.fixture.video)).toBe(true);
  });

  it("a 500 that made nothing: the listing is empty, so it creates exactly once more", async () => {
    h.server.fail({ method: "POST", path: CREATE, status: 500 });
    const { progress, reported } = recordingProgress(h.server);
    await h.provider().generate(makeJob(h.fixture.dir), progress);
    expect(h.server.creates()).toHaveLength(2);
    expect(h.server.predictions.size).toBe(1);
    expect(reported).toHaveLength(1);
  });

  it("a dropped connection after the prediction was made is recovered the same way", async () => {
    h.server.fail({ method: "POST", path: CREATE, destroy: true, afterEffect: true });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    expect(h.server.creates()).toHaveLength(1);
    expect(h.server.predictions.size).toBe(1);
  });

  it("ignores listed predictions of other models, other inputs, older ones, and ones claimed by other clips", async () => {
    const sameInput = { prompt: makeJob(h.fixture.dir).prompt, duration: 4, aspect_ratio: "16:9" };
    const seeded = [
      h.server.addPrediction({}, "other/model", sameInput),
      h.server.addPrediction({}, "acme/video", { ...sameInput, prompt: "something else" }),
      h.server.addPrediction({}, "acme/video", sameInput),
    ];
    h.server.predictions.get(seeded[2]!)!.createdAt = new Date(h.vc.now() - 3_600_000).toISOString();
    const p = h.provider();
    const a = recordingProgress(h.server);
    await p.generate(makeJob(h.fixture.dir, { clipId: "clip_a" }), a.progress);
    h.server.fail({ method: "POST", path: CREATE, status: 502 });
    const b = recordingProgress(h.server);
    await p.generate(makeJob(h.fixture.dir, { clipId: "clip_b" }), b.progress);

    expect(h.server.count("GET", "/v1/predictions")).toBe(1);
    expect(h.server.creates()).toHaveLength(3);
    expect(h.server.predictions.size).toBe(5);
    const idA = a.reported[0]!.id;
    const idB = b.reported[0]!.id;
    expect(idB).not.toBe(idA);
    expect(seeded).not.toContain(idA);
    expect(seeded).not.toContain(idB);
  });

  it("a 429 on create is not ambiguous: waits Retry-After and creates without listing", async () => {
    h.server.fail({ method: "POST", path: CREATE, status: 429, headers: { "retry-after": "4" } });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    expect(h.vc.sleeps[0]).toBe(4000);
    expect(h.server.creates()).toHaveLength(2);
    expect(h.server.count("GET", "/v1/predictions")).toBe(0);
    expect(h.server.predictions.size).toBe(1);
  });

  it("401 is an AuthError, sent once and never retried", async () => {
    const err = await h.provider({ token: "r8_wrong" })
      .generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateAuthError);
    expect(err).toMatchObject({ retryable: false, context: { httpStatus: 401, operation: "schema", clipId: "clip_1", sceneId: "scene_1" } });
    expect((err as ReplicateAuthError).context.providerMessage).toMatch(/valid authentication token/);
    expect(h.server.requests).toHaveLength(1);
    expect(h.vc.sleeps).toEqual([]);
  });

  it("422 (invalid input) is a RequestError, not retried", async () => {
    const err = await h.provider({ buildInput: () => null as unknown as Record<string, unknown> })
      .generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateRequestError);
    expect(err).toMatchObject({ retryable: false, context: { httpStatus: 422 } });
    expect(h.server.creates()).toHaveLength(1);
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models/acme/video", `POST ${CREATE}`]);
  });

  it("gives up with a Timeout when create keeps failing past the deadline", async () => {
    h.server.fail({ method: "POST", path: CREATE, status: 503, times: 1000 });
    const err = await h.provider({ clipTimeoutMs: 20_000 })
      .generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateTimeoutError);
    expect(err).toMatchObject({ context: { operation: "create", httpStatus: 503 } });
    expect(h.vc.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect(h.server.predictions.size).toBe(0);
  });
});

describe("create recovery when the listing leaves input out", () => {
  beforeEach(() => h.start({ listOmitsInput: true }));

  it("fetches candidates one by one to compare the input", async () => {
    h.server.fail({ method: "POST", path: CREATE, status: 500, afterEffect: true });
    await h.provider().generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    expect(h.server.creates()).toHaveLength(1);
    const id = [...h.server.predictions.keys()][0]!;
    expect(h.server.requests.filter((r) => r.path === `/v1/predictions/${id}`).length).toBeGreaterThanOrEqual(2);
  });
});

describe("pinned versions", () => {
  beforeEach(() => h.start({ versions: { fakeversion: "acme/video" } }));

  it("recovers a version-pinned create by version id", async () => {
    h.server.fail({ method: "POST", path: "/v1/predictions", status: 500, afterEffect: true });
    await h.provider({ model: "acme/video:fakeversion" }).generate(makeJob(h.fixture.dir), recordingProgress(h.server).progress);
    expect(h.server.creates()).toHaveLength(1);
    expect(h.server.predictions.size).toBe(1);
  });
});
