import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeReplicateServer, renderTinyMp4 } from "../../devkit/fakes/replicate-server.js";
import { endChild, spawnChild } from "../helpers/processes.js";

/** The CLI's cost output: the plan's estimate, a dry run that pays nothing, and a refused cap. */

const TOKEN = "r8_cli_cost";
const dataDir = mkdtempSync(join(tmpdir(), "rg-cli-cost-"));
let fake: FakeReplicateServer;

beforeAll(async () => {
  await renderTinyMp4(join(dataDir, "tiny.mp4"));
  fake = await FakeReplicateServer.start({ video: readFileSync(join(dataDir, "tiny.mp4")), token: TOKEN });
});
afterAll(async () => {
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnChild(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    env: { ...process.env, REELGRAPH_DATA_DIR: join(dataDir, "data"), REELGRAPH_SHORT_SIDE: "180", OPENAI_API_KEY: "", REPLICATE_API_TOKEN: TOKEN, REPLICATE_BASE_URL: fake.baseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  try {
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    return { code, stdout, stderr };
  } finally {
    await endChild(child);
  }
}

const brief = ["--pipeline", "ad", "--prompt", "20s ad for Volt e-bikes, bold, city commuters", "--duration", "20"];

describe("reelgraph cost on the command line", () => {
  it("plan --json prints the estimate per clip and in total with its basis; generate --dry-run pays nothing", { timeout: 120_000 }, async () => {
    const plan = await cli("plan", ...brief, "--video-model", "openai/sora-2-pro", "--json");
    expect(plan.code, plan.stderr).toBe(0);
    const out = JSON.parse(plan.stdout);
    expect(out.estimate).toMatchObject({ model: "replicate:openai/sora-2-pro", basis: "per_second", currency: "USD" });
    expect(out.estimate.per_clip.length).toBe(out.timeline.scenes.flatMap((s: any) => s.shots).length);
    expect(out.estimate.estimate_usd).toBeGreaterThan(0);

    const dry = await cli("generate", ...brief, "--video-model", "openai/sora-2-pro", "--dry-run", "--max-cost", "0.5", "--json");
    expect(dry.code).not.toBe(0);
    expect(dry.stderr).toMatch(/cost: \$\d+\.\d\d for \d+ clip\(s\) to make on replicate:openai\/sora-2-pro \(per_second, price read \d{4}-\d{2}-\d{2}\); max \$0\.50/);
    expect(dry.stderr).toMatch(/would be refused: the estimated cost/);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, budget: { allowed: false, max_cost_usd: 0.5 } });
    expect(fake.creates()).toHaveLength(0);
  });

  it("a bad --max-cost is a one-line usage error", async () => {
    const r = await cli("generate", ...brief, "--max-cost", "lots");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--max-cost/);
  });
});
