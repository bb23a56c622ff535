import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { endChild, spawnChild } from "../../helpers/processes.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface SpawnedService {
  url: string;
  /** pid of the node process running the service (under npx and tsx). */
  pid: number;
  child: ChildProcess;
  stderr(): string;
  /** Closes stdin (the service shuts down cleanly); then ends whatever is left of its process group. */
  stop(): Promise<void>;
}

/** Starts `npx tsx service-process.ts` in its own process group and waits for its URL. */
export async function spawnService(env: Record<string, string>): Promise<SpawnedService> {
  const child = spawnChild("npx", ["tsx", "test/tools/ffmpeg-service/service-process.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString("utf8")).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the service did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; pid: number });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} before it listened: ${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await endChild(child);
    throw err;
  });
  return {
    ...ready,
    child,
    stderr: () => stderr,
    async stop() {
      child.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 5_000)))]);
      clearTimeout(timer);
      await endChild(child);
    },
  };
}
