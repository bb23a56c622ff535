import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Processes a test starts, and the proof that none outlives the run.
 *
 * Every child is spawned in a process group of its own (detached), so ending it ends what it
 * started too: `npx tsx …` is three processes, a server runs FFmpeg. Each child carries the
 * run's marker in its environment (inherited by its own children), which is how the global
 * teardown (test/helpers/global-setup.ts) finds survivors without touching other runs'
 * processes on the same machine.
 */

/** The environment variable that marks processes started by one test run. */
export const RUN_MARKER_ENV = "REELGRAPH_TEST_RUN";

const started = new Set<ChildProcess>();

/** spawn in a new process group, marked with the run's id; ended by endAllChildren at the latest. */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const marker = process.env[RUN_MARKER_ENV];
  const env = { ...(options.env ?? process.env), ...(marker ? { [RUN_MARKER_ENV]: marker } : {}) };
  const child = spawn(command, args, { ...options, env, detached: true });
  started.add(child);
  child.once("exit", () => {
    // The leader is gone; its group may not be (a grandchild that ignored the signal, or a
    // leader that exited first). One more SIGKILL to the group settles it.
    killGroup(child);
    started.delete(child);
  });
  return child;
}

/** SIGKILL to the child's whole process group, at once. Quiet when it is already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

/**
 * Ends a child and everything in its group: SIGTERM (so a server can close cleanly), then
 * SIGKILL after `graceMs`. Resolves once the leader has exited.
 */
export async function endChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child);
  started.delete(child);
}

/** Ends every child this test file started that is still running (the setup file calls it after each file). */
export async function endAllChildren(): Promise<void> {
  await Promise.all([...started].map((c) => endChild(c, 1_000)));
}

/** A process that carries the marker: its pid and command line. */
export interface MarkedProcess {
  pid: number;
  /** Its parent's pid. */
  ppid: number;
  command: string;
}

/**
 * The live processes whose environment carries `RUN_MARKER_ENV=marker`, other than `except`
 * (Linux /proc; processes of other users cannot be read and do not count). Zombies are left
 * out: they have exited and wait only for their parent to reap them.
 */
export function processesMarked(marker: string, except: readonly number[] = [process.pid]): MarkedProcess[] {
  const needle = `${RUN_MARKER_ENV}=${marker}\0`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (except.includes(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      if (!`${readFileSync(`/proc/${pid}/environ`, "latin1")}\0`.includes(needle)) continue;
      found.push({ pid, ppid: Number(ppid), command: readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" ").trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
