import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../tools/ffmpeg/probe.js";
import { FakeReplicateServer, renderTinyMp4 } from "../../devkit/fakes/replicate-server.js";
import { seededRandom } from "../faults/child.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { cliProcesses } from "../helpers/cli-process.js";
import { killGroup } from "../helpers/processes.js";

/**
 * Scale-out on the real Postgres: two API processes and two workers, each an OS process of
 * its own, sharing one database (stores, checkpoints, the BullMQ queue) and one media folder.
 * Generations go in through API process A; a client follows one of them on API process B.
 * Meanwhile a worker is SIGKILLed at random moments 20 times (each replaced by a new one). At
 * the end every run has completed, exactly once: one composition version each, and Replicate
 * was paid exactly once per prediction the clip ledger holds — none orphaned, none twice.
 */

const TOKEN = "r8_scale_token";
const SEED = Number(process.env.REELGRAPH_SCALE_SEED ?? 7);
const KILLS = 20;

const db: TestDatabase | null = await createTestDatabase();
let dir: string;
let fake: FakeReplicateServer;
const cli = cliProcesses();
const api = (env: Record<string, string>) => cli.api(env);
const worker = (env: Record<string, string>) => cli.worker(env);

/** Follows a generation's SSE stream to its end; every event with its id. */
function follow(url: string, id: string): { events: { seq: number; type: string }[]; done: Promise<void> } {
  const events: { seq: number; type: string }[] = [];
  const done = (async () => {
    const res = await fetch(`${url}/api/v1/generations/${id}/events`);
    const reader = res.body!.getReader();
    let buf = "";
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += new TextDecoder().decode(value);
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const seq = /^id: (\d+)$/m.exec(block)?.[1];
        const type = /^event: (\S+)$/m.exec(block)?.[1];
        if (seq && type) events.push({ seq: Number(seq), type });
        if (type === "completed" || type === "failed" || type === "cancelled") {
          await reader.cancel();
          return;
        }
      }
    }
  })();
  return { events, done };
}

/** What every process of the test shares: the database, the media folder, the fake Replicate, a short lease. */
const sharedEnv = () => ({
  DATABASE_URL: db!.url,
  REELGRAPH_DATA_DIR: join(dir, "data"),
  REPLICATE_API_TOKEN: TOKEN,
  REPLICATE_BASE_URL: fake.baseUrl,
  REELGRAPH_SHORT_SIDE: "180",
  REELGRAPH_WORKER_LEASE_S: "3",
  LOG_LEVEL: "warn",
});

const json = async (r: Promise<Response>) => (await (await r).json()) as any;

beforeAll(async () => {
  if (!db) return;
  dir = mkdtempSync(join(tmpdir(), "rg-scale-"));
  await renderTinyMp4(join(dir, "tiny.mp4"));
  fake = await FakeReplicateServer.start({ video: readFileSync(join(dir, "tiny.mp4")), token: TOKEN });
  // Each prediction takes a few polls: runs stay in flight long enough to be killed mid-way.
  for (let i = 0; i < 400; i++) fake.scriptNext({ statuses: ["starting", "processing", "processing", "processing", "processing", "processing", "succeeded"] });
});

