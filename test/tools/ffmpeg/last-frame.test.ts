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

describe("stills (thumbnails, posters)", () => {
  it("builds an input seek to one frame, and refuses a bad time", async () => {
    const { stillArgs } = await import("../../../tools/ffmpeg/args.js");
    const args = stillArgs({ input: "/in/v.mp4", outPath: "/out/p.jpg", atS: 1.5 });
    expect(args.slice(0, 4)).toEqual(["-ss", "1.5", "-i", "/in/v.mp4"]);
    expect(args).toEqual(expect.arrayContaining(["-frames:v", "1"]));
    expect(args.at(-1)).toBe("/out/p.jpg");
    expect(() => stillArgs({ input: "a", outPath: "b", atS: -1 })).toThrow();
    expect(() => stillArgs({ input: "a", outPath: "b", atS: Number.NaN })).toThrow();
  });

  it("writes the frame at the time asked (red then blue: 0.2 s is red, 1.1 s is blue), and past the end falls back to the start", async () => {
    const { writeStill } = await import("../../../tools/ffmpeg/stills.js");
    const clip = join(dir, "rb.mp4");
    await runFfmpeg(
      ["-f", "lavfi", "-i", "color=c=red:s=320x180:r=25:d=1", "-f", "lavfi", "-i", "color=c=blue:s=320x180:r=25:d=1", "-filter_complex", "[0][1]concat=n=2:v=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip],
      { timeoutS: 60 },
    );
    const rgb = async (jpg: string) => {
      const raw = `${jpg}.rgb`;
      await runFfmpeg(["-i", jpg, "-vf", "scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw], { timeoutS: 60 });
      return [...readFileSync(raw)];
    };
    const [r1, , b1] = await rgb(await writeStill(clip, join(dir, "a.jpg"), 0.2));
    expect(r1!).toBeGreaterThan(180);
    expect(b1!).toBeLessThan(60);
    const [r2, , b2] = await rgb(await writeStill(clip, join(dir, "b.jpg"), 1.1));
    expect(b2!).toBeGreaterThan(180);
    expect(r2!).toBeLessThan(60);
    const [r3] = await rgb(await writeStill(clip, join(dir, "c.jpg"), 30));
    expect(r3!).toBeGreaterThan(180);
  });
});
