import { describe, expect, it } from "vitest";
import { createCallbackHub } from "../../../tools/ffmpeg-service/hub.js";
import type { ProcessingComplete } from "../../../tools/ffmpeg-service/schema.js";

const done = (jobId: string, status: "succeeded" | "failed" = "succeeded"): ProcessingComplete => ({
  job_id: jobId,
  composition_id: "comp_1",
  version: 1,
  status,
  output_url: status === "succeeded" ? `http://127.0.0.1:1/internal/v1/outputs/${jobId}.mp4` : null,
  duration_s: status === "succeeded" ? 3 : null,
  error: status === "failed" ? "boom" : null,
});

describe("createCallbackHub", () => {
  it("hands a callback to the job's waiters and only to them", async () => {
    const hub = createCallbackHub();
    const a = hub.wait("job_a");
    const a2 = hub.wait("job_a");
    const b = hub.wait("job_b");
    expect(hub.waiting).toBe(2);
    expect(hub.resolve(done("job_a"))).toBe(true);
    await expect(a).resolves.toEqual(done("job_a"));
    await expect(a2).resolves.toEqual(done("job_a"));
    expect(hub.waiting).toBe(1);
    const pending = await Promise.race([b.then(() => "resolved"), new Promise((r) => setTimeout(() => r("pending"), 20))]);
    expect(pending).toBe("pending");
    hub.resolve(done("job_b", "failed"));
    await expect(b).resolves.toMatchObject({ status: "failed", error: "boom" });
    expect(hub.waiting).toBe(0);
  });

  it("keeps a callback that arrives before anyone waits, for the first waiter", async () => {
    const hub = createCallbackHub();
    expect(hub.resolve(done("job_fast"))).toBe(false);
    expect(hub.unclaimed).toBe(1);
    await expect(hub.wait("job_fast")).resolves.toEqual(done("job_fast"));
    expect(hub.unclaimed).toBe(0);
  });

  it("drops kept callbacks after retainMs and beyond max", () => {
    let t = 0;
    const hub = createCallbackHub({ retainMs: 1_000, max: 2, now: () => t });
    hub.resolve(done("job_1"));
    t = 500;
    hub.resolve(done("job_2"));
    hub.resolve(done("job_3"));
    expect(hub.unclaimed).toBe(2);
    t = 1_600;
    expect(hub.unclaimed).toBe(0);
  });

  it("an aborted wait rejects with the signal's reason and leaves nothing behind", async () => {
    const hub = createCallbackHub();
    const controller = new AbortController();
    const w = hub.wait("job_x", { signal: controller.signal });
    expect(hub.waiting).toBe(1);
    controller.abort(new Error("gave up"));
    await expect(w).rejects.toThrow("gave up");
    expect(hub.waiting).toBe(0);
    expect(hub.resolve(done("job_x"))).toBe(false);
    await expect(hub.wait("job_y", { signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
  });
});
