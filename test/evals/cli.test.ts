import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../evals/cli.js";
import { startFakeOpenAI } from "../fakes/openai-server.js";
import { RunResultSchema, type RunResult } from "../../evals/core/types.js";
import { captureIO, tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (text: string) => ({ content: [{ type: "text" as const, text }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] });

/** What a model might answer for the demo brief. */
const analysisAnswer = JSON.stringify({
  product: "oat-milk cold brew",
  narrative: "Hook on the can, show the chill, close on Shop now.",
  audience: "Gen Z",
  tone: "playful",
  pacing: "medium",
  duration_s: 30,
  language: "en",
  brand: { name: "Oatly Chill", colors: ["#1E3A8A", "#F59E0B"], cta: { text: "Shop now", duration_s: 3 } },
  style_hints: [],
  key_messages: ["oat-milk cold brew"],
  assumptions: [{ topic: "setting", assumption: "a café" }],
  warnings: [],
});

function runs(out: string): string[] {
  return readdirSync(out).sort();
}

function readRun(out: string, id: string): RunResult {
  return RunResultSchema.parse(JSON.parse(readFileSync(join(out, id, "results.json"), "utf8")));
}

describe("npm run eval (evals/cli.ts)", () => {
  it("exits 0 at or above --threshold and 1 below it, writing results.json and report.html", async () => {
    const out = join(tmp.dir, "threshold");
    const args = ["--suite", "analyze", "--case", "ad15-fintech", "--out", out];
    const ok = captureIO();
    expect(await main([...args, "--threshold", "90"], ok)).toBe(0);
    const run = readRun(out, runs(out)[0]!);
    expect(run.suites[0]!.cases.map((c) => c.id)).toEqual(["ad15-fintech"]);
    expect(run.score).toBeGreaterThanOrEqual(90);
    expect(run.score).toBeLessThan(95);
    expect(ok.out.join("")).toMatch(/analyze\s+9\d\.\d %/);
    expect(readFileSync(join(out, run.run_id, "report.html"), "utf8")).toContain(`<span class="id">ad15-fintech</span>`);

    const low = captureIO();
    expect(await main([...args, "--threshold", "95"], low)).toBe(1);
    expect(low.err.join("")).toMatch(/below the threshold of 95 %/);
    expect(readRun(out, runs(out)[1]!).passed).toBe(false);
  });

  it("exits 1 when a suite is below its own threshold, even without --threshold", async () => {
    const io = captureIO();
    // mv-ambient scores below 85 % offline ("muted greens" is not read as a colour).
    expect(await main(["--suite", "analyze", "--case", "mv-ambient", "--out", join(tmp.dir, "suite")], io)).toBe(1);
    expect(io.out.join("")).toMatch(/below the suite threshold: analyze/);
  });

  it("leaves out suites with no matching case, and exits 2 when nothing matches", async () => {
    const out = join(tmp.dir, "filter");
    const io = captureIO();
    expect(await main(["--case", "ad-swap-numbers", "--out", out], io)).toBe(0);
    expect(readRun(out, runs(out)[0]!).suites.map((s) => s.name)).toEqual(["edit"]);
    const none = captureIO();
    expect(await main(["--suite", "edit", "--case", "zzz-no-such-case", "--out", out], none)).toBe(2);
    expect(none.err).toEqual(["eval: no case matches --case zzz-no-such-case\n"]);
  });

  it("exits 2 with a one-line reason on bad usage", async () => {
    for (const args of [["--threshold", "abc"], ["--suite", "nope"], ["--provider", "claude"], ["stray"], ["--cache", "maybe"]]) {
      const io = captureIO();
      expect(await main(args, io), args.join(" ")).toBe(2);
      expect(io.err[0]).toMatch(/^eval: /);
    }
  });

  it("--compare lists the cases that moved between two runs, and --baseline after a run", async () => {
    const out = join(tmp.dir, "compare");
    expect(await main(["--suite", "edit", "--case", "ad-swap", "--out", out], captureIO())).toBe(0);
    const [first] = runs(out);
    const a = readRun(out, first!);
    const b = structuredClone(a);
    b.run_id = `${a.run_id}-b`;
    const worse = b.suites[0]!.cases[0]!;
    worse.score = 0.5;
    worse.passed = false;
    worse.scores[1] = { ...worse.scores[1]!, score: 0 };
    b.suites[0]!.cases.push({ ...worse, id: "brand-new", score: 1, passed: true });
    mkdirSync(join(out, b.run_id), { recursive: true });
    writeFileSync(join(out, b.run_id, "results.json"), JSON.stringify(b));

    const io = captureIO();
    expect(await main(["--compare", a.run_id, b.run_id, "--out", out], io)).toBe(0);
    const text = io.out.join("");
    expect(text).toContain(`regressed:\n  edit/${worse.id}  100.0 % → 50.0 % [now fails]  (timeline_exact 100.0 %→0.0 %)`);
    expect(text).toMatch(/1 regressed, 0 improved, 1 new, 0 gone/);
    expect(text).toContain("edit/brand-new");

    const back = captureIO();
    expect(await main(["--compare", b.run_id, a.run_id, "--out", out], back)).toBe(0);
    expect(back.out.join("")).toMatch(/improved:\n  edit\/\S+  50.0 % → 100.0 % \[now passes\]/);

    const base = captureIO();
    expect(await main(["--suite", "edit", "--case", "ad-swap", "--out", out, "--baseline", b.run_id], base)).toBe(0);
    expect(base.out.join("")).toMatch(/compare \S+-b .*\n[\s\S]*improved:/);

    const missing = captureIO();
    expect(await main(["--compare", "no-such-run", "latest", "--out", out], missing)).toBe(2);
    expect(missing.err[0]).toMatch(/no run "no-such-run"/);
  });

  it("--provider openai records model calls once; a rerun replays them with zero model calls", async () => {
    const out = join(tmp.dir, "openai");
    const cacheDir = join(tmp.dir, "cache");
    const args = ["--provider", "openai", "--suite", "analyze", "--case", "ad30-oat-cold-brew,ad15-fintech", "--out", out, "--concurrency", "1"];
    const models: MockLanguageModelV3[] = [];
    const createModel = () => {
      const m = new MockLanguageModelV3({ doGenerate: async () => reply(analysisAnswer) });
      models.push(m);
      return m;
    };
    const env = { OPENAI_API_KEY: "sk-test", REELGRAPH_LLM_MODEL: "mock-model" };

    const first = captureIO(env, { createModel, cacheDir });
    expect(await main(args, first)).toBeLessThan(2);
    expect(models[0]!.doGenerateCalls).toHaveLength(2);
    const recorded = readRun(out, runs(out)[0]!);
    expect(recorded.provider).toBe("openai:mock-model");
    expect(recorded.cache).toMatchObject({ mode: "record", recorded: 2, hits: 0 });

    const second = captureIO(env, { createModel, cacheDir });
    expect(await main(args, second)).toBeLessThan(2);
    expect(models[1]!.doGenerateCalls).toHaveLength(0);
    const replayed = readRun(out, runs(out)[1]!);
    expect(replayed.cache).toMatchObject({ mode: "record", recorded: 0, hits: 2 });
    const scores = (r: RunResult) => r.suites[0]!.cases.map((c) => [c.id, c.score, c.scores]);
    expect(scores(replayed)).toEqual(scores(recorded));

    const noKey = captureIO({ REELGRAPH_LLM_MODEL: "mock-model" }, { createModel, cacheDir });
    expect(await main(args, noKey)).toBeLessThan(2);
    expect(models).toHaveLength(2);
    expect(readRun(out, runs(out)[2]!).cache).toMatchObject({ mode: "replay", hits: 2 });
  });

  it("through the real OpenAI provider (a fake server): the replayed run sends no request", async () => {
    const fake = await startFakeOpenAI(() => ({ content: analysisAnswer }));
    try {
      const cacheDir = join(tmp.dir, "http-cache");
      const out = join(tmp.dir, "http");
      const env = { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL, REELGRAPH_LLM_MODEL: "fake-model" };
      const args = ["--provider", "openai", "--suite", "analyze", "--case", "ad30-oat-cold-brew", "--out", out];
      expect(await main(args, captureIO(env, { cacheDir }))).toBe(0);
      expect(fake.chatRequests()).toHaveLength(1);
      expect(fake.chatRequests()[0]!.body?.model).toBe("fake-model");
      expect(readdirSync(cacheDir)).toEqual([`openai_fake-model_127.0.0.1_${new URL(fake.baseURL).port}_chat`]);
      expect(await main(args, captureIO(env, { cacheDir }))).toBe(0);
      expect(fake.chatRequests()).toHaveLength(1);
      expect(readRun(out, runs(out)[1]!).suites[0]!.cases[0]!.score).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it("--provider openai without a key stops with one line when a call is not recorded", async () => {
    const io = captureIO({}, { cacheDir: join(tmp.dir, "empty-cache") });
    expect(await main(["--provider", "openai", "--suite", "analyze", "--case", "ad15-fintech", "--out", join(tmp.dir, "nokey")], io)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^eval: --provider openai needs a model call that is not recorded in evals\/cache\/ \(openai:gpt-4o-mini:chat, [0-9a-f]{12}\): set OPENAI_API_KEY to record it, or run --provider offline\n$/);
  });
});
