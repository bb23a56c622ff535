import { spawn, type ChildProcess } from "node:child_process";

/**
 * A small process that starts FFmpeg for us.
 *
 * Why: Node starts a child with fork + exec, and fork copies the page tables of the whole
 * calling process while its event loop waits. Measured here (Node 20, libuv 1.46): `spawn()`
 * blocks 2.8 ms in a fresh process, 21 ms at 200 MB resident, 47 ms at 800 MB. A server holding
 * 100 pipelines starts thousands of FFmpeg processes (clips, segments, probes, stills), so every
 * one of them stalled every poll and every run for tens of milliseconds. The launcher is forked
 * once, while the process is still small; it stays at ~40 MB, so its forks are cheap, and they
 * block only it. FFmpeg's stdout and stderr come back over the IPC channel (one message per
 * process, Buffers with the "advanced" serialization).
 *
 * With `streamStdout`, stdout is sent on while FFmpeg runs ("out" messages of ≥ 256 KB, the rest
 * before "done"), so a big output (decoded PCM) crosses over during the decode instead of as one
 * message after it ends.
 *
 * With `warm`, the launcher keeps one identical process started and blocked on its stdin for
 * the next such request (the input comes through `stdin`, e.g. a concat list naming the file):
 * Debian's FFmpeg takes ~0.1 s to load its 200 shared libraries before it reads anything, and a
 * spare has done that while nothing waited. Beat analysis decodes every song this way.
 *
 * The launcher enforces each process's deadline and stdout cap, kills what it is asked to, runs
 * FFmpeg at nice 10 (batch work), and when its parent goes away (even SIGKILLed: the IPC
 * channel closes) it kills every FFmpeg it started and exits.
 *
 * Its source is plain CommonJS in a string, started with `node -e`, so it runs the same from
 * TypeScript (tsx), from dist/ and from the single-file CLI bundle.
 */
const LAUNCHER_SOURCE = String.raw`
"use strict";
const { spawn } = require("node:child_process");
const { setPriority } = require("node:os");
const running = new Map();
function send(m) { if (process.connected) process.send(m); }
// Streamed stdout goes out in batches of at least this many bytes: one message per 32 KB pipe
// read cost the parent more (~60 µs each) than the copy that joins them.
const STREAM_BATCH = 256 * 1024;
function flushOut(id, r) {
  if (!r.out.length) return;
  const data = r.out.length === 1 ? r.out[0] : Buffer.concat(r.out, r.pendingBytes);
  r.out = [];
  r.pendingBytes = 0;
  send({ t: "out", id, data });
}
// Spares for "warm" runs (see the header), blocked on their stdin until a run takes them.
const spares = new Map();
function start(m) {
  const child = spawn(m.program, m.args, { stdio: [m.stdin != null ? "pipe" : "ignore", m.captureStdout ? "pipe" : "ignore", "pipe"] });
  if (child.pid) { try { setPriority(child.pid, 10); } catch {} }
  return child;
}
function spareKey(m) { return JSON.stringify([m.program, m.args, m.captureStdout === true]); }
// One per argument list, and only a few lists: the oldest goes when a new one would pass the cap.
const MAX_SPARES = 4;
function keepSpare(m) {
  const key = spareKey(m);
  if (spares.has(key)) return;
  if (spares.size >= MAX_SPARES) {
    const [oldest, child] = spares.entries().next().value;
    spares.delete(oldest);
    try { child.kill("SIGKILL"); } catch {}
  }
  let child;
  try { child = start(m); } catch { return; }
  child.on("error", () => {});
  spares.set(key, child);
  child.once("exit", () => { if (spares.get(key) === child) spares.delete(key); });
}
function takeSpare(m) {
  const key = spareKey(m);
  const child = spares.get(key);
  spares.delete(key);
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) { if (child) child.kill("SIGKILL"); return null; }
  return child;
}
process.on("message", (m) => {
  if (m.t === "kill") { const r = running.get(m.id); if (r) r.child.kill("SIGKILL"); return; }
  if (m.t !== "run") return;
  let child = m.warm ? takeSpare(m) : null;
  if (!child) {
    try {
      child = start(m);
    } catch (e) {
      send({ t: "done", id: m.id, error: { code: e.code || null, message: String(e.message || e) } });
      return;
    }
  }
  if (m.stdin != null) { child.stdin.on("error", () => {}); child.stdin.end(m.stdin); }
  const r = { child, out: [], outBytes: 0, pendingBytes: 0, stderr: "", timedOut: false, overflow: false };
  running.set(m.id, r);
  const timer = setTimeout(() => { r.timedOut = true; child.kill("SIGKILL"); }, m.timeoutMs);
  if (child.stdout) child.stdout.on("data", (d) => {
    r.outBytes += d.length;
    if (m.maxStdoutBytes && r.outBytes > m.maxStdoutBytes) { r.overflow = true; child.kill("SIGKILL"); return; }
    r.out.push(d);
    r.pendingBytes += d.length;
    if (m.streamStdout && r.pendingBytes >= STREAM_BATCH) flushOut(m.id, r);
  });
  child.stderr.on("data", (d) => { r.stderr += d.toString("utf8"); if (r.stderr.length > 64000) r.stderr = r.stderr.slice(-32000); });
  let errored = null;
  child.on("error", (e) => { errored = { code: e.code || null, message: String(e.message || e) }; });
  child.on("close", (code, signal) => {
    clearTimeout(timer);
    running.delete(m.id);
    // The next spare starts once this run is over, not beside it: on two cores its start would slow this one.
    if (m.warm) keepSpare(m);
    if (m.streamStdout) flushOut(m.id, r);
    send({ t: "done", id: m.id, code, signal, error: errored, stdout: r.out.length ? Buffer.concat(r.out) : null, stderr: r.stderr, timedOut: r.timedOut, overflow: r.overflow });
  });
});
function end() {
  for (const r of running.values()) { try { r.child.kill("SIGKILL"); } catch {} }
  for (const c of spares.values()) { try { c.kill("SIGKILL"); } catch {} }
  process.exit(0);
}
process.on("disconnect", end);
process.on("SIGTERM", end);
send({ t: "ready" });
`;

