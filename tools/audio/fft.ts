/**
 * A small in-place radix-2 FFT for the onset envelope: a few hundred points per 10 ms hop,
 * so a dependency would buy nothing. Pure.
 */

export interface FftPlan {
  size: number;
  cos: Float64Array;
  sin: Float64Array;
  reversed: Uint32Array;
}

/** Precomputes twiddles and the bit-reversal permutation for `size` (a power of two). */
export function fftPlan(size: number): FftPlan {
  if (size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${size}`);
  const half = size / 2;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / size);
    sin[i] = -Math.sin((2 * Math.PI * i) / size);
  }
  const bits = Math.log2(size);
  const reversed = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  return { size, cos, sin, reversed };
}

/** Transforms (re, im) in place; both arrays have `plan.size` elements. */
export function fft(plan: FftPlan, re: Float64Array, im: Float64Array): void {
  const { size, cos, sin, reversed } = plan;
  for (let i = 0; i < size; i++) {
    const j = reversed[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= size; len <<= 1) {
    const halfLen = len >> 1;
    const step = size / len;
    for (let start = 0; start < size; start += len) {
      for (let k = 0; k < halfLen; k++) {
        const wr = cos[k * step];
        const wi = sin[k * step];
        const a = start + k;
        const b = a + halfLen;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}
