import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { adBrief } from "./http.js";
import { percentile, round } from "./stats.js";

export interface CliPlanResult {
  p50: number;
  p90: number;
  min: number;
  max: number;
  runs: number;
  entry: string;
  method: string;
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The package's bin (npm run build), as an installed `reelgraph` runs it. */
export const CLI_ENTRY = "dist/reelgraph.js";

/**
 * `reelgraph plan` as a whole process, the way a person or a script runs it: `node
 * dist/reelgraph.js plan --pipeline ad --prompt … --json` from spawn to exit, wall seconds,
 * offline brain, a fresh data folder. One unmeasured run first (the OS file cache), then
 * `runs` measured ones, one at a time. Needs `npm run build`.
 */
export async function measureCliPlan(o: { runs: number; dataDir: string }): Promise<CliPlanResult> {
  if (!existsSync(new URL(`../${CLI_ENTRY}`, import.meta.url))) throw new Error(`${CLI_ENTRY} is missing: run npm run build first`);
  const brief = adBrief(0) as { prompt: string; duration_s: number; brand: { colors: string[]; cta: { text: string } } };
  const args = [CLI_ENTRY, "plan", "--pipeline", "ad", "--prompt", brief.prompt, "--duration", String(brief.duration_s), "--brand-colors", brief.brand.colors.join(","), "--cta", brief.brand.cta.text, "--json"];
  const env = { ...process.env, REELGRAPH_DATA_DIR: o.dataDir, OPENAI_API_KEY: "", REPLICATE_API_TOKEN: "", LOG_LEVEL: "silent" };
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        const s = (performance.now() - t0) / 1000;
        if (code !== 0) return reject(new Error(`reelgraph plan exited ${code}: ${err.trim().slice(0, 300)}`));
        const plan = JSON.parse(out) as { timeline?: { duration_s?: number } };
        if (plan.timeline?.duration_s !== brief.duration_s) return reject(new Error(`reelgraph plan printed no ${brief.duration_s} s timeline`));
        resolve(s);
      });
    });
  await once();
  const times: number[] = [];
  for (let i = 0; i < o.runs; i++) times.push(await once());
  return {
    p50: round(percentile(times, 50), 3),
    p90: round(percentile(times, 90), 3),
    min: round(Math.min(...times), 3),
    max: round(Math.max(...times), 3),
    runs: times.length,
    entry: CLI_ENTRY,
    method: `node ${CLI_ENTRY} plan (ad brief, offline, --json), spawn to exit, one at a time after one unmeasured run; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)} at the end`,
  };
}
