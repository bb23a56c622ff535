/**
 * Two independent tempo estimates from an onset envelope: a comb over its autocorrelation
 * (continuous, uses every frame) and a histogram of inter-onset intervals (discrete, uses only
 * picked onsets). Pure.
 */

export interface TempoRange {
  minBpm: number;
  maxBpm: number;
}

export interface TempoCandidate {
  bpm: number;
  /** Beat period in frames (fractional). */
  period: number;
  /** Comb salience with the prior applied (relative; only comparable within one song). */
  score: number;
}

/**
 * Autocorrelation of the mean-removed envelope for lags 0…maxLag, each lag divided by its
 * overlap (so long lags are not penalised) and by lag 0: 1 at lag 0, ~0 for noise.
 */
export function autocorrelation(x: Float32Array, maxLag: number): Float64Array {
  const n = x.length;
  const ac = new Float64Array(maxLag + 1);
  if (n < 2) return ac;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i] - mean;
  for (let lag = 0; lag <= maxLag && lag < n; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += y[i] * y[i - lag];
    ac[lag] = s / (n - lag);
  }
  const zero = ac[0];
  if (zero <= 1e-12) return new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) ac[lag] /= zero;
  return ac;
}

/** Linear interpolation of `a` at fractional index `x` (0 outside). */
export function at(a: ArrayLike<number>, x: number): number {
  const i = Math.floor(x);
  if (i < 0 || i + 1 >= a.length) return i === a.length - 1 ? a[i] : 0;
  const f = x - i;
  return a[i] * (1 - f) + a[i + 1] * f;
}

/**
 * A mild perceptual prior: listeners tap near 120 BPM; the weight halves about 1.2 octaves
 * away, so it only breaks near-ties and never overrides clear evidence.
 */
export function tempoPrior(bpm: number): number {
  const octaves = Math.log2(bpm / 120);
  return Math.exp(-0.5 * (octaves / 1.2) ** 2);
}

/**
 * Harmonic comb over a lag function: the mean at 1–4 multiples of the period, plus half the
 * value at half the period. The duple subdivision term separates the true beat from a
 * period 1.5 times as long (riffs grouped in threes of eighth notes), which the multiples alone
 * cannot: its half period falls between onsets.
 */
function comb(f: ArrayLike<number>, period: number): number {
  let s = 0;
  for (let k = 1; k <= 4; k++) s += Math.max(0, at(f, k * period));
  return s / 4 + 0.5 * Math.max(0, at(f, period / 2));
}

/**
 * Scores every period between the range's limits (quarter-frame steps) by the comb over `lagFn`
 * times the prior, and returns the local maxima, best first.
 */
export function combCandidates(lagFn: ArrayLike<number>, frameRate: number, range: TempoRange): TempoCandidate[] {
  const minPeriod = (60 * frameRate) / range.maxBpm;
  const maxPeriod = (60 * frameRate) / range.minBpm;
  const periods: number[] = [];
  const scores: number[] = [];
  for (let p = minPeriod; p <= maxPeriod; p += 0.25) {
    periods.push(p);
    scores.push(comb(lagFn, p) * tempoPrior((60 * frameRate) / p));
  }
  const out: TempoCandidate[] = [];
  for (let i = 0; i < scores.length; i++) {
    const left = i > 0 ? scores[i - 1] : -Infinity;
    const right = i + 1 < scores.length ? scores[i + 1] : -Infinity;
    if (scores[i] > 0 && scores[i] >= left && scores[i] > right) {
      let p = periods[i];
      if (i > 0 && i + 1 < scores.length) {
        const denom = left - 2 * scores[i] + right;
        if (denom < 0) p += (0.25 * 0.5 * (left - right)) / denom;
      }
      out.push({ bpm: (60 * frameRate) / p, period: p, score: scores[i] });
    }
  }
  return out.sort((a, b) => b.score - a.score);
}

/** Onset times (fractional frames) and strengths picked from a normalised envelope. */
export function pickOnsets(o: Float32Array, threshold = 1, radius = 4): { frame: number; strength: number }[] {
  const out: { frame: number; strength: number }[] = [];
  for (let i = 1; i + 1 < o.length; i++) {
    const v = o[i];
    if (v < threshold) continue;
    let isMax = true;
    for (let j = Math.max(0, i - radius); j <= Math.min(o.length - 1, i + radius) && isMax; j++) {
      if (o[j] > v || (o[j] === v && j < i)) isMax = false;
    }
    if (!isMax) continue;
    const denom = o[i - 1] - 2 * v + o[i + 1];
    const shift = denom < 0 ? (0.5 * (o[i - 1] - o[i + 1])) / denom : 0;
    out.push({ frame: i + shift, strength: v });
  }
  return out;
}

/**
 * The second estimate: every interval between an onset and the onsets after it (up to 4 beat
 * periods at the slowest tempo) goes into a 1-frame histogram, weighted by both strengths;
 * the same comb and prior then pick the period. Returns null with too few onsets.
 */
export function ioiTempo(onsets: { frame: number; strength: number }[], frameRate: number, range: TempoRange): TempoCandidate | null {
  if (onsets.length < 8) return null;
  const maxLag = Math.ceil((4 * 60 * frameRate) / range.minBpm) + 2;
  const hist = new Float64Array(maxLag + 2);
  for (let i = 0; i < onsets.length; i++) {
    for (let j = i + 1; j < onsets.length; j++) {
      const d = onsets[j].frame - onsets[i].frame;
      if (d > maxLag) break;
      const w = Math.sqrt(onsets[i].strength * onsets[j].strength);
      const k = Math.floor(d);
      const f = d - k;
      hist[k] += w * (1 - f);
      hist[k + 1] += w * f;
    }
  }
  const smooth = new Float64Array(hist.length);
  for (let i = 0; i < hist.length; i++) {
    let s = 0;
    let wsum = 0;
    for (let j = -2; j <= 2; j++) {
      const w = 3 - Math.abs(j);
      if (i + j >= 0 && i + j < hist.length) {
        s += hist[i + j] * w;
        wsum += w;
      }
    }
    smooth[i] = s / wsum;
  }
  return combCandidates(smooth, frameRate, range)[0] ?? null;
}

/** How two tempi relate: the same, an octave apart (×2 or ×½), or unrelated (within `tol`). */
export function tempoRelation(a: number, b: number, tol = 0.04): "same" | "double" | "half" | "unrelated" {
  const r = b / a;
  if (Math.abs(r - 1) <= tol) return "same";
  if (Math.abs(r / 2 - 1) <= tol) return "double";
  if (Math.abs(r * 2 - 1) <= tol) return "half";
  return "unrelated";
}
