import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ReplicateInputError, ReplicateRequestError, errorFromResponse, invalidFieldsOf } from "../../../tools/replicate/errors.js";
import type { ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import type { FakeReplicateServer } from "../../../devkit/fakes/replicate-server.js";
import { makeJob, recordingProgress, startFake, testProvider, tinyVideoFixture, virtualClock } from "./helpers.js";

/** Model profiles through the provider: schema discovery, checks before paying, Replicate's refusals, first frames. */

let fixture: Awaited<ReturnType<typeof tinyVideoFixture>>;
let server: FakeReplicateServer;
let cacheDir: string;

beforeAll(async () => {
  fixture = await tinyVideoFixture();
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  await server?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startFake>[1] = {}) {
  server = await startFake(fixture.video, options);
  cacheDir = mkdtempSync(join(tmpdir(), "reelgraph-schemas-"));
}

function provider(extra: Partial<ReplicateVideoProviderOptions> = {}) {
  return testProvider(server, virtualClock().clock, { schemaCacheDir: cacheDir, ...extra });
}

const failureOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe("a model known only through its schema", () => {
  it("runs end to end: schema read, input mapped by name and type, checked, created once, downloaded", async () => {
    await start();
    const p = provider({ model: "acme/motion-x" });
    const description = await p.describe!();
    expect(description.profile.model).toBe("acme/motion-x");
    expect(description.warnings.join("\n")).toMatch(/left at the model's defaults: video_length, motion_mode, style/);

    const job = makeJob(fixture.dir, { duration_s: 6.5, width: 720, height: 1280, seed: 11, negativePrompt: "blur" });
    const result = await p.generate(job, recordingProgress(server).progress);
    const create = server.creates();
    expect(create).toHaveLength(1);
    expect(create[0]!.path).toBe("/v1/models/acme/motion-x/predictions");
    expect(create[0]!.body).toEqual({ input: { prompt: job.prompt, negative_prompt: "blur", duration: "8", ratio: "9:16", quality: "720p", seed: 11 } });
    expect(result).toMatchObject({ requested_s: 8, cost_usd: "unknown", prediction_id: [...server.predictions.keys()][0] });
    expect(readFileSync(job.outPath).equals(fixture.video)).toBe(true);
    expect(server.count("GET", "/v1/models/acme/motion-x")).toBe(1);
  });

  it("sets a width/height model's size to the output's shape and its frame count by its description (a HunyuanVideo-style schema), and the fake's schema check accepts it", async () => {
    const input = {
      type: "object",
      required: ["prompt"],
      properties: {
        prompt: { type: "string", "x-order": 0 },
        width: { type: "integer", default: 1280, minimum: 256, maximum: 1280, description: "Video width in pixels", "x-order": 1 },
        height: { type: "integer", default: 720, minimum: 256, maximum: 1280, description: "Video height in pixels", "x-order": 2 },
        video_length: { type: "integer", default: 129, minimum: 5, maximum: 129, description: "Number of frames (4k+1)", "x-order": 3 },
        fps: { type: "integer", default: 24, minimum: 8, maximum: 30, "x-order": 4 },
        seed: { type: "integer", "x-order": 5 },
      },
    };
    await start({ models: { "acme/frames-video": { owner: "acme", name: "frames-video", latest_version: { id: "f".repeat(64), openapi_schema: { components: { schemas: { Input: input, Output: { type: "string", format: "uri" } } } } } } } });
    const p = provider({ model: "acme/frames-video" });
    const job = makeJob(fixture.dir, { duration_s: 4, width: 1080, height: 1920, seed: 3 });
    const result = await p.generate(job, recordingProgress(server).progress);
    const sent = (server.creates()[0]!.body as { input: Record<string, number> }).input;
    expect(sent).toEqual({ prompt: job.prompt, width: 720, height: 1280, video_length: 121, fps: 30, seed: 3 });
    expect(result.requested_s).toBeCloseTo(121 / 30, 5);
  });

  it("reads a pinned version's own schema and creates by version id", async () => {
    await start();
    await provider({ model: "bytedance/seedance-1-lite:oldratio1" }).generate(makeJob(fixture.dir, { width: 720, height: 1280, duration_s: 4 }), recordingProgress(server).progress);
    expect(server.count("GET", "/v1/models/bytedance/seedance-1-lite/versions/oldratio1")).toBe(1);
    expect(server.count("GET", "/v1/models/bytedance/seedance-1-lite")).toBe(0);
    expect(server.creates()[0]!.body).toMatchObject({ version: "oldratio1", input: { ratio: "9:16", duration: 4 } });
    expect((server.creates()[0]!.body as { input: object }).input).not.toHaveProperty("aspect_ratio");
  });

  it("caches the schema in memory and on disk", async () => {
    await start();
    const first = provider({ model: "acme/motion-x" });
    await first.generate(makeJob(fixture.dir, { clipId: "c1" }), recordingProgress(server).progress);
    await first.generate(makeJob(fixture.dir, { clipId: "c2" }), recordingProgress(server).progress);
    await provider({ model: "acme/motion-x" }).generate(makeJob(fixture.dir, { clipId: "c3" }), recordingProgress(server).progress);
    expect(server.count("GET", "/v1/models/acme/motion-x")).toBe(1);
    expect(server.creates()).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(cacheDir, "acme__motion-x.json"), "utf8"))).toMatchObject({ model: "acme/motion-x", version: "d15c0very", pinned: false });
    await provider({ model: "acme/motion-x", schemaTtlMs: 0 }).describe!();
    expect(server.count("GET", "/v1/models/acme/motion-x")).toBe(2);
  });

  it("clips starting together share one schema read", async () => {
    await start();
    const p = provider({ model: "acme/motion-x" });
    await Promise.all(["a", "b", "c"].map((c) => p.generate(makeJob(fixture.dir, { clipId: c }), recordingProgress(server).progress)));
    expect(server.count("GET", "/v1/models/acme/motion-x")).toBe(1);
    expect(server.creates()).toHaveLength(3);
  });

  it("an unknown model is a non-retryable request error before any create", async () => {
    await start();
    const err = await failureOf(provider({ model: "nobody/nothing" }).generate(makeJob(fixture.dir), recordingProgress(server).progress));
    expect(err).toBeInstanceOf(ReplicateRequestError);
    expect(err).toMatchObject({ retryable: false, context: { operation: "schema", httpStatus: 404 } });
    expect(server.creates()).toHaveLength(0);
  });
});

