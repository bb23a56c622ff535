import { describe, expect, it } from "vitest";
import { buildInput, chooseRequest, InputBuildError } from "../../../core/video-models/request.js";
import { cheapestCombination, fitShots, linkShots } from "../../../core/video-models/shots.js";
import { makeableLengths } from "../../../core/video-models/lengths.js";
import { reframeFor } from "../../../core/video-models/reframe.js";
import { catalogProfile } from "../../../tools/replicate/catalog/index.js";

const profile = (m: string) => {
  const p = catalogProfile(m);
  if (!p) throw new Error(m);
  return p;
};
const HD = { width: 1280, height: 720 };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("fitShots", () => {
  it("splits a scene longer than a fixed-length model into even shots, each trimmed from a full clip", () => {
    const fit = fitShots(10, profile("minimax/video-01"), { sceneId: "scene_3", ...HD });
    expect(fit.shots).toEqual([
      { index: 0, duration_s: 5, request_s: 6 },
      { index: 1, duration_s: 5, request_s: 6 },
    ]);
    expect(fit.requested_s).toBe(12);
    expect(fit.warnings).toEqual([]);
  });

  it("asks for the fewest seconds in the fewest shots on an enum model (Kling 5/10: 12 s → 10 + 5, not 10 + 10)", () => {
    const fit = fitShots(12, profile("kwaivgi/kling-v2.1"), { sceneId: "s", ...HD });
    expect(fit.shots.map((s) => s.request_s)).toEqual([10, 5]);
    expect(fit.shots.map((s) => s.duration_s)).toEqual([8, 4]);
    expect(fitShots(10, profile("google/veo-3.1"), { sceneId: "s", ...HD }).shots.map((s) => s.request_s).sort()).toEqual([4, 6]);
  });

  it("asks a range model for the scene's own length, rounded up to a whole second", () => {
    const fit = fitShots(7.74, profile("bytedance/seedance-1-lite"), { sceneId: "s", ...HD });
    expect(fit.shots).toEqual([{ index: 0, duration_s: 7.74, request_s: 8 }]);
    const long = fitShots(30, profile("bytedance/seedance-1-lite"), { sceneId: "s", ...HD });
    expect(long.shots.map((s) => s.request_s)).toEqual([10, 10, 10]);
    expect(sum(long.shots.map((s) => s.duration_s))).toBeCloseTo(30, 6);
  });

  it("takes the resolution into account: hailuo-02 makes 10 s only at 768p", () => {
    const p = profile("minimax/hailuo-02");
    expect(makeableLengths(p, "1080p")).toEqual({ kind: "discrete", values: [6] });
    expect(fitShots(10, p, { sceneId: "s", width: 1280, height: 720 }).shots.map((s) => s.request_s)).toEqual([10]);
    expect(fitShots(10, p, { sceneId: "s", width: 1920, height: 1080 }).shots.map((s) => s.request_s)).toEqual([6, 6]);
  });

  it("splits frame-counted shots to keep motion smooth (Wan 2.2: at most 100 frames at ≥16 fps)", () => {
    const p = profile("wan-video/wan-2.2-t2v-fast");
    const fit = fitShots(10, p, { sceneId: "s", ...HD });
    expect(fit.shots).toHaveLength(2);
    const built = buildInput(p, { prompt: "p", duration_s: fit.shots[0]!.request_s, ...HD });
    expect(built.input).toMatchObject({ num_frames: 100, frames_per_second: 20 });
    expect(built.duration_s).toBe(5);
    expect(buildInput(p, { prompt: "p", duration_s: 2, ...HD }).input).toMatchObject({ num_frames: 81, frames_per_second: 24 });
  });

  it("warns, naming the scene, only when the model cannot make the length within the shot limit", () => {
    const fit = fitShots(10, profile("minimax/video-01"), { sceneId: "scene_7", maxShots: 1 });
    expect(fit.shots).toEqual([{ index: 0, duration_s: 10, request_s: 6 }]);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.warnings[0]).toMatch(/scene_7/);
    expect(fit.warnings[0]).toMatch(/4 s missing/);
    expect(fitShots(6.02, profile("minimax/video-01"), { sceneId: "s", toleranceS: 0.04 }).shots).toHaveLength(1);
    expect(fitShots(6.02, profile("minimax/video-01"), { sceneId: "s" }).shots).toHaveLength(2);
    expect(() => fitShots(0, profile("minimax/video-01"), { sceneId: "s" })).toThrow(/scene s/);
  });
});

