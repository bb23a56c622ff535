/** Pure helpers for the figures: percentiles, interval unions, rounding. */

/** The q-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Total length covered by possibly overlapping [start, end] intervals. */
export function unionLength(intervals: { start: number; end: number }[]): number {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const i of sorted) {
    if (i.start > to) {
      if (to > from) total += to - from;
      from = i.start;
      to = i.end;
    } else to = Math.max(to, i.end);
  }
  if (to > from) total += to - from;
  return total;
}

/** Rounds to `digits` decimals (numbers stay numbers in the JSON). */
export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Wall seconds of an async call. */
export async function timeIt<T>(work: () => Promise<T>): Promise<{ value: T; s: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, s: (performance.now() - t0) / 1000 };
}
