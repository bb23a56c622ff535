import { describe, expect, it } from "vitest";
import { FfmpegError, runFfmpeg } from "../../../tools/ffmpeg/run.js";

describe("runFfmpeg cancellation", () => {
  it("kills the process at once when the signal was aborted before the spawn", async () => {
    const started = performance.now();
    const run = runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x180:r=30", "-t", "120", "-f", "null", "-"], { signal: AbortSignal.abort() });
    await expect(run).rejects.toBeInstanceOf(FfmpegError);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
