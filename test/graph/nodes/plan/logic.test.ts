import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { checkStoryboard } from "../../../../graph/nodes/plan/checks.js";
import { adSceneCount, adSceneLengths, musicPurposes, planMusicOffline, planOffline, splitLength, type MusicTimings } from "../../../../graph/nodes/plan/logic.js";
import type { Analysis } from "../../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../../core/schemas/audio.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { StoryboardSchema } from "../../../../core/schemas/storyboard.js";

const valid = (x: number) => x >= 4 && !(x > 7 && x < 8);

describe("adSceneLengths", () => {
  it("adds up exactly and never leaves a scene that 4–7 s shots cannot fill, for every length 15–60 s", () => {
    for (let ms = 15_000; ms <= 60_000; ms += 50) {
      const total = ms / 1000;
      for (const pacing of ["fast", "medium", "slow"] as const) {
        const n = adSceneCount(total, pacing);
        for (const lastMin of [4, 5, 7]) {
          const lengths = adSceneLengths(total, Array.from({ length: n }, (_, i) => 1 + (i % 2) * 0.3), lastMin);
          expect(lengths.reduce((a, x) => a + Math.round(x * 1000), 0), `${total} ${pacing}`).toBe(ms);
          expect(lengths.every(valid), `${total} ${pacing} ${lengths}`).toBe(true);
        }
      }
    }
  });

  it("keeps the last scene long enough for the CTA when it can", () => {
    expect(adSceneLengths(30, [1, 1, 1, 1], 6).at(-1)).toBeGreaterThanOrEqual(6);
  });
});

describe("adSceneCount", () => {
  it("uses more scenes for fast, longer ads and never so many that a shot drops under 4 s", () => {
    expect(adSceneCount(15, "fast")).toBe(3);
    expect(adSceneCount(30, "slow")).toBe(3);
    expect(adSceneCount(30, "medium")).toBe(4);
    expect(adSceneCount(30, "fast")).toBe(5);
    expect(adSceneCount(60, "slow")).toBe(5);
    expect(adSceneCount(16, "fast")).toBeLessThanOrEqual(4);
  });
});

describe("splitLength", () => {
  it("splits to the millisecond in proportion", () => {
    expect(splitLength(10, [1, 1, 1])).toEqual([3.333, 3.333, 3.334]);
    expect(splitLength(8, [1, 3])).toEqual([2, 6]);
  });
});

describe("planOffline", () => {
  const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "ad for an oat-milk cold brew called Oatly Chill, highlighting zero sugar and barista taste", brand: { cta: { text: "Shop now", duration_s: 3 } } });
  const analysis = analyzeOffline(request, null);

  it("grounds scenes in the product and key messages", () => {
    const sb = planOffline(request, analysis, null);
    const all = sb.scenes.map((s) => s.description + " " + s.shots.map((x) => x.description).join(" ")).join(" ");
    expect(all).toContain("zero sugar");
    expect(all).toContain("barista taste");
    expect(sb.overview).toContain("Oatly Chill");
    expect(sb.cta).toEqual({ text: "Shop now", start_s: 27, duration_s: 3 });
  });

  it("clamps an out-of-range analysis and warns", () => {
    const sb = planOffline(request, { ...analysis, duration_s: 90 }, null);
    expect(sb.duration_s).toBe(60);
    expect(sb.warnings[0]).toMatch(/15–60 s/);
    expect(checkStoryboard(sb, { pipeline: "ad", duration_s: 60, cta: analysis.brand.cta })).toEqual([]);
  });

  it("shortens a CTA longer than half the ad", () => {
    const long: Analysis = { ...analysis, duration_s: 15, brand: { ...analysis.brand, cta: { text: "Go", duration_s: 12 } } };
    const sb = planOffline(request, long, null);
    expect(sb.cta).toEqual({ text: "Go", start_s: 7.5, duration_s: 7.5 });
    expect(sb.warnings.join()).toMatch(/shortened/);
  });

  it("cuts faster when the pace is fast", () => {
    const shots = (pacing: Analysis["pacing"]) => planOffline(request, { ...analysis, duration_s: 40, pacing }, null).scenes.flatMap((s) => s.shots).length;
    expect(shots("fast")).toBeGreaterThan(shots("slow"));
  });
});

