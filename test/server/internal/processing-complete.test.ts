import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobStore, type JobStore } from "../../../server/internal/jobs.js";
import type { ProcessingComplete } from "../../../tools/ffmpeg-service/schema.js";
import { call, startInternal, type InternalHarness } from "./helpers.js";

describe("POST /internal/v1/processing-complete (gateway side)", () => {
  let h: InternalHarness;
  let jobs: JobStore;
  const calls: ProcessingComplete[] = [];
  const url = () => `${h.url}/internal/v1/processing-complete`;
  const payload = (jobId: string, over: Partial<ProcessingComplete> = {}): ProcessingComplete => ({
    job_id: jobId,
    composition_id: "comp_g",
    version: 2,
    status: "succeeded",
    output_url: `http://127.0.0.1:1/internal/v1/outputs/${jobId}.mp4`,
    duration_s: 12.5,
    error: null,
    ...over,
  });

  beforeAll(async () => {
    h = await startInternal({ onProcessingComplete: (p) => void calls.push(p) });
    jobs = createJobStore(h.db);
  });
  afterAll(() => h.close());

  it("answers 404 for a job this gateway never submitted", async () => {
    const r = await call(url(), { body: payload("job_unknown") });
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toMatch(/job_unknown/);
    expect(calls).toHaveLength(0);
  });

  it("records the first callback and hands it on once; a repeat or a different late one changes nothing", async () => {
    await jobs.expect({ job_id: "job_g1", composition_id: "comp_g", version: 2, callback_url: url() });
    const first = await call(url(), { body: payload("job_g1") });
    expect(first.status).toBe(204);
    expect(first.body).toBeNull();
    const recorded = (await jobs.get("job_g1"))!;
    expect(recorded).toMatchObject({ side: "gateway", status: "succeeded", duration_s: 12.5, settled_via: "callback" });
    expect(recorded.settled_at).not.toBeNull();

    expect((await call(url(), { body: payload("job_g1") })).status).toBe(204);
    expect((await call(url(), { body: payload("job_g1", { status: "failed", output_url: null, duration_s: null, error: "late" }) })).status).toBe(204);
    expect(await jobs.get("job_g1")).toEqual(recorded);
    expect(calls.filter((c) => c.job_id === "job_g1")).toEqual([payload("job_g1")]);
  });

  it("concurrent duplicate callbacks settle the job exactly once", async () => {
    await jobs.expect({ job_id: "job_g2", composition_id: "comp_g", version: 2, callback_url: url() });
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(url(), { body: payload("job_g2") })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(204));
    expect(calls.filter((c) => c.job_id === "job_g2")).toHaveLength(1);
  });

  it("refuses a callback that names another composition for a known job (409) and stays open for the right one", async () => {
    await jobs.expect({ job_id: "job_g3", composition_id: "comp_g", version: 2, callback_url: url() });
    const wrong = await call(url(), { body: payload("job_g3", { version: 3 }) });
    expect(wrong.status).toBe(409);
    expect((await jobs.get("job_g3"))!.settled_at).toBeNull();
    expect((await call(url(), { body: payload("job_g3") })).status).toBe(204);
    expect(calls.filter((c) => c.job_id === "job_g3")).toHaveLength(1);
  });

  it("a callback after the poll already settled the job changes nothing", async () => {
    await jobs.expect({ job_id: "job_g4", composition_id: "comp_g", version: 2, callback_url: url() });
    expect(await jobs.settle(payload("job_g4", { status: "failed", output_url: null, duration_s: null, error: "boom" }), "poll")).toBe("settled");
    const before = await jobs.get("job_g4");
    expect((await call(url(), { body: payload("job_g4") })).status).toBe(204);
    expect(await jobs.get("job_g4")).toEqual(before);
    expect(before).toMatchObject({ status: "failed", error: "boom", settled_via: "poll" });
    expect(calls.filter((c) => c.job_id === "job_g4")).toHaveLength(0);
  });

  it("when gateway and service share one database, the service's row stands for both", async () => {
    const row = await jobs.create({ id: "job_shared", composition_id: "comp_g", version: 2, callback_url: url() });
    await jobs.finish(row.id, { status: "succeeded", output_url: "http://127.0.0.1:1/internal/v1/outputs/job_shared.mp4", duration_s: 9, error: null });
    await jobs.expect({ job_id: "job_shared", composition_id: "comp_g", version: 2, callback_url: url() });
    expect(await jobs.get("job_shared")).toMatchObject({ side: "service", status: "succeeded" });
    expect((await call(url(), { body: payload("job_shared", { duration_s: 9, output_url: "http://127.0.0.1:1/internal/v1/outputs/job_shared.mp4" }) })).status).toBe(204);
    expect(await jobs.get("job_shared")).toMatchObject({ side: "service", status: "succeeded", duration_s: 9, settled_via: "callback" });
    expect(calls.filter((c) => c.job_id === "job_shared")).toHaveLength(1);
    const status = await call(`${h.url}/internal/v1/process-clips/job_shared`);
    expect(status.body.status).toBe("succeeded");
    // a gateway-only row is not a service job: the status route does not answer for it
    expect((await call(`${h.url}/internal/v1/process-clips/job_g1`)).status).toBe(404);
  });

  it("a throwing handler is logged and the callback still answers 204", async () => {
    const broken = await startInternal({
      onProcessingComplete: () => {
        throw new Error("handler bug");
      },
    });
    try {
      await createJobStore(broken.db).expect({ job_id: "job_b", composition_id: "comp_g", version: 2, callback_url: url() });
      expect((await call(`${broken.url}/internal/v1/processing-complete`, { body: payload("job_b") })).status).toBe(204);
      expect(broken.log.lines.some((l) => l.level === "error" && l.obj.err === "handler bug")).toBe(true);
    } finally {
      await broken.close();
    }
  });
});
