import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeBeats } from "../../../tools/audio/beats.js";
import { decodeMono } from "../../../tools/audio/decode.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { AudioAnalysisSchema } from "../../../core/schemas/audio.js";
import { drumTruth, synthBeatless, synthDrums, type DrumSpec } from "../../../tools/audio/synth.js";

const FRAME = 1 / 30;
const RATE = 11025;

const tracks: Record<string, DrumSpec> = {
  bpm70: { bpm: 70, durationS: 24 },
  bpm90: { bpm: 90, durationS: 22 },
  bpm120: { bpm: 120, durationS: 20 },
  bpm128: { bpm: 128, durationS: 20 },
  bpm150: { bpm: 150, durationS: 20 },
  bpm174: { bpm: 174, durationS: 20 },
  leadIn: { bpm: 110, durationS: 20, leadInS: 1.7 },
  noisy: { bpm: 100, durationS: 22, noise: 0.3 },
  drift: { bpm: 118, endBpm: 126, durationS: 30 },
  waltz: { bpm: 96, durationS: 22, beatsPerBar: 3 },
  fiveFour: { bpm: 120, durationS: 24, beatsPerBar: 5 },
  loudHats: { bpm: 65, durationS: 24, hat: 1 },
};

let dir: string;
const results = new Map<string, AudioAnalysis>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reelgraph-beats-"));
  const jobs = Object.entries(tracks).map(async ([name, spec]) => {
    const path = await synthDrums(spec, join(dir, `${name}.wav`));
    results.set(name, analyzeBeats(await decodeMono(path, { sampleRate: RATE }), RATE));
  });
  jobs.push(
    synthBeatless("tone", 20, join(dir, "tone.wav")).then(async (p) => void results.set("tone", analyzeBeats(await decodeMono(p, { sampleRate: RATE }), RATE))),
    synthBeatless("silence", 10, join(dir, "silence.wav")).then(async (p) => void results.set("silence", analyzeBeats(await decodeMono(p, { sampleRate: RATE }), RATE))),
  );
  await Promise.all(jobs);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Largest distance from each truth time (at or after `from`) to the nearest found time. */
function worstMiss(truth: number[], found: number[], from = 0): number {
  let worst = 0;
  for (const t of truth.filter((x) => x >= from)) worst = Math.max(worst, Math.min(...found.map((f) => Math.abs(f - t))));
  return worst;
}

/** Largest distance from each found time to the nearest truth time (catches extra bar starts). */
function worstExtra(truth: number[], found: number[]): number {
  let worst = 0;
  for (const f of found) worst = Math.max(worst, Math.min(...truth.map((t) => Math.abs(f - t))));
  return worst;
}

describe("analyzeBeats on synthesised drum tracks", () => {
  for (const name of ["bpm70", "bpm90", "bpm120", "bpm128", "bpm150", "bpm174"]) {
    it(`${name}: tempo within 2 % (no octave error) and every bar start within one frame`, () => {
      const spec = tracks[name];
      const a = results.get(name)!;
      expect(AudioAnalysisSchema.parse(a)).toBeTruthy();
      expect(a.bpm).not.toBeNull();
      expect(Math.abs(a.bpm! / spec.bpm - 1)).toBeLessThan(0.02);
      expect(a.beats_per_bar).toBe(4);
      const truth = drumTruth(spec);
      expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
      expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
      expect(worstMiss(truth.beats, a.beats_s)).toBeLessThan(FRAME);
      expect(a.confidence).toBeGreaterThan(0.5);
      expect(a.energy).toHaveLength(a.downbeats_s.length);
    });
  }

  it("keeps a 1.7 s lead-in out of the beat grid", () => {
    const a = results.get("leadIn")!;
    const truth = drumTruth(tracks.leadIn);
    expect(Math.abs(a.bpm! / 110 - 1)).toBeLessThan(0.02);
    expect(Math.abs(a.first_beat_s! - 1.7)).toBeLessThan(FRAME);
    expect(a.beats_s[0]).toBeGreaterThan(1.6);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
  });

  it("finds tempo and bars under pink noise", () => {
    const a = results.get("noisy")!;
    const truth = drumTruth(tracks.noisy);
    expect(Math.abs(a.bpm! / 100 - 1)).toBeLessThan(0.02);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
  });

  it("follows a tempo drift from 118 to 126 BPM", () => {
    const a = results.get("drift")!;
    const truth = drumTruth(tracks.drift);
    expect(Math.abs(a.bpm! / 122 - 1)).toBeLessThan(0.02);
    expect(worstMiss(truth.beats, a.beats_s)).toBeLessThan(FRAME);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(a.notes.join(" ")).toMatch(/drifts/);
  });

  it("hears three beats per bar in a waltz", () => {
    const a = results.get("waltz")!;
    const truth = drumTruth(tracks.waltz);
    expect(a.beats_per_bar).toBe(3);
    expect(Math.abs(a.bpm! / 96 - 1)).toBeLessThan(0.02);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
  });

  it("hears five beats per bar in 5/4", () => {
    const a = results.get("fiveFour")!;
    const truth = drumTruth(tracks.fiveFour);
    expect(a.beats_per_bar).toBe(5);
    expect(Math.abs(a.bpm! / 120 - 1)).toBeLessThan(0.02);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
  });

  it("does not double the tempo or track the off-beats when off-beat hats are louder than the kick", () => {
    const a = results.get("loudHats")!;
    const truth = drumTruth(tracks.loudHats);
    expect(Math.abs(a.bpm! / 65 - 1)).toBeLessThan(0.02);
    expect(worstMiss(truth.beats, a.beats_s)).toBeLessThan(FRAME);
    expect(worstMiss(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
    expect(worstExtra(truth.downbeats, a.downbeats_s)).toBeLessThan(FRAME);
  });

  it("reports no beat for a steady tone under noise", () => {
    const a = results.get("tone")!;
    expect(a.bpm).toBeNull();
    expect(a.beats_s).toEqual([]);
    expect(a.downbeats_s).toEqual([]);
    expect(a.confidence).toBeLessThan(0.2);
    expect(a.notes.join(" ")).toMatch(/no usable beat|no periodicity/);
  });

  it("reports silence as silence", () => {
    const a = results.get("silence")!;
    expect(a.bpm).toBeNull();
    expect(a.confidence).toBe(0);
    expect(a.duration_s).toBeCloseTo(10, 1);
    expect(a.notes.join(" ")).toMatch(/silent/);
  });
});

describe("analyzeBeats on samples made in memory", () => {
  it("is deterministic and explains itself", () => {
    const rate = 8000;
    const samples = new Float32Array(rate * 12);
    for (let beat = 0; beat * 0.5 < 12; beat++) {
      const start = Math.round(beat * 0.5 * rate);
      const amp = beat % 4 === 0 ? 0.9 : 0.5;
      for (let i = 0; i < 800 && start + i < samples.length; i++) samples[start + i] += amp * Math.exp(-i / 150) * Math.sin((2 * Math.PI * 80 * i) / rate);
    }
    const a = analyzeBeats(samples, rate);
    expect(analyzeBeats(samples, rate)).toEqual(a);
    expect(Math.abs(a.bpm! / 120 - 1)).toBeLessThan(0.02);
    expect(a.downbeats_s[0]).toBeLessThan(FRAME);
    expect(a.notes.some((n) => /inter-onset/.test(n))).toBe(true);
  });

  it("refuses audio too short to hold a beat", () => {
    const a = analyzeBeats(new Float32Array(8000), 8000);
    expect(a.bpm).toBeNull();
    expect(a.notes.join(" ")).toMatch(/too short/);
  });
});
