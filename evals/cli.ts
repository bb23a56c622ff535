import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CacheMissError, cacheMissIn, type CacheMode } from "./cache.js";
import { createEvalContext } from "./core/context.js";
import { overallScore, runSuite, type AnySuite } from "./core/runner.js";
import type { RunResult, SuiteResult } from "./core/types.js";
import { loadTrackSpecs } from "./datasets/briefs.js";
import { ProviderSetupError, setupProvider, type ModelFactory, type ProviderName } from "./providers.js";
import { compareRuns, formatComparison, type Comparison } from "./report/compare.js";
import { renderReport } from "./report/html.js";
import { loadRun, newRunId, RunNotFoundError, writeRun } from "./report/results.js";
import { formatRunSummary, formatSuite } from "./report/table.js";
import { SUITE_NAMES, SUITES } from "./suites/index.js";
import { TrackLibrary } from "./tracks.js";

/**
 * `npm run eval [-- options]`: runs the suites, prints a table per suite, writes
 * evals/results/<run-id>/{results.json,report.html}, and exits 1 when a suite is below its
 * threshold or the run is below --threshold; 2 on bad usage or a model call that cannot be made.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const USAGE = `usage: npm run eval -- [options]
  --provider offline|openai   brain under test (default offline; openai reads OPENAI_API_KEY, REELGRAPH_LLM_MODEL, OPENAI_BASE_URL)
  --suite NAME[,NAME]         ${SUITE_NAMES.join(", ")} (default: all)
  --case TEXT[,TEXT]          only cases whose id contains TEXT (or tag:TAG)
  --threshold N               exit 1 when the overall score is below N percent
  --baseline RUN              after the run, show which cases moved since RUN
  --compare [RUN_A] [RUN_B]   no run: show which cases moved from RUN_A to RUN_B (default previous → latest)
  --judge / --no-judge        the LLM narrative judge (default: on with --provider openai; needs a key with offline)
  --cache record|replay       model-call cache (default: record with a key, replay without)
  --concurrency N             cases in flight per suite (default 4)
  --out DIR                   results folder (default evals/results)
RUN is a run id under the results folder, its folder, a results.json, latest or previous.`;

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  color?: boolean;
  now?: () => Date;
  /** Replaces the OpenAI model (tests pass MockLanguageModelV3). */
  createModel?: ModelFactory;
  /** Folder of the record/replay cache (default evals/cache). */
  cacheDir?: string;
  /** Folder of the generated tracks (default tmp/evals/tracks). */
  tracksDir?: string;
}

class UsageError extends Error {
  override readonly name = "UsageError";
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: "string", default: "offline" },
      suite: { type: "string", multiple: true },
      case: { type: "string", multiple: true },
      threshold: { type: "string" },
      baseline: { type: "string" },
      compare: { type: "boolean", default: false },
      judge: { type: "boolean" },
      "no-judge": { type: "boolean" },
      cache: { type: "string" },
      concurrency: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (positionals.length && !values.compare) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (positionals.length > 2) throw new UsageError("--compare takes at most two runs");
  const provider = values.provider as ProviderName;
  if (provider !== "offline" && provider !== "openai") throw new UsageError(`--provider must be offline or openai, not ${values.provider}`);
  const threshold = values.threshold === undefined ? null : Number(values.threshold);
  if (threshold !== null && !(Number.isFinite(threshold) && threshold >= 0 && threshold <= 100)) throw new UsageError(`--threshold must be a percent (0–100), not ${values.threshold}`);
  const suites = (values.suite ?? []).flatMap((s) => s.split(",")).filter(Boolean);
  for (const s of suites) if (!SUITE_NAMES.includes(s)) throw new UsageError(`unknown suite ${s} (${SUITE_NAMES.join(", ")})`);
  const cache = values.cache as CacheMode | undefined;
  if (cache !== undefined && cache !== "record" && cache !== "replay") throw new UsageError(`--cache must be record or replay, not ${values.cache}`);
  if (values.judge && values["no-judge"]) throw new UsageError("--judge and --no-judge together");
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) throw new UsageError(`--concurrency must be 1–64, not ${values.concurrency}`);
  return {
    help: values.help,
    provider,
    suites,
    cases: (values.case ?? []).flatMap((c) => c.split(",")).filter(Boolean),
    threshold,
    baseline: values.baseline ?? null,
    compare: values.compare ? positionals : null,
    judge: values.judge ? true : values["no-judge"] ? false : undefined,
    cache,
    concurrency,
    out: values.out ?? join(ROOT, "evals", "results"),
  };
}

