import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
import { migrate, MIGRATIONS } from "../../tools/store/postgres/migrations.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { allStoreContracts, sampleTimeline } from "./contracts/index.js";
import { jobStoreContract } from "./contracts/jobs.js";

const db = await createTestDatabase();
afterAll(() => db?.drop());

if (db) {
  // Each store set gets an empty schema of its own, as the SQLite suites get a new file.
  allStoreContracts("Postgres", async () => openPostgresStores(await db.freshSchema()));
  jobStoreContract("Postgres", async () => openPostgresStores(await db.freshSchema()));
} else {
  describe.skip("Postgres store contracts (no Postgres reachable)", () => undefined);
}

describe.skipIf(!db)("the Postgres backend", () => {
  it("serves a cached view only while nothing it was made of changed, whoever wrote", async () => {
    const url = await db!.freshSchema();
    const api = openPostgresStores(url);
    const worker = openPostgresStores(url);
    try {
      const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "A 15 second ad for a lemon soda, bright and fizzy", duration_s: 15 });
      await worker.generations.create({ id: "gen_pc", request });
      const first = await api.generations.get("gen_pc");
      expect(await api.generations.get("gen_pc")).toBe(first);
      const fresh = async () => {
        const v = await api.generations.get("gen_pc");
        expect(v).not.toBe(first);
        return v;
      };
      await worker.generations.update("gen_pc", { percent: 12 });
      let v = await fresh();
      expect(v.progress.percent).toBe(12);
      expect(await api.generations.get("gen_pc")).toBe(v);
      const clip = { id: "clip_pc_1", scene_id: "scene_1", status: "running" as const, provider: "local", prompt: "p", path: null, duration_s: null, attempts: 1, error: null, prediction_id: null, checksum: null };
      await worker.clips.upsert("gen_pc", clip);
      v = await api.generations.get("gen_pc");
      expect(v.clips.map((c) => c.status)).toEqual(["running"]);
      await worker.clips.setPredictionId("clip_pc_1", "pred_1");
      v = await api.generations.get("gen_pc");
      expect(v.clips[0]!.prediction_id).toBe("pred_1");
      await worker.compositions.saveVersion({ generationId: "gen_pc", timeline: sampleTimeline(1), videoPath: "/v1.mp4", duration_s: 5 });
      v = await api.generations.get("gen_pc");
      expect(v.composition?.version).toBe(1);
      await worker.compositions.saveVersion({ generationId: "gen_pc", timeline: sampleTimeline(2), videoPath: "/v2.mp4", duration_s: 5 });
      v = await api.generations.get("gen_pc");
      expect(v.composition?.version).toBe(2);
      // Nothing changed since: the same view, again and again.
      expect(await api.generations.get("gen_pc")).toBe(v);
      await worker.generations.update("gen_pc", { status: "completed" });
      expect((await api.generations.get("gen_pc")).status).toBe("completed");
    } finally {
      await api.close();
      await worker.close();
    }
  });

  it("upgrades a database an older version migrated, keeping its data", async () => {
    const url = await db!.freshSchema();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      expect(await migrate(pool, MIGRATIONS.slice(0, 1))).toBe(1);
      await pool.query("INSERT INTO idempotency_keys (key, value, fingerprint, created_at) VALUES ('client:k', 'gen_old', 'h', now())");
      await expect(pool.query("SELECT 1 FROM jobs")).rejects.toThrow(/jobs/);
    } finally {
      await pool.end();
    }
    const s = openPostgresStores(url);
    try {
      expect(await s.idempotency.claim("client:k", "gen_new", "h")).toEqual({ value: "gen_old", fingerprint: "h", claimed: false });
      expect(await s.jobs.forComposition("comp_none")).toEqual([]);
      const [r] = await s.context.query<{ v: number }>("SELECT max(version) AS v FROM reelgraph_migrations");
      expect(r!.v).toBe(MIGRATIONS.length);
    } finally {
      await s.close();
    }
  });
});
