import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { killGroup, spawnChild } from "../helpers/processes.js";

export { killGroup };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One line the child printed on stdout, with the time the harness read it. */
export interface ChildLine {
  at: number;
  event?: string;
  stage?: string | null;
  generation_id?: string;
  crash?: string;
}

export interface ServerChild {
  url: string;
  /** pid of the server itself (the node process running server-process.ts). */
  pid: number;
  child: ChildProcess;
  lines: ChildLine[];
  /** Resolves with the first line (from now on or already read) that matches. */
  waitLine(pred: (l: ChildLine) => boolean, timeoutMs?: number): Promise<ChildLine | null>;
  /** Resolves when the process has exited, with the signal that ended it. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** SIGKILL to the whole process group: the server and any FFmpeg it started. Returns the time. */
  kill(): number;
  stderr(): string;
}

/**
 * Starts test/faults/server-process.ts as a process of its own (node with the tsx loader, in
 * its own process group) and waits until it listens.
 */
export async function startServerChild(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerChild> {
  const child = spawnChild(process.execPath, ["--import", "tsx", "test/faults/server-process.ts"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString("utf8")).slice(-20_000);
  });
  const lines: ChildLine[] = [];
  const waiters: { pred: (l: ChildLine) => boolean; resolve: (l: ChildLine | null) => void }[] = [];
  let ready: ((v: { url: string; pid: number }) => void) | null = null;
  const readyP = new Promise<{ url: string; pid: number }>((resolve) => (ready = resolve));
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString("utf8");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof parsed.url === "string") {
        ready?.({ url: parsed.url, pid: Number(parsed.pid) });
        continue;
      }
      const line = { ...parsed, at: Date.now() } as ChildLine;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  exited.then(() => waiters.splice(0).forEach((w) => w.resolve(null)));
  const started = await Promise.race([
    readyP,
    exited.then((how) => {
      throw new Error(`the server exited (${String(how)}) before it listened: ${stderr}`);
    }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the server did not listen within ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs)),
  ]).catch((error: unknown) => {
    killGroup(child);
    throw error;
  });
  return {
    ...started,
    child,
    lines,
    exited,
    stderr: () => stderr,
    waitLine(pred, timeoutMs = 60_000) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(null);
      return new Promise((resolve) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            resolve(null);
          }
        }, timeoutMs);
      });
    },
    kill() {
      const at = Date.now();
      killGroup(child);
      return at;
    },
  };
}

/** mulberry32: a small seeded generator, so a failing sequence can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
