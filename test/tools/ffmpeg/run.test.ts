import { describe, expect, it, vi } from "vitest";
import { ffmpegStats, FfmpegError, runFfmpeg, setFfmpegConcurrency, withFfmpegRank } from "../../../tools/ffmpeg/run.js";

describe("runFfmpeg cancellation", () => {
  it("kills the process at once when the signal was aborted before the spawn", async () => {
    const started = performance.now();
    const run = runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x180:r=30", "-t", "120", "-f", "null", "-"], { signal: AbortSignal.abort() });
    await expect(run).rejects.toBeInstanceOf(FfmpegError);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("runFfmpeg without the launcher (REELGRAPH_FFMPEG_LAUNCHER=0)", () => {
  it("streams stdout chunk by chunk when asked (onStdout): the same bytes as captured", async () => {
    vi.stubEnv("REELGRAPH_FFMPEG_LAUNCHER", "0");
    vi.resetModules();
    try {
      const direct = await import("../../../tools/ffmpeg/run.js");
      const args = ["-f", "lavfi", "-i", "sine=f=440:d=3", "-ac", "1", "-ar", "8000", "-f", "s16le", "-"];
      const whole = await direct.runFfmpeg(args, { captureStdout: true });
      const chunks: Buffer[] = [];
      const streamed = await direct.runFfmpeg(args, { onStdout: (c) => chunks.push(c) });
      expect(whole.stdout.length).toBe(3 * 8000 * 2);
      expect(streamed.stdout.length).toBe(0);
      expect(Buffer.concat(chunks).equals(whole.stdout)).toBe(true);
      await expect(direct.runFfmpeg(args, { onStdout: () => {}, maxStdoutBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describe("the queue for FFmpeg slots", () => {
  it("serves the lowest rank first (a compose ranks by when it started), else in order of arrival", async () => {
    const before = ffmpegStats().limit;
    setFfmpegConcurrency(1);
    try {
      const done: string[] = [];
      const run = (name: string) => runFfmpeg(["-f", "lavfi", "-i", "anullsrc=d=0.1", "-f", "null", "-"], { timeoutS: 30 }).then(() => done.push(name));
      const first = run("holder"); // takes the only slot
      const late = withFfmpegRank(3_000, () => run("rank 3000"));
      const early = withFfmpegRank(1_000, () => run("rank 1000 a"));
      const early2 = withFfmpegRank(1_000, () => run("rank 1000 b"));
      const plain = run("unranked (now)");
      await Promise.all([first, late, early, early2, plain]);
      expect(done).toEqual(["holder", "rank 1000 a", "rank 1000 b", "rank 3000", "unranked (now)"]);
    } finally {
      setFfmpegConcurrency(before);
    }
  });
});