describe("checked before paying", () => {
  it("an input that breaks the schema fails naming the field, with no create sent", async () => {
    await start();
    const err = await failureOf(provider({ buildInput: (j) => ({ prompt: j.prompt, aspect_ratio: "4:3" }) }).generate(makeJob(fixture.dir), recordingProgress(server).progress));
    expect(err).toBeInstanceOf(ReplicateInputError);
    expect(err).toMatchObject({ field: "aspect_ratio", retryable: false, context: { operation: "validate", httpStatus: null } });
    expect((err as Error).message).toMatch(/nothing paid/);
    expect(server.creates()).toHaveLength(0);
  });

  it("an image-to-video model without a first frame fails naming its input", async () => {
    await start();
    const err = await failureOf(provider({ model: "kwaivgi/kling-v2.1" }).generate(makeJob(fixture.dir), recordingProgress(server).progress));
    expect(err).toBeInstanceOf(ReplicateInputError);
    expect((err as ReplicateInputError).field).toBe("start_image");
    expect(server.creates()).toHaveLength(0);
  });

  it("a model's real input is what the catalog says: minimax/video-01 gets no duration or aspect", async () => {
    await start();
    const result = await provider({ model: "minimax/video-01" }).generate(makeJob(fixture.dir, { duration_s: 6, width: 720, height: 1280 }), recordingProgress(server).progress);
    expect(server.creates()[0]!.body).toEqual({ input: { prompt: makeJob(fixture.dir).prompt } });
    expect(result.requested_s).toBe(6);
    expect(result.warnings?.join()).toMatch(/reframed/);
  });
});

