import { describe, expect, it } from "vitest";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { barPosition, missKind, nearestSorted, scoreRealSong, signedNearest, tempoClass } from "../../../evals/scorers/music-real.js";

const beats = Array.from({ length: 200 }, (_, i) => i * 0.5);
const truth = { beats_s: beats, downbeats_s: beats.filter((_, i) => i % 4 === 0), bpm: beats.map(() => 120), beats_per_bar: beats.filter((_, i) => i % 4 === 0).map(() => 4) };

function analysis(downbeats: number[], bpm: number | null = 120): AudioAnalysis {
  return { duration_s: 100, bpm, beats_s: beats, downbeats_s: downbeats, beats_per_bar: 4, confidence: 0.9, notes: [] };
}

describe("real-recording scores", () => {
  it("accepts the tempo or an exact octave within 4 %", () => {
    expect(tempoClass(123, 120).tempo).toBe("exact");
    expect(tempoClass(61, 120).tempo).toBe("half");
    expect(tempoClass(236, 120).tempo).toBe("double");
    expect(tempoClass(80, 120).tempo).toBe("wrong");
    expect(tempoClass(null, 120).tempo).toBe("none");
  });

  it("names where a time falls in the true bar", () => {
    expect(barPosition(truth, 2.03)).toBe("bar");
    expect(barPosition(truth, 1.97)).toBe("bar");
    expect(barPosition(truth, 3.0)).toBe("beat 3");
    expect(barPosition(truth, 2.25)).toBe("half beat");
    expect(barPosition(truth, 2.12)).toBe("other");
    expect(nearestSorted([1, 2, 3], 2.4)).toBeCloseTo(0.4);
  });

  it("says why a cut misses the bar: a timing offset, a whole beat, a half beat or neither", () => {
    expect(missKind(truth, 4.05)).toBe("on");
    expect(missKind(truth, 4.12)).toBe("near");
    expect(missKind(truth, 3.88)).toBe("near");
    expect(missKind(truth, 5.5)).toBe("beat");
    expect(missKind(truth, 4.75)).toBe("half");
    expect(missKind(truth, 4.4)).toBe("other");
    expect(signedNearest([1, 2, 3], 2.1)).toBeCloseTo(0.1);
    expect(signedNearest([1, 2, 3], 1.9)).toBeCloseTo(-0.1);
    expect(signedNearest([], 1)).toBe(Infinity);
  });

  it("counts cuts within 70 ms of a bar start and reports the dominant phase", () => {
    const onBeat3 = truth.downbeats_s.map((d) => d + 1);
    const s = scoreRealSong(analysis(onBeat3), [3, 5, 7, 8.06], truth, 100);
    expect(s.phase).toBe("beat 3");
    expect(s.barsOnBars).toBe(0);
    expect(s.cutsOnBars).toBe(0.25);
    const good = scoreRealSong(analysis(truth.downbeats_s.map((d) => d + 0.02), 60), [2.02, 4.02], truth, 100);
    expect(good).toMatchObject({ tempo: "half", phase: "bar", barsOnBars: 1, cutsOnBars: 1, cuts: 2 });
  });
});
