import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../tools/ffmpeg/probe.js";
import { readFrameColors } from "../tools/ffmpeg/media.js";
import { startApi, type ApiHarness } from "./harness.js";

const brief = {
  pipeline: "ad",
  prompt: "20 second ad for Trailhead hiking boots, rugged, for weekend hikers",
  duration_s: 20,
  brand: { name: "Trailhead", colors: ["#166534", "#F97316"], cta: { text: "Find your trail", duration_s: 3 } },
};

let api: ApiHarness;
let gen: any;
let comp: string;
const current = async () => (await api.req("GET", `/api/v1/generations/${gen.id}`)).json;
const settled = () => api.waitFor(gen.id, (g) => !["queued", "running"].includes(g.status));

beforeAll(async () => {
  api = await startApi();
  const r = await api.req("POST", "/api/v1/generations", brief);
  gen = await api.waitFor(r.json.id, (g) => ["completed", "failed"].includes(g.status));
  comp = gen.composition.id;
});
afterAll(() => api.close());

describe("edits through the API", () => {
  it("proposes a plan with a readable diff and waits; confirming makes version 2", async () => {
    const before = gen.composition.timeline;
    const first = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "remove the last scene" });
    expect(first.status).toBe(201);
    expect((await current()).status).toBe("awaiting_confirmation");
    // A better instruction while one waits replaces it: the waiting plan becomes superseded.
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "swap the first and second scenes" });
    expect(r.status).toBe(201);
    const old = (await api.req("GET", `/api/v1/compositions/${comp}/edits/${first.json.id}`)).json;
    expect(old).toMatchObject({ status: "superseded", superseded_by: r.json.id });
    const stale = await api.req("POST", `/api/v1/compositions/${comp}/edits/${first.json.id}/confirm`);
    expect(stale.status).toBe(409);
    expect(stale.json.detail).toContain(r.json.id);
    expect(r.json).toMatchObject({ status: "proposed", instruction: "swap the first and second scenes", operations: [{ op: "swap" }] });
    expect(r.json.timeline_after.scenes.map((s: any) => s.id)).toEqual([before.scenes[1].id, before.scenes[0].id, ...before.scenes.slice(2).map((s: any) => s.id)]);
    expect(r.json.diff.some((d: any) => d.kind === "moved" && /scene_1/.test(d.summary))).toBe(true);
    expect((await current()).status).toBe("awaiting_confirmation");
    expect((await api.req("POST", `/api/v1/compositions/${comp}/revert`, { version: 1 })).status).toBe(409);
    const [ok, again] = await Promise.all([
      api.req("POST", `/api/v1/compositions/${comp}/edits/${r.json.id}/confirm`),
      api.req("POST", `/api/v1/compositions/${comp}/edits/${r.json.id}/confirm`),
    ]);
    expect([ok.status, again.status].sort()).toEqual([202, 409]);
    const confirmed = ok.status === 202 ? ok : again;
    expect(confirmed.json).toMatchObject({ status: "applied", result_version: 2 });
    const g = await settled();
    expect(g.status).toBe("completed");
    expect(g.composition.version).toBe(2);
    expect(g.composition.timeline.scenes.map((s: any) => s.id)).toEqual(r.json.timeline_after.scenes.map((s: any) => s.id));
    const file = await probe((await current()).composition.video.path);
    expect(Math.abs(file.duration_s - g.composition.timeline.duration_s)).toBeLessThanOrEqual(1 / g.composition.timeline.fps + 1e-6);
    expect((await api.req("GET", `/api/v1/compositions/${comp}/edits/${r.json.id}`)).json.status).toBe("applied");
  });

  it("rejects a proposed plan on request and leaves the composition as it was", async () => {
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "delete the second scene" });
    expect(r.status).toBe(201);
    const no = await api.req("POST", `/api/v1/compositions/${comp}/edits/${r.json.id}/reject`, { reason: "changed my mind" });
    expect(no.status).toBe(200);
    expect(no.json.status).toBe("rejected");
    const g = await current();
    expect(g.status).toBe("completed");
    expect(g.composition.version).toBe(2);
    expect((await api.req("POST", `/api/v1/compositions/${comp}/edits/${r.json.id}/confirm`)).status).toBe(409);
  });

  it("answers an instruction it cannot honour with a rejected plan and the reason", async () => {
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "remove scene 9" });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("rejected");
    expect(r.json.reason).toMatch(/scene/i);
    expect(r.json.timeline_after).toEqual(r.json.timeline_before);
    expect((await current()).composition.version).toBe(2);
  });

  it("applies at once when asked, reusing unchanged clips", async () => {
    const clipsBefore = (await current()).clips.length;
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "make the last scene 2 seconds shorter", apply_immediately: true });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: "applied", result_version: 3 });
    const g = await settled();
    expect(g.status).toBe("completed");
    expect(g.composition.version).toBe(3);
    expect(g.composition.timeline.duration_s).toBeCloseTo(18, 3);
    expect(g.clips.length).toBe(clipsBefore);
  });

  it("regenerates only the clip whose prompt changed", async () => {
    const before = await current();
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "make the first scene at night", apply_immediately: true });
    expect(r.status).toBe(202);
    expect(r.json.operations[0]).toMatchObject({ op: "regenerate" });
    const g = await settled();
    expect(g.status).toBe("completed");
    expect(g.clips.length).toBe(before.clips.length + 1);
    const changed = g.composition.timeline.scenes.find((s: any) => s.id === r.json.operations[0].scene);
    expect(changed.prompt).toMatch(/night/i);
  });

  it("lists versions and reverts to an old one as a new version", async () => {
    const list = await api.req("GET", `/api/v1/compositions/${comp}/versions`);
    expect(list.json.versions.map((v: any) => v.version)).toEqual([1, 2, 3, 4]);
    expect(list.json.current_version).toBe(4);
    const r = await api.req("POST", `/api/v1/compositions/${comp}/revert`, { version: 1 });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ version: 5, reverted_from: 1 });
    const g = await current();
    expect(g.composition.version).toBe(5);
    expect(g.composition.timeline.scenes).toEqual(gen.composition.timeline.scenes);
    // The next edit starts from the reverted timeline.
    const e = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "swap scenes 1 and 2" });
    expect(e.json.timeline_before.scenes.map((s: any) => s.id)).toEqual(gen.composition.timeline.scenes.map((s: any) => s.id));
    await api.req("POST", `/api/v1/compositions/${comp}/edits/${e.json.id}/reject`);
    expect((await api.req("POST", `/api/v1/compositions/${comp}/revert`, { version: 99 })).status).toBe(404);
  });

  it("cancelling while an edit waits drops the edit, not the video", async () => {
    const before = await current();
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "reverse the scenes" });
    expect(r.status).toBe(201);
    await api.req("POST", `/api/v1/generations/${gen.id}/cancel`);
    const g = await api.waitFor(gen.id, (x) => x.status === "completed");
    expect(g.composition.version).toBe(before.composition.version);
    expect((await api.req("GET", `/api/v1/compositions/${comp}/edits/${r.json.id}`)).json).toMatchObject({ status: "rejected", reason: "cancelled by the user" });
    const events = (await api.req("GET", "/api/v1/generations/" + gen.id)).json;
    expect(events.status).toBe("completed");
  });

  it("grades without a new clip: 'make it black and white' is a diff per scene, then a recompose whose picture has no colour", async () => {
    const before = await current();
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "make it black and white" });
    expect(r.status).toBe(201);
    expect(r.json.operations).toEqual([{ op: "grade", scene: null, grade: "black_and_white" }]);
    const graded = r.json.diff.filter((d: any) => d.kind === "graded");
    expect(graded).toHaveLength(before.composition.timeline.scenes.length);
    expect(graded[0].summary).toMatch(/graded: as generated → black and white/);
    const ok = await api.req("POST", `/api/v1/compositions/${comp}/edits/${r.json.id}/confirm`);
    expect(ok.status).toBe(202);
    const g = await settled();
    expect(g.status).toBe("completed");
    expect(g.clips.length).toBe(before.clips.length);
    expect(g.composition.timeline.scenes.every((s: any) => s.grade === "black_and_white")).toBe(true);
    const colors = await readFrameColors(g.composition.video.path);
    const off = colors.filter((_, i) => i % 5 === 0).map((c) => Math.max(Math.abs(c.u - 128), Math.abs(c.v - 128)));
    expect(Math.max(...off)).toBeLessThanOrEqual(3);
    const beforeColors = await readFrameColors(before.composition.video.path);
    expect(Math.max(...beforeColors.map((c) => Math.max(Math.abs(c.u - 128), Math.abs(c.v - 128))))).toBeGreaterThan(10);
  });

  it("refuses bad edit bodies with the field named", async () => {
    const r = await api.req("POST", `/api/v1/compositions/${comp}/edit`, { instruction: "", extra: 1 });
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(["body.instruction"]));
    expect((await api.req("POST", `/api/v1/compositions/comp_nope/edit`, { instruction: "swap 1 and 2" })).status).toBe(404);
  });
});
