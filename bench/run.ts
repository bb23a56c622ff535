import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { measureBeats } from "./beats.js";
import { measureCliPlan } from "./cli.js";
import { measureCompose } from "./compose.js";
import { measurePipelines } from "./pipelines.js";
import { measurePlan } from "./plan.js";
import { measureEngineFloor } from "./engine-floor.js";
import { allMet, markdown, RESULT_KEYS, shapeProblems, withTable, type ResultKey, type Results, type RunInfo } from "./report.js";
import { measureScaleOut } from "./scale-out.js";
import { measureStatus } from "./status-latency.js";
import { median } from "./stats.js";

/**
 * `npm run bench [-- --quick] [--only plan,cli,beats,compose,status,pipelines,scale] [--n N] [--check] [--keep]
 *   [--nice-ffmpeg N] [--ffmpeg-concurrency N] [--run-thread 0|1]` (the last three: experiments on the pipelines' server)
 * Measures reelgraph on this machine with the embedded defaults and writes
 * bench/results/latest.json and latest.md (not with --only). See bench/README.md.
 */

const MEASURES = ["plan", "cli", "beats", "compose", "status", "pipelines", "scale"] as const;
type Measure = (typeof MEASURES)[number];

const PROFILES = {
  quick: { scaleN: 3, scaleLatencyS: 3, planRuns: 30, cliRuns: 10, beatSeconds: 120, beatRuns: 3, composeRuns: 3, statusS: 5, statusRuns: 3, soloRuns: 6, n: 20, timeoutS: 600 },
  full: { scaleN: 12, scaleLatencyS: 10, planRuns: 100, cliRuns: 20, beatSeconds: 180, beatRuns: 5, composeRuns: 5, statusS: 10, statusRuns: 5, soloRuns: 10, n: 100, timeoutS: 1800 },
};

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
/** Pages that show the latest table between `<!-- bench:start -->` and `<!-- bench:end -->`. */
const PAGES = [fileURLToPath(new URL("./README.md", import.meta.url)), fileURLToPath(new URL("../README.md", import.meta.url))];

