import { describe, expect, it } from "vitest";
import { chooseOctave, octaveFamily, offBeatShift, type OctaveCandidate } from "../../../tools/audio/beats.js";
import { fft, fftPlan } from "../../../tools/audio/fft.js";
import { chooseMetre } from "../../../tools/audio/bars.js";
import type { PhaseHypothesis } from "../../../tools/audio/downbeat.js";
import { alternation, fitBar, swingRatio } from "../../../tools/audio/meter.js";
import { autocorrelation, combCandidates, ioiTempo, tempoRelation } from "../../../tools/audio/tempo.js";
import { extendGrid, trackBeats, trimWeakEnds } from "../../../tools/audio/track.js";

/** An onset envelope with unit impulses at the given frames (and small noise elsewhere). */
function pulses(frames: number[], length: number, seed = 1): Float32Array {
  const o = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 16807) % 2147483647;
    o[i] = 0.05 * (s / 2147483647);
  }
  for (const f of frames) if (f >= 0 && f < length) o[Math.round(f)] = 1;
  return o;
}

describe("fft", () => {
  it("matches a direct DFT", () => {
    const n = 64;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) / 10);
    x.forEach((v, i) => (re[i] = v));
    fft(fftPlan(n), re, im);
    for (const k of [0, 1, 7, 31, 63]) {
      let r = 0;
      let m = 0;
      x.forEach((v, i) => {
        r += v * Math.cos((2 * Math.PI * k * i) / n);
        m -= v * Math.sin((2 * Math.PI * k * i) / n);
      });
      expect(re[k]).toBeCloseTo(r, 9);
      expect(im[k]).toBeCloseTo(m, 9);
    }
  });

  it("rejects sizes that are not powers of two", () => {
    expect(() => fftPlan(48)).toThrow(RangeError);
  });
});

describe("tempo estimates", () => {
  it("finds a pulse train's tempo by comb and by inter-onset intervals", () => {
    const frameRate = 100;
    const beats = Array.from({ length: 60 }, (_, i) => 20 + i * 50);
    const o = pulses(beats, 3100);
    const comb = combCandidates(autocorrelation(o, 420), frameRate, { minBpm: 60, maxBpm: 200 });
    expect(tempoRelation(comb[0].bpm, 120)).not.toBe("unrelated");
    const ioi = ioiTempo(beats.map((frame) => ({ frame, strength: 1 })), frameRate, { minBpm: 60, maxBpm: 200 });
    expect(tempoRelation(ioi!.bpm, 120)).not.toBe("unrelated");
    expect(ioiTempo([], frameRate, { minBpm: 60, maxBpm: 200 })).toBeNull();
  });

  it("names octave relations and lists the octave family inside the range", () => {
    expect(tempoRelation(120, 121)).toBe("same");
    expect(tempoRelation(120, 240)).toBe("double");
    expect(tempoRelation(120, 60.5)).toBe("half");
    expect(tempoRelation(120, 80)).toBe("unrelated");
    expect(octaveFamily(87, { minBpm: 60, maxBpm: 200 }).map(Math.round)).toEqual([87, 174]);
    expect(octaveFamily(120, { minBpm: 60, maxBpm: 200 }).map(Math.round)).toEqual([60, 120]);
  });
});

describe("beat tracking", () => {
  it("follows a 6 % tempo drift beat for beat", () => {
    const beats: number[] = [];
    for (let t = 30, p = 50; t < 3000; t += p, p *= 0.999) beats.push(Math.round(t));
    const found = trackBeats(pulses(beats, 3000), 48.5);
    for (const b of beats.slice(1, -1)) expect(Math.min(...found.map((f) => Math.abs(f - b)))).toBeLessThanOrEqual(1);
  });

  it("extends a late-starting chain and trims what stands on silence", () => {
    const grid = extendGrid([250, 300, 350], 50, 500);
    expect(grid).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450]);
    const strength = [0, 0, 0, 1, 0.9, 1, 1, 0.8, 0.01, 0];
    expect(trimWeakEnds(grid, strength)).toEqual({ beats: [150, 200, 250, 300, 350], dropped: 5 });
  });
});

describe("off-beat check", () => {
  // 120 BPM at 100 frames/s: a beat is 50 frames; swing puts the second eighth ⅔ of the way.
  const beatsAt = (from: number) => Array.from({ length: 40 }, (_, i) => from + 50 * i);
  const swung = [...beatsAt(0), ...beatsAt(33)].sort((a, b) => a - b);
  const quiet = new Float32Array(2100);

  it("moves a tracker that sits on swung eighths a third of a beat, onto the beat", () => {
    expect(offBeatShift(pulses(swung, 2100), quiet, beatsAt(33))).toBeCloseTo(1 / 3, 9);
  });

  it("leaves a tracker on the beat of a swung tune where it is", () => {
    expect(offBeatShift(pulses(swung, 2100), quiet, beatsAt(0))).toBe(0);
  });

  it("tells swung eighths from straight ones", () => {
    expect(swingRatio(pulses(swung, 2100), beatsAt(0))).toBeGreaterThan(3);
    expect(swingRatio(pulses([...beatsAt(0), ...beatsAt(25)], 2100), beatsAt(0))).toBeLessThan(0.5);
  });

  it("moves half a beat when the bass hits between the tracked beats", () => {
    const o = pulses([...beatsAt(0), ...beatsAt(25)], 2100);
    expect(offBeatShift(o, pulses(beatsAt(25), 2100, 7), beatsAt(0))).toBe(0.5);
  });
});

