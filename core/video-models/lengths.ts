import type { DurationSpec, ModelProfile } from "./profile.js";

/** The clip lengths a model can make: a list, or every length in a span. Pure. */
export type Lengths = { kind: "discrete"; values: number[] } | { kind: "continuous"; min: number; max: number };

const MAX_DISCRETE = 60;
export const EPS = 1e-6;

/** What the model can make, at a resolution value when lengths depend on it (null: the model's choice). */
export function makeableLengths(profile: ModelProfile, resolution: string | null = null): Lengths {
  return lengthsOf(profile.duration, resolution);
}

export function lengthsOf(d: DurationSpec, resolution: string | null): Lengths {
  switch (d.kind) {
    case "fixed":
      return { kind: "discrete", values: [d.seconds] };
    case "enum": {
      const values = d.values.filter((v) => allowedAt(d, v, resolution));
      return { kind: "discrete", values: sortDesc(values.length ? values : d.values) };
    }
    case "range": {
      const count = Math.floor((d.max - d.min) / d.step + EPS) + 1;
      if (count > MAX_DISCRETE) return { kind: "continuous", min: d.min, max: d.max };
      return { kind: "discrete", values: sortDesc(Array.from({ length: count }, (_, i) => round6(d.min + i * d.step))) };
    }
    case "frames": {
      const listed = d.fps_values?.length ? d.fps_values : null;
      const rates = listed ?? [d.min_fps, d.max_fps];
      const smooth = rates.filter((r) => r >= d.smooth_fps);
      const slowest = listed ? (smooth.length ? Math.min(...smooth) : Math.max(...listed)) : Math.min(d.max_fps, Math.max(d.min_fps, d.smooth_fps));
      return { kind: "continuous", min: d.min_frames / Math.max(...rates), max: topFrames(d) / slowest };
    }
  }
}

/** The largest frame count the model takes: max_frames, or below it the last of the model's form (4k+1…). */
export function topFrames(d: Extract<DurationSpec, { kind: "frames" }>): number {
  const step = d.frames_step ?? 1;
  const top = d.max_frames - ((((d.max_frames - (d.frames_offset ?? 0)) % step) + step) % step);
  return top >= d.min_frames ? top : d.max_frames;
}

/** Whether an enum length may be asked for at a resolution value. */
export function allowedAt(d: Extract<DurationSpec, { kind: "enum" }>, seconds: number, resolution: string | null): boolean {
  const only = d.resolutions_for?.[String(seconds)];
  return !only || resolution === null || only.includes(resolution);
}

export function longest(l: Lengths): number {
  return l.kind === "discrete" ? Math.max(...l.values) : l.max;
}

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function sortDesc(v: number[]): number[] {
  return [...new Set(v)].sort((a, b) => b - a);
}
