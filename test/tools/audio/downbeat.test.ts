import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { analyzeBeats } from "../../../tools/audio/beats.js";
import { decodeMono } from "../../../tools/audio/decode.js";
import { pathPositions } from "../../../tools/audio/bars.js";
import { combineCues, halfBeatGrid, localPhases, scorePhases, subBeatGrid } from "../../../tools/audio/downbeat.js";
import { profileNovelty, segmentChroma } from "../../../tools/audio/harmony.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";
import { chordArgs, chordTruth, type ChordSpec } from "../../../tools/audio/synth.js";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe("phase hypotheses", () => {
  it("splits beats into half beats", () => {
    expect(halfBeatGrid([0, 10, 20])).toEqual([0, 5, 10, 15, 20, 25]);
  });

  it("finds bar starts half a beat off the tracked grid on the fourth beat", () => {
    const rand = seeded(1);
    const n = 8 * 40;
    // Bar starts at half-beat index 1 + 2·3 = 7 (shift 1, phase 3), every 8 half beats.
    const strong = Float64Array.from({ length: n }, (_, j) => (j % 8 === 7 ? 1 : 0) + rand());
    const noise = Float64Array.from({ length: n }, () => rand());
    const ranked = scorePhases({ chordChange2: strong, bassLevel: noise }, [4]);
    expect(ranked[0]).toMatchObject({ shift: 1, phase: 3, beatsPerBar: 4 });
    expect(ranked[0].score - ranked[1].score).toBeGreaterThan(10);
    expect(ranked).toHaveLength(8);
  });

  it("ignores cues with no weight and averages the rest into a per-position accent", () => {
    const a = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0]);
    const b = Float64Array.from([0, 0, 1, 0, 0, 0, 1, 0]);
    expect(scorePhases({ chordChange2: a, onset: b }, [2])[0]).toMatchObject({ shift: 0, phase: 0 });
    const acc = combineCues({ chordChange2: a, spectralChange2: a });
    expect(acc[0]).toBeGreaterThan(1);
    expect(acc[1]).toBeLessThan(0);
  });

  it("follows a bar phase that changes halfway (a tracker that slipped two beats)", () => {
    const rand = seeded(2);
    const n = 8 * 80;
    const cue = Float64Array.from({ length: n }, (_, j) => ((j < n / 2 ? j % 8 === 0 : j % 8 === 4) ? 1.2 : 0) + rand());
    const cues = { chordChange1: cue, bassNoteChange1: cue.map((v) => v + rand()) };
    const ranked = scorePhases(cues, [4]);
    const path = localPhases(cues, ranked, 20).map((h) => `${ranked[h].shift}/${ranked[h].phase}`);
    expect(path.slice(0, 35).every((p) => p === "0/0")).toBe(true);
    expect(path.slice(45).every((p) => p === "0/2")).toBe(true);
    expect(new Set(path).size).toBe(2);
    // One hypothesis for every bar: beats every 2 positions, bar starts every 8.
    const steady = pathPositions(() => ranked.find((h) => h.shift === 0 && h.phase === 1)!, 40);
    expect(steady.map((p) => p.index)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect(steady.filter((p) => p.downbeat).map((p) => p.index)).toEqual([2, 10, 18, 26, 34]);
    expect(subBeatGrid([0, 12], 3)).toEqual([0, 4, 8, 12, 16, 20]);
  });

  it("measures pitch-class change between segments", () => {
    const rate = 11025;
    const tone = (hz: number, s: number) => Float32Array.from({ length: Math.round(rate * s) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
    const samples = new Float32Array(rate * 2);
    samples.set(tone(261.63, 1), 0);
    samples.set(tone(392, 1), rate);
    const starts = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75].map((t) => Math.round(t * rate));
    const chroma = segmentChroma(samples, rate, starts);
    const nov = profileNovelty(chroma.treble, 12, 2);
    const peak = nov.indexOf(Math.max(...nov));
    expect(peak).toBe(4);
  });
});

describe("bar phase from harmony on real audio (FFmpeg)", () => {
  const specs: Record<string, ChordSpec> = {
    pickup1: { bpm: 110, durationS: 30, pickupBeats: 1 },
    pickup3: { bpm: 96, durationS: 30, pickupBeats: 3 },
    waltz: { bpm: 140, durationS: 30, pickupBeats: 1, beatsPerBar: 3 },
  };
  const results = new Map<string, AudioAnalysis>();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reelgraph-chords-"));
    await Promise.all(
      Object.entries(specs).map(async ([name, spec]) => {
        const path = join(dir, `${name}.wav`);
        await runFfmpeg(chordArgs(spec, path), { timeoutS: 60 });
        results.set(name, analyzeBeats(await decodeMono(path, { sampleRate: 11025 }), 11025));
      }),
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const name of Object.keys(specs)) {
    it(`${name}: equal kicks, chords change on the bar: every bar start on a chord change`, () => {
      const a = results.get(name)!;
      const truth = chordTruth(specs[name]);
      expect(a.beats_per_bar).toBe(specs[name].beatsPerBar ?? 4);
      expect(a.downbeats_s.length).toBeGreaterThan(8);
      for (const d of a.downbeats_s) expect(Math.min(...truth.downbeats.map((t) => Math.abs(t - d)))).toBeLessThan(0.035);
      expect(a.downbeat_confidence).toBeGreaterThan(0.8);
      expect(a.beat_accent).toHaveLength(a.beats_s.length);
      expect(a.bpm_alternatives).toEqual([a.bpm! / 2, a.bpm! * 2].map((x) => Math.round(x * 1000) / 1000));
    });
  }
});
