import { fft, fftPlan } from "./fft.js";

/**
 * Pitch-class profiles (chroma) per segment of the beat grid, for the downbeat: chords and bass
 * notes tend to change on bar starts. One long FFT per segment (not per 10 ms hop) keeps it
 * cheap: a few hundred transforms per song. Pure.
 */

export interface SegmentChroma {
  /** 12 pitch classes per segment (row-major), from 110 Hz to 2 kHz: the harmony. */
  treble: Float32Array;
  /** 12 pitch classes per segment from 40 to 220 Hz: the bass line. */
  bass: Float32Array;
  count: number;
}

const FFT_SECONDS = 0.19;

/**
 * Chroma of each segment [starts[i], starts[i+1]) (sample indices; the last segment lasts as
 * long as the one before): a Hann window of ~0.19 s centred on the segment, log magnitudes
 * folded onto 12 pitch classes, each profile scaled to unit length.
 */
export function segmentChroma(samples: Float32Array, sampleRate: number, starts: number[]): SegmentChroma {
  const size = 2 ** Math.round(Math.log2(sampleRate * FFT_SECONDS));
  const plan = fftPlan(size);
  const hann = new Float64Array(size);
  for (let i = 0; i < size; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const binHz = sampleRate / size;
  const classOf = new Int8Array(size / 2).fill(-1);
  const isBass = new Uint8Array(size / 2);
  for (let k = 1; k < size / 2; k++) {
    const hz = k * binHz;
    if (hz < 40 || hz > 2000) continue;
    classOf[k] = (((Math.round(12 * Math.log2(hz / 440)) + 69) % 12) + 12) % 12;
    isBass[k] = hz <= 220 ? 1 : 0;
  }
  const count = starts.length;
  const treble = new Float32Array(count * 12);
  const bass = new Float32Array(count * 12);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const fromOf = (s: number) => {
    const len = s + 1 < count ? starts[s + 1] - starts[s] : s > 0 ? starts[s] - starts[s - 1] : size;
    return Math.round(starts[s] + len / 2) - size / 2;
  };
  const fold = (s: number, mag: (k: number) => number) => {
    for (let k = 1; k < size / 2; k++) {
      const c = classOf[k];
      if (c < 0) continue;
      const v = Math.log1p(100 * mag(k));
      if (isBass[k]) bass[s * 12 + c] += v;
      if (k * binHz >= 110) treble[s * 12 + c] += v;
    }
    unit(treble, s);
    unit(bass, s);
  };
  // Two segments per complex FFT (one in the real part, the next in the imaginary part), split
  // by conjugate symmetry.
  for (let s = 0; s < count; s += 2) {
    const fa = fromOf(s);
    const hasB = s + 1 < count;
    const fb = hasB ? fromOf(s + 1) : 0;
    for (let i = 0; i < size; i++) {
      const ja = fa + i;
      const jb = fb + i;
      re[i] = ja >= 0 && ja < samples.length ? samples[ja] * hann[i] : 0;
      im[i] = hasB && jb >= 0 && jb < samples.length ? samples[jb] * hann[i] : 0;
    }
    fft(plan, re, im);
    fold(s, (k) => 0.5 * norm2(re[k] + re[size - k], im[k] - im[size - k]));
    if (hasB) fold(s + 1, (k) => 0.5 * norm2(im[k] + im[size - k], re[size - k] - re[k]));
  }
  return { treble, bass, count };
}

function norm2(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}

function unit(x: Float32Array, s: number): void {
  let n = 0;
  for (let c = 0; c < 12; c++) n += x[s * 12 + c] ** 2;
  n = Math.sqrt(n);
  if (n > 1e-9) for (let c = 0; c < 12; c++) x[s * 12 + c] /= n;
}

/**
 * Change at each segment boundary i between the mean profile over the `width` segments after
 * it and the `width` before it: 1 − cosine similarity (chroma), or the mean absolute
 * difference (log band energies, `metric` "l1").
 */
export function profileNovelty(profiles: Float32Array, dims: number, width: number, metric: "cosine" | "l1" = "cosine"): Float64Array {
  const count = profiles.length / dims;
  const out = new Float64Array(count);
  const a = new Float64Array(dims);
  const b = new Float64Array(dims);
  for (let i = 1; i < count; i++) {
    a.fill(0);
    b.fill(0);
    for (let j = Math.max(0, i - width); j < i; j++) for (let d = 0; d < dims; d++) a[d] += profiles[j * dims + d];
    for (let j = i; j < Math.min(count, i + width); j++) for (let d = 0; d < dims; d++) b[d] += profiles[j * dims + d];
    if (metric === "l1") {
      const na = Math.min(i, width);
      const nb = Math.min(count, i + width) - i;
      let d1 = 0;
      for (let d = 0; d < dims; d++) d1 += Math.abs(a[d] / na - b[d] / nb);
      out[i] = d1 / dims;
      continue;
    }
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let d = 0; d < dims; d++) {
      dot += a[d] * b[d];
      na += a[d] * a[d];
      nb += b[d] * b[d];
    }
    out[i] = na > 1e-12 && nb > 1e-12 ? 1 - dot / Math.sqrt(na * nb) : 0;
  }
  if (count > 1) out[0] = out[1];
  return out;
}
