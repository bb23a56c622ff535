import { describe, expect, it } from "vitest";
import { CacheMissError } from "../../evals/cache.js";
import { caseScore, mapLimit, overallScore, runSuite, type AnySuite } from "../../evals/core/runner.js";
import type { Suite } from "../../evals/core/types.js";
import { offlineContext } from "./helpers.js";

const ctx = offlineContext();

function suite(task: (n: number) => Promise<number>, extra: Partial<Suite<number, number, number>> = {}): AnySuite {
  const s: Suite<number, number, number> = {
    name: "toy",
    description: "doubles numbers",
    threshold: 60,
    data: async () => [1, 2, 3, 4].map((n) => ({ id: `n${n}`, title: `double ${n}`, tags: [n % 2 ? "odd" : "even"], input: n, expected: n * 2 })),
    task,
    scorers: [
      { name: "exact", kind: "hard", score: ({ output, expected }) => ({ score: output === expected ? 1 : 0, detail: output === expected ? undefined : `${output} ≠ ${expected}` }) },
      { name: "close", kind: "soft", weight: 3, score: ({ output, expected }) => ({ score: Math.max(0, 1 - Math.abs(output - expected) / expected) }) },
      { name: "never", kind: "soft", score: () => ({ score: null, detail: "skipped" }) },
    ],
    artifact: ({ output }) => ({ kind: "number", value: output }),
    ...extra,
  };
  return s as unknown as AnySuite;
}

describe("the eval runner", () => {
  it("scores each case by the weighted mean of the scorers that ran", async () => {
    const r = await runSuite(suite(async (n) => (n === 3 ? 5 : n * 2)), { ctx, clock: () => 0 });
    const c3 = r.cases.find((c) => c.id === "n3")!;
    expect(c3.scores.map((s) => s.score)).toEqual([0, 0.8333, null]);
    expect(c3.score).toBeCloseTo((0 + 3 * 0.8333) / 4, 4);
    expect(c3.passed).toBe(false);
    expect(r.cases.filter((c) => c.passed).map((c) => c.id)).toEqual(["n1", "n2", "n4"]);
    expect(r.score).toBeCloseTo(((3 + c3.score) / 4) * 100, 1);
    expect(r.passed).toBe(true);
    expect(r.scorers.find((s) => s.name === "exact")).toMatchObject({ mean: 0.75, scored: 4, perfect: 3, skipped: 0 });
    expect(r.scorers.find((s) => s.name === "never")).toMatchObject({ mean: null, scored: 0, skipped: 4 });
    expect(r.tags.find((t) => t.tag === "odd")!.count).toBe(2);
    expect(r.cases[0]!.artifact).toEqual({ kind: "number", value: 2 });
  });

  it("records a task's error as a 0 for that case and goes on", async () => {
    const r = await runSuite(suite(async (n) => { if (n === 2) throw new TypeError("boom"); return n * 2; }), { ctx });
    const c2 = r.cases.find((c) => c.id === "n2")!;
    expect(c2).toMatchObject({ score: 0, passed: false, error: "TypeError: boom", scores: [] });
    expect(r.score).toBe(75);
  });

  it("a scorer that throws scores 0 with the reason; the suite fails below its threshold", async () => {
    const s = suite(async (n) => n * 2, { threshold: 90 });
    s.scorers.push({ name: "broken", kind: "hard", score: () => { throw new Error("bad scorer"); } });
    const r = await runSuite(s, { ctx });
    expect(r.cases[0]!.scores.at(-1)).toEqual({ name: "broken", kind: "hard", score: 0, detail: "scorer failed: bad scorer" });
    expect(r.passed).toBe(false);
  });

  it("stops the whole run on a model call missing from the replay cache", async () => {
    const miss = new CacheMissError("k".repeat(64), "openai:m", "/x.json");
    await expect(runSuite(suite(async () => { throw new Error("wrapped", { cause: miss }); }), { ctx })).rejects.toThrow("wrapped");
  });

  it("keeps only the filtered cases", async () => {
    const r = await runSuite(suite(async (n) => n * 2), { ctx, filter: (_s, c) => c.tags.includes("even") });
    expect(r.cases.map((c) => c.id)).toEqual(["n2", "n4"]);
  });

  it("helpers: case score rules, ordered bounded map, overall mean of suites", async () => {
    expect(caseScore([], {}, "err")).toEqual({ score: 0, passed: false });
    expect(caseScore([{ name: "a", kind: "hard", score: null }], {}, null)).toEqual({ score: 0, passed: true });
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2], 2, async (x) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, x));
      active--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 30, 20]);
    expect(peak).toBe(2);
    expect(overallScore([{ score: 90 }, { score: 70 }])).toBe(80);
    // A suite that reports a target not reached yet (gating false) stays out of the overall score.
    expect(overallScore([{ score: 90 }, { score: 70 }, { score: 10, gating: false }])).toBe(80);
    expect(overallScore([{ score: 10, gating: false }])).toBe(10);
  });
});
