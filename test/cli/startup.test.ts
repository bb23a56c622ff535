import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The built CLI (npm run build → dist/): the package's bin runs plan and serve with plain
 * Node, and a plan loads only what planning needs (each command's modules are imported when
 * it is chosen).
 */

const BIN = "dist/reelgraph.js";
const UNBUNDLED = "dist/cli/main.js";
const dir = mkdtempSync(join(tmpdir(), "rg-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, REELGRAPH_DATA_DIR: dir, OPENAI_API_KEY: "", REPLICATE_API_TOKEN: "", LOG_LEVEL: "warn" };
const brief = ["--pipeline", "ad", "--prompt", "45s ad for Volt e-bikes, bold, city commuters", "--duration", "45", "--cta", "Ride today", "--json"];

describe("the built CLI", () => {
  it("exists (npm run build, which npm test's setup runs)", () => {
    expect(existsSync(BIN), "run `npm run build` first").toBe(true);
    expect(readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    expect(JSON.parse(readFileSync("package.json", "utf8")).bin.reelgraph).toBe("./dist/reelgraph.js");
  });

  it("plans with plain Node (no tsx), the same plan as the sources make", () => {
    const built = spawnSync(process.execPath, [BIN, "plan", ...brief], { env, encoding: "utf8", timeout: 60_000 });
    expect(built.status, built.stderr).toBe(0);
    const fromSource = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "plan", ...brief], { env, encoding: "utf8", timeout: 60_000 });
    expect(fromSource.status, fromSource.stderr).toBe(0);
    // clip ids carry the run's random id
    const same = (out: string) => JSON.parse(out.replace(/clip_plan_[0-9a-f]+_/g, "clip_plan_X_"));
    const a = same(built.stdout);
    const b = same(fromSource.stdout);
    expect(a.timeline.duration_s).toBe(45);
    expect(a.timeline.cta.text).toBe("Ride today");
    expect(a).toEqual(b);
  });

  it("is pure ASCII, and plans briefs in other scripts as the sources do (the lexicons' regexes are escaped in the bundle)", () => {
    for (const f of ["dist/bundle/reelgraph.cjs", "dist/bundle/run-thread-worker.cjs"]) expect(/[^\x00-\x7f]/.test(readFileSync(f, "latin1")), f).toBe(false);
    const same = (out: string) => JSON.parse(out.replace(/clip_plan_[0-9a-f]+_/g, "clip_plan_X_"));
    for (const prompt of ["30-Sekunden-Spot für Kaffee „Mokka Nord“, schwarz-weiß, ruhig, Crème-Töne — Zielgruppe: Pendler", "緑茶ブランド「青葉」の20秒広告、白黒、静か。【CTA】今すぐ購入"]) {
      const args = ["plan", "--pipeline", "ad", "--prompt", prompt, "--json"];
      const built = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 60_000 });
      expect(built.status, built.stderr).toBe(0);
      const fromSource = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { env, encoding: "utf8", timeout: 60_000 });
      expect(fromSource.status, fromSource.stderr).toBe(0);
      expect(same(built.stdout)).toEqual(same(fromSource.stdout));
    }
  });

  it("keeps a V8 code cache beside the bundle for the next start", () => {
    const r = spawnSync(process.execPath, [BIN, "plan", ...brief], { env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync("dist/bundle").filter((f) => f.endsWith(`.${process.version}.v8cache`))).toHaveLength(1);
  });

  it("exits 2 with a one-line reason on bad input", () => {
    const r = spawnSync(process.execPath, [BIN, "plan", "--pipeline", "ad", "--prompt", "an ad", "--duration", "5"], { env, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--duration/);
  });

  it("reads a long brief from --prompt-file and refuses one past REELGRAPH_MAX_PROMPT_CHARS, naming the flag", () => {
    const long = "test/fixtures/briefs/nimbus-long.txt";
    const r = spawnSync(process.execPath, [BIN, "plan", "--pipeline", "ad", "--prompt-file", long, "--json"], { env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).timeline.duration_s).toBe(45);
    const tight = spawnSync(process.execPath, [BIN, "plan", "--pipeline", "ad", "--prompt-file", long], { env: { ...env, REELGRAPH_MAX_PROMPT_CHARS: "4000" }, encoding: "utf8", timeout: 60_000 });
    expect(tight.status).toBe(2);
    expect(tight.stderr).toMatch(/^reelgraph: --prompt-file: a brief may be at most 4000 characters\n$/);
    const both = spawnSync(process.execPath, [BIN, "plan", "--pipeline", "ad", "--prompt", "an ad", "--prompt-file", long], { env, encoding: "utf8", timeout: 60_000 });
    expect(both.status).toBe(2);
  });

  it("loads neither Express, Replicate, the AI SDK, pino nor the FFmpeg service or composer for a plan", () => {
    const trace = join(dir, "modules.txt");
    const r = spawnSync(process.execPath, ["--import", "./test/cli/trace-modules.mjs", UNBUNDLED, "plan", ...brief], { env: { ...env, REELGRAPH_TRACE_MODULES: trace }, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const loaded = readFileSync(trace, "utf8").split("\n").filter(Boolean);
    expect(loaded.some((u) => u.includes("/@langchain/langgraph/")), "the trace sees packages").toBe(true);
    const banned = [/\/node_modules\/express\//, /\/node_modules\/replicate\//, /\/node_modules\/ai\//, /\/node_modules\/@ai-sdk\//, /\/node_modules\/pino\//, /\/dist\/server\//, /\/dist\/tools\/ffmpeg-service\//, /\/dist\/tools\/compose\/index\.js/, /\/dist\/tools\/replicate\//, /\/dist\/tools\/audio\//];
    for (const rule of banned) expect(loaded.filter((u) => rule.test(u)), String(rule)).toEqual([]);
  });

  it("plans from the bundle without reading a package it left out (Express, BullMQ, pg, S3, Replicate, the AI SDK)", () => {
    const trace = join(dir, "requires.txt");
    const r = spawnSync(process.execPath, ["--require", "./test/cli/trace-requires.cjs", BIN, "plan", ...brief], { env: { ...env, REELGRAPH_TRACE_REQUIRES: trace }, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const fromPackages = readFileSync(trace, "utf8").split("\n").filter((f) => f.includes("/node_modules/"));
    expect(fromPackages.some((f) => f.includes("/node_modules/better-sqlite3/")), "the trace sees the native store").toBe(true);
    expect(fromPackages.filter((f) => !/\/node_modules\/(better-sqlite3|bindings|file-uri-to-path)\//.test(f))).toEqual([]);
    const bundle = readFileSync("dist/bundle/reelgraph.cjs", "latin1");
    for (const name of ["bullmq", "express", "@aws-sdk/client-s3", "pg"]) expect(bundle.includes(`require("${name}")`), name).toBe(true);
    // the launcher's vm.Script has no loader for import(): every package left outside is required
    expect(bundle.match(/\bimport\("[^"]+"\)/g) ?? []).toEqual([]);
  });

  it("serves the API from the built files and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], { env, stdio: ["ignore", "ignore", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = "";
        const timer = setTimeout(() => reject(new Error(`no URL in 30 s: ${err}`)), 30_000);
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
          const m = /reelgraph API on (http:\/\/\S+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string };
      expect(doc.openapi).toBe("3.1.0");
      const docs = await fetch(`${url}/docs/swagger-ui.css`);
      expect(docs.status).toBe(200);
      const code = await new Promise<number | null>((resolve) => {
        child.once("exit", (c) => resolve(c));
        child.kill("SIGTERM");
      });
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
