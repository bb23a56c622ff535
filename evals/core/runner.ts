import { cacheMissIn } from "../cache.js";
import type { EvalContext } from "./context.js";
import type { CaseResult, EvalCase, ScoreResult, ScorerSummary, Suite, SuiteResult } from "./types.js";
import { pool } from "../../graph/nodes/generate/logic.js";

/**
 * Runs suites: each case's task once, then every scorer on its output. A task that throws makes
 * that case score 0 with the error recorded; a model call missing from the replay cache stops
 * the whole run (its score would be meaningless).
 */

export type AnySuite = Suite<unknown, unknown, unknown>;

export interface RunnerOptions {
  ctx: EvalContext;
  /** Cases to keep (all when absent). */
  filter?: (suite: string, c: { id: string; tags: string[] }) => boolean;
  /** Cases in flight at once within a suite (default 4). */
  concurrency?: number;
  /** Milliseconds clock, injected for tests. */
  clock?: () => number;
  /** Called as each case finishes (progress on stderr). */
  onCase?: (suite: string, result: CaseResult) => void;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

function message(error: unknown): string {
  return error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
}

/** Weighted mean of the scores that ran; passed when no error and every hard score is 1. */
export function caseScore(scores: ScoreResult[], weights: Record<string, number>, error: string | null): { score: number; passed: boolean } {
  if (error) return { score: 0, passed: false };
  let sum = 0;
  let weight = 0;
  for (const s of scores) {
    if (s.score === null) continue;
    const w = weights[s.name] ?? 1;
    sum += s.score * w;
    weight += w;
  }
  const passed = scores.every((s) => s.kind !== "hard" || s.score === null || s.score >= 1 - 1e-9);
  return { score: weight ? round4(sum / weight) : 0, passed };
}

async function runCase(suite: AnySuite, c: EvalCase<unknown, unknown>, opts: RunnerOptions): Promise<CaseResult> {
  const clock = opts.clock ?? Date.now;
  const t0 = clock();
  const weights = Object.fromEntries(suite.scorers.map((s) => [s.name, s.weight ?? 1]));
  let output: unknown;
  let error: string | null = null;
  try {
    output = await suite.task(c.input, opts.ctx);
  } catch (e) {
    if (cacheMissIn(e)) throw e;
    error = message(e);
  }
  const scores: ScoreResult[] = [];
  let artifact: CaseResult["artifact"] = null;
  if (!error) {
    for (const scorer of suite.scorers) {
      try {
        const s = await scorer.score({ input: c.input, output, expected: c.expected, ctx: opts.ctx });
        const value = s.score === null ? null : round4(Math.min(1, Math.max(0, s.score)));
        scores.push({ name: scorer.name, kind: scorer.kind, score: value, ...(s.detail ? { detail: s.detail } : {}) });
      } catch (e) {
        if (cacheMissIn(e)) throw e;
        scores.push({ name: scorer.name, kind: scorer.kind, score: 0, detail: `scorer failed: ${message(e)}` });
      }
    }
    try {
      artifact = suite.artifact?.({ input: c.input, output, expected: c.expected }) ?? null;
    } catch (e) {
      artifact = { kind: "error", error: message(e) };
    }
  }
  const { score, passed } = caseScore(scores, weights, error);
  return { id: c.id, title: c.title, tags: c.tags, score, passed, error, scores, duration_ms: Math.round(clock() - t0), artifact };
}

/** Runs `items` through `fn` with at most `limit` in flight, keeping their order (the graph's own pool). */
export { pool as mapLimit };

/** Per-scorer means, perfect counts and skips over a suite's cases. */
export function summarizeScorers(suite: Pick<AnySuite, "scorers">, cases: CaseResult[]): ScorerSummary[] {
  return suite.scorers.map((scorer) => {
    const values = cases.flatMap((c) => c.scores.filter((s) => s.name === scorer.name));
    const scored = values.filter((s): s is ScoreResult & { score: number } => s.score !== null);
    return {
      name: scorer.name,
      kind: scorer.kind,
      mean: scored.length ? round4(scored.reduce((a, s) => a + s.score, 0) / scored.length) : null,
      scored: scored.length,
      perfect: scored.filter((s) => s.score >= 1 - 1e-9).length,
      skipped: values.length - scored.length,
    };
  });
}

/** Mean case score per tag, in percent. */
export function summarizeTags(cases: CaseResult[]): SuiteResult["tags"] {
  const byTag = new Map<string, number[]>();
  for (const c of cases) for (const t of c.tags) byTag.set(t, [...(byTag.get(t) ?? []), c.score]);
  return [...byTag.entries()].map(([tag, s]) => ({ tag, score: round2((s.reduce((a, b) => a + b, 0) / s.length) * 100), count: s.length }));
}

/** One suite: data, every case's task and scorers, the summary. */
export async function runSuite(suite: AnySuite, opts: RunnerOptions): Promise<SuiteResult> {
  const clock = opts.clock ?? Date.now;
  const t0 = clock();
  const all = await suite.data(opts.ctx);
  const cases = opts.filter ? all.filter((c) => opts.filter!(suite.name, c)) : all;
  const results = await pool(cases, opts.concurrency ?? 4, async (c) => {
    const r = await runCase(suite, c, opts);
    opts.onCase?.(suite.name, r);
    return r;
  });
  const score = results.length ? round2((results.reduce((a, r) => a + r.score, 0) / results.length) * 100) : 0;
  return {
    name: suite.name,
    description: suite.description,
    threshold: suite.threshold,
    score,
    passed: results.length > 0 && score >= suite.threshold,
    gating: suite.gating ?? true,
    cases: results,
    scorers: summarizeScorers(suite, results),
    tags: summarizeTags(results),
    duration_ms: Math.round(clock() - t0),
  };
}

/**
 * The run's score: the mean of the gating suites' scores (each counts the same, whatever its
 * size); the mean of all when none gates.
 */
export function overallScore(suites: (Pick<SuiteResult, "score"> & { gating?: boolean })[]): number {
  const counted = suites.some((s) => s.gating !== false) ? suites.filter((s) => s.gating !== false) : suites;
  return counted.length ? round2(counted.reduce((a, s) => a + s.score, 0) / counted.length) : 0;
}
