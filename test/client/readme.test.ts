import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiHarness } from "../server/harness.js";

/**
 * The README's client example, as written, against a real server: it imports
 * "reelgraph/client" (the package's export, the built dist/client), type-checks with tsc and
 * runs to a completed generation.
 */

const ROOT = resolve(import.meta.dirname, "../..");
// Inside the package, so "reelgraph/client" resolves through package.json "exports".
const DIR = join(ROOT, "dist", ".readme-example");
const FILE = join(DIR, "example.ts");

function example(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = /<!-- client-example -->\n```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README.md has no <!-- client-example --> ts block");
  return m[1]!;
}

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
  mkdirSync(DIR, { recursive: true });
  writeFileSync(FILE, example());
});
afterAll(async () => {
  await api.close(0);
  rmSync(DIR, { recursive: true, force: true });
});

describe("the README's client example", () => {
  it("imports the built package export", () => {
    expect(existsSync(join(ROOT, "dist/client/index.js")), "run npm run build first").toBe(true);
    expect(example()).toContain('from "reelgraph/client"');
  });

  it("type-checks against the built declarations", () => {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", FILE], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("runs to a completed generation against a real server", async () => {
    // Not spawnSync: the server answers from this process's event loop.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ["--import", "tsx", FILE], { cwd: ROOT, env: { ...process.env, REELGRAPH_URL: api.url, REELGRAPH_API_KEY: "" } });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", fail);
      child.on("close", (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^completed \/api\/v1\/compositions\/comp_\S+\/video(\?version=1)?\n$/);
    expect(r.stderr).toMatch(/^stage /m);
    expect(r.stderr).toMatch(/^completed/m);
  });
});
