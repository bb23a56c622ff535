import { describe, expect, it } from "vitest";
import type { JobOutcomeReport, JobStore } from "../../../core/jobs.js";

/** The JobStore contract (core/jobs.ts): every backend's jobs table runs it. */
export type JobStoreFactory = () => Promise<{ jobs: JobStore; close(): Promise<void> }>;

let n = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}${(n++).toString(36)}`;
const outcome = (job_id: string, extra: Partial<JobOutcomeReport> = {}): JobOutcomeReport => ({ job_id, composition_id: "comp_j", version: 2, status: "succeeded", output_url: "http://127.0.0.1:1/out.mp4", duration_s: 12.5, error: null, ...extra });

async function withJobs(factory: JobStoreFactory, fn: (jobs: JobStore) => Promise<void>): Promise<void> {
  const s = await factory();
  try {
    await fn(s.jobs);
  } finally {
    await s.close();
  }
}

export function jobStoreContract(name: string, factory: JobStoreFactory): void {
  describe(`JobStore contract: ${name}`, () => {
    it("runs a service job from queued to one outcome, and finds the newest for a composition version", () =>
      withJobs(factory, async (jobs) => {
        const comp = uid("comp");
        const a = await jobs.create({ id: uid("job"), composition_id: comp, version: 1, callback_url: "http://127.0.0.1:1/cb" });
        expect(a).toMatchObject({ composition_id: comp, version: 1, status: "queued", side: "service", settled_at: null, notified_at: null, output_url: null });
        expect(Date.parse(a.created_at)).not.toBeNaN();
        await new Promise((r) => setTimeout(r, 5));
        const b = await jobs.create({ id: uid("job"), composition_id: comp, version: 1, callback_url: "http://127.0.0.1:1/cb" });
        expect((await jobs.latestFor(comp, 1))!.id).toBe(b.id);
        expect(await jobs.latestFor(comp, 9)).toBeNull();
        await jobs.expect({ job_id: uid("job"), composition_id: comp, version: 2, callback_url: "http://127.0.0.1:1/cb" });
        expect((await jobs.forComposition(comp)).map((j) => [j.id, j.side])).toEqual([[a.id, "service"], [b.id, "service"], [expect.any(String), "gateway"]]);
        expect(await jobs.forComposition(uid("comp"))).toEqual([]);
        await jobs.markRunning(b.id);
        expect((await jobs.get(b.id))!.status).toBe("running");
        expect(await jobs.finish(b.id, { status: "succeeded", output_url: "http://x/o.mp4", duration_s: 9.5, error: null })).toBe(true);
        expect(await jobs.finish(b.id, { status: "failed", output_url: null, duration_s: null, error: "late" })).toBe(false);
        expect(await jobs.get(b.id)).toMatchObject({ status: "succeeded", output_url: "http://x/o.mp4", duration_s: 9.5, error: null });
        await jobs.markNotified(b.id);
        expect((await jobs.get(b.id))!.notified_at).not.toBeNull();
        expect(await jobs.get("job_missing")).toBeNull();
      }));

    it("settles a submitted job once: the first outcome wins, another composition is a mismatch, an unknown job is unknown", () =>
      withJobs(factory, async (jobs) => {
        const id = uid("job");
        await jobs.expect({ job_id: id, composition_id: "comp_j", version: 2, callback_url: "http://127.0.0.1:1/cb" });
        await jobs.expect({ job_id: id, composition_id: "comp_j", version: 2, callback_url: "http://127.0.0.1:1/cb" });
        expect(await jobs.get(id)).toMatchObject({ side: "gateway", status: "submitted", settled_at: null });
        expect(await jobs.settle(outcome(id, { version: 3 }), "callback")).toBe("mismatch");
        const both = await Promise.all([jobs.settle(outcome(id), "callback"), jobs.settle(outcome(id, { status: "failed", error: "x" }), "poll")]);
        expect(both.sort()).toEqual(["duplicate", "settled"]);
        const row = (await jobs.get(id))!;
        expect(row.settled_at).not.toBeNull();
        // the row holds the winner's outcome, whichever it was
        expect([row.status, row.settled_via]).toEqual(row.status === "succeeded" ? ["succeeded", "callback"] : ["failed", "poll"]);
        expect(await jobs.settle(outcome(id), "callback")).toBe("duplicate");
        expect(await jobs.settle(outcome(uid("job")), "callback")).toBe("unknown");
      }));

    it("keeps a service row as it is when the gateway settles the job (one process being both)", () =>
      withJobs(factory, async (jobs) => {
        const id = uid("job");
        await jobs.create({ id, composition_id: "comp_j", version: 2, callback_url: "http://127.0.0.1:1/cb" });
        await jobs.finish(id, { status: "succeeded", output_url: "http://x/o.mp4", duration_s: 9, error: null });
        await jobs.expect({ job_id: id, composition_id: "comp_j", version: 2, callback_url: "http://127.0.0.1:1/cb" });
        expect(await jobs.settle(outcome(id, { status: "failed", output_url: null, duration_s: null, error: "other" }), "callback")).toBe("settled");
        expect(await jobs.get(id)).toMatchObject({ side: "service", status: "succeeded", duration_s: 9, output_url: "http://x/o.mp4", settled_via: "callback" });
      }));
  });
}
