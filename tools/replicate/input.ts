import type { ClipJob } from "../../graph/ports.js";

/** Aspect ratios video models on Replicate commonly accept. */
export const COMMON_ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;

/** The allowed ratio closest to width:height (compared on a log scale, so 2:1 and 1:2 are equally far from 1:1). */
export function aspectRatioFor(width: number, height: number, allowed: readonly string[] = COMMON_ASPECT_RATIOS): string {
  if (!(width > 0 && height > 0)) throw new Error(`bad frame size ${width}x${height}`);
  const target = Math.log(width / height);
  let best = allowed[0]!;
  let bestDistance = Infinity;
  for (const ratio of allowed) {
    const [w, h] = ratio.split(":").map(Number);
    const d = Math.abs(Math.log(w! / h!) - target);
    if (d < bestDistance) {
      best = ratio;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The default mapping of a clip to model input: `{prompt, duration, aspect_ratio}`. Models
 * differ in their input names and allowed values; pass `buildInput` to the provider for others.
 */
export function defaultBuildInput(job: ClipJob): Record<string, unknown> {
  return {
    prompt: job.prompt,
    duration: Math.max(1, Math.round(job.duration_s)),
    aspect_ratio: aspectRatioFor(job.width, job.height),
  };
}
