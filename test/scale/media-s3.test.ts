import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../tools/ffmpeg/run.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { cliProcesses } from "../helpers/cli-process.js";
import { endChild } from "../helpers/processes.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { drumArgs } from "../../tools/audio/synth.js";

/**
 * Media every process can serve: an API process and a worker with DIFFERENT data folders
 * share only Postgres and an S3 bucket (s3rver on 127.0.0.1). A song uploaded to the API is
 * fetched by the worker; the clips and the render the worker makes are served, with Range,
 * by the API process, which never had them until a client asked.
 */


const db: TestDatabase | null = await createTestDatabase();
let s3: TestS3;
let dir: string;
const cli = cliProcesses();

const filesUnder = (root: string): string[] =>
  existsSync(root) ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : [];

beforeAll(async () => {
  if (!db) return;
  dir = mkdtempSync(join(tmpdir(), "rg-media-s3-"));
  s3 = await startTestS3();
  await runFfmpeg(drumArgs({ bpm: 120, durationS: 14, leadInS: 0.5, noise: 0.03 }, join(dir, "song.wav")));
});

afterAll(async () => {
  await cli.endAll();
  await s3?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const suite = db ? describe : describe.skip;

suite("media on S3-compatible storage across processes", () => {
  it("a worker's run is served, video and clip with Range, by an API process that never had the files", { timeout: 240_000 }, async () => {
    const shared = {
      DATABASE_URL: db!.url,
      REELGRAPH_SHORT_SIDE: "180",
      REELGRAPH_FFMPEG_CONCURRENCY: "1",
      REELGRAPH_MEDIA_S3_BUCKET: s3.bucket,
      REELGRAPH_MEDIA_S3_ENDPOINT: s3.endpoint,
      REELGRAPH_MEDIA_S3_PREFIX: "reels/",
      REELGRAPH_MEDIA_S3_FORCE_PATH_STYLE: "true",
      LOG_LEVEL: "warn",
      ...s3.env,
    };
    const apiData = join(dir, "api-data");
    const workerData = join(dir, "worker-data");
    const { url } = await cli.api({ ...shared, REELGRAPH_DATA_DIR: apiData });
    const worker = await cli.worker({ ...shared, REELGRAPH_DATA_DIR: workerData }, 1);

    const song = readFileSync(join(dir, "song.wav"));
    const up = await fetch(`${url}/api/v1/assets`, { method: "POST", headers: { "Content-Type": "audio/wav" }, body: song });
    expect(up.status).toBe(201);
    const asset = ((await up.json()) as { id: string }).id;
    // Different machines in effect: the API's copy is gone, so the worker can only get the song from the bucket.
    for (const f of filesUnder(join(apiData, "media", "assets"))) rmSync(f);

    const created = await fetch(`${url}/api/v1/generations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pipeline: "music_video", prompt: "neon synthwave night drive", audio: { url: asset } }) });
    expect(created.status).toBe(202);
    const id = ((await created.json()) as { id: string }).id;
    const deadline = Date.now() + 200_000;
    let view: any;
    do {
      await new Promise((r) => setTimeout(r, 500));
      view = await (await fetch(`${url}/api/v1/generations/${id}`)).json();
    } while (!["completed", "failed", "cancelled"].includes(view.status) && Date.now() < deadline);
    expect(view.status, `${JSON.stringify(view.error)}\n${worker.stderr().slice(-3000)}`).toBe("completed");

    // The worker fetched the song from the bucket; the API process made no clip and no render.
    expect(filesUnder(join(workerData, "media", "assets")).map((f) => f.split("/").pop())).toContain(`${asset}.audio`);
    expect(filesUnder(join(apiData, "media", "clips"))).toEqual([]);
    expect(filesUnder(join(apiData, "media", "renders"))).toEqual([]);
    const renderPath: string = view.composition.video.path;
    expect(renderPath.startsWith(workerData)).toBe(true);
    const render = readFileSync(renderPath);
    const pool = new pg.Pool({ connectionString: db!.url });
    let clips: { id: string; path: string; bytes: Buffer }[];
    try {
      const rows = (await pool.query("SELECT id, path FROM clips WHERE generation_id = $1 AND status = 'succeeded' ORDER BY id", [id])).rows as { id: string; path: string }[];
      clips = rows.map((r) => ({ ...r, bytes: readFileSync(r.path) }));
    } finally {
      await pool.end();
    }
    expect(clips.length).toBeGreaterThan(0);
    // And the worker's copies are gone too: what the API serves can come only from the bucket.
    await endChild(worker.child, 5_000);
    rmSync(workerData, { recursive: true, force: true });

    const composition = view.composition.id as string;
    const ranged = await fetch(`${url}/api/v1/compositions/${composition}/video`, { headers: { Range: "bytes=100-1099" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-1099/${render.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(render.subarray(100, 1100))).toBe(true);
    const whole = await fetch(`${url}/api/v1/compositions/${composition}/video`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await whole.arrayBuffer()).equals(render)).toBe(true);
    expect(filesUnder(join(apiData, "media", "renders"))).toHaveLength(1);

    for (const clip of clips) {
      expect(clip.path.startsWith(workerData)).toBe(true);
      const bytes = clip.bytes;
      const tail = await fetch(`${url}/api/v1/clips/${clip.id}/video`, { headers: { Range: "bytes=-500" } });
      expect(tail.status).toBe(206);
      expect(tail.headers.get("content-range")).toBe(`bytes ${bytes.length - 500}-${bytes.length - 1}/${bytes.length}`);
      expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 500))).toBe(true);
    }
    expect(filesUnder(join(apiData, "media", "clips"))).toHaveLength(clips.length);

    // A file no process published is a 404, not a crash.
    const none = await fetch(`${url}/api/v1/clips/clip_not_there/video`);
    expect(none.status).toBe(404);
  });
});
