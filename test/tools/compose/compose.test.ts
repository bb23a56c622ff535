import { existsSync, readdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeTimeline } from "../../../core/timeline/invariants.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { composeFloor } from "../../../bench/floor.js";
import { composeTimeline, ComposeError } from "../../../tools/compose/index.js";
import { probe, probeFast } from "../../../tools/ffmpeg/probe.js";
import { createMediaStore, type MediaStore } from "../../../tools/media/store.js";
import { createLocalVideoProvider } from "../../../tools/render/local-provider.js";
import { makeCodedClip, tempDir } from "../ffmpeg/media.js";
import { testScene, testTimeline } from "./timelines.js";

const FPS = 30;
let dir: string;
let cleanup: () => Promise<void>;
let media: MediaStore;
const clips: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  media = createMediaStore(dir);
  const provider = createLocalVideoProvider({ timeoutS: 60 });
  const shots = [
    { id: "c1", scene: "scene_1", duration_s: 1.5, motion: "push-in", text: "Meet Oatly Chill" },
    { id: "c2", scene: "scene_2", duration_s: 2, motion: "pan left", text: "Cold brew, oat milk" },
    { id: "c3", scene: "scene_3", duration_s: 1.2, motion: "static", text: "Only 99 kcal" },
  ];
  await Promise.all(
    shots.map(async (s) => {
      const r = await provider.generate(
        {
          generationId: "gen_1",
          clipId: s.id,
          sceneId: s.scene,
          prompt: s.text,
          duration_s: s.duration_s,
          width: 320,
          height: 180,
          fps: FPS,
          palette: ["#1E3A8A", "#F59E0B"],
          text: s.text,
          motion: s.motion,
          outPath: media.clipPath("gen_1", s.id),
        },
        { predictionId: null, onPrediction: () => {} },
      );
      clips[s.id] = r.path;
    }),
  );
});

afterAll(() => cleanup());

function baseTimeline(): Timeline {
  return testTimeline([testScene("scene_1", "c1", 1.5), testScene("scene_2", "c2", 1.7, { transition_in: "fade" }), testScene("scene_3", "c3", 1.2)], { fps: FPS });
}

/** The timeline with its CTA over the last `ctaS` seconds, as the edit node keeps it. */
function withEndCta(t: Timeline, ctaS = 0.8): Timeline {
  return { ...t, cta: { text: "Shop now", start_s: Math.round((t.duration_s - ctaS) * 1000) / 1000, duration_s: ctaS } };
}

