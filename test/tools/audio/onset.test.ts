import { describe, expect, it } from "vitest";
import { analyzeBeats } from "../../../tools/audio/beats.js";
import { OnsetFeatureStream, onsetFeatures, type OnsetFeatures } from "../../../tools/audio/onset.js";

/**
 * Onset features computed while a decode is in progress (OnsetFeatureStream) are the features of
 * the whole song, bit for bit, wherever the pieces were cut.
 */

const RATE = 11025;

/** 7.3 s of clicks at 120 BPM over a 220 Hz tone and seeded noise: an odd frame count, not a whole number of hops. */
function song(): Float32Array {
  const n = Math.round(RATE * 7.3) + 147;
  const x = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 0.02;
    const sinceBeat = i % Math.round(RATE / 2);
    const click = sinceBeat < 200 ? Math.exp(-sinceBeat / 40) * Math.sin(i * 0.9) : 0;
    x[i] = 0.2 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.6 * click + noise;
  }
  return x;
}

function streamed(x: Float32Array, sizes: (i: number) => number): OnsetFeatures {
  const s = new OnsetFeatureStream(RATE);
  for (let at = 0, i = 0; at < x.length; i++) {
    const size = Math.max(1, sizes(i));
    s.push(x.slice(at, at + size));
    at += size;
  }
  const { samples, features } = s.finish();
  expect(Array.from(samples)).toEqual(Array.from(x));
  return features;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSame(a: OnsetFeatures, b: OnsetFeatures): void {
  for (const k of ["flux", "lowFlux", "lowLevel", "rms", "bands"] as const) expect(bytes(a[k]).equals(bytes(b[k])), k).toBe(true);
  expect({ ...a, flux: 0, lowFlux: 0, lowLevel: 0, rms: 0, bands: 0 }).toEqual({ ...b, flux: 0, lowFlux: 0, lowLevel: 0, rms: 0, bands: 0 });
}

describe("OnsetFeatureStream", () => {
  const x = song();
  const whole = onsetFeatures(x, RATE);

  it("gives the features of the whole, bit for bit, however the samples come in", () => {
    expect(whole.flux.length).toBe(Math.floor(x.length / whole.hop));
    expect(whole.flux.length % 2).toBe(1);
    let seed = 7;
    const random = () => ((seed = (seed * 69069 + 1) >>> 0), 1 + (seed % 9000));
    expectSame(streamed(x, () => 32768), whole);
    expectSame(streamed(x, () => whole.hop), whole);
    expectSame(streamed(x, (i) => (i < 300 ? 1 : 5000)), whole);
    expectSame(streamed(x, random), whole);
  });

  it("computes each frame's features from its own window (a direct DFT, checked on a few frames)", () => {
    const { hop, window } = whole;
    const bins = window / 2;
    let hannSum = 0;
    const hann = Array.from({ length: window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / window));
    for (const h of hann) hannSum += h;
    let rms = 0;
    for (const v of x) rms += v * v;
    const norm = (2 / hannSum) * (0.1 / Math.sqrt(rms / x.length));
    const logSpectrum = (n: number) => {
      const out: number[] = [];
      for (let k = 0; k < bins; k++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < window; i++) {
          const j = n * hop - window / 2 + i;
          const v = j >= 0 && j < x.length ? x[j]! * hann[i]! : 0;
          re += v * Math.cos((2 * Math.PI * k * i) / window);
          im -= v * Math.sin((2 * Math.PI * k * i) / window);
        }
        out.push(Math.log1p(1000 * Math.hypot(re, im) * norm));
      }
      return out;
    };
    const firstBin = Math.ceil(40 / (RATE / window));
    for (const n of [1, 50, 51, whole.flux.length - 1]) {
      const cur = logSpectrum(n);
      const prev = logSpectrum(n - 1);
      let flux = 0;
      for (let k = firstBin; k < bins; k++) flux += Math.max(0, cur[k]! - prev[k]!);
      expect(whole.flux[n]).toBeCloseTo(flux / (bins - firstBin), 5);
      // The top band: 4 kHz to Nyquist, the mean log magnitude of its bins.
      const from = Math.round(4000 / (RATE / window));
      const top = cur.slice(from, bins);
      expect(whole.bands[n * whole.bandCount + whole.bandCount - 1]).toBeCloseTo(top.reduce((a, b) => a + b, 0) / top.length, 5);
    }
  });

  it("refuses pieces after the end, and analyzeBeats refuses features of other samples", () => {
    const s = new OnsetFeatureStream(RATE);
    s.push(x);
    s.finish();
    expect(() => s.push(x)).toThrow(/after finish/);
    expect(() => analyzeBeats(x.subarray(0, x.length - 2 * whole.hop), RATE, {}, whole)).toThrow(RangeError);
    expect(analyzeBeats(x, RATE, {}, whole)).toEqual(analyzeBeats(x, RATE));
  });
});
