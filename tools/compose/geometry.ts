import type { Crop } from "../../core/timeline/schema.js";

/** Picture geometry for conforming a clip to the output: pure. */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const ASPECTS = { "16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1 } as const;

/** A crop in source pixels (even sizes for 4:2:0), or null when it keeps the whole frame. */
export function cropRect(crop: Crop | null, srcW: number, srcH: number): Rect | null {
  if (!crop) return null;
  let x = Math.floor(crop.x * srcW);
  let y = Math.floor(crop.y * srcH);
  let w = Math.min(Math.round(crop.w * srcW), srcW - x);
  let h = Math.min(Math.round(crop.h * srcH), srcH - y);
  if (crop.aspect_ratio) {
    const ratio = ASPECTS[crop.aspect_ratio];
    if (w / h > ratio) {
      const nw = Math.round(h * ratio);
      x += Math.floor((w - nw) / 2);
      w = nw;
    } else {
      const nh = Math.round(w / ratio);
      y += Math.floor((h - nh) / 2);
      h = nh;
    }
  }
  const rect = { x: evenDown(x), y: evenDown(y), w: Math.max(2, evenDown(w)), h: Math.max(2, evenDown(h)) };
  rect.w = Math.min(rect.w, evenDown(srcW - rect.x));
  rect.h = Math.min(rect.h, evenDown(srcH - rect.y));
  if (rect.w < 2 || rect.h < 2) return null;
  const whole = rect.x === 0 && rect.y === 0 && rect.w >= evenDown(srcW) && rect.h >= evenDown(srcH);
  return whole ? null : rect;
}

/** Scales a picture to fit the output without distortion and pads the rest with black. */
export function fitInto(src: { w: number; h: number }, width: number, height: number) {
  if (src.w === width && src.h === height) return { scale: null, pad: null };
  const s = Math.min(width / src.w, height / src.h);
  const sw = Math.min(width, Math.max(2, evenRound(src.w * s)));
  const sh = Math.min(height, Math.max(2, evenRound(src.h * s)));
  const pad = sw < width || sh < height ? { x: evenDown((width - sw) / 2), y: evenDown((height - sh) / 2) } : null;
  return { scale: { width: sw, height: sh }, pad };
}

function evenDown(n: number): number {
  return Math.floor(n / 2) * 2;
}

function evenRound(n: number): number {
  return Math.round(n / 2) * 2;
}