describe("metre", () => {
  const hyp = (beatsPerBar: number, score: number): PhaseHypothesis => ({ shift: 0, subdivisions: 2, phase: 0, beatsPerBar, score, cues: {} });
  const accentEvery = (n: number) => Array.from({ length: 200 }, (_, i) => (i % n === 0 ? 2 : 0) + 0.1 * Math.sin(i * 1.7));

  it("takes 5 beats per bar when both the cue scores and the accents say so", () => {
    expect(chooseMetre([hyp(5, 35), hyp(4, 18), hyp(3, 16)], accentEvery(5)).beatsPerBar).toBe(5);
  });

  it("stays at 4 when the cues lead for 5 but the accents do not repeat every 5 beats", () => {
    expect(chooseMetre([hyp(5, 35), hyp(4, 18), hyp(3, 16)], accentEvery(4)).beatsPerBar).toBe(4);
  });

  it("takes 3 on a clear 3-beat accent even when the cue scores are close", () => {
    expect(chooseMetre([hyp(4, 14), hyp(5, 12), hyp(3, 11)], accentEvery(3)).beatsPerBar).toBe(3);
  });

  it("finds the accented position and its strength", () => {
    const accents = Array.from({ length: 40 }, (_, i) => (i % 4 === 1 ? 2 : 0) + ((i * 7) % 3) / 10);
    const four = fitBar(accents, 4);
    expect(four.phase).toBe(1);
    expect(four.z).toBeGreaterThan(3);
    expect(fitBar(accents, 3).contrast).toBeLessThan(four.contrast);
    expect(alternation([1, 0.2, 1, 0.2])).toBeCloseTo(0.2);
    expect(alternation([1, 1, 1, 1])).toBe(1);
  });

  it("refuses to double into a grid whose accent repeats every 8 beats", () => {
    const fit = (contrast: number, z = 6) => ({ beatsPerBar: 4, phase: 0, contrast, z });
    const slow: OctaveCandidate = { bpm: 85, period: 71, beats: [], shifted: false, shiftFraction: 0, midRatio: 0.9, midLowRatio: 0.9, alternation: 0.9, fit2: fit(0.5), fit4: fit(1.2), fit8: fit(1) };
    const fast = (fit8: number): OctaveCandidate => ({ ...slow, bpm: 170, period: 35.5, fit4: fit(1), fit8: fit(fit8) });
    const notes: string[] = [];
    expect(chooseOctave([slow, fast(2)], notes).bpm).toBe(85);
    expect(notes[0]).toMatch(/half bars/);
    expect(chooseOctave([slow, fast(1)], []).bpm).toBe(170);
    expect(chooseOctave([{ ...slow, midLowRatio: 0.3 }, fast(1)], []).bpm).toBe(85);
  });

  it("prefers the tempo a listener taps when the slower one is below 78 BPM", () => {
    const fit = (contrast: number, z = 6) => ({ beatsPerBar: 4, phase: 0, contrast, z });
    const beats = Array.from({ length: 20 }, (_, i) => i * 100);
    const slow: OctaveCandidate = { bpm: 60, period: 100, beats, shifted: false, shiftFraction: 0, midRatio: 0.4, midLowRatio: 0.9, alternation: 0.9, fit2: fit(0.5), fit4: fit(1.2), fit8: fit(1) };
    const fast: OctaveCandidate = { ...slow, bpm: 120, period: 50, beats: Array.from({ length: 40 }, (_, i) => i * 50), fit4: fit(1), fit8: fit(2) };
    const notes: string[] = [];
    expect(chooseOctave([slow, fast], notes).bpm).toBe(120);
    expect(notes[0]).toMatch(/listeners tap/);
    // No bass between the slow beats and both grids agree: the slow pulse is the beat (a ballad with off-beat hats).
    expect(chooseOctave([{ ...slow, midLowRatio: 0.2 }, fast], []).bpm).toBe(60);
    // The slow grid sits between the fast beats: it was tracked on the off-beats, the fast one is kept.
    expect(chooseOctave([{ ...slow, midLowRatio: 0.2, beats: beats.map((b) => b + 25) }, fast], []).bpm).toBe(120);
    // Strong/weak alternation at the faster tempo vetoes it.
    expect(chooseOctave([slow, { ...fast, alternation: 0.4 }], []).bpm).toBe(60);
  });
});