describe("composeTimeline", () => {
  it("renders a timeline frame-exact, copying what it can and caching what it encodes", async () => {
    const timeline = withEndCta(baseTimeline());
    const out = join(dir, "renders", "v1.mp4");
    const r = await composeTimeline({ timeline, clips, outPath: out, media });

    expect(r.segments.map((s) => [s.scene_id, s.mode, s.reused, s.frames, s.encoded_frames])).toEqual([
      ["scene_1", "copy", true, 45, 0],
      ["scene_2", "encode", false, 51, 30],
      ["scene_3", "encode", false, 36, 36],
    ]);
    // The fade is encoded up to the clip's keyframe at 1 s; the rest of the scene is copied.
    expect(r.segments[1].parts.map((p) => [p.mode, p.offset, p.frames])).toEqual([
      ["encode", 0, 30],
      ["copy", 30, 21],
    ]);
    expect(r.segments[1].reasons).toContain("fade in");
    expect(r.segments[2].reasons).toContain("CTA overlay");
    for (const p of r.segments.flatMap((s) => s.parts)) expect(existsSync(media.segmentPath(p.key))).toBe(p.mode === "encode");
    const info = await probe(out);
    expect(info).toMatchObject({ width: 320, height: 180, video_codec: "h264", pix_fmt: "yuv420p", fps: FPS, has_audio: false });
    expect(Math.abs(info.video_duration_s - timeline.duration_s)).toBeLessThanOrEqual(1 / FPS);
    expect(info.nb_frames).toBe(Math.round(timeline.duration_s * FPS));
    expect(r.frames).toBe(info.nb_frames);
    expect(r.path).toBe(out);
    expect(readdirSync(join(dir, "renders"))).toEqual(["v1.mp4"]);
  });

  it("recomposes after a trim re-encoding only the trimmed scene, or nothing when the cut is copied", async () => {
    const first = await composeTimeline({ timeline: withEndCta(baseTimeline()), clips, outPath: join(dir, "renders", "v1.mp4"), media });
    expect(first.segments.every((s) => s.reused)).toBe(true);
    const base = baseTimeline();
    const trim = (patch: Partial<Timeline["scenes"][number]>) =>
      withEndCta(normalizeTimeline({ ...base, scenes: base.scenes.map((s) => (s.id === "scene_2" ? { ...s, ...patch } : s)) }));

    // Shorter at its end: the cached fade part stays valid, the copied rest is cut sooner.
    const tail = trim({ duration_s: 1.1 });
    const r1 = await composeTimeline({ timeline: tail, clips, outPath: join(dir, "renders", "v2.mp4"), media });
    expect(r1.segments.map((s) => [s.scene_id, s.reused])).toEqual([
      ["scene_1", true],
      ["scene_2", true],
      ["scene_3", true],
    ]);
    expect(r1.segments[1].parts[0].key).toBe(first.segments[1].parts[0].key);

    // Shorter at its start: the scene's frames all move, so it alone is encoded again.
    const head = trim({ duration_s: 1.2, source_in_s: 0.5 });
    const r2 = await composeTimeline({ timeline: head, clips, outPath: join(dir, "renders", "v3.mp4"), media });
    expect(r2.segments.map((s) => [s.scene_id, s.mode, s.reused])).toEqual([
      ["scene_1", "copy", true],
      ["scene_2", "encode", false],
      ["scene_3", "encode", true],
    ]);
    expect(r2.segments[2].key).toBe(first.segments[2].key);
    for (const [r, t] of [
      [r1, tail],
      [r2, head],
    ] as const) {
      const info = await probe(r.path);
      expect(info.nb_frames).toBe(Math.round(t.duration_s * FPS));
      expect(Math.abs(info.video_duration_s - t.duration_s)).toBeLessThanOrEqual(1 / FPS);
    }
  });

  it("repairs a damaged cache: a truncated segment and one with foreign stream headers are re-encoded", async () => {
    const timeline = withEndCta(baseTimeline());
    const before = await composeTimeline({ timeline, clips, outPath: join(dir, "renders", "v1.mp4"), media });
    const fade = before.segments[1].parts[0];
    const cta = before.segments[2].parts[0];
    const bytes = await readFile(media.segmentPath(cta.key));
    await writeFile(media.segmentPath(cta.key), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await makeCodedClip(media.segmentPath(fade.key), { frames: fade.frames, fps: FPS, width: 320, height: 180, tag: 64, profile: "foreign" });

    const r = await composeTimeline({ timeline, clips, outPath: join(dir, "renders", "v1.mp4"), media });
    expect(r.segments.map((s) => [s.scene_id, s.reused])).toEqual([
      ["scene_1", true],
      ["scene_2", false],
      ["scene_3", false],
    ]);
    const [f, c] = await Promise.all([probeFast(media.segmentPath(fade.key)), probeFast(media.segmentPath(cta.key))]);
    expect(f.has_b_frames).toBe(false);
    expect(f.extradata_hash).toBe(c.extradata_hash);
    expect((await probe(r.path)).nb_frames).toBe(r.frames);
  });

  it("matches the floor's output when every scene can be copied", async () => {
    const plain = { ...baseTimeline(), scenes: baseTimeline().scenes.map((s) => ({ ...s, transition_in: "cut" as const })) };
    const [full, floor] = [join(dir, "renders", "plain.mp4"), join(dir, "renders", "floor.mp4")];
    const r = await composeTimeline({ timeline: plain, clips, outPath: full, media });
    const f = await composeFloor({ timeline: plain, clips, outPath: floor });
    expect(r.segments.every((s) => s.mode === "copy")).toBe(true);
    expect(f.frames).toBe(r.frames);
    const [a, b] = await Promise.all([probe(full), probe(floor)]);
    expect(a.nb_frames).toBe(b.nb_frames);
    expect(a.extradata_hash).toBe(b.extradata_hash);
  });

  it("fails with a typed error naming the stage and scene", async () => {
    const t = baseTimeline();
    await expect(composeTimeline({ timeline: t, clips: { c1: clips.c1, c2: clips.c2 }, outPath: join(dir, "x.mp4"), media })).rejects.toMatchObject({
      name: "ComposeError",
      stage: "input",
      scene_id: "scene_3",
    });
    const broken = { ...t, scenes: t.scenes.map((s, i) => (i === 1 ? { ...s, start_s: 9 } : s)) };
    await expect(composeTimeline({ timeline: broken, clips, outPath: join(dir, "x.mp4"), media })).rejects.toBeInstanceOf(ComposeError);
    await expect(
      composeTimeline({ timeline: t, clips: { ...clips, c3: join(dir, "missing.mp4") }, outPath: join(dir, "x.mp4"), media }),
    ).rejects.toMatchObject({ stage: "probe", scene_id: "scene_3" });
    const fades = { ...t, scenes: t.scenes.map((s) => ({ ...s, transition_in: "fade_black" as const })) };
    await expect(composeTimeline({ timeline: fades, clips, outPath: join(dir, "x.mp4"), media, signal: AbortSignal.abort() })).rejects.toThrow(/cancelled/);
    const controller = new AbortController();
    const pending = composeTimeline({ timeline: fades, clips, outPath: join(dir, "x.mp4"), media, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: "ComposeError" });
    expect(existsSync(join(dir, "x.mp4"))).toBe(false);
  });
});
