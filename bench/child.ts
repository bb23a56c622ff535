import { fork, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ChildOptions, LoopDelay, ParentMessage, PipelineRecord } from "./protocol.js";

const SCRIPT = fileURLToPath(new URL("./server-child.ts", import.meta.url));

export class BenchServerError extends Error {
  override readonly name = "BenchServerError";
  constructor(message: string, readonly context: { logPath: string; exitCode: number | null }, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface BenchServer {
  url: string;
  pid: number;
  /** Generations as the server's store and timers saw them, and its event-loop delay so far. */
  records(): Promise<{ records: PipelineRecord[]; loop: LoopDelay }>;
  /** Resident memory of the server process: the kernel's high-water mark, and the largest sample. */
  memory(): { peak_rss_mb: number; sampled_max_rss_mb: number; rss_mb: number };
  close(): Promise<void>;
}

/**
 * Forks bench/server-child.ts (startServer under tsx) with `env` on top of a clean copy of
 * ours; its log (stderr) goes to `logPath`. Samples the child's RSS from /proc every 200 ms.
 */
export async function startBenchServer(opts: { env: Record<string, string>; options?: ChildOptions; logPath: string; startTimeoutMs?: number }): Promise<BenchServer> {
  const log = openSync(opts.logPath, "a");
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (/^(REELGRAPH_|REPLICATE_|OPENAI_)/.test(k)) delete env[k];
  // BENCH_CPU_PROF=<dir> profiles the server (written when it exits) to find where its time goes.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx", ...profile],
    env: { ...env, ...opts.env, REELGRAPH_BENCH_CHILD: JSON.stringify(opts.options ?? {}) },
    stdio: ["ignore", log, log, "ipc"],
  });
  closeSync(log);
  let exitCode: number | null = null;
  const exited = new Promise<void>((resolve) => child.once("exit", (code) => ((exitCode = code), resolve())));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchServerError("the bench server did not start in time", { logPath: opts.logPath, exitCode })), opts.startTimeoutMs ?? 60_000);
    child.on("message", function onReady(m: ChildMessage) {
      if (m.type !== "ready") return;
      clearTimeout(timer);
      child.off("message", onReady);
      resolve(m);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new BenchServerError(`the bench server exited (code ${exitCode}) before it was ready; see ${opts.logPath}`, { logPath: opts.logPath, exitCode }));
    });
  });
  let sampledMax = 0;
  const sample = () => {
    const kb = procStatusKb(ready.pid, "VmRSS");
    if (kb !== null) sampledMax = Math.max(sampledMax, kb);
  };
  sample();
  const sampler = setInterval(sample, 200);
  sampler.unref();
  return {
    url: ready.url,
    pid: ready.pid,
    records: () => request(child, { type: "records" }, "records").then((m) => ({ records: m.records, loop: m.loop })),
    memory: () => {
      sample();
      return { peak_rss_mb: mb(procStatusKb(ready.pid, "VmHWM") ?? sampledMax), sampled_max_rss_mb: mb(sampledMax), rss_mb: mb(procStatusKb(ready.pid, "VmRSS") ?? 0) };
    },
    close: async () => {
      clearInterval(sampler);
      if (exitCode === null && child.connected) child.send({ type: "close" } satisfies ParentMessage);
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function request<T extends ChildMessage["type"]>(child: ChildProcess, m: ParentMessage, answer: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ChildMessage) => {
      if (reply.type !== answer) return;
      child.off("message", onMessage);
      resolve(reply as Extract<ChildMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.send(m, (err) => err && reject(err));
  });
}

/** A `Vm…` line of /proc/<pid>/status, in kB; null when the process is gone. */
export function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time a process has used so far (user + system, /proc/<pid>/stat), in ms; null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) state".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

function mb(kb: number): number {
  return Math.round(kb / 102.4) / 10;
}

const BARE = fileURLToPath(new URL("./bare-server.ts", import.meta.url));

/** Forks bench/bare-server.ts (the status floor), answering every request with the bytes in `bodyPath`. */
export async function startBareServer(bodyPath: string): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const child = fork(BARE, [], { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_BARE_BODY: bodyPath }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the bare floor server did not start in time")), 30_000);
    child.once("message", (m: { url: string }) => (clearTimeout(timer), resolve(m.url)));
    void exited.then(() => (clearTimeout(timer), reject(new Error("the bare floor server exited before it was ready"))));
  });
  return {
    url,
    pid: child.pid!,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
