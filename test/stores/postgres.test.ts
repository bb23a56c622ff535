import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
import { migrate, MIGRATIONS } from "../../tools/store/postgres/migrations.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { allStoreContracts } from "./contracts/index.js";
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
