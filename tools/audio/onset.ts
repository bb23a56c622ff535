import { fft, fftPlan, type FftPlan } from "./fft.js";

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
  const stream = new OnsetFeatureStream(sampleRate);
  stream.push(samples);
  return stream.finish().features;
}

const SPECTRA_BLOCK_BITS = 10;
/** Frames per block of spectra (even: a transformed pair of frames shares a block). */
const SPECTRA_BLOCK = 1 << SPECTRA_BLOCK_BITS;

/**
 * `onsetFeatures` on samples that arrive in pieces (a decode in progress): each `push` runs the
 * short FFTs of every frame whose window it completes, so the transforms overlap the decode, and
 * `finish` does the rest. Only the log compression waits for the end, because its gain depends on
 * the loudness of the whole song. The result is the same, bit for bit, however the samples were
 * cut: the same arithmetic on the same samples in the same order. Holds the pieces and one
 * spectrum per frame (a 64-bit float per bin: about 6 MB per audio minute at 11025 Hz), in blocks,
 * so nothing already held is copied as the song grows.
 */
export class OnsetFeatureStream {
  readonly hop: number;
  readonly window: number;
  private readonly plan: FftPlan;
  private readonly hann: Float64Array;
  private readonly hannSum: number;
  private readonly bins: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** The pieces as pushed (kept, not copied), joined once by `finish`. */
  private readonly pieces: Float32Array[] = [];
  private length = 0;
  /** The samples from `workStart` on that a frame still to transform may need. */
  private work = new Float32Array(0);
  private workStart = 0;
  private workLength = 0;
  /** Magnitude spectra, `SPECTRA_BLOCK` frames of `bins` values per block, of frames 0…`framesDone`−1. */
  private readonly spectra: Float64Array[] = [];
  private framesDone = 0;
  private finished = false;

  constructor(readonly sampleRate: number) {
    if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
    this.hop = Math.max(1, Math.round(sampleRate / 100));
    this.window = 2 ** Math.round(Math.log2(sampleRate * 0.023));
    this.plan = fftPlan(this.window);
    this.hann = new Float64Array(this.window);
    let hannSum = 0;
    for (let i = 0; i < this.window; i++) {
      this.hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / this.window);
      hannSum += this.hann[i];
    }
    this.hannSum = hannSum;
    this.bins = this.window / 2;
    this.re = new Float64Array(this.window);
    this.im = new Float64Array(this.window);
  }

  /**
   * Takes the next samples and transforms every frame they complete. The stream keeps `chunk`
   * itself until `finish`: do not change it afterwards.
   */
  push(chunk: Float32Array): void {
    if (this.finished) throw new Error("OnsetFeatureStream: push after finish");
    if (chunk.length === 0) return;
    this.pieces.push(chunk);
    this.length += chunk.length;
    // Keep only what the next frame's window can reach back to, then append.
    const keepFrom = Math.max(this.workStart, this.framesDone * this.hop - this.window / 2);
    const kept = this.workStart + this.workLength - keepFrom;
    const need = kept + chunk.length;
    if (need > this.work.length) {
      const grown = new Float32Array(Math.max(need, 2 * this.work.length));
      grown.set(this.work.subarray(keepFrom - this.workStart, keepFrom - this.workStart + kept));
      this.work = grown;
    } else if (keepFrom > this.workStart) {
      this.work.copyWithin(0, keepFrom - this.workStart, keepFrom - this.workStart + kept);
    }
    this.work.set(chunk, kept);
    this.workStart = keepFrom;
    this.workLength = need;
    this.transform(false);
  }

  /** The samples pushed (in one array) and their features. The stream is done after this. */
  finish(): { samples: Float32Array; features: OnsetFeatures } {
    if (this.finished) throw new Error("OnsetFeatureStream: finish called twice");
    this.finished = true;
    this.transform(true);
    let samples: Float32Array;
    if (this.pieces.length === 1) samples = this.pieces[0]!;
    else {
      samples = new Float32Array(this.length);
      let at = 0;
      for (const p of this.pieces) {
        samples.set(p, at);
        at += p.length;
      }
    }
    this.pieces.length = 0;
    this.work = new Float32Array(0);
    return { samples, features: this.features(samples) };
  }

  /**
   * FFTs of frame pairs whose windows lie inside the samples so far (or, at the end, of every
   * frame left, past the end read as zeros). Two real frames per complex FFT (frame n in the real
   * part, n+1 in the imaginary part), split by conjugate symmetry: half the transforms.
   */
  private transform(final: boolean): void {
    const { hop, window, hann, bins, re, im, plan, length, work, workStart } = this;
    const halfWindow = window / 2;
    const frames = Math.floor(length / hop);
    for (let n = this.framesDone; n < frames; n += 2) {
      // Before the end, a pair waits until the second frame's window is complete.
      if (!final && (n + 1) * hop + halfWindow > length) break;
      const startA = n * hop - halfWindow;
      const startB = startA + hop;
      const hasB = n + 1 < frames;
      for (let i = 0; i < window; i++) {
        const ja = startA + i;
        const jb = startB + i;
        re[i] = ja >= 0 && ja < length ? work[ja - workStart] * hann[i] : 0;
        im[i] = hasB && jb >= 0 && jb < length ? work[jb - workStart] * hann[i] : 0;
      }
      fft(plan, re, im);
      const block = n >> SPECTRA_BLOCK_BITS;
      // Pairs start on even frames and blocks hold an even number of frames: a pair never straddles two.
      const spectra = (this.spectra[block] ??= new Float64Array(SPECTRA_BLOCK * bins));
      const a = (n & (SPECTRA_BLOCK - 1)) * bins;
      const b = a + bins;
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
        spectra[a + k] = Math.sqrt(ar * ar + ai * ai);
        spectra[b + k] = Math.sqrt(br * br + bi * bi);
      }
      this.framesDone = hasB ? n + 2 : n + 1;
    }
  }

  /** The log-compressed features of every frame, from the spectra and the whole song's loudness. */
  private features(samples: Float32Array): OnsetFeatures {
    const { hop, window, bins, sampleRate, spectra } = this;
    const frames = Math.floor(samples.length / hop);
    const globalRms = Math.sqrt(meanSquare(samples, 0, samples.length));
    // Loudness-independent flux: the log compression below then behaves alike for quiet and loud masters.
    const gain = globalRms > SILENCE_RMS ? 0.1 / globalRms : 1;
    const norm = (2 / this.hannSum) * gain;

    const binHz = sampleRate / window;
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
    let prev = new Float64Array(bins);
    let cur = new Float64Array(bins);
    for (let n = 0; n < frames; n++) {
      const spectrum = spectra[n >> SPECTRA_BLOCK_BITS]!;
      const at = (n & (SPECTRA_BLOCK - 1)) * bins;
      rms[n] = Math.sqrt(meanSquare(samples, n * hop - hop / 2, hop));
      let f = 0;
      let lf = 0;
      let lp = 0;
      for (let k = firstBin; k < bins; k++) {
        const m = spectrum[at + k] * norm;
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
    }
    return { frameRate: sampleRate / hop, hop, window, sampleRate, flux, lowFlux, lowLevel, rms, bands, bandCount };
  }
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
