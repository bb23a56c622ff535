import { describe, expect, it } from "vitest";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import type { Storyboard } from "../../../core/schemas/storyboard.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { cutsOnBarsScorer, endScorer, meterScorer, musicStructureScorer, nearest, tempoScorer, type MusicExpected, type MusicOutput } from "../../../evals/scorers/music.js";
import { offlineContext } from "../helpers.js";

const ctx = offlineContext();
const bars = Array.from({ length: 40 }, (_, i) => i * 2);
const expected: MusicExpected = { kind: "synthetic", bpm: 120, beats_per_bar: 4, downbeats_s: bars, song_s: 80, requested_s: null, fps: 30 };
const input = { kind: "synthetic" as const, trackId: "t", genre: "pop", requested_s: null };

function output(cuts: number[], end = 80, bpm: number | null = 120, beatsPerBar = 4): MusicOutput {
  const edges = [0, ...cuts, end];
  const scenes = edges.slice(0, -1).map((s, i) => ({ id: `scene_${i + 1}`, start_s: s, duration_s: edges[i + 1]! - s, clip_id: null, source_in_s: 0, prompt: "p", transition_in: "cut" as const, crop: null, speed: 1 }));
  const timeline: Timeline = { version: 1, duration_s: end, width: 1280, height: 720, fps: 30, scenes, cta: null, audio: { src: "x", offset_s: 0, bpm, downbeats_s: bars } };
  const analysis: AudioAnalysis = { duration_s: 80, bpm, beats_s: [], downbeats_s: bars, beats_per_bar: beatsPerBar, confidence: 1, notes: [] };
  return { analysis, timeline, storyboard: { timing: "bars" } as Storyboard };
}
const run = (s: { score: (a: never) => unknown }, o: MusicOutput, e: MusicExpected = expected) => s.score({ input, output: o, expected: e, ctx } as never) as { score: number | null; detail?: string };
const twelve = Array.from({ length: 11 }, (_, i) => (i + 1) * 6);

describe("music scorers", () => {
  it("tempo within 2 % of the truth; none found is 0", () => {
    expect(run(tempoScorer, output(twelve, 80, 122.3)).score).toBe(1);
    expect(run(tempoScorer, output(twelve, 80, 122.5))).toMatchObject({ score: 0, detail: expect.stringContaining("2.1 % off") });
    expect(run(tempoScorer, output(twelve, 80, 60)).score).toBe(0);
    expect(run(tempoScorer, output(twelve, 80, null)).score).toBe(0);
    expect(run(meterScorer, output(twelve, 80, 120, 3)).score).toBe(0);
  });

  it("cuts: the share within one frame of a true bar start", () => {
    expect(run(cutsOnBarsScorer, output([2.03, 4, 6])).score).toBe(1);
    const r = run(cutsOnBarsScorer, output([2.04, 4, 6, 8.5]));
    expect(r.score).toBe(0.5);
    expect(r.detail).toMatch(/2 of 4 cuts more than a frame \(33 ms\) from a bar start; worst 500 ms/);
    expect(nearest([0, 2, 4], 2.9)).toBeCloseTo(0.9, 9);
  });

  it("the end: the song's length, or a bar start near the length asked for", () => {
    expect(run(endScorer, output(twelve, 80)).score).toBe(1);
    expect(run(endScorer, output(twelve, 78)).score).toBe(0);
    const short = { ...expected, requested_s: 61 };
    expect(run(endScorer, output(twelve.slice(0, 9), 60), short).score).toBe(1);
    expect(run(endScorer, output(twelve.slice(0, 9), 61), short).detail).toMatch(/1000 ms from a bar start/);
    expect(run(endScorer, output(twelve.slice(0, 6), 44), short).score).toBe(0);
  });

  it("structure: 10–20 scenes, sound timeline, bar timing", () => {
    expect(run(musicStructureScorer, output(twelve)).score).toBe(1);
    expect(run(musicStructureScorer, output([10, 20])).detail).toMatch(/3 scenes/);
    const fallback = output(twelve);
    fallback.storyboard = { timing: "duration_fallback" } as Storyboard;
    expect(run(musicStructureScorer, fallback).detail).toMatch(/not bars/);
  });
});
