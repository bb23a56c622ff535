import { afterAll, describe } from "vitest";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
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
