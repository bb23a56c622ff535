import { MemorySaver } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startGeneration, testApp } from "../helpers/app.js";
import type { Composer } from "../../graph/ports.js";
import { compileGraph } from "../../graph/index.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { FfmpegError, runFfmpeg } from "../../tools/ffmpeg/run.js";
import { drawtextFilter } from "../../tools/ffmpeg/text.js";
import { FakeVideoProvider } from "../fakes/video-provider.js";
import { silentLog, testConfig } from "../helpers/env.js";

/**
 * FFmpeg as a fault surface: one module spawns it (never through a shell), every call has a
 * deadline and a hung process is really killed, user text reaches drawtext only by file, and
 * a failed compose is retried once and then reported.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE_DIRS = ["cli", "app", "core", "graph", "server", "tools", "prompts", "client", "devkit", "evals", "bench", "scripts"];

function tsFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? (e.name === "node_modules" ? [] : tsFiles(join(dir, e.name))) : /\.(ts|mts|js|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
}

const source = SOURCE_DIRS.flatMap(tsFiles);
const tests = tsFiles("test");
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");

/** The argument text of every call to `name(` in `text`, parentheses balanced. */
function callsOf(text: string, name: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf(`${name}(`); i >= 0; i = text.indexOf(`${name}(`, i + 1)) {
    if (/function\s+$/.test(text.slice(Math.max(0, i - 20), i)) || /\w/.test(text[i - 1] ?? "")) continue;
    let depth = 0;
    let j = i + name.length;
    for (; j < text.length; j++) {
      if (text[j] === "(") depth++;
      else if (text[j] === ")" && --depth === 0) break;
    }
    out.push(text.slice(i + name.length + 1, j));
  }
  return out;
}