async function publish(md: string): Promise<string[]> {
  const done: string[] = [];
  for (const path of PAGES) {
    const page = await readFile(path, "utf8").catch(() => null);
    const next = page === null ? null : withTable(page, md);
    if (next !== null && next !== page) {
      await writeFile(path, next, "utf8");
      done.push(path);
    }
  }
  return done;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      only: { type: "string" },
      n: { type: "string" },
      check: { type: "boolean" },
      keep: { type: "boolean" },
      "nice-ffmpeg": { type: "string" },
      "ffmpeg-concurrency": { type: "string" },
      "run-thread": { type: "string" },
    },
  });
  const mode: RunInfo["mode"] = values.quick ? "quick" : "full";
  const p = { ...PROFILES[mode], ...(values.n ? { n: Number(values.n) } : {}) };
  const only = values.only ? (values.only.split(",").map((s) => s.trim()) as Measure[]) : null;
  for (const m of only ?? []) if (!MEASURES.includes(m)) throw new Error(`--only: unknown measure ${m} (${MEASURES.join(", ")})`);
  const wanted = (m: Measure) => !only || only.includes(m);
  const say = (line: string) => process.stderr.write(`${line}\n`);

  const started = performance.now();
  const loadBefore = os.loadavg();
  const root = await mkdtemp(join(os.tmpdir(), "reelgraph-bench-"));
  const results: Partial<Results> = {};
  const step = async (m: Measure, keys: ResultKey[], work: (dir: string) => Promise<void>) => {
    if (!wanted(m)) return;
    const dir = join(root, m);
    await mkdir(dir, { recursive: true });
    const t0 = performance.now();
    say(`▶ ${m}`);
    try {
      await work(dir);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      say(`  ${m} failed: ${err instanceof Error ? err.stack : message}`);
      for (const k of keys) results[k] = { error: message };
    }
    say(`  ${m}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  let solo: number[] = [];
  let engineFloor: number | null = null;
  try {
    await step("plan", ["plan"], async (dir) => {
      results.plan = { ...(await measurePlan({ runs: p.planRuns, dataDir: dir })) };
    });
    await step("cli", ["cli_plan_wall_s"], async (dir) => {
      results.cli_plan_wall_s = { ...(await measureCliPlan({ runs: p.cliRuns, dataDir: dir })) };
    });
    await step("beats", ["beat_analysis"], async (dir) => {
      results.beat_analysis = { ...(await measureBeats({ dir, seconds: p.beatSeconds, runs: p.beatRuns })) };
    });
    await step("compose", ["compose", "recompose_after_trim"], async (dir) => {
      const r = await measureCompose({ dir, runs: p.composeRuns, log: say });
      results.compose = r.compose;
      results.recompose_after_trim = r.recompose_after_trim;
    });
    await step("status", ["status_latency"], async (dir) => {
      const r = await measureStatus({ dir, durationS: p.statusS, runs: p.statusRuns, soloRuns: p.soloRuns, log: say });
      results.status_latency = r.status_latency;
      solo = r.solo_overhead_ms;
      say(`  orchestration overhead alone: ${solo.join(", ")} ms`);
      engineFloor = (await measureEngineFloor({ runs: p.planRuns, dir })).p50_ms;
      say(`  the graph engine alone (no-op nodes): ${engineFloor} ms`);
    });
    await step("pipelines", ["concurrent_pipelines", "orchestration_overhead_ms"], async (dir) => {
      const r = await measurePipelines({
        n: p.n,
        dir,
        processingPolls: 2,
        clipS: 6,
        shortSide: 180,
        timeoutS: p.timeoutS,
        log: say,
        niceChildren: values["nice-ffmpeg"] === undefined ? undefined : Number(values["nice-ffmpeg"]),
        extraEnv: {
          ...(values["ffmpeg-concurrency"] ? { REELGRAPH_FFMPEG_CONCURRENCY: values["ffmpeg-concurrency"] } : {}),
          ...(values["run-thread"] ? { REELGRAPH_RUN_THREAD: values["run-thread"] } : {}),
        },
      });
      results.concurrent_pipelines = { ...r.concurrent_pipelines, mode };
      results.orchestration_overhead_ms = { ...r.orchestration_overhead_ms, ...(solo.length ? { solo_p50: Math.round(median(solo)), solo_samples: solo.length } : {}), ...(engineFloor !== null ? { engine_floor_p50_ms: engineFloor } : {}) };
    });
    await step("scale", ["scale_out"], async (dir) => {
      results.scale_out = (await measureScaleOut({ dir, n: p.scaleN, workers: [1, 2, 4], latencyS: p.scaleLatencyS, log: say })).scale_out;
    });
  } finally {
    if (!values.keep) await rm(root, { recursive: true, force: true });
    else say(`kept ${root}`);
  }

  const info: RunInfo = {
    mode,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}`,
    load_before: loadBefore,
    load_after: os.loadavg(),
    total_s: (performance.now() - started) / 1000,
  };
  if (only) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  }
  const complete = Object.fromEntries(RESULT_KEYS.map((k) => [k, results[k] ?? { error: "not measured" }])) as Results;
  const problems = shapeProblems(complete);
  if (problems.length) throw new Error(`the results have the wrong shape: ${problems.join("; ")}`);
  const md = markdown(complete, info);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(complete, null, 2)}\n`, "utf8");
  await writeFile(join(RESULTS_DIR, "latest.md"), md, "utf8");
  const pages = await publish(md);
  process.stdout.write(`\n${md}`);
  say(`wrote bench/results/latest.json and latest.md${pages.length ? `; updated the table in ${pages.join(", ")}` : ""} (${Math.round(info.total_s)} s)`);
  return values.check && !allMet(complete, mode) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
