import { fft, fftPlan } from "./fft.js";

/**
 * Frame features on ~10 ms hops: log-compressed spectral flux (broadband and low band), frame
 * loudness, and a coarse log-band spectrum. One short FFT per hop keeps a minute of audio at
 * 11025 Hz to roughly 6000 transforms of 256 points. Pure.
 */

/** Below this RMS (about −60 dBFS) a frame counts as silent. */
export const SILENCE_RMS = 0.001;

export interface OnsetFeatures {
  /** Frames per second (sampleRate / hop). */
  frameRate: number;
  hop: number;
  window: number;
  sampleRate: number;
  /** Broadband half-wave-rectified log spectral flux per frame. */
  flux: Float32Array;
  /** The same restricted to 40–180 Hz (kick drum, bass). */
  lowFlux: Float32Array;
  /** Log power in 40–180 Hz: how hard the kick and bass hit, for accents. */
  lowLevel: Float32Array;
  /** Frame RMS of the signal as given (not normalised), for silence and loudness. */
  rms: Float32Array;
  /** Log energy in `bandCount` bands per frame, row-major (frame × band). */
  bands: Float32Array;
  bandCount: number;
}

/**
 * The time in seconds that frame `n` stands for: the centre of its window. Frame n's window is
 * centred on sample n·hop (zeros before the start), so a song that opens on a beat has an
 * onset at frame 0.
 */
export function frameTime(f: Pick<OnsetFeatures, "hop" | "sampleRate">, n: number): number {
  return (n * f.hop) / f.sampleRate;
}

/** The (fractional) frame index whose window centre is at `t` seconds. */
export function timeFrame(f: Pick<OnsetFeatures, "hop" | "sampleRate">, t: number): number {
  return (t * f.sampleRate) / f.hop;
}

const BAND_EDGES_HZ = [40, 90, 180, 300, 500, 800, 1200, 1800, 2700, 4000, 6000, 9000];

/** Computes the frame features of mono samples at `sampleRate`. */
export function onsetFeatures(samples: Float32Array, sampleRate: number): OnsetFeatures {
  const hop = Math.max(1, Math.round(sampleRate / 100));
  const window = 2 ** Math.round(Math.log2(sampleRate * 0.023));
  const frames = Math.floor(samples.length / hop);
  const halfWindow = window / 2;
  const plan = fftPlan(window);
  const hann = new Float64Array(window);
  let hannSum = 0;
  for (let i = 0; i < window; i++) {
    hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / window);
    hannSum += hann[i];
  }

  const globalRms = Math.sqrt(meanSquare(samples, 0, samples.length));
  // Loudness-independent flux: the log compression below then behaves alike for quiet and loud masters.
  const gain = globalRms > SILENCE_RMS ? 0.1 / globalRms : 1;
  const norm = (2 / hannSum) * gain;

  const binHz = sampleRate / window;
  const bins = window / 2;
  const firstBin = Math.max(1, Math.ceil(40 / binHz));
  const lowLast = Math.max(firstBin, Math.floor(180 / binHz));
  const edges = BAND_EDGES_HZ.filter((hz) => hz < sampleRate / 2).map((hz) => Math.max(firstBin, Math.round(hz / binHz)));
  edges.push(bins);
  const bandCount = edges.length - 1;

  const flux = new Float32Array(frames);
  const lowFlux = new Float32Array(frames);
  const lowLevel = new Float32Array(frames);
  const rms = new Float32Array(frames);
  const bands = new Float32Array(frames * bandCount);
  const re = new Float64Array(window);
  const im = new Float64Array(window);
  let prev = new Float64Array(bins);
  let cur = new Float64Array(bins);

  const magA = new Float64Array(bins);
  const magB = new Float64Array(bins);
  const frame = (n: number, mag: Float64Array) => {
    rms[n] = Math.sqrt(meanSquare(samples, n * hop - hop / 2, hop));
    let f = 0;
    let lf = 0;
    let lp = 0;
    for (let k = firstBin; k < bins; k++) {
      const m = mag[k] * norm;
      if (k <= lowLast) lp += m * m;
      const y = Math.log1p(1000 * m);
      cur[k] = y;
      const d = y - prev[k];
      if (d > 0) {
        f += d;
        if (k <= lowLast) lf += d;
      }
    }
    for (let b = 0; b < bandCount; b++) {
      let e = 0;
      for (let k = edges[b]; k < edges[b + 1]; k++) e += cur[k];
      bands[n * bandCount + b] = e / Math.max(1, edges[b + 1] - edges[b]);
    }
    lowLevel[n] = Math.log10(lp + 1e-10);
    flux[n] = f / (bins - firstBin);
    lowFlux[n] = lf / (lowLast - firstBin + 1);
    const t = prev;
    prev = cur;
    cur = t;
  };

  // Two real frames per complex FFT (frame n in the real part, n+1 in the imaginary part), then
  // split by conjugate symmetry: half the transforms.
  for (let n = 0; n < frames; n += 2) {
    const startA = n * hop - halfWindow;
    const startB = startA + hop;
    const hasB = n + 1 < frames;
    for (let i = 0; i < window; i++) {
      const ja = startA + i;
      const jb = startB + i;
      re[i] = ja >= 0 && ja < samples.length ? samples[ja] * hann[i] : 0;
      im[i] = hasB && jb >= 0 && jb < samples.length ? samples[jb] * hann[i] : 0;
    }
    fft(plan, re, im);
    for (let k = 1; k < bins; k++) {
      const xr = re[k];
      const xi = im[k];
      const yr = re[window - k];
      const yi = im[window - k];
      // A = (X[k] + conj X[N−k]) / 2, B = (X[k] − conj X[N−k]) / 2i
      const ar = (xr + yr) / 2;
      const ai = (xi - yi) / 2;
      const br = (xi + yi) / 2;
      const bi = (yr - xr) / 2;
      magA[k] = Math.sqrt(ar * ar + ai * ai);
      magB[k] = Math.sqrt(br * br + bi * bi);
    }
    frame(n, magA);
    if (hasB) frame(n + 1, magB);
  }
  return { frameRate: sampleRate / hop, hop, window, sampleRate, flux, lowFlux, lowLevel, rms, bands, bandCount };
}

function meanSquare(x: Float32Array, from: number, count: number): number {
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(x.length, a + count);
  if (b <= a) return 0;
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return s / (b - a);
}

/**
 * Removes the slow trend of an envelope (a moving mean over `span` frames), keeps the positive
 * part and scales it to unit standard deviation, so peaks read as "how many sigmas".
 */
export function normalizeEnvelope(x: Float32Array, span: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
  const half = Math.max(1, Math.floor(span / 2));
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    const v = x[i] - (prefix[b] - prefix[a]) / (b - a);
    out[i] = v > 0 ? v : 0;
  }
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += out[i];
    s2 += out[i] * out[i];
  }
  const sd = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
  if (sd > 1e-9) for (let i = 0; i < n; i++) out[i] /= sd;
  return out;
}
