import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { openSqliteStores } from "../../tools/store/sqlite/index.js";
import { openDb } from "../../tools/store/sqlite/db.js";
import { allStoreContracts, sampleTimeline } from "./contracts/index.js";
import { jobStoreContract } from "./contracts/jobs.js";

const dir = mkdtempSync(join(tmpdir(), "rg-stores-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

allStoreContracts("SQLite file", async () => openSqliteStores(join(dir, `s${n++}.db`)));
allStoreContracts("SQLite in memory", async () => openSqliteStores(":memory:"));
jobStoreContract("SQLite file", async () => openSqliteStores(join(dir, `j${n++}.db`)));

describe("the SQLite backend", () => {
  it("serves a view another connection changed (the view cache follows the file)", async () => {
    const path = join(dir, "shared.db");
    const a = openSqliteStores(path);
    const b = openSqliteStores(path);
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas" });
    await a.generations.create({ id: "gen_shared", request });
    expect((await a.generations.get("gen_shared")).status).toBe("queued");
    await b.generations.update("gen_shared", { status: "running" });
    expect((await a.generations.get("gen_shared")).status).toBe("running");
    await a.close();
    await b.close();
  });

  it("keeps a generation's cached view while others change, and drops it when anything of its own does", async () => {
    const s = openSqliteStores(join(dir, "views.db"));
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas" });
    await s.generations.create({ id: "gen_a", request });
    await s.generations.create({ id: "gen_b", request });
    const clip = { id: "clip_b1", scene_id: "scene_1", status: "queued" as const, provider: "local", prompt: "rain", path: null, duration_s: null, attempts: 0, error: null, prediction_id: null, checksum: null };
    await s.clips.upsert("gen_b", clip);
    const a = await s.generations.get("gen_a");
    await s.generations.update("gen_b", { status: "running" });
    await s.clips.setPredictionId("clip_b1", "pred_1");
    expect(await s.generations.get("gen_a")).toBe(a);
    let b = await s.generations.get("gen_b");
    expect(b.status).toBe("running");
    expect(await s.generations.get("gen_b")).toBe(b);
    await s.clips.setPredictionId("clip_b1", "pred_2");
    expect(await s.generations.get("gen_b")).not.toBe(b);
    b = await s.generations.get("gen_b");
    await s.clips.upsert("gen_b", { ...clip, status: "succeeded", path: "/b.mp4", duration_s: 5, attempts: 1 });
    expect((await s.generations.get("gen_b")).clips[0]!.status).toBe("succeeded");
    await s.generations.update("gen_a", { warnings: ["w"] });
    expect((await s.generations.get("gen_a")).warnings).toEqual(["w"]);
    await s.close();
  });

  it("upgrades a data folder from before the split: idempotency keys move to their own table", async () => {
    const path = join(dir, "old.db");
    const db = openDb(path);
    db.exec("DELETE FROM idempotency_keys");
    db.pragma("user_version = 3");
    // As before migration 4: without what 4 and 5 add (5: view_version and its triggers).
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%view_version%'").pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
    db.exec("ALTER TABLE generations DROP COLUMN view_version;");
    db.exec("DROP TABLE idempotency_keys; ALTER TABLE generations DROP COLUMN extra; ALTER TABLE composition_versions DROP COLUMN poster_path;");
    db.prepare("INSERT INTO generations (id, pipeline, status, request, idempotency_key, request_hash, created_at, updated_at) VALUES ('gen_old', 'ad', 'completed', '{}', 'client:key1', 'h', 'now', 'now')").run();
    db.close();
    const s = openSqliteStores(path);
    expect(await s.idempotency.claim("client:key1", "gen_new", "h")).toEqual({ value: "gen_old", fingerprint: "h", claimed: false });
    // The view cache works on the upgraded file: a write moves the generation's view_version.
    const before = await s.generations.get("gen_old");
    expect(await s.generations.get("gen_old")).toBe(before);
    await s.generations.update("gen_old", { warnings: ["upgraded"] });
    expect((await s.generations.get("gen_old")).warnings).toEqual(["upgraded"]);
    await s.close();
  });
});

describe("the SQLite view cache across connections (the server's run thread, another process)", () => {
  it("keeps a view while only other generations change, and drops it on any write to what it shows", async () => {
    const path = join(dir, "threads.db");
    const api = openSqliteStores(path);
    const run = openSqliteStores(path);
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas" });
    await run.generations.create({ id: "gen_x", request });
    await run.generations.create({ id: "gen_y", request });
    const x = await api.generations.get("gen_x");
    // Other generations' writes by the other connection leave this view cached.
    await run.generations.update("gen_y", { percent: 50 });
    await run.clips.upsert("gen_y", { id: "clip_y1", scene_id: "scene_1", status: "running", provider: "local", prompt: "p", path: null, duration_s: null, attempts: 1, error: null, prediction_id: null, checksum: null });
    expect(await api.generations.get("gen_x")).toBe(x);
    // Each kind of write to gen_x's rows, from the other connection, is seen at once.
    await run.generations.update("gen_x", { percent: 10 });
    const x1 = await api.generations.get("gen_x");
    expect(x1.progress.percent).toBe(10);
    await run.clips.upsert("gen_x", { id: "clip_x1", scene_id: "scene_1", status: "running", provider: "local", prompt: "p", path: null, duration_s: null, attempts: 1, error: null, prediction_id: null, checksum: null });
    const x2 = await api.generations.get("gen_x");
    expect(x2.clips.map((c) => c.id)).toEqual(["clip_x1"]);
    await run.clips.setPredictionId("clip_x1", "pred_9");
    const x3 = await api.generations.get("gen_x");
    expect(x3.clips[0]!.prediction_id).toBe("pred_9");
    await run.clips.markCreateAttempt("clip_x1", 123);
    await run.compositions.saveVersion({ generationId: "gen_x", timeline: sampleTimeline(1), videoPath: "/v1.mp4", duration_s: 5 });
    const x4 = await api.generations.get("gen_x");
    expect(x4.composition?.version).toBe(1);
    await run.compositions.saveVersion({ generationId: "gen_x", timeline: sampleTimeline(2), videoPath: "/v2.mp4", duration_s: 5 });
    expect((await api.generations.get("gen_x")).composition?.version).toBe(2);
    expect(await api.generations.get("gen_x")).toBe(await api.generations.get("gen_x"));
    await api.close();
    await run.close();
  });
});
