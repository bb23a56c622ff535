/**
 * Beat tracking by dynamic programming over an onset envelope: each frame's best score is its
 * own onset strength plus the best earlier beat, penalised by how far the gap strays from the
 * period (squared log ratio). The penalty is soft, so the chain follows tempo drift. Pure.
 */

export interface TrackOptions {
  /**
   * Weight of the gap penalty (default 1000). High enough that the chain does not hop to the
   * off-beats for a few bars of busy eighth notes (a half-beat hop costs ~160, one bar of strong
   * off-beats gains ~10), low enough to follow a few percent of drift (a 1 % step costs 0.1).
   */
  tightness?: number;
}

/** Beat frames (integers, increasing) of the best chain for `period` (frames, fractional). */
export function trackBeats(o: Float32Array, period: number, options: TrackOptions = {}): number[] {
  const n = o.length;
  if (n === 0 || !(period > 1)) return [];
  const tightness = options.tightness ?? 1000;
  const minGap = Math.max(1, Math.round(period / 2));
  const maxGap = Math.max(minGap + 1, Math.round(period * 2));
  const penalty = new Float64Array(maxGap + 1);
  for (let g = minGap; g <= maxGap; g++) penalty[g] = tightness * Math.log(g / period) ** 2;
  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let from = -1;
    const lo = Math.max(0, i - maxGap);
    for (let m = i - minGap; m >= lo; m--) {
      const v = score[m] - penalty[i - m];
      if (v > best) {
        best = v;
        from = m;
      }
    }
    score[i] = o[i] + best;
    back[i] = from;
  }
  let end = n - 1;
  for (let i = Math.max(0, n - Math.ceil(period)); i < n; i++) if (score[i] > score[end]) end = i;
  const beats: number[] = [];
  for (let i = end; i >= 0; i = back[i]) beats.push(i);
  return beats.reverse();
}

/**
 * Continues the grid at `period` before the first and after the last beat, to the edges of the
 * envelope: a chain may start a few beats late; trimWeakEnds then drops what stands on nothing.
 */
export function extendGrid(beats: number[], period: number, frames: number): number[] {
  if (beats.length === 0) return beats;
  const before: number[] = [];
  for (let t = beats[0] - period; t >= -0.5; t -= period) before.unshift(Math.max(0, Math.round(t)));
  const after: number[] = [];
  for (let t = beats[beats.length - 1] + period; t < frames - 0.5; t += period) after.push(Math.round(t));
  return [...before, ...beats, ...after];
}

/**
 * Moves each beat to the envelope's peak within ±`radius` frames, to a fraction of a frame
 * (parabola through the peak and its neighbours). Beats with no peak nearby stay put.
 */
export function refineBeats(o: Float32Array, beats: number[], radius = 2): number[] {
  return beats.map((b) => {
    let best = b;
    for (let j = Math.max(1, b - radius); j <= Math.min(o.length - 2, b + radius); j++) if (o[j] > o[best]) best = j;
    if (best <= 0 || best >= o.length - 1 || o[best] <= 0) return b;
    const l = o[best - 1];
    const c = o[best];
    const r = o[best + 1];
    const denom = l - 2 * c + r;
    const shift = denom < 0 ? (0.5 * (l - r)) / denom : 0;
    return best + Math.max(-0.5, Math.min(0.5, shift));
  });
}

/** The largest value of `env` within ±`radius` frames of each (fractional) frame. */
export function sampleMax(env: Float32Array, frames: number[], radius = 2): Float64Array {
  const out = new Float64Array(frames.length);
  frames.forEach((f, i) => {
    const c = Math.round(f);
    let m = -Infinity;
    for (let j = Math.max(0, c - radius); j <= Math.min(env.length - 1, c + radius); j++) if (env[j] > m) m = env[j];
    out[i] = Number.isFinite(m) ? m : 0;
  });
  return out;
}

/**
 * Drops beats at either end that stand on (almost) nothing: a lead-in of silence or of
 * beatless sound, a tail after the music stops. Interior beats stay, so a break keeps its grid.
 */
export function trimWeakEnds(beats: number[], strength: ArrayLike<number>, fraction = 0.25): { beats: number[]; dropped: number } {
  if (beats.length === 0) return { beats, dropped: 0 };
  const sorted = Array.from(strength).sort((a, b) => a - b);
  const ref = sorted[Math.floor(sorted.length / 2)];
  const floor = ref * fraction;
  let a = 0;
  let b = beats.length;
  while (a < b && strength[a] < floor) a++;
  while (b > a && strength[b - 1] < floor) b--;
  return { beats: beats.slice(a, b), dropped: beats.length - (b - a) };
}
