import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { endChild, spawnChild } from "./processes.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  stderr: () => string;
}

/**
 * `reelgraph <args>` as its own OS process (own process group), the way an installed user runs
 * it: the built CLI when there is one, else through tsx. Every one started is ended by endAll.
 */
export function cliProcesses() {
  const procs = new Set<ChildProcess>();
  const start = (args: string[], env: Record<string, string>): CliProcess => {
    const built = join(ROOT, "dist", "reelgraph.js");
    const argv = existsSync(built) ? [built, ...args] : ["--import", "tsx", "cli/main.ts", ...args];
    const child = spawnChild(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    procs.add(child);
    child.once("exit", () => procs.delete(child));
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-10_000)));
    return { child, stderr: () => err };
  };
  /** Resolves when the process's stderr matches, or fails with what it printed. */
  const waitFor = (p: CliProcess, pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start: ${p.stderr()}`)), timeoutMs);
      const check = () => {
        const m = pattern.exec(p.stderr());
        if (!m) return;
        clearTimeout(timer);
        p.child.stderr!.off("data", check);
        resolve(m);
      };
      p.child.stderr!.on("data", check);
      check();
      p.child.once("exit", (code) => reject(new Error(`${what} exited ${code}: ${p.stderr()}`)));
    });
  return {
    start,
    waitFor,
    /** `reelgraph serve --port 0`; resolves with its URL once it listens. */
    async api(env: Record<string, string>): Promise<CliProcess & { url: string }> {
      const p = start(["serve", "--port", "0"], env);
      return { ...p, url: (await waitFor(p, /reelgraph API on (http:\/\/\S+)/, "the API process"))[1]! };
    },
    /** `reelgraph worker`; resolves once it takes runs. */
    async worker(env: Record<string, string>, concurrency = 2): Promise<CliProcess> {
      const p = start(["worker", "--concurrency", String(concurrency)], env);
      await waitFor(p, /taking up to/, "the worker");
      return p;
    },
    endAll: () => Promise.all([...procs].map((c) => endChild(c, 2_000))),
  };
}