describe("Replicate's refusal", () => {
  it("a schema that changed under a cached copy: the 422 becomes a typed error naming the field, sent once", async () => {
    await start();
    await provider({ model: "acme/motion-x" }).describe!();
    const doc = structuredClone(server.models["acme/motion-x"]!);
    doc.latest_version!.openapi_schema.components.schemas.duration = { title: "duration", enum: ["4", "6"], type: "string" };
    server.models["acme/motion-x"] = doc;

    const err = await failureOf(provider({ model: "acme/motion-x" }).generate(makeJob(fixture.dir, { duration_s: 5 }), recordingProgress(server).progress));
    expect(err).toBeInstanceOf(ReplicateInputError);
    expect(err).toMatchObject({ field: "duration", retryable: false, context: { operation: "create", httpStatus: 422 } });
    expect((err as ReplicateInputError).invalidFields).toEqual([{ field: "duration", type: "enum", description: 'duration must be one of the following: "4", "6"' }]);
    expect(server.creates()).toHaveLength(1);
    expect(server.predictions.size).toBe(0);
  });

  it("maps any 4xx with invalid_fields, and a bare 422 detail", () => {
    const ctx = { operation: "create" as const, model: "m/n", predictionId: null, predictionStatus: null, generationId: null, clipId: "c", sceneId: "s" };
    const body = JSON.stringify({ detail: "- input.seconds: Must be less than or equal to 12", status: 400, invalid_fields: [{ type: "number_lte", field: "input.seconds", description: "Must be less than or equal to 12" }] });
    const e = errorFromResponse(400, new Headers(), body, ctx, 0);
    expect(e).toBeInstanceOf(ReplicateInputError);
    expect((e as ReplicateInputError).field).toBe("seconds");
    expect(e.message).toMatch(/seconds \(Must be less than or equal to 12\)/);
    expect(invalidFieldsOf(422, JSON.stringify({ detail: "input.prompt: prompt is required" }))).toEqual([{ field: "prompt", type: "invalid", description: "prompt is required" }]);
    expect(invalidFieldsOf(404, JSON.stringify({ detail: "not found" }))).toBeNull();
    expect(invalidFieldsOf(500, JSON.stringify({ invalid_fields: [] }))).toBeNull();
    expect(errorFromResponse(404, new Headers(), '{"detail":"x"}', ctx, 0)).not.toBeInstanceOf(ReplicateInputError);
  });
});

describe("first frames", () => {
  it("a small local image goes as a data URI; the create input carries it", async () => {
    await start();
    const png = join(fixture.dir, "frame.png");
    writeFileSync(png, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
    await provider({ model: "kwaivgi/kling-v2.1" }).generate(makeJob(fixture.dir, { firstFrame: png, duration_s: 7 }), recordingProgress(server).progress);
    const input = (server.creates()[0]!.body as { input: Record<string, unknown> }).input;
    expect(input).toMatchObject({ duration: 10, mode: "standard" });
    expect(String(input.start_image)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(server.count("POST", "/v1/files")).toBe(0);
  });

  it("a large one is uploaded through the Files API and its URL sent", async () => {
    await start();
    const big = join(fixture.dir, "big.jpg");
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 10, 7));
    await provider({ model: "minimax/video-01" }).generate(makeJob(fixture.dir, { firstFrame: big }), recordingProgress(server).progress);
    expect(server.count("POST", "/v1/files")).toBe(1);
    const input = (server.creates()[0]!.body as { input: Record<string, unknown> }).input;
    expect(String(input.first_frame_image)).toMatch(new RegExp(`^${server.baseUrl}/files/[0-9a-f]+$`));
  });
});