/** Keeps a case when any filter matches its id (substring) or one of its tags (tag:NAME). */
export function caseFilter(filters: string[]): ((suite: string, c: { id: string; tags: string[] }) => boolean) | undefined {
  if (!filters.length) return undefined;
  return (_suite, c) => filters.some((f) => (f.startsWith("tag:") ? c.tags.includes(f.slice(4)) : c.id.includes(f)));
}

function missMessage(miss: CacheMissError, provider: ProviderName, hasKey: boolean): string {
  const how = hasKey ? "rerun without --cache replay to record it" : "set OPENAI_API_KEY to record it, or run --provider offline";
  return `eval: ${provider === "openai" ? "--provider openai" : "the judge"} needs a model call that is not recorded in evals/cache/ (${miss.namespace}, ${miss.key.slice(0, 12)}): ${how}`;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(argv);
  } catch (e) {
    io.stderr(`eval: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (opts.compare) {
    try {
      const [a, b] = opts.compare.length === 2 ? opts.compare : opts.compare.length === 1 ? [opts.compare[0]!, "latest"] : ["previous", "latest"];
      io.stdout(`${formatComparison(compareRuns(loadRun(a!, opts.out), loadRun(b!, opts.out)))}\n`);
      return 0;
    } catch (e) {
      if (e instanceof RunNotFoundError) {
        io.stderr(`eval: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }

  const now = io.now ?? (() => new Date());
  const started = now();
  const fps = 30;
  let setup: ReturnType<typeof setupProvider>;
  let baseline: RunResult | null = null;
  try {
    setup = setupProvider({ provider: opts.provider, env: io.env, fps, cacheDir: io.cacheDir ?? join(ROOT, "evals", "cache"), cacheMode: opts.cache, judge: opts.judge, createModel: io.createModel });
    if (opts.baseline) baseline = loadRun(opts.baseline, opts.out);
  } catch (e) {
    if (e instanceof ProviderSetupError || e instanceof RunNotFoundError) {
      io.stderr(`eval: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const ctx = createEvalContext({
    provider: setup.name,
    brain: setup.brain,
    fps,
    shortSide: 720,
    tracks: new TrackLibrary(loadTrackSpecs(), io.tracksDir ?? join(ROOT, "tmp", "evals", "tracks")),
    judge: setup.judge,
    judgeReason: setup.judgeReason,
  });
  const chosen = opts.suites.length ? SUITES.filter((s) => opts.suites.includes(s.name)) : SUITES;
  const results: SuiteResult[] = [];
  const t0 = Date.now();
  try {
    for (const suite of chosen as AnySuite[]) {
      const r = await runSuite(suite, { ctx, filter: caseFilter(opts.cases), concurrency: opts.concurrency });
      if (!r.cases.length) continue;
      results.push(r);
      io.stdout(`${formatSuite(r, { color: io.color })}\n\n`);
    }
  } catch (e) {
    const miss = cacheMissIn(e);
    if (miss) {
      io.stderr(`${missMessage(miss, opts.provider, !!io.env.OPENAI_API_KEY)}\n`);
      return 2;
    }
    throw e;
  }
  if (!results.length) {
    io.stderr(`eval: no case matches --case ${opts.cases.join(",")}\n`);
    return 2;
  }
  const score = overallScore(results);
  const run: RunResult = {
    run_id: newRunId(started, setup.name),
    created_at: started.toISOString(),
    provider: setup.name,
    judge: { enabled: setup.judge !== null, reason: setup.judgeReason },
    cache: { mode: setup.cache.mode, ...setup.cache.stats },
    score,
    threshold: opts.threshold,
    passed: results.every((s) => s.passed || s.gating === false) && (opts.threshold === null || score >= opts.threshold),
    duration_ms: Date.now() - t0,
    suites: results,
  };
  const comparison: Comparison | null = baseline ? compareRuns(baseline, run) : null;
  const files = writeRun(opts.out, run, renderReport(run, { comparison }));
  if (comparison) io.stdout(`${formatComparison(comparison)}\n\n`);
  io.stdout(`${formatRunSummary(run, files, { color: io.color })}\n`);
  if (opts.threshold !== null && score < opts.threshold) io.stderr(`eval: overall ${score.toFixed(2)} % is below the threshold of ${opts.threshold} %\n`);
  return run.passed ? 0 : 1;
}