/** One FFmpeg (or ffprobe) process to start. */
export interface LaunchRequest {
  program: string;
  args: string[];
  captureStdout: boolean;
  /** Send stdout chunk by chunk to `launch`'s `onStdout` as it arrives (`stdout` is then null). */
  streamStdout?: boolean;
  maxStdoutBytes: number | undefined;
  timeoutMs: number;
  /** Written to the process's stdin, which is then closed (without it stdin is /dev/null). */
  stdin?: string;
  /**
   * Keep an identical process started and waiting on its stdin for the next request with the
   * same program and arguments, and take this one's from such a spare when there is one. Only
   * for arguments that name no input: the input must come through `stdin`.
   */
  warm?: boolean;
}

/** How it ended, as the launcher saw it. */
export interface LaunchResult {
  code: number | null;
  signal: string | null;
  /** spawn failed (ENOENT: not on PATH) */
  error: { code: string | null; message: string } | null;
  stdout: Buffer | null;
  stderr: string;
  timedOut: boolean;
  overflow: boolean;
}

export class LauncherGoneError extends Error {
  override readonly name = "LauncherGoneError";
  constructor(readonly reason: string) {
    super(`the FFmpeg launcher process ${reason}`);
  }
}

interface Pending {
  resolve: (r: LaunchResult) => void;
  reject: (e: Error) => void;
  onStdout?: (chunk: Buffer) => void;
}

/**
 * The launcher process, started on first use and again after it dies. `launch` resolves when
 * the FFmpeg process has ended (any exit code: the caller decides what is an error) and rejects
 * only when the launcher itself is gone.
 */
export class Launcher {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `onStdout` receives stdout's chunks in order when `request.streamStdout` is set. */
  launch(request: LaunchRequest, signal?: AbortSignal, onStdout?: (chunk: Buffer) => void): Promise<LaunchResult> {
    const child = this.ensure();
    const id = this.nextId++;
    return new Promise<LaunchResult>((resolve, reject) => {
      const onAbort = () => child.connected && child.send({ t: "kill", id });
      const settle = () => {
        signal?.removeEventListener("abort", onAbort);
        this.pending.delete(id);
        if (!this.pending.size) this.unref();
      };
      this.pending.set(id, {
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e)),
        onStdout,
      });
      this.ref();
      child.send({ t: "run", id, ...request });
      signal?.addEventListener("abort", onAbort, { once: true });
      // A signal aborted before the launch never fires "abort" again.
      if (signal?.aborted) onAbort();
    });
  }

  /** Ends the launcher (and with it any FFmpeg still running). */
  close(): void {
    const child = this.child;
    this.child = null;
    if (child?.connected) child.disconnect();
    this.failAll("was closed");
  }

  private ensure(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = spawn(process.execPath, ["-e", LAUNCHER_SOURCE], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
      // Not the parent's loader flags (tsx, --cpu-prof…): the launcher is plain CommonJS.
      execArgv: [],
    } as Parameters<typeof spawn>[2]);
    child.on("message", (m: { t: string; id: number; data?: Uint8Array } & LaunchResult) => {
      if (m.t === "out") {
        if (m.data) this.pending.get(m.id)?.onStdout?.(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
        return;
      }
      if (m.t !== "done") return;
      const p = this.pending.get(m.id);
      p?.resolve({ code: m.code, signal: m.signal, error: m.error, stdout: m.stdout ? Buffer.from(m.stdout.buffer, m.stdout.byteOffset, m.stdout.byteLength) : null, stderr: m.stderr, timedOut: m.timedOut, overflow: m.overflow });
    });
    const gone = (why: string) => {
      if (this.child === child) this.child = null;
      this.failAll(why);
    };
    child.on("exit", (code, sig) => gone(`exited (${code ?? sig})`));
    child.on("error", (err) => gone(`could not start: ${err.message}`));
    this.child = child;
    this.unref();
    return child;
  }

  private failAll(why: string): void {
    for (const p of [...this.pending.values()]) p.reject(new LauncherGoneError(why));
  }

  // While nothing is in flight the launcher must not keep this process alive.
  private ref(): void {
    this.child?.ref();
    (this.child?.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  private unref(): void {
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}
