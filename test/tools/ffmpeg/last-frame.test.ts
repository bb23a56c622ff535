import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastFrameArgs } from "../../../tools/ffmpeg/args.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";

const dir = mkdtempSync(join(tmpdir(), "reelgraph-lastframe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lastFrameArgs", () => {
  it("reads the tail only and keeps one image", () => {
    const args = lastFrameArgs({ input: "/in/clip.mp4", outPath: "/out/last.jpg" });
    expect(args.slice(0, 4)).toEqual(["-sseof", "-0.5", "-i", "/in/clip.mp4"]);
    expect(args).toContain("-update");
    expect(args.at(-1)).toBe("/out/last.jpg");
    expect(() => lastFrameArgs({ input: "a", outPath: "b", tailS: 0 })).toThrow();
    expect(() => lastFrameArgs({ input: "a", outPath: "b", quality: 1 })).toThrow();
  });

  it("extracts the final frame of a real clip: a red clip ending on blue gives a blue JPEG", async () => {
    const clip = join(dir, "clip.mp4");
    await runFfmpeg(
      ["-f", "lavfi", "-i", "color=c=red:s=320x180:r=25:d=1", "-f", "lavfi", "-i", "color=c=blue:s=320x180:r=25:d=0.2", "-filter_complex", "[0][1]concat=n=2:v=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip],
      { timeoutS: 60 },
    );
    const jpg = join(dir, "last.jpg");
    await runFfmpeg(lastFrameArgs({ input: clip, outPath: jpg }), { timeoutS: 60 });
    const raw = join(dir, "last.rgb");
    await runFfmpeg(["-i", jpg, "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw], { timeoutS: 60 });
    const [r, g, b] = readFileSync(raw);
    expect(b!).toBeGreaterThan(180);
    expect(r!).toBeLessThan(60);
    expect(g!).toBeLessThan(60);
    expect(readFileSync(jpg).length).toBeLessThan(1024 * 1024);
  });
});
