import { randomUUID } from "node:crypto";
import { processesMarked, RUN_MARKER_ENV } from "./processes.js";

/**
 * Marks this run (workers and every process they start inherit the marker) and, when all
 * test files are done, fails the run if any marked process is still alive: every process a
 * test starts must be ended by that test. Survivors are named, then killed.
 */
export default function setup(): () => Promise<void> {
  const marker = randomUUID();
  process.env[RUN_MARKER_ENV] = marker;
  return async function teardown() {
    // The workers and the bundler are this process's own children and end with it.
    const survivors = () => processesMarked(marker).filter((p) => p.ppid !== process.pid);
    let left = survivors();
    for (const until = Date.now() + 5_000; left.length && Date.now() < until; left = survivors()) await new Promise((r) => setTimeout(r, 250));
    if (!left.length) return;
    const list = left.map((p) => `  pid ${p.pid}: ${p.command.slice(0, 300)}`).join("\n");
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    const message = `${left.length} process(es) started by the tests were still running after every test file had finished (now killed):\n${list}`;
    process.stderr.write(`\n${"!".repeat(100)}\n${message}\n${"!".repeat(100)}\n\n`);
    process.exitCode = 1;
    throw new Error(message);
  };
}

