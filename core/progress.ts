import type { Stage } from "./domain.js";

/**
 * Progress as one number users can trust: each stage owns a band, generate moves with the
 * clips done, and only a finished composition reads 100.
 */
const BANDS: Record<Stage, [number, number]> = {
  analyze: [0, 5],
  plan: [5, 12],
  stylize: [12, 15],
  generate: [15, 85],
  compose: [85, 99],
  edit: [0, 10],
};

export function percentFor(stage: Stage, fraction = 0): number {
  const [a, b] = BANDS[stage];
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((a + (b - a) * f) * 10) / 10;
}
