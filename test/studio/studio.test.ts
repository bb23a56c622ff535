import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { MemorySaver } from "@langchain/langgraph";
import { createReelgraph } from "../../app/reelgraph.js";
import { loadConfiguration } from "../../graph/configuration.js";
import { silentLog } from "../helpers/env.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endChild, spawnChild } from "../helpers/processes.js";

const PORT = 2025 + Math.floor(Math.random() * 400) + 100;
let child: ChildProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "rg-studio-"));
  child = spawnChild("node_modules/.bin/langgraphjs", ["dev", "--port", String(PORT), "--host", "127.0.0.1", "--no-browser"], {
    env: { ...process.env, REELGRAPH_DATA_DIR: dataDir, REELGRAPH_SHORT_SIDE: "180", LOG_LEVEL: "silent", OPENAI_API_KEY: "", REPLICATE_API_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let exited: string | null = null;
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  child.on("exit", (c) => (exited = `langgraphjs dev exited ${c}: ${out.slice(-2000)}`));
  for (const end = Date.now() + 110_000; ; ) {
    if (exited) throw new Error(exited);
    const ok = await fetch(`http://127.0.0.1:${PORT}/ok`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end) throw new Error(`langgraphjs dev did not answer: ${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 120_000);

afterAll(async () => {
  if (child) await endChild(child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the graph under the local LangGraph API server (what Studio talks to)", () => {
  it("is registered and runs a brief to a finished composition", async () => {
    const client = new Client({ apiUrl: `http://127.0.0.1:${PORT}` });
    const assistants = await client.assistants.search({ graphId: "reelgraph" });
    expect(assistants.length).toBeGreaterThan(0);
    const thread = await client.threads.create();
    const final = (await client.runs.wait(thread.thread_id, "reelgraph", {
      input: { request: { pipeline: "ad", prompt: "15 second ad for Pebble smart rings, minimal", duration_s: 15 } },
    })) as Record<string, any>;
    expect(final.error).toBeNull();
    expect(final.analysis.duration_s).toBe(15);
    expect(final.composition.version).toBe(1);
    expect(final.timeline.duration_s).toBe(15);
    const history = await client.threads.getHistory(thread.thread_id);
    const nodes = history.flatMap((h: any) => h.next ?? []);
    expect(nodes).toEqual(expect.arrayContaining(["analyze", "plan", "stylize", "generate", "compose"]));

    // A server started later on the same data folder finds nothing of this run to pick up and run again.
    const app = createReelgraph(loadConfiguration({ REELGRAPH_DATA_DIR: dataDir, LOG_LEVEL: "silent" }), { checkpointer: new MemorySaver(), log: silentLog });
    try {
      expect(await app.stores.generations.has(thread.thread_id)).toBe(false);
      expect(await app.stores.generations.unfinished()).toEqual([]);
      expect(await app.runner.resumeUnfinished()).toEqual([]);
      // The clip ledger did record what was asked of the provider (the pay-once rule), and nothing else.
      const ledger = await app.stores.clips.listFor(thread.thread_id);
      expect(ledger.length).toBeGreaterThan(0);
      expect(ledger.every((c) => c.status === "succeeded")).toBe(true);
    } finally {
      await app.close(0);
    }
  });
});
