import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalVideoProvider } from "../../tools/render/local-provider.js";
import { FakeVideoProvider, hangUntilAborted } from "../fakes/video-provider.js";
import { endChild, spawnChild } from "../helpers/processes.js";
import { startApi } from "./harness.js";

const brief = { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas, witty", duration_s: 15 };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("restart recovery", () => {
  it("resumes a run left in flight when the server starts again, reusing finished clips", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rg-recover-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const local = createLocalVideoProvider({});
    const stuck = new FakeVideoProvider("local", async (job, p) => (job.sceneId === "scene_3" ? hangUntilAborted(p.signal) : "delegate"), local);
    const a = await startApi({ dataDir, overrides: { videoFor: () => stuck } });
    const r = await a.req("POST", "/api/v1/generations", brief);
    await a.waitFor(r.json.id, (g) => g.progress.clips_done >= 2);
    await a.close(0);

    const healthy = new FakeVideoProvider("local", async () => "delegate", local);
    const b = await startApi({ dataDir, overrides: { videoFor: () => healthy } });
    cleanups.push(() => b.close());
    const g = await b.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status));
    expect(g.status).toBe("completed");
    const madeBefore = new Set(stuck.calls.filter((c) => c.sceneId !== "scene_3").map((c) => c.clipId));
    expect(healthy.calls.filter((c) => madeBefore.has(c.clipId))).toEqual([]);
    expect(healthy.calls.map((c) => c.sceneId)).toContain("scene_3");
  });
});

describe("remote FFmpeg service", () => {
  it("composes through a service running in a second process", async () => {
    const token = "internal-token-for-tests";
    const svcDir = mkdtempSync(join(tmpdir(), "rg-svc-"));
    cleanups.push(() => rmSync(svcDir, { recursive: true, force: true }));
    // npx → tsx → node: three processes in the child's group, all ended with it.
    const child = spawnChild("npx", ["tsx", "cli/main.ts", "ffmpeg-service", "--port", "0"], {
      env: { ...process.env, REELGRAPH_DATA_DIR: svcDir, REELGRAPH_INTERNAL_TOKEN: token, LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    cleanups.push(() => endChild(child));
    const serviceUrl = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (d) => {
        err += d;
        const m = /FFmpeg service on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (c) => reject(new Error(`service exited ${c}: ${err}`)));
    });
    // The gateway must be reachable by the service: listen first, then point PUBLIC_URL at it.
    const port = 20000 + Math.floor(Math.random() * 20000);
    const api = await startApi({
      env: { REELGRAPH_FFMPEG_SERVICE_URL: serviceUrl, REELGRAPH_INTERNAL_TOKEN: token, REELGRAPH_PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port) },
    });
    cleanups.push(() => api.close());
    expect(api.url).toBe(`http://127.0.0.1:${port}`);
    const r = await api.req("POST", "/api/v1/generations", brief);
    const g = await api.waitFor(r.json.id, (x) => !["queued", "running"].includes(x.status), 90_000);
    expect(g.error).toBeNull();
    expect(g.status).toBe("completed");
    const jobs = await api.server.app.stores.jobs.forComposition(g.composition.id);
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.map((j) => j.status)).toContain("succeeded");
    const video = await fetch(new URL(g.composition.video.url, api.url));
    expect(video.status).toBe(200);
  });
});

describe("reelgraph serve", () => {
  it("on SIGTERM stops taking work, exits cleanly, and the next start finishes the run", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rg-sigterm-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawnChild(process.execPath, ["--import", "tsx", "cli/main.ts", "serve", "--port", "0"], {
      env: { ...process.env, REELGRAPH_DATA_DIR: dataDir, REELGRAPH_SHORT_SIDE: "180", LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    cleanups.push(() => endChild(child));
    let err = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on("data", (d) => {
        err += d;
        const m = /API on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (c) => reject(new Error(`serve exited ${c}: ${err}`)));
    });
    const post = await fetch(`${url}/api/v1/generations`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(brief) });
    const { id } = (await post.json()) as { id: string };
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(err).toContain("SIGTERM");

    const b = await startApi({ dataDir });
    cleanups.push(() => b.close());
    const g = await b.waitFor(id, (x) => !["queued", "running"].includes(x.status));
    expect(g.status).toBe("completed");
  });
});
