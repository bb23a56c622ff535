import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, loadConfiguration } from "../../graph/configuration.js";
import { openPostgresStores } from "../../tools/store/postgres/index.js";
import { testApp } from "../helpers/app.js";
import { testConfig } from "../helpers/env.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("DATABASE_URL", () => {
  it("is read as a postgres:// URL and refused otherwise", () => {
    expect(loadConfiguration({}).databaseUrl).toBeUndefined();
    expect(loadConfiguration({ DATABASE_URL: "" }).databaseUrl).toBeUndefined();
    expect(loadConfiguration({ DATABASE_URL: "postgres://u@127.0.0.1:5432/rg" }).databaseUrl).toBe("postgres://u@127.0.0.1:5432/rg");
    expect(loadConfiguration({ DATABASE_URL: "postgresql://u@db/rg" }).databaseUrl).toBe("postgresql://u@db/rg");
    expect(() => loadConfiguration({ DATABASE_URL: "mysql://u@db/rg" })).toThrow(ConfigurationError);
    expect(() => loadConfiguration({ DATABASE_URL: "mysql://u@db/rg" })).toThrow(/DATABASE_URL/);
  });

  it("without it the stores are SQLite files in the data folder; with ':memory:' nothing is kept even when it is set", async () => {
    const t = testConfig();
    cleanups.push(() => t.cleanup());
    const app = testApp(t.config);
    cleanups.push(() => app.close(0));
    expect(app.stores.backend).toBe("sqlite");
    // Nothing listens here: were it used, this would fail on first use.
    const memory = testApp({ ...t.config, databaseUrl: "postgres://nobody@127.0.0.1:1/none" }, {}, { stores: ":memory:" });
    cleanups.push(() => memory.close(0));
    expect(memory.stores.backend).toBe("sqlite");
    expect(await memory.stores.generations.has("gen_x")).toBe(false);
  });

  it("on a Postgres nobody answers, the first store call fails with the reason (and can be closed)", async () => {
    const s = openPostgresStores("postgres://nobody@127.0.0.1:1/none");
    await expect(s.generations.has("gen_x")).rejects.toThrow(/ECONNREFUSED|connect/);
    await s.close();
  });
});