describe("where FFmpeg runs", () => {
  it("is spawned from tools/ffmpeg/run.ts only (through its launcher), and nothing anywhere uses a shell", () => {
    expect(source.length).toBeGreaterThan(50);
    const importsChildProcess = (text: string) => /from\s+["'](node:)?child_process["']|require\(["'](node:)?child_process["']\)|import\(["'](node:)?child_process["']\)/.test(text);
    // The product itself starts no process but FFmpeg, and that in one place: run.ts, which
    // hands each process to its launcher (a small node process that spawns what run.ts sends).
    const product = source.filter((f) => /^(cli|graph|server|tools|prompts|app|core)\//.test(f));
    expect(product.filter((f) => importsChildProcess(read(f))).sort()).toEqual(["tools/ffmpeg/launcher.ts", "tools/ffmpeg/run.ts"]);
    const launcher = read("tools/ffmpeg/launcher.ts");
    expect(launcher).toMatch(/spawn\(process\.execPath, \["-e", LAUNCHER_SOURCE\]/);
    expect(source.filter((f) => f !== "tools/ffmpeg/run.ts" && /\bLauncher\b/.test(read(f)) && !f.startsWith("tools/ffmpeg/"))).toEqual([]);
    // Benches, evals, scripts and tests may start other programs, never FFmpeg itself.
    for (const f of [...source, ...tests]) {
      const text = read(f);
      expect(/shell\s*:\s*true/.test(text), `${f} spawns through a shell`).toBe(false);
      if (f !== "tools/ffmpeg/run.ts" && f !== "tools/ffmpeg/launcher.ts" && importsChildProcess(text)) expect(/["'`](ffmpeg|ffprobe)["'`]/.test(text), `${f} starts ffmpeg without run.ts`).toBe(false);
    }
    const run = read("tools/ffmpeg/run.ts");
    expect(run).toMatch(/spawn\(program, args, \{/);
    expect(run).not.toMatch(/\bexec(Sync|File)?\(/);
  });

  it("is always given a deadline by its callers", () => {
    const sites: string[] = [];
    for (const f of source.filter((f) => f !== "tools/ffmpeg/run.ts")) {
      const text = read(f);
      for (const name of ["runFfmpeg", "runFfprobe"]) {
        for (const args of callsOf(text, name)) {
          sites.push(f);
          expect(args, `${f}: ${name}(${args.slice(0, 80)}…) has no timeoutS`).toMatch(/timeoutS|\brun\b/);
        }
      }
    }
    expect(sites.length).toBeGreaterThanOrEqual(5);
    // probe.ts passes a prepared `run` object: it must carry the deadline.
    expect(read("tools/ffmpeg/probe.ts")).toMatch(/const run = \{ timeoutS: /);
  });

  it("kills a hung FFmpeg at its deadline, and on abort, leaving no process behind", async () => {
    const alive = (marker: string) =>
      readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .some((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, "latin1").includes(marker);
          } catch {
            return false;
          }
        });
    const forever = (marker: string) => ["-re", "-f", "lavfi", "-i", "testsrc2=size=32x32:rate=5", "-metadata", `comment=${marker}`, "-f", "null", "-"];

    const a = `hung-${randomUUID()}`;
    const started = Date.now();
    const err = await runFfmpeg(forever(a), { timeoutS: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).context.timedOut).toBe(true);
    expect((err as FfmpegError).message).toContain("timed out after 1 s");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(alive(a)).toBe(false);

    const b = `aborted-${randomUUID()}`;
    const stop = new AbortController();
    const pending = runFfmpeg(forever(b), { timeoutS: 60, signal: stop.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 400));
    expect(alive(b)).toBe(true);
    stop.abort(new Error("cancelled"));
    const aborted = await pending;
    expect((aborted as FfmpegError).message).toContain("was cancelled");
    expect(alive(b)).toBe(false);
  });
});

describe("user text in filter graphs", () => {
  it("reaches drawtext only through a text file, with expansion off", () => {
    for (const f of source.filter((x) => x !== "tools/ffmpeg/text.ts")) {
      const text = read(f);
      expect(/["'`]drawtext=/.test(text), `${f} writes a drawtext filter by hand`).toBe(false);
      expect(/[:=]text=\$\{/.test(text), `${f} puts a value into text=`).toBe(false);
    }
    const hostile = `50% off'; drawtext=text=%{pts}[out],x`;
    const filter = drawtextFilter({ textFile: "/tmp/cta's [1].txt", font: { file: "/fonts/a:b.ttf" }, fontSize: 24, color: "white", x: "(w-tw)/2", y: "h-th-20" });
    expect(filter).toMatch(/^drawtext=fontfile=.*:textfile=.*:expansion=none:/);
    expect(filter).not.toMatch(/(^|:)text=/);
    expect(filter).not.toContain(hostile);
  });
});

describe("a failed compose", () => {
  const envs: { cleanup(): void }[] = [];
  afterEach(() => envs.splice(0).forEach((e) => e.cleanup()));

  async function runWith(failures: number) {
    const t = testConfig();
    envs.push(t);
    let calls = 0;
    const composer: Composer = {
      async compose(input) {
        calls++;
        if (calls <= failures) throw new Error(`ffmpeg exited with 1: Conversion failed (attempt ${calls})`);
        writeFileSync(input.outPath, "video");
        return { path: input.outPath, duration_s: input.timeline.duration_s, reused: 0, encoded: input.timeline.scenes.length };
      },
    };
    const app = testApp(t.config, { videoFor: () => new FakeVideoProvider("fake"), composer });
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15 });
    const id = await startGeneration(app, request);
    await app.runner.waitFor(id);
    const g = await app.stores.generations.get(id);
    const events = (await app.stores.events.after(id, 0)).map((e) => e.type);
    await app.close(0);
    return { g, calls, events };
  }

  it("is retried once and the run completes when the retry works", async () => {
    const { g, calls, events } = await runWith(1);
    expect(calls).toBe(2);
    expect(g.status).toBe("completed");
    expect(events.filter((e) => e === "composition_ready")).toHaveLength(1);
  });

  it("is reported after the retry fails too: the run ends failed at compose with FFmpeg's message", async () => {
    const { g, calls, events } = await runWith(99);
    expect(calls).toBe(2);
    expect(g.status).toBe("failed");
    expect(g.error).toMatchObject({ stage: "compose" });
    expect(g.error!.message).toContain("Conversion failed (attempt 2)");
    expect(events.at(-1)).toBe("failed");
  });
});
