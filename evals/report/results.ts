import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RunResultSchema, type RunResult } from "../core/types.js";

/** Where runs are written (evals/results/<run-id>/{results.json,report.html}) and how they are found again. */

/** A run id that sorts by time: 20251125-104312-123-offline. */
export function newRunId(now: Date, provider: string): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${p(now.getUTCMilliseconds(), 3)}`;
  return `${stamp}-${provider.replace(/[^A-Za-z0-9.-]+/g, "_")}`;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes results.json and report.html into <dir>/<run-id>/. */
export function writeRun(resultsDir: string, run: RunResult, html: string): { dir: string; json: string; html: string } {
  const dir = join(resultsDir, run.run_id);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "results.json");
  const page = join(dir, "report.html");
  writeAtomic(json, `${JSON.stringify(run, null, 1)}\n`);
  writeAtomic(page, html);
  return { dir, json, html: page };
}

/** The run ids under `resultsDir`, oldest first. */
export function listRuns(resultsDir: string): string[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((d) => existsSync(join(resultsDir, d, "results.json")))
    .sort();
}

/** A run named on the command line was not found or is not a results file. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(
    readonly ref: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Loads a run from a reference: a results.json path, a run folder, a run id under
 * `resultsDir`, `latest`, or `previous` (the one before the latest).
 */
export function loadRun(ref: string, resultsDir: string): RunResult {
  const runs = listRuns(resultsDir);
  let path: string;
  if (ref === "latest" || ref === "previous") {
    const id = runs[runs.length - (ref === "latest" ? 1 : 2)];
    if (!id) throw new RunNotFoundError(ref, `no ${ref} run in ${resultsDir}`);
    path = join(resultsDir, id, "results.json");
  } else if (existsSync(ref) && statSync(ref).isFile()) path = resolve(ref);
  else if (existsSync(join(ref, "results.json"))) path = join(ref, "results.json");
  else if (existsSync(join(resultsDir, ref, "results.json"))) path = join(resultsDir, ref, "results.json");
  else {
    const matches = runs.filter((r) => r.startsWith(ref) || r.includes(ref));
    if (matches.length !== 1)
      throw new RunNotFoundError(ref, matches.length ? `"${ref}" matches ${matches.length} runs: ${matches.slice(-5).join(", ")}` : `no run "${ref}" (a results.json, a run folder, an id under ${resultsDir}, latest or previous)`);
    path = join(resultsDir, matches[0]!, "results.json");
  }
  const parsed = RunResultSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new RunNotFoundError(ref, `${path} is not an eval results file: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