describe("planMusicOffline", () => {
  const request = GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "music video about a summer road trip, dreamy, 16mm film", audio: { url: "song.mp3" } });
  const bars = 64;
  const audio: AudioAnalysis = {
    duration_s: 128, bpm: 120, beats_per_bar: 4, confidence: 0.9, notes: [],
    beats_s: Array.from({ length: bars * 4 }, (_, i) => i * 0.5),
    downbeats_s: Array.from({ length: bars }, (_, i) => i * 2),
    energy: Array.from({ length: bars }, (_, i) => ((i >= 16 && i < 24) || (i >= 40 && i < 56) ? 0.9 : 0.3)),
  };
  const timings: MusicTimings = { scenes: Array.from({ length: 16 }, (_, i) => ({ start_s: i * 8, duration_s: 8, bars: 4 })), timing: "bars", warnings: [] };
  const analysis = { ...analyzeOffline(request, audio), duration_s: 128 };

  it("spreads the shots a brief lists over the video, in order", () => {
    const asked = { ...analysis, requested_shots: ["a lighthouse", "a night drive", "a bonfire on the beach"] };
    const sb = planMusicOffline(request, asked, audio, timings);
    expect(checkStoryboard(sb, { pipeline: "music_video", duration_s: 128, cta: null })).toEqual([]);
    const where = asked.requested_shots.map((shot) => sb.scenes.findIndex((s) => s.description.includes(shot) && s.shots[0]!.description.includes(shot)));
    expect(where).toEqual([0, 5, 10]);
  });

  it("fills purposes, shots and descriptions for the given timing", () => {
    const sb = planMusicOffline(request, analysis, audio, timings);
    expect(() => StoryboardSchema.parse(sb)).not.toThrow();
    expect(checkStoryboard(sb, { pipeline: "music_video", duration_s: 128, cta: null })).toEqual([]);
    expect(sb.timing).toBe("bars");
    expect(sb.scenes[0]!.purpose).toBe("intro");
    expect(sb.scenes.at(-1)!.purpose).toBe("outro");
    // bars 16–23 and 40–55 are loud: the scenes over them are choruses
    for (const i of [4, 5, 10, 11, 12, 13]) expect(sb.scenes[i]!.purpose, `scene ${i + 1}`).toBe("chorus");
    expect(sb.scenes.filter((s) => s.purpose === "verse").length).toBeGreaterThan(0);
    expect(sb.scenes.map((s) => s.bars)).toEqual(Array(16).fill(4));
    for (const s of sb.scenes) expect(s.description).toContain("summer road trip");
  });

  it("cuts chorus shots on the bar", () => {
    const sb = planMusicOffline(request, analysis, audio, timings);
    const chorus = sb.scenes.find((s) => s.purpose === "chorus")!;
    expect(chorus.shots.map((s) => s.duration_s)).toEqual([2, 2, 2, 2]);
    const verse = sb.scenes.find((s) => s.purpose === "verse")!;
    expect(verse.shots.map((s) => s.duration_s)).toEqual([4, 4]);
    for (const s of sb.scenes) for (let j = 1; j < s.shots.length; j++) expect(s.shots[j]!.shot_type).not.toBe(s.shots[j - 1]!.shot_type);
  });

  it("falls back to song form without energy, and keeps scenes back to back", () => {
    const odd: MusicTimings = { scenes: timings.scenes.map((s, i) => ({ ...s, start_s: i === 3 ? s.start_s + 1 : s.start_s })), timing: "duration_fallback", warnings: ["no beat"] };
    const sb = planMusicOffline(request, analysis, { ...audio, energy: undefined }, odd);
    expect(sb.warnings[0]).toBe("no beat");
    expect(sb.warnings.join()).toMatch(/scene_4 was timed to start at 25 s/);
    expect(sb.scenes[3]!.start_s).toBe(24);
    expect(checkStoryboard(sb, { pipeline: "music_video", duration_s: 128, cta: null })).toEqual([]);
    expect(sb.scenes.some((s) => s.purpose === "chorus")).toBe(true);
    expect(sb.scenes.some((s) => s.purpose === "bridge")).toBe(true);
  });

  it("ends on the brand's CTA when there is one", () => {
    const branded = { ...analysis, brand: { ...analysis.brand, cta: { text: "Stream it now", duration_s: 4 } } };
    const sb = planMusicOffline(request, branded, audio, timings);
    expect(sb.cta).toEqual({ text: "Stream it now", start_s: 124, duration_s: 4 });
  });

  it("names song sections by position when nothing was measured", () => {
    const p = musicPurposes(12, null);
    expect(p[0]).toBe("intro");
    expect(p[11]).toBe("outro");
    expect(p).toContain("chorus");
    expect(p).toContain("bridge");
  });
});
