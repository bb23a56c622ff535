import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planMusicTimings, type MusicPlan } from "../../../../graph/nodes/plan/music.js";
import type { AudioAnalysis } from "../../../../core/schemas/audio.js";
import { analyzeBeats } from "../../../../tools/audio/beats.js";
import { decodeMono } from "../../../../tools/audio/decode.js";
import { drumTruth, halfTimeArgs, synthBeatless, synthDrums, type DrumSpec } from "../../../../tools/audio/synth.js";
import { runFfmpeg } from "../../../../tools/ffmpeg/run.js";

/** A steady grid as the analyser would report it, with per-bar energy from a seeded generator. */
function grid(bpm: number, duration: number, opts: { beatsPerBar?: number; leadIn?: number; energy?: (bar: number) => number; confidence?: number } = {}): AudioAnalysis {
  const bpb = opts.beatsPerBar ?? 4;
  const beats: number[] = [];
  for (let t = opts.leadIn ?? 0; t < duration - 0.05; t += 60 / bpm) beats.push(Math.round(t * 1000) / 1000);
  const downbeats = beats.filter((_, i) => i % bpb === 0);
  return {
    duration_s: duration,
    bpm,
    beats_s: beats,
    downbeats_s: downbeats,
    beats_per_bar: bpb,
    confidence: opts.confidence ?? 0.9,
    first_beat_s: beats[0],
    energy: downbeats.map((_, i) => opts.energy?.(i) ?? 0.8),
    notes: [],
  };
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ms = (s: number) => Math.round(s * 1000);

/** The invariants every plan keeps, whatever the song. */
function checkPlan(plan: MusicPlan, audio: AudioAnalysis): void {
  expect(plan.scenes.length).toBeGreaterThanOrEqual(10);
  expect(plan.scenes.length).toBeLessThanOrEqual(20);
  expect(plan.offset_s).toBe(0);
  expect(plan.scenes[0].start_s).toBe(0);
  let at = 0;
  for (const s of plan.scenes) {
    expect(ms(s.start_s)).toBe(at);
    expect(s.duration_s).toBeGreaterThan(0);
    expect(ms(s.duration_s)).toBeCloseTo(s.duration_s * 1000, 6);
    at += ms(s.duration_s);
  }
  expect(at).toBe(ms(plan.end_s));
  expect(plan.end_s).toBeLessThanOrEqual(audio.duration_s + 0.0005);
  if (plan.timing === "bars") {
    const bars = new Set(audio.downbeats_s.map(ms));
    for (const s of plan.scenes.slice(1)) expect(bars.has(ms(s.start_s))).toBe(true);
  }
}

describe("planMusicTimings on bar grids", () => {
  it("keeps 10–20 scenes with every cut on a bar start across tempi, metres, lengths and lead-ins", () => {
    const rand = seeded(42);
    let plans = 0;
    for (let bpm = 60; bpm <= 200; bpm += 7) {
      for (const duration of [60, 75.3, 97, 120, 143.2, 180]) {
        const bpb = rand() < 0.25 ? 3 : 4;
        const audio = grid(bpm, duration, { beatsPerBar: bpb, leadIn: rand() * 3, energy: () => 0.5 + 0.5 * rand() });
        const plan = planMusicTimings(audio, { fps: 30 });
        expect(plan.timing).toBe("bars");
        expect(plan.warnings).toEqual([]);
        expect(plan.fade_out_s).toBe(0);
        expect(plan.end_s).toBe(duration);
        checkPlan(plan, audio);
        plans++;
      }
    }
    expect(plans).toBeGreaterThan(100);
  });

  it("puts 2–4 bars in each scene of a 3-minute song at 60 BPM", () => {
    const audio = grid(60, 180);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    for (const s of plan.scenes) expect(s.bars).toBeGreaterThanOrEqual(2);
    for (const s of plan.scenes) expect(s.bars).toBeLessThanOrEqual(4);
  });

  it("lets the scene count win over the bar preference at 180 BPM", () => {
    const audio = grid(180, 180);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    expect(plan.scenes.length).toBe(20);
    expect(Math.max(...plan.scenes.map((s) => s.bars ?? 0))).toBeGreaterThan(4);
  });

  it("gives fast songs more bars per scene than slow ones", () => {
    const barsAt = (bpm: number) => {
      const plan = planMusicTimings(grid(bpm, 90), { fps: 30 });
      const bars = plan.scenes.map((s) => s.bars ?? 0).sort((a, b) => a - b);
      return bars[Math.floor(bars.length / 2)];
    };
    expect(barsAt(70)).toBeLessThanOrEqual(2);
    expect(barsAt(170)).toBeGreaterThanOrEqual(3);
  });

  it("cuts faster in loud bars than in quiet ones", () => {
    const audio = grid(120, 120, { energy: (bar) => (bar < 30 ? 0.55 : 1) });
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const quiet = plan.scenes.filter((s) => s.start_s + s.duration_s <= 60).map((s) => s.duration_s);
    const loud = plan.scenes.filter((s) => s.start_s >= 60).map((s) => s.duration_s);
    expect(mean(loud)).toBeLessThan(mean(quiet));
  });

  it("keeps the lead-in inside scene 1 and cuts at a bar start after it", () => {
    const audio = grid(100, 90, { leadIn: 1.7 });
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    expect(plan.scenes[1].start_s).toBeGreaterThan(1.7);
    expect(plan.downbeats_s[0]).toBe(1.7);
  });

  it("shortens to a requested duration, ending on a bar with a fade", () => {
    const rand = seeded(7);
    for (let i = 0; i < 60; i++) {
      const bpm = 60 + rand() * 140;
      const audio = grid(bpm, 150 + rand() * 30, { leadIn: rand() * 2 });
      const asked = 60 + rand() * 85;
      const plan = planMusicTimings(audio, { fps: 30, duration_s: asked });
      checkPlan(plan, audio);
      const bar = (4 * 60) / bpm;
      expect(audio.downbeats_s.map(ms)).toContain(ms(plan.end_s));
      expect(plan.end_s).toBeLessThanOrEqual(asked + bar / 4 + 0.001);
      expect(plan.end_s).toBeGreaterThan(asked - bar - 0.001);
      expect(plan.fade_out_s).toBeGreaterThanOrEqual(1);
      expect(plan.fade_out_s).toBeLessThanOrEqual(2);
      expect(plan.downbeats_s.every((d) => d <= plan.end_s)).toBe(true);
    }
  });

  it("stops a song longer than 180 s on a bar near 180 s and says so", () => {
    const audio = grid(128, 240);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    expect(plan.end_s).toBeLessThanOrEqual(180.0005);
    expect(plan.end_s).toBeGreaterThan(178);
    expect(plan.fade_out_s).toBeGreaterThan(0);
    expect(plan.warnings.join(" ")).toMatch(/180/);
  });
});

describe("planMusicTimings with a doubtful bar phase", () => {
  // Bar starts whose index is a multiple of 3 carry strong bar-start cues, the others weak ones.
  function doubtful(confidence: number): AudioAnalysis {
    const a = grid(120, 150);
    const bar = new Set(a.downbeats_s);
    let k = 0;
    const accent = a.beats_s.map((t) => (bar.has(t) ? (k++ % 3 === 0 ? 1.5 : -0.5) : 0));
    return { ...a, downbeat_confidence: confidence, beat_accent: accent };
  }
  const strongShare = (plan: MusicPlan, audio: AudioAnalysis) => {
    const cuts = plan.scenes.slice(1).map((s) => s.start_s);
    const acc = (t: number) => audio.beat_accent![audio.beats_s.findIndex((b) => Math.abs(b - t) < 0.001)];
    return cuts.filter((c) => acc(c) > 0).length / cuts.length;
  };

  it("keeps cutting on bar starts but favours those with the strongest cues, and warns", () => {
    const audio = doubtful(0.3);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    expect(plan.timing).toBe("bars");
    expect(plan.warnings.join(" ")).toMatch(/bar phase is unsure/);
    expect(strongShare(plan, audio)).toBeGreaterThan(0.8);
  });

  it("trusts a clear bar phase as before", () => {
    const audio = doubtful(0.9);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    expect(plan.warnings.join(" ")).not.toMatch(/unsure/);
    expect(strongShare(plan, audio)).toBeLessThan(0.6);
  });
});

describe("planMusicTimings without a usable beat", () => {
  const noBeat: AudioAnalysis = { duration_s: 95.4, bpm: null, beats_s: [], downbeats_s: [], beats_per_bar: 4, confidence: 0, notes: [] };

  it("falls back to even, frame-aligned scenes and says why", () => {
    const plan = planMusicTimings(noBeat, { fps: 30 });
    checkPlan(plan, noBeat);
    expect(plan.timing).toBe("duration_fallback");
    expect(plan.warnings.join(" ")).toMatch(/no beat.*fallback/);
    expect(plan.downbeats_s).toEqual([]);
    const lengths = plan.scenes.map((s) => s.duration_s);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1 / 30 + 0.001);
    for (const s of plan.scenes) expect(Math.abs(s.start_s * 30 - Math.round(s.start_s * 30))).toBeLessThan(0.031);
  });

  it("falls back when the analysis is unsure", () => {
    const audio = grid(120, 120, { confidence: 0.1 });
    const plan = planMusicTimings(audio, { fps: 24 });
    checkPlan(plan, audio);
    expect(plan.timing).toBe("duration_fallback");
    expect(plan.warnings.join(" ")).toMatch(/unsure/);
  });

  it("shortens with a fade in the fallback too", () => {
    const plan = planMusicTimings(noBeat, { fps: 30, duration_s: 70 });
    checkPlan(plan, noBeat);
    expect(plan.end_s).toBe(70);
    expect(plan.fade_out_s).toBe(1.5);
  });
});

