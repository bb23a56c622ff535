import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { availableParallelism, setPriority } from "node:os";
import { Launcher, LauncherGoneError, type LaunchResult } from "./launcher.js";

/**
 * The only place reelgraph starts FFmpeg or ffprobe. Arguments are arrays (never a shell),
 * every process has a deadline, and at most `limit` run at once across the process.
 *
 * The processes are started by a small launcher process (./launcher.ts: a fork from a big
 * process stalls its event loop for tens of milliseconds); REELGRAPH_FFMPEG_LAUNCHER=0 starts
 * them from this process instead.
 */

export class FfmpegError extends Error {
  override readonly name = "FfmpegError";
  constructor(
    message: string,
    readonly context: { program: string; args: string[]; exitCode: number | null; signal: string | null; stderr: string; timedOut: boolean },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class FfmpegNotFoundError extends Error {
  override readonly name = "FfmpegNotFoundError";
  constructor(readonly program: string) {
    super(`${program} was not found on PATH: run 'npm run setup' (installs Debian's ffmpeg) or install FFmpeg 5+ yourself`);
  }
}

export interface RunOptions {
  /** Kill the process after this many seconds. */
  timeoutS?: number;
  signal?: AbortSignal;
  /** Collect stdout as a Buffer (ffprobe JSON, decoded PCM). */
  captureStdout?: boolean;
  /** Bytes of stdout at most, when captured or streamed. */
  maxStdoutBytes?: number;
  /**
   * Receive stdout chunk by chunk, in order, while FFmpeg runs (decoded PCM), instead of as one
   * Buffer at the end: `RunResult.stdout` is then empty. Chunks of a run that fails are just
   * chunks: the promise still rejects.
   */
  onStdout?: (chunk: Buffer) => void;
  /** Written to the process's stdin, which is then closed (by default stdin is /dev/null). */
  stdin?: string;
  /**
   * Start the next process with these exact arguments ahead of time, so its start-up (about 0.1 s
   * for Debian's FFmpeg, which loads some 200 shared libraries) is paid while nothing waits; this
   * call takes such a spare when one is ready. Only for arguments that name no input file: the
   * input comes through `stdin` (e.g. a concat list). The launcher keeps one spare per argument
   * list; without the launcher (REELGRAPH_FFMPEG_LAUNCHER=0) this does nothing.
   */
  warm?: boolean;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  ms: number;
}

let limit = Math.max(1, Number(process.env.REELGRAPH_FFMPEG_CONCURRENCY) || navigatorCores());
let active = 0;
/** Calls waiting for a slot: served lowest rank first, then in the order they came. */
const waiting: { go: () => void; rank: number; seq: number }[] = [];
let seq = 0;
const order = new AsyncLocalStorage<number>();

/**
 * Runs `work` with its FFmpeg calls ranked `rank` (lower first; default: when the call came)
 * in the queue for a slot. A compose ranks all its calls by when it started, so with hundreds of
 * composes waiting they finish one after another instead of all advancing a step at a time and
 * all finishing at the end; work beside the runs (stills) ranks itself later.
 */
export function withFfmpegRank<T>(rank: number, work: () => Promise<T>): Promise<T> {
  return order.run(rank, work);
}

/** Bounds concurrent FFmpeg processes (default: the number of cores). */
export function setFfmpegConcurrency(n: number): void {
  limit = Math.max(1, Math.floor(n));
  drain();
}

export function ffmpegStats(): { active: number; waiting: number; limit: number } {
  return { active, waiting: waiting.length, limit };
}

function drain(): void {
  while (active < limit && waiting.length) {
    let best = 0;
    for (let i = 1; i < waiting.length; i++) {
      const w = waiting[i]!;
      const b = waiting[best]!;
      if (w.rank < b.rank || (w.rank === b.rank && w.seq < b.seq)) best = i;
    }
    active++;
    waiting.splice(best, 1)[0]!.go();
  }
}

async function acquire(signal?: AbortSignal): Promise<void> {
  if (active < limit) {
    active++;
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const go = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const entry = { go, rank: order.getStore() ?? Date.now(), seq: seq++ };
    const abort = () => {
      const i = waiting.indexOf(entry);
      if (i >= 0) waiting.splice(i, 1);
      reject(signal!.reason ?? new Error("aborted"));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    waiting.push(entry);
  });
}

function release(): void {
  active--;
  drain();
}

export function runFfmpeg(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run("ffmpeg", ["-hide_banner", "-nostdin", "-y", ...args], options);
}

export function runFfprobe(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run("ffprobe", ["-hide_banner", ...args], { captureStdout: true, ...options });
}

const useLauncher = !["0", "false", "off", "no"].includes(String(process.env.REELGRAPH_FFMPEG_LAUNCHER ?? "").toLowerCase());
let launcher: Launcher | null = null;

/** Ends the launcher process, if one was started (it also ends by itself when this process does). */
export function closeFfmpegLauncher(): void {
  launcher?.close();
  launcher = null;
}

async function run(program: string, args: string[], options: RunOptions): Promise<RunResult> {
  await acquire(options.signal);
  try {
    return await (useLauncher ? launchOnce(program, args, options) : spawnOnce(program, args, options));
  } finally {
    release();
  }
}

async function launchOnce(program: string, args: string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const timeoutMs = (options.timeoutS ?? 600) * 1000;
  if (options.signal?.aborted) throw failure(program, args, options, timeoutMs, { code: null, signal: "SIGKILL", error: null, stdout: null, stderr: "", timedOut: false, overflow: false });
  launcher ??= new Launcher();
  let r: LaunchResult;
  try {
    const stream = options.onStdout !== undefined;
    r = await launcher.launch(
      { program, args, captureStdout: options.captureStdout === true || stream, streamStdout: stream, maxStdoutBytes: options.maxStdoutBytes, timeoutMs, stdin: options.stdin, warm: options.warm },
      options.signal,
      options.onStdout,
    );
  } catch (error) {
    if (!(error instanceof LauncherGoneError)) throw error;
    throw new FfmpegError(`${program} did not finish: ${error.message}`, { program, args, exitCode: null, signal: null, stderr: "", timedOut: false }, { cause: error });
  }
  if (r.error) {
    if (r.error.code === "ENOENT") throw new FfmpegNotFoundError(program);
    throw new FfmpegError(`${program} could not start: ${r.error.message}`, { program, args, exitCode: null, signal: null, stderr: "", timedOut: false });
  }
  if (r.code === 0 && !r.overflow) return { stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr, ms: performance.now() - started };
  throw failure(program, args, options, timeoutMs, r);
}

/** The FfmpegError for a process that ended badly, saying why (deadline, stdout cap, cancel, exit status). */
function failure(program: string, args: string[], options: RunOptions, timeoutMs: number, r: LaunchResult): FfmpegError {
  const why = r.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : r.overflow
      ? `produced more than ${options.maxStdoutBytes} bytes`
      : options.signal?.aborted
        ? "was cancelled"
        : `exited with ${r.code ?? r.signal}: ${lastLines(r.stderr)}`;
  return new FfmpegError(`${program} ${why}`, { program, args, exitCode: r.code, signal: r.signal, stderr: r.stderr, timedOut: r.timedOut });
}

function spawnOnce(program: string, args: string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const timeoutMs = (options.timeoutS ?? 600) * 1000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [options.stdin !== undefined ? "pipe" : "ignore", options.captureStdout || options.onStdout ? "pipe" : "ignore", "pipe"] });
    if (options.stdin !== undefined) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(options.stdin);
    }
    // Rendering is batch work: at a lower priority it never starves the API and the graph.
    if (child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch {}
    }
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = "";
    let timedOut = false;
    let overflow = false;
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => kill();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // A signal aborted before the spawn never fires "abort" again.
    if (options.signal?.aborted) kill();
    child.stdout?.on("data", (d: Buffer) => {
      outBytes += d.length;
      if (options.maxStdoutBytes && outBytes > options.maxStdoutBytes) {
        overflow = true;
        kill();
        return;
      }
      if (options.onStdout) options.onStdout(d);
      else out.push(d);
    });
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      reject(err.code === "ENOENT" ? new FfmpegNotFoundError(program) : err);
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (code === 0 && !overflow) {
        resolve({ stdout: Buffer.concat(out), stderr, ms: performance.now() - started });
        return;
      }
      reject(failure(program, args, options, timeoutMs, { code, signal: sig, error: null, stdout: null, stderr, timedOut, overflow }));
    });
  });
}

function lastLines(s: string, n = 3): string {
  return s.trim().split("\n").slice(-n).join(" | ").slice(0, 600);
}

function navigatorCores(): number {
  return availableParallelism();
}
