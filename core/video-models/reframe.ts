import { ratioValue } from "./profile.js";

/**
 * How a clip whose picture differs from the output is brought to the output size, as data
 * the composer applies: a region of the source (fractions of its width and height, the
 * timeline's `crop` shape) that it crops before scaling, or none, in which case the composer
 * scales to fit and pads. A scene's own crop always wins.
 */

export interface CropRegion {
  aspect_ratio: "16:9" | "9:16" | "1:1" | null;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Reframe {
  /** none: same shape; crop: centred crop to the output shape; pad: scale to fit, pad the rest; scene_crop: the scene's crop. */
  mode: "none" | "crop" | "pad" | "scene_crop";
  crop: CropRegion | null;
}

export function reframeFor(
  clip: { width: number; height: number } | { ratio: string },
  output: { width: number; height: number },
  sceneCrop: CropRegion | null,
  prefer: "crop" | "pad" = "crop",
): Reframe {
  if (sceneCrop) return { mode: "scene_crop", crop: sceneCrop };
  const src = "ratio" in clip ? ratioValue(clip.ratio) : clip.width / clip.height;
  const out = output.width / output.height;
  if (!(src > 0 && out > 0)) throw new RangeError("bad picture size");
  if (Math.abs(Math.log(src / out)) < 0.01) return { mode: "none", crop: null };
  if (prefer === "pad") return { mode: "pad", crop: null };
  if (src > out) {
    const w = round4(out / src);
    return { mode: "crop", crop: { aspect_ratio: null, x: round4((1 - w) / 2), y: 0, w, h: 1 } };
  }
  const h = round4(src / out);
  return { mode: "crop", crop: { aspect_ratio: null, x: 0, y: round4((1 - h) / 2), w: 1, h } };
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
