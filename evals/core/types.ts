import { z } from "zod";
import type { EvalContext } from "./context.js";

/**
 * The shapes of an eval run: a suite is data → task → scorers → threshold (the evalite shape,
 * run by our own small runner: see evals/README.md). Results are plain JSON so two runs can be
 * compared and the HTML report rebuilt from results.json alone.
 */

/** A scorer's kind: hard constraints must hold; soft scores grade quality; judge is the LLM rubric. */
export type ScorerKind = "hard" | "soft" | "judge";

/** What one scorer says about one case. `score` null means skipped (not counted). */
export interface Score {
  score: number | null;
  /** Why: the broken constraint, the mismatch, or why it was skipped. */
  detail?: string;
}

/** One scorer: a name, a kind and a pure (or, for the judge, model-backed) scoring function. */
export interface Scorer<I, O, E> {
  name: string;
  kind: ScorerKind;
  /** Relative weight in the case score (default 1). */
  weight?: number;
  score(args: { input: I; output: O; expected: E; ctx: EvalContext }): Score | Promise<Score>;
}

/** One case of a suite's data. */
export interface EvalCase<I, E> {
  id: string;
  /** A short line for tables and the report. */
  title: string;
  /** Groups for the per-tag breakdown (category, length, genre…). */
  tags: string[];
  input: I;
  expected: E;
}

/** A suite: its data, the task under test, the scorers and the score it must reach. */
export interface Suite<I, O, E> {
  name: string;
  description: string;
  /** Percent the suite score must reach; below it the run fails. */
  threshold: number;
  /**
   * false: a target not reached yet. The suite is run and reported (score, cases, threshold as
   * the target) but counts neither toward the overall score nor toward the run's pass/fail.
   * Default true.
   */
  gating?: boolean;
  data(ctx: EvalContext): Promise<EvalCase<I, E>[]>;
  task(input: I, ctx: EvalContext): Promise<O>;
  scorers: Scorer<I, O, E>[];
  /** What the HTML report draws for a case (timelines…); kept in results.json. */
  artifact?(args: { input: I; output: O; expected: E }): Artifact;
}

export const ScoreResultSchema = z.object({
  name: z.string().describe("Scorer name"),
  kind: z.enum(["hard", "soft", "judge"]),
  score: z.number().min(0).max(1).nullable().describe("0–1; null when skipped"),
  detail: z.string().optional(),
});
export type ScoreResult = z.infer<typeof ScoreResultSchema>;

/** Timeline pictures for the report: loose on purpose, each suite stores what it draws. */
export const ArtifactSchema = z.record(z.string(), z.unknown()).describe("Data the HTML report draws for this case");
export type Artifact = z.infer<typeof ArtifactSchema>;

export const CaseResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  score: z.number().min(0).max(1).describe("Weighted mean of the scorers that ran; 0 on error"),
  passed: z.boolean().describe("Every hard scorer 1 and no error"),
  error: z.string().nullable(),
  scores: z.array(ScoreResultSchema),
  duration_ms: z.number(),
  artifact: ArtifactSchema.nullable(),
});
export type CaseResult = z.infer<typeof CaseResultSchema>;

export const ScorerSummarySchema = z.object({
  name: z.string(),
  kind: z.enum(["hard", "soft", "judge"]),
  mean: z.number().nullable().describe("Mean 0–1 over the cases it scored; null when it never ran"),
  scored: z.number().int(),
  perfect: z.number().int().describe("Cases where it gave 1"),
  skipped: z.number().int(),
});
export type ScorerSummary = z.infer<typeof ScorerSummarySchema>;

export const SuiteResultSchema = z.object({
  name: z.string(),
  description: z.string(),
  threshold: z.number(),
  score: z.number().describe("Percent: mean case score × 100"),
  passed: z.boolean().describe("score ≥ threshold"),
  gating: z.boolean().optional().describe("false: reported only, outside the overall score and the run's pass/fail (absent: gating)"),
  cases: z.array(CaseResultSchema),
  scorers: z.array(ScorerSummarySchema),
  tags: z.array(z.object({ tag: z.string(), score: z.number(), count: z.number().int() })),
  duration_ms: z.number(),
});
export type SuiteResult = z.infer<typeof SuiteResultSchema>;

export const RunResultSchema = z.object({
  run_id: z.string(),
  created_at: z.string(),
  provider: z.string().describe("offline | openai:<model>"),
  judge: z.object({ enabled: z.boolean(), reason: z.string() }),
  cache: z.object({ mode: z.string(), hits: z.number().int(), misses: z.number().int(), recorded: z.number().int() }),
  score: z.number().describe("Percent: mean of the suite scores"),
  threshold: z.number().nullable().describe("--threshold, when given"),
  passed: z.boolean().describe("Every suite at its threshold and the run at --threshold"),
  duration_ms: z.number(),
  suites: z.array(SuiteResultSchema),
});
export type RunResult = z.infer<typeof RunResultSchema>;