afterAll(async () => {
  await cli.endAll();
  await fake?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const suite = db ? describe : describe.skip;

suite("scale-out on Postgres: two API processes, two workers, kill -9", () => {
  it("completes every run once, pays once per prediction, and streams every event through the other API process", { timeout: 300_000 }, async () => {
    const env = { ...sharedEnv(), REELGRAPH_FFMPEG_CONCURRENCY: "1" };
    const [a, b] = await Promise.all([api(env), api(env)]);
    const workers = await Promise.all([worker(env), worker(env)]);

    const briefs = ["Nimbus umbrellas, witty", "Volt e-bikes, bold", "Pebble smart rings, minimal", "Fizzy Lime sparkling water, upbeat", "Trailhead hiking boots, rugged", "Oatly Chill cold brew, playful"];
    const ids: string[] = [];
    for (const [i, b0] of briefs.entries()) {
      const r = await json(fetch(`${a.url}/api/v1/generations`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": `scale-${i}` }, body: JSON.stringify({ pipeline: "ad", prompt: `15 second ad for ${b0}`, duration_s: 15 }) }));
      ids.push(r.id);
    }
    // The same key on the other API process is the same generation.
    const again = await json(fetch(`${b.url}/api/v1/generations`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "scale-0" }, body: JSON.stringify({ pipeline: "ad", prompt: `15 second ad for ${briefs[0]}`, duration_s: 15 }) }));
    expect(again.id).toBe(ids[0]);
    const followed = follow(b.url, ids[0]!);

    const random = seededRandom(SEED);
    let kills = 0;
    let midRun = 0;
    const status = async () => (await Promise.all(ids.map((id) => json(fetch(`${b.url}/api/v1/generations/${id}`))))).map((g) => g.status as string);
    while (kills < KILLS) {
      await new Promise((r) => setTimeout(r, 250 + Math.floor(random() * 900)));
      const victim = workers.splice(Math.floor(random() * workers.length), 1)[0]!;
      if (!(await status()).every((s) => s === "completed")) midRun++;
      killGroup(victim.child);
      kills++;
      workers.push(await worker(env));
    }
    const deadline = Date.now() + 180_000;
    let last = await status();
    while (!last.every((s) => s === "completed" || s === "failed") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      last = await status();
    }
    expect(last, workers.map((w) => w.stderr()).join("\n---\n").slice(-3000)).toEqual(ids.map(() => "completed"));
    expect(kills).toBe(KILLS);
    // The kills landed while runs were in flight, not after everything had finished.
    expect(midRun).toBeGreaterThanOrEqual(KILLS / 2);

    const views = await Promise.all(ids.map((id) => json(fetch(`${a.url}/api/v1/generations/${id}`))));
    const pool = new pg.Pool({ connectionString: db!.url });
    try {
      for (const v of views) {
        expect(v.error).toBeNull();
        expect(v.composition, JSON.stringify({ id: v.id, status: v.status, stage: v.stage, progress: v.progress, events: (await pool.query("SELECT seq, type, data FROM events WHERE generation_id = $1 ORDER BY seq", [v.id])).rows.map((r) => `${r.type}:${JSON.stringify(r.data).slice(0, 80)}`) })).not.toBeNull();
        expect(v.composition.version).toBe(1);
        const info = await probe(v.composition.video.path);
        expect(Math.abs(info.duration_s - v.composition.timeline.duration_s)).toBeLessThanOrEqual(1 / v.composition.timeline.fps + 1e-6);
        const versions = await pool.query("SELECT version FROM composition_versions WHERE composition_id = $1", [v.composition.id]);
        expect(versions.rows.map((r) => r.version)).toEqual([1]);
      }
      // Pay once: every prediction Replicate made is one the shared clip ledger holds, and no two rows share one.
      const ledger = await pool.query("SELECT prediction_id FROM clips WHERE generation_id = ANY($1) AND prediction_id IS NOT NULL", [ids]);
      const held = ledger.rows.map((r) => r.prediction_id as string);
      expect(new Set(held).size).toBe(held.length);
      expect([...fake.predictions.keys()].sort()).toEqual([...held].sort());
      // The client on API process B saw every event of the run the workers executed, in order, none twice.
      await followed.done;
      const stored = await pool.query("SELECT seq, type FROM events WHERE generation_id = $1 ORDER BY seq", [ids[0]]);
      const end = stored.rows.findIndex((r) => r.type === "completed");
      expect(followed.events.map((e) => e.seq)).toEqual(stored.rows.slice(0, end + 1).map((r) => Number(r.seq)));
    } finally {
      await pool.end();
    }
    console.info(`scale-out seed ${SEED}: ${kills} worker kills (${midRun} with runs in flight), ${fake.predictions.size} predictions for ${ids.length} runs`);
  });

  it("cancels a run on the API process while a worker runs it: the worker stops and pays for nothing more", { timeout: 120_000 }, async () => {
    const env = sharedEnv();
    const a = await api(env);
    await worker(env);
    for (let i = 0; i < 50; i++) fake.scriptNext({ statuses: [...Array(40).fill("processing"), "succeeded"] });
    const g = await json(fetch(`${a.url}/api/v1/generations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pipeline: "ad", prompt: "30 second ad for Trailhead hiking boots", duration_s: 30 }) }));
    const until = Date.now() + 60_000;
    while ((await json(fetch(`${a.url}/api/v1/generations/${g.id}`))).stage !== "generate" && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const atCancel = fake.predictions.size;
    const cancelled = await json(fetch(`${a.url}/api/v1/generations/${g.id}/cancel`, { method: "POST" }));
    expect(cancelled.status).toBe("cancelled");
    // The worker hears of the cancel through Postgres (LISTEN/NOTIFY): creates already on their
    // way may still land meanwhile (at most one per clip slot); once it has stopped the run
    // ("stopped" event), nothing more is paid.
    const pool = new pg.Pool({ connectionString: db!.url });
    try {
      const stoppedBy = Date.now() + 20_000;
      let stopped = 0;
      while (!stopped && Date.now() < stoppedBy) {
        stopped = (await pool.query("SELECT type FROM events WHERE generation_id = $1 AND type = 'stopped'", [g.id])).rowCount ?? 0;
        if (!stopped) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stopped, "the worker that held the run stopped it").toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
    const paid = fake.predictions.size;
    expect(paid - atCancel).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(fake.predictions.size).toBe(paid);
    const view = await json(fetch(`${a.url}/api/v1/generations/${g.id}`));
    expect(view.status).toBe("cancelled");
  });
});