describe("buildInput", () => {
  it("sends nothing a model lacks: minimax/video-01 gets only the prompt (and a first frame when chaining)", () => {
    const built = buildInput(profile("minimax/video-01"), { prompt: "p", duration_s: 6, width: 720, height: 1280, seed: 3, negative_prompt: "x" });
    expect(built.input).toEqual({ prompt: "p" });
    expect(built.picture).toEqual({ ratio: "16:9", width: 1280, height: 720 });
    expect(built.warnings.join()).toMatch(/reframed/);
    expect(buildInput(profile("minimax/video-01"), { prompt: "p", duration_s: 6, ...HD, first_frame: "https://x/f.png" }).input).toEqual({ prompt: "p", first_frame_image: "https://x/f.png" });
  });

  it("names the aspect the model's way and rounds the length up to an allowed value", () => {
    const sora = buildInput(profile("openai/sora-2"), { prompt: "p", duration_s: 7, width: 720, height: 1280 });
    expect(sora.input).toEqual({ prompt: "p", seconds: 8, aspect_ratio: "portrait" });
    expect(sora.warnings).toEqual([]);
    const wan = buildInput(profile("wan-video/wan-2.5-t2v-fast"), { prompt: "p", duration_s: 3, ...HD, seed: 9, negative_prompt: "blur" });
    expect(wan.input).toEqual({ prompt: "p", duration: 5, size: "1280*720", seed: 9, negative_prompt: "blur" });
  });

  it("turns generated sound off and passes seed, negative prompt and both frames where supported", () => {
    const veo = buildInput(profile("google/veo-3.1"), { prompt: "p", duration_s: 5, ...HD, seed: 42.7, negative_prompt: "text", first_frame: "data:image/png;base64,AAAA", last_frame: "https://x/l.png" });
    expect(veo.input).toEqual({ prompt: "p", duration: 6, aspect_ratio: "16:9", resolution: "720p", image: "data:image/png;base64,AAAA", last_frame: "https://x/l.png", negative_prompt: "text", seed: 42, generate_audio: false });
  });

  it("picks the nearest offered shape: 1:1 from Leonardo's 9:16/16:9/2:3/4:5 is 4:5", () => {
    const c = chooseRequest(profile("leonardoai/motion-2.0"), { duration_s: 5, width: 720, height: 720 });
    expect(c.aspect?.value).toBe("4:5");
    expect(c.duration).toBeNull();
    expect(c.duration_s).toBe(5);
  });

  it("refuses an image-to-video model without a first frame, naming the input", () => {
    const err = (() => {
      try {
        buildInput(profile("kwaivgi/kling-v2.1"), { prompt: "p", duration_s: 5, ...HD });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputBuildError);
    expect((err as InputBuildError).field).toBe("start_image");
  });

  it("says when a clip will be shorter than asked", () => {
    const built = buildInput(profile("google/veo-3-fast"), { prompt: "p", duration_s: 9.5, ...HD });
    expect(built.duration_s).toBe(8);
    expect(built.warnings.join()).toMatch(/at most 8 s/);
  });
});

describe("reframeFor", () => {
  it("crops the centre of a wider clip to a portrait output", () => {
    expect(reframeFor({ width: 1280, height: 720 }, { width: 720, height: 1280 }, null)).toEqual({ mode: "crop", crop: { aspect_ratio: null, x: 0.3418, y: 0, w: 0.3164, h: 1 } });
  });
  it("crops top and bottom of a taller clip, pads on request, leaves equal shapes alone", () => {
    expect(reframeFor({ ratio: "9:16" }, { width: 720, height: 720 }, null)).toEqual({ mode: "crop", crop: { aspect_ratio: null, x: 0, y: 0.2188, w: 1, h: 0.5625 } });
    expect(reframeFor({ ratio: "16:9" }, { width: 720, height: 1280 }, null, "pad")).toEqual({ mode: "pad", crop: null });
    expect(reframeFor({ width: 1920, height: 1080 }, { width: 1280, height: 720 }, null)).toEqual({ mode: "none", crop: null });
  });
  it("honours the scene's own crop", () => {
    const crop = { aspect_ratio: "1:1" as const, x: 0.1, y: 0, w: 0.5, h: 1 };
    expect(reframeFor({ width: 1280, height: 720 }, { width: 720, height: 720 }, crop)).toEqual({ mode: "scene_crop", crop });
  });
});

describe("linkShots", () => {
  it("chains the shots of a scene on a model with a first-frame input, and only then", () => {
    const fit = fitShots(15, profile("minimax/video-01"), { sceneId: "s" });
    expect(linkShots(fit, profile("minimax/video-01"), "chain").map((l) => l.first_frame_from)).toEqual([null, 0, 1]);
    expect(linkShots(fit, profile("minimax/video-01"), "none").map((l) => l.first_frame_from)).toEqual([null, null, null]);
    expect(linkShots(fit, profile("wan-video/wan-2.2-t2v-fast"), "chain").map((l) => l.first_frame_from)).toEqual([null, null, null]);
  });
  it("says which shots need a still on an image-to-video model", () => {
    const fit = fitShots(15, profile("kwaivgi/kling-v2.1"), { sceneId: "s" });
    expect(linkShots(fit, profile("kwaivgi/kling-v2.1"), "chain").map((l) => l.needs_still)).toEqual([true, false]);
    expect(linkShots(fit, profile("kwaivgi/kling-v2.1"), "none").every((l) => l.needs_still)).toBe(true);
  });
});

describe("cheapestCombination", () => {
  /** Every multiset of n values, the plain way. */
  function brute(values: number[], n: number, need: number): { sum: number; spread: number } {
    let best = { sum: Infinity, spread: Infinity };
    const walk = (from: number, left: number, picked: number[]) => {
      if (left === 0) {
        const sum = picked.reduce((a, b) => a + b, 0);
        const spread = Math.max(...picked) - Math.min(...picked);
        if (sum >= need - 1e-9 && (sum < best.sum - 1e-9 || (Math.abs(sum - best.sum) < 1e-9 && spread < best.spread))) best = { sum, spread };
        return;
      }
      for (let i = from; i < values.length; i++) walk(i, left - 1, [...picked, values[i]!]);
    };
    walk(0, n, []);
    return best;
  }

  it("matches exhaustive search on random value lists", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const values = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => Math.round((1 + rand() * 11) * 2) / 2))].sort((a, b) => b - a);
      const n = 1 + Math.floor(rand() * 4);
      const need = Math.round(rand() * n * values[0]! * 100) / 100 + 0.01;
      const got = cheapestCombination(values, n, need);
      const want = brute(values, n, need);
      expect(got).toHaveLength(n);
      for (const v of got) expect(values).toContain(v);
      const sum = got.reduce((a, b) => a + b, 0);
      if (want.sum === Infinity) continue;
      expect(sum, JSON.stringify({ values, n, need, got })).toBeCloseTo(want.sum, 6);
      expect(Math.max(...got) - Math.min(...got), JSON.stringify({ values, n, need, got })).toBeCloseTo(want.spread, 6);
    }
  });

  it("stays fast on long irregular lists and many shots", () => {
    const values = Array.from({ length: 30 }, (_, i) => 2 + i * 0.37 + (i % 3) * 0.11).sort((a, b) => b - a);
    const t = performance.now();
    const got = cheapestCombination(values, 24, 250);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(got.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(250 - 1e-6);
    expect(cheapestCombination([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2], 3, 25)).toEqual([9, 8, 8]);
  });
});