describe("planMusicTimings on synthesised songs", () => {
  const spec: DrumSpec = { bpm: 128, durationS: 60, leadInS: 1.7, noise: 0.05 };
  let dir: string;
  let song: AudioAnalysis;
  let tone: AudioAnalysis;
  let secondsPerMinute = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reelgraph-music-plan-"));
    const [songPath, tonePath] = await Promise.all([synthDrums(spec, join(dir, "song.wav")), synthBeatless("tone", 60, join(dir, "tone.wav"))]);
    const started = performance.now();
    song = analyzeBeats(await decodeMono(songPath, { sampleRate: 11025 }), 11025);
    secondsPerMinute = (performance.now() - started) / 1000;
    tone = analyzeBeats(await decodeMono(tonePath, { sampleRate: 11025 }), 11025);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("cuts a 60 s song at 128 BPM within one frame of its true bar starts", () => {
    const plan = planMusicTimings(song, { fps: 30 });
    checkPlan(plan, song);
    expect(plan.timing).toBe("bars");
    const truth = drumTruth(spec).downbeats;
    for (const s of plan.scenes.slice(1)) {
      const frame = Math.round(s.start_s * 30);
      expect(Math.min(...truth.map((t) => Math.abs(frame / 30 - t)))).toBeLessThanOrEqual(1 / 30 + 1e-9);
    }
    console.info(`decode + analysis of 60 s of audio: ${secondsPerMinute.toFixed(2)} s per minute (target ≤ 1.5)`);
  });

  it("keeps cutting on the bars through a half-time breakdown", async () => {
    const path = join(dir, "halftime.wav");
    await runFfmpeg(halfTimeArgs(120, 64, 32, path), { timeoutS: 60 });
    const audio = analyzeBeats(await decodeMono(path, { sampleRate: 11025 }), 11025);
    const plan = planMusicTimings(audio, { fps: 30 });
    checkPlan(plan, audio);
    const bars = Array.from({ length: 32 }, (_, i) => i * 2);
    const off = (t: number) => Math.min(...bars.map((b) => Math.abs(b - t)));
    expect(audio.downbeats_s.filter((d) => d > 32).length).toBeGreaterThan(4);
    for (const d of audio.downbeats_s) expect(off(d)).toBeLessThan(0.035);
    for (const s of plan.scenes.slice(1)) expect(off(s.start_s)).toBeLessThan(1 / 30 + 0.005);
  });

  it("falls back with a warning on a synthesised song with no beat", () => {
    const plan = planMusicTimings(tone, { fps: 30 });
    checkPlan(plan, tone);
    expect(plan.timing).toBe("duration_fallback");
    expect(plan.warnings.some((w) => /fallback/.test(w))).toBe(true);
  });
});
