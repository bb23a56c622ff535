import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** What one autocannon run reported (its --json output, the fields we use). */
export interface LoadResult {
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration_s: number;
  connections: number;
}

export class LoadGeneratorError extends Error {
  override readonly name = "LoadGeneratorError";
  constructor(message: string, readonly context: { args: string[]; exitCode: number | null; stderr: string }) {
    super(message);
  }
}

function autocannonBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("autocannon/package.json")), "autocannon.js");
}

/**
 * Runs autocannon in its own Node process (so the load generator never shares an event loop
 * with the server or the bench) against `url` and parses its JSON report: flat out, or at
 * `rate` requests a second in all (`-R`). Paced, each connection fires its share of a second
 * back to back from the start of the second, and autocannon corrects latencies for a 1 ms
 * interval, so a paced p99 is only comparable with another paced p99 (the floor's, measured
 * the same way in the same run).
 */
export function loadTest(opts: { url: string; connections: number; durationS: number; timeoutS?: number; rate?: number }): Promise<LoadResult> {
  const paced = opts.rate ? ["-R", String(opts.rate)] : [];
  const args = [autocannonBin(), "--json", "-c", String(opts.connections), ...paced, "-d", String(opts.durationS), "-t", String(opts.timeoutS ?? 10), opts.url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on("error", (err) => reject(new LoadGeneratorError(`autocannon could not start: ${err.message}`, { args, exitCode: null, stderr })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new LoadGeneratorError(`autocannon exited with ${code}`, { args, exitCode: code, stderr }));
      try {
        const r = JSON.parse(Buffer.concat(out).toString("utf8")) as AutocannonJson;
        resolve({
          rps: r.requests.average,
          p50_ms: r.latency.p50,
          p90_ms: r.latency.p90,
          p99_ms: r.latency.p99,
          max_ms: r.latency.max,
          requests: r.requests.total,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          duration_s: r.duration,
          connections: r.connections,
        });
      } catch (err) {
        reject(new LoadGeneratorError(`autocannon printed no JSON report: ${(err as Error).message}`, { args, exitCode: code, stderr }));
      }
    });
  });
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  connections: number;
}
