import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Launcher } from "../../../tools/ffmpeg/launcher.js";
import { closeFfmpegLauncher, FfmpegError, runFfmpeg, runFfprobe } from "../../../tools/ffmpeg/run.js";
import { endChild, spawnChild } from "../../helpers/processes.js";

/**
 * FFmpeg is started by a small launcher process (tools/ffmpeg/launcher.ts): the same results as
 * starting it here, without the fork that stalls a big process's event loop.
 */

const launchers: Launcher[] = [];
afterAll(() => {
  launchers.forEach((l) => l.close());
  closeFfmpegLauncher();
});

/** Processes whose command line contains `token`. */
function withToken(token: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "latin1");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${e}/cmdline`, "latin1").includes(token)) pids.push(Number(e));
    } catch {
      // gone
    }
  }
  return pids;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

// Real time (-re): it runs until it is ended.
const long = (token: string) => ["-re", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=10", "-t", "300", "-metadata", `comment=${token}`, "-f", "null", "-"];

describe("the FFmpeg launcher", () => {
  it("returns what FFmpeg wrote: stdout bytes, stderr, exit status", async () => {
    const probe = await runFfprobe(["-f", "lavfi", "-i", "sine=f=440:d=1", "-show_entries", "stream=codec_type,sample_rate", "-of", "json"]);
    expect(JSON.parse(probe.stdout.toString("utf8")).streams[0]).toMatchObject({ codec_type: "audio", sample_rate: "44100" });
    const pcm = await runFfmpeg(["-f", "lavfi", "-i", "sine=f=440:d=2", "-ac", "1", "-ar", "8000", "-f", "s16le", "-"], { captureStdout: true });
    expect(pcm.stdout.length).toBe(2 * 8000 * 2);
    await expect(runFfmpeg(["-i", "/nonexistent/input.mp4", "-f", "null", "-"])).rejects.toThrow(/exited with 1: .*No such file/);
  });

  it("streams stdout chunk by chunk when asked (onStdout): the same bytes, the same cap", async () => {
    // 640 KB: more than one 256 KB batch, and a rest sent when FFmpeg ends.
    const args = ["-f", "lavfi", "-i", "sine=f=440:d=20", "-ac", "1", "-ar", "16000", "-f", "s16le", "-"];
    const whole = await runFfmpeg(args, { captureStdout: true });
    const chunks: Buffer[] = [];
    const streamed = await runFfmpeg(args, { onStdout: (c) => chunks.push(c) });
    expect(whole.stdout.length).toBe(20 * 16000 * 2);
    expect(chunks.length).toBeGreaterThan(2);
    expect(streamed.stdout.length).toBe(0);
    expect(Buffer.concat(chunks).equals(whole.stdout)).toBe(true);
    await expect(runFfmpeg(args, { onStdout: () => {}, maxStdoutBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
  });

  it("enforces the stdout cap and the deadline, and cancels on abort", async () => {
    await expect(runFfmpeg(["-f", "lavfi", "-i", "sine=d=10", "-f", "s16le", "-"], { captureStdout: true, maxStdoutBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
    const t0 = performance.now();
    await expect(runFfmpeg(long("deadline"), { timeoutS: 0.5 })).rejects.toThrow(/timed out after 0.5 s/);
    expect(performance.now() - t0).toBeLessThan(5000);
    const token = `abort-${randomUUID()}`;
    const ac = new AbortController();
    const run = runFfmpeg(long(token), { signal: ac.signal });
    expect(await until(() => withToken(token).length > 0, 5000)).toBe(true);
    ac.abort();
    await expect(run).rejects.toThrow(/cancelled/);
    expect(await until(() => withToken(token).length === 0, 5000)).toBe(true);
  });

  it("a program that is not there is a spawn error (ENOENT), not an exit status", async () => {
    const l = new Launcher();
    launchers.push(l);
    const r = await l.launch({ program: "reelgraph-no-such-program", args: [], captureStdout: false, maxStdoutBytes: undefined, timeoutMs: 5000 });
    expect(r.error?.code).toBe("ENOENT");
  });

  it("does not stall a big process: the launch call returns at once (spawn() here would block 20+ ms)", async () => {
    // ~300 MB resident, as a busy server holds: fork's page-table copy grows with it, so a
    // spawn() from this process would hold its event loop for 20–50 ms (bench/README.md).
    const ballast = Array.from({ length: 300 }, () => Buffer.alloc(1 << 20, 1));
    const l = new Launcher();
    launchers.push(l);
    const args = { program: "ffmpeg", args: ["-version"], captureStdout: true, maxStdoutBytes: undefined, timeoutMs: 10_000 };
    await l.launch(args); // the launcher itself is forked once
    const launchMs: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const p = l.launch(args);
      launchMs.push(performance.now() - t0);
      expect((await p).stdout!.toString()).toMatch(/^ffmpeg version/);
    }
    expect(ballast.length).toBe(300);
    // Well under the 20+ ms a spawn() would hold the loop; 5 ms leaves room for a loaded 2-core CI
    // machine (2.1 ms was seen here with the rest of the suite running beside it).
    expect(launchMs.sort((a, b) => a - b)[launchMs.length >> 1]).toBeLessThan(5);
  });

  it("a process that dies (SIGKILL) takes its launcher and the FFmpeg it ran with it", async () => {
    const token = `orphan-${randomUUID()}`;
    const script = `import { runFfmpeg } from "./tools/ffmpeg/run.ts"; runFfmpeg(${JSON.stringify(long(token))}).catch(() => {}); setInterval(() => {}, 1000);`;
    const child = spawnChild(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: new URL("../../..", import.meta.url).pathname, stdio: "ignore" });
    try {
      expect(await until(() => withToken(token).length > 0, 20_000)).toBe(true);
      child.kill("SIGKILL");
      expect(await until(() => withToken(token).length === 0, 5000), "FFmpeg outlived its parent").toBe(true);
    } finally {
      await endChild(child, 500);
    }
  }, 30_000);

  it("a launcher that dies fails what it was running with FfmpegError, and the next run starts a new one", async () => {
    const token = `gone-${randomUUID()}`;
    const run = runFfmpeg(long(token));
    expect(await until(() => withToken(token).length > 0, 5000)).toBe(true);
    const ffmpegPid = withToken(token)[0]!;
    const launcherPid = Number(readFileSync(`/proc/${ffmpegPid}/stat`, "latin1").split(") ")[1]!.split(" ")[1]);
    expect(readFileSync(`/proc/${launcherPid}/cmdline`, "latin1")).toMatch(/node/);
    process.kill(launcherPid, "SIGKILL");
    await expect(run).rejects.toBeInstanceOf(FfmpegError);
    await expect(run).rejects.toThrow(/did not finish: the FFmpeg launcher process exited/);
    process.kill(ffmpegPid, "SIGKILL"); // orphaned by the SIGKILL: nothing was left to end it
    const again = await runFfmpeg(["-version"], { captureStdout: true });
    expect(again.stdout.toString()).toMatch(/^ffmpeg version/);
  }, 30_000);

  it("keeps a spare started for warm runs: each run reads its own stdin, the spare waits, and closing ends it", async () => {
    const token = `warm-${randomUUID()}`;
    const dir = mkdtempSync(join(tmpdir(), "reelgraph-warm-"));
    try {
      // Two inputs of different lengths, named on stdin through a concat list: the same arguments.
      const inputs = [1, 2].map((s) => join(dir, `${s}.wav`));
      for (const [i, path] of inputs.entries()) await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", `sine=f=440:d=${i + 1}`, "-ar", "8000", path]);
      const args = ["-v", "error", "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe", "-i", "pipe:0", "-metadata", `comment=${token}`, "-ac", "1", "-f", "s16le", "-"];
      const lengths: number[] = [];
      for (const path of [...inputs, inputs[0]!]) {
        const r = await runFfmpeg(args, { stdin: `file 'file:${path}'\n`, warm: true, captureStdout: true });
        lengths.push(r.stdout.length);
        // After each run one spare waits for the next, and no more than one.
        expect(await until(() => withToken(token).length === 1, 5000)).toBe(true);
      }
      expect(lengths).toEqual([8000 * 2, 2 * 8000 * 2, 8000 * 2]);
      const spare = withToken(token)[0]!;
      const state = () => readFileSync(`/proc/${spare}/stat`, "latin1").split(") ")[1]![0];
      expect(await until(() => state() === "S", 5000), "the spare should be blocked on its stdin").toBe(true);
      // Spares for other argument lists: at most four are kept, the oldest goes first.
      const others = [1, 2, 3, 4].map((i) => args.map((a) => (a === `comment=${token}` ? `comment=${token}-${i}` : a)));
      for (const other of others) await runFfmpeg(other, { stdin: `file 'file:${inputs[0]}'\n`, warm: true, captureStdout: true });
      expect(await until(() => withToken(token).length === 4, 5000)).toBe(true);
      expect(await until(() => !withToken(`comment=${token}\0`).length, 5000), "the oldest spare should have gone").toBe(true);
      closeFfmpegLauncher();
      expect(await until(() => withToken(token).length === 0, 5000), "the spare outlived its launcher").toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
