import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { openSqliteStores } from "../../tools/store/sqlite/index.js";
import { openDb } from "../../tools/store/sqlite/db.js";
import { allStoreContracts } from "./contracts/index.js";
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

  it("upgrades a data folder from before the split: idempotency keys move to their own table", async () => {
    const path = join(dir, "old.db");
    const db = openDb(path);
    db.exec("DELETE FROM idempotency_keys");
    db.pragma("user_version = 3");
    db.exec("DROP TABLE idempotency_keys; ALTER TABLE generations DROP COLUMN extra; ALTER TABLE composition_versions DROP COLUMN poster_path;");
    db.prepare("INSERT INTO generations (id, pipeline, status, request, idempotency_key, request_hash, created_at, updated_at) VALUES ('gen_old', 'ad', 'completed', '{}', 'client:key1', 'h', 'now', 'now')").run();
    db.close();
    const s = openSqliteStores(path);
    expect(await s.idempotency.claim("client:key1", "gen_new", "h")).toEqual({ value: "gen_old", fingerprint: "h", claimed: false });
    await s.close();
  });
});
