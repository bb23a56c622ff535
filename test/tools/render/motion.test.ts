import { describe, expect, it } from "vitest";
import { animaticArgs } from "../../../tools/ffmpeg/args.js";
import { animaticSpec, framesFor, layoutTitle, lookFor, paletteColors, seedFor } from "../../../tools/render/motion.js";

const FONT = { file: "/f.ttf" };
const job = { clipId: "clip_1", width: 1280, height: 720, fps: 30, duration_s: 5, palette: ["#1E3A8A", "#F59E0B"], motion: "slow push-in" };

describe("lookFor", () => {
  it.each([
    ["slow push-in", "grow", "radial"],
    ["zoom in on the can", "grow", "radial"],
    ["pull back to reveal", "shrink", "radial"],
    ["pan left", "drift-x", "linear"],
    ["dolly right", "drift-x", "linear"],
    ["tracking shot", "drift-x", "linear"],
    ["tilt up", "drift-y", "linear"],
    ["orbit around", "still", "spiral"],
    ["locked-off static", "still", "linear"],
    ["something new", "still", "linear"],
  ])("%s → text %s on a %s gradient", (motion, text, type) => {
    const look = lookFor(motion);
    expect(look.text).toBe(text);
    expect(look.gradient.type).toBe(type);
  });

  it("moves the static look least", () => {
    expect(lookFor("static").gradient.speed).toBeLessThan(lookFor("pan").gradient.speed);
  });
});

describe("paletteColors", () => {
  it("keeps valid hex colours only, deduplicated, as 0xRRGGBB", () => {
    expect(paletteColors(["#1e3a8a", "F59E0B", "#abc", "red", "#1E3A8A", "#12345g", "0x123456:c1=red"])).toEqual(["0x1E3A8A", "0xF59E0B", "0xAABBCC"]);
  });

  it("tops up to two colours and caps at eight", () => {
    expect(paletteColors([])).toHaveLength(2);
    expect(paletteColors(["#000000"])).toEqual(["0x000000", "0x1E3A8A"]);
    expect(paletteColors(Array.from({ length: 12 }, (_, i) => `#0000${(i + 16).toString(16)}`))).toHaveLength(8);
  });
});

describe("animaticSpec", () => {
  it("rounds the duration to whole frames and seeds the gradient from the clip id", () => {
    expect(framesFor(1.55, 30)).toBe(47);
    expect(framesFor(0.001, 30)).toBe(1);
    const spec = animaticSpec({ ...job, duration_s: 1.55 }, { title: null, label: null }, FONT, "/o.mp4");
    expect(spec.frames).toBe(47);
    expect(spec.gradient.seed).toBe(seedFor("clip_1"));
    expect(seedFor("clip_1")).not.toBe(seedFor("clip_2"));
  });

  it("grows the title for a push-in and drifts it for a pan", () => {
    const files = { title: { path: "/t.txt", fontSize: 80 }, label: "/l.txt" };
    const push = animaticSpec(job, files, FONT, "/o.mp4");
    expect(push.layers[0].fontSize).toBe("80*(1+0.12*t/5)");
    expect(push.layers[1]).toMatchObject({ textFile: "/l.txt", fontSize: 26 });
    const pan = animaticSpec({ ...job, motion: "pan" }, files, FONT, "/o.mp4");
    expect(pan.layers[0].fontSize).toBe(80);
    expect(pan.layers[0].x).toBe("(w-tw)/2+w*0.05*(t/5-0.5)");
    const vf = animaticArgs(pan)[animaticArgs(pan).indexOf("-vf") + 1];
    expect(vf).toContain("x=(w-tw)/2+w*0.05*(t/5-0.5)");
  });

  it("lays the title out large, wrapped, and smaller for a push-in", () => {
    const still = layoutTitle("Cold brew, oat milk, zero fuss", 1280, 720, "static")!;
    const push = layoutTitle("Cold brew, oat milk, zero fuss", 1280, 720, "push-in")!;
    expect(still.fontSize).toBeGreaterThanOrEqual(60);
    expect(push.fontSize).toBeLessThanOrEqual(still.fontSize);
    expect(layoutTitle("  ", 1280, 720, "static")).toBeNull();
  });
});
