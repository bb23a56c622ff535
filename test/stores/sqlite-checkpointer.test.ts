import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { END, START, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { openSqliteCheckpointer } from "../../tools/store/sqlite/checkpointer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("openSqliteCheckpointer", () => {
  it("opens the file in WAL with synchronous NORMAL and a busy timeout, creating its folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
    dirs.push(dir);
    const saver = openSqliteCheckpointer(join(dir, "nested", "checkpoints.db"));
    const db = (saver as unknown as { db: import("better-sqlite3").Database }).db;
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    db.close();
  });

  it("keeps a thread's state across connections: a second process reads what the first wrote and goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
    dirs.push(dir);
    const path = join(dir, "checkpoints.db");
    const State = z.object({ steps: z.array(z.string()) });
    const build = (saver: ReturnType<typeof openSqliteCheckpointer>, stopAfterA: boolean) =>
      new StateGraph(State)
        .addNode("a", (s) => ({ steps: [...s.steps, "a"] }))
        .addNode("b", (s) => ({ steps: [...s.steps, "b"] }))
        .addEdge(START, "a")
        .addEdge("a", "b")
        .addEdge("b", END)
        .compile({ checkpointer: saver, interruptAfter: stopAfterA ? ["a"] : [] });
    const first = openSqliteCheckpointer(path);
    const config = { configurable: { thread_id: "t1" }, durability: "sync" as const };
    await build(first, true).invoke({ steps: [] }, config);
    (first as unknown as { db: { close(): void } }).db.close();

    const second = openSqliteCheckpointer(path);
    const graph = build(second, false);
    expect((await graph.getState(config)).values).toEqual({ steps: ["a"] });
    expect(await graph.invoke(null, config)).toEqual({ steps: ["a", "b"] });
    (second as unknown as { db: { close(): void } }).db.close();
  });
});

describe("openSqliteCheckpointer's connection", () => {
  it("prepares each statement once, however many checkpoints are written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ckpt-"));
    dirs.push(dir);
    const saver = openSqliteCheckpointer(join(dir, "checkpoints.db"));
    const db = (saver as unknown as { db: import("better-sqlite3").Database }).db;
    expect(db.prepare("SELECT 1")).toBe(db.prepare("SELECT 1"));
    const State = z.object({ n: z.number() });
    const graph = new StateGraph(State)
      .addNode("inc", (s) => ({ n: s.n + 1 }))
      .addEdge(START, "inc")
      .addEdge("inc", END)
      .compile({ checkpointer: saver });
    for (let i = 0; i < 3; i++) expect(await graph.invoke({ n: i }, { configurable: { thread_id: `t${i}` }, durability: "sync" })).toEqual({ n: i + 1 });
    const history = [];
    for await (const c of saver.list({ configurable: { thread_id: "t2" } })) history.push(c.checkpoint.id);
    expect(history.length).toBeGreaterThanOrEqual(2);
    db.close();
  });
});
