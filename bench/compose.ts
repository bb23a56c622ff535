import { join } from "node:path";
import { applyOperations } from "../core/timeline/ops.js";
import { normalizeTimeline } from "../core/timeline/invariants.js";
import type { Timeline, Transition } from "../core/timeline/schema.js";
import { composeTimeline, type ComposeResult } from "../tools/compose/index.js";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { createMediaStore } from "../tools/media/store.js";
import { createLocalVideoProvider } from "../tools/render/local-provider.js";
import { composeEffectsFloor, composeFloor } from "./floor.js";
import { median, round, timeIt } from "./stats.js";

export interface ComposeOptions {
  dir: string;
  /** Timed repetitions of each step (the median is reported). */
  runs: number;
  width?: number;
  height?: number;
  fps?: number;
  log?: (line: string) => void;
}

interface CaseFigures {
  /** PSNR of the composer's output against the floor's; null when every pixel is the same. */
  psnr_db: number | null;
  full_s: number;
  floor_s: number;
  ratio_to_floor: number;
  recompose_s: number;
  recompose_ratio_to_full: number;
  /** Frames the recompose had to encode (the rest came from the cache or the clips). */
  recompose_encoded_frames: number;
  encoded_frames: number;
  floor_encoded_frames: number;
  frames: number;
}

export interface ComposeFigures {
  compose: {
    full_s: number;
    floor_s: number;
    ratio_to_floor: number;
    timeline: string;
    first_full_s: number;
    runs: number;
    cta_fades: { full_s: number; floor_s: number; ratio_to_floor: number; encoded_frames: number; floor_encoded_frames: number; same_pixels_as_floor: boolean; psnr_db: number | null; floor: string };
  };
  recompose_after_trim: { s: number; ratio_to_full: number; full_s: number; encoded_frames: number; trim: string; copy_case: { s: number; ratio_to_full: number } };
}

const SHOTS: { text: string; motion: string; palette: string[] }[] = [
  { text: "Meet Oatly Chill", motion: "push-in", palette: ["#1E3A8A", "#F59E0B", "#F5F5F4"] },
  { text: "Cold brew, oat milk", motion: "pan left", palette: ["#F59E0B", "#1E3A8A", "#0F172A"] },
  { text: "Only 99 kcal", motion: "static", palette: ["#0F172A", "#F5F5F4", "#F59E0B"] },
  { text: "Chill in every can", motion: "tilt up", palette: ["#F5F5F4", "#1E3A8A", "#F59E0B"] },
  { text: "Shop now", motion: "pull-out", palette: ["#1E3A8A", "#0F172A", "#F5F5F4"] },
];
const SCENE_S = 6;
const TRIM = { scene: "scene_3", to_s: 4.5 };

/**
 * Composing a 30 s five-scene timeline of local animatic clips (1280×720, 30 fps), against
 * the FFmpeg floor for the same output; then the same after one scene is trimmed. Two
 * timelines: all cuts and no CTA (every scene copyable; floor = composeFloor, a plain
 * concat with stream copy), and fades into scenes 2–5 plus a 3 s CTA (floor = the fair
 * floor of bench/floor.ts, which encodes only the frames those effects touch).
 */
export async function measureCompose(o: ComposeOptions): Promise<ComposeFigures> {
  const say = o.log ?? (() => {});
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const fps = o.fps ?? 30;
  const provider = createLocalVideoProvider({ timeoutS: 300 });
  const clipMedia = createMediaStore(join(o.dir, "clips"));
  const clips: Record<string, string> = {};
  const rendered = await timeIt(() =>
    Promise.all(
      SHOTS.map(async (s, i) => {
        const clipId = `clip_${i + 1}`;
        const r = await provider.generate(
          { generationId: "gen_bench", clipId, sceneId: `scene_${i + 1}`, prompt: s.text, duration_s: SCENE_S, width, height, fps, palette: s.palette, text: s.text, motion: s.motion, outPath: clipMedia.clipPath("gen_bench", clipId) },
          { predictionId: null, onPrediction: () => {} },
        );
        clips[clipId] = r.path;
      }),
    ),
  );
  say(`  rendered 5 animatic clips ${width}x${height} in ${round(rendered.s, 1)} s`);

  const copyCase = timelineOf(width, height, fps, { transitions: false, cta: false });
  const effectsCase = timelineOf(width, height, fps, { transitions: true, cta: true });
  const trimOp = { op: "trim" as const, scene: TRIM.scene, duration_s: TRIM.to_s, from: "end" as const };
  const trimmed = (t: Timeline) => applyOperations(t, [trimOp]).timeline;

  let media = 0;
  const freshMedia = () => createMediaStore(join(o.dir, `media-${media++}`));
  const out = (name: string) => join(o.dir, "out", `${name}-${media}.mp4`);
  // The first composition of a process learns the encoder's stream headers; a server does that once.
  const first = await timeIt(() => composeTimeline({ timeline: effectsCase, clips, outPath: out("warmup"), media: freshMedia() }));

  const measureCase = async (timeline: Timeline, floor: (outPath: string) => Promise<{ frames: number; encoded_frames: number }>): Promise<CaseFigures> => {
    const full: number[] = [];
    const re: number[] = [];
    const fl: number[] = [];
    let result: ComposeResult | null = null;
    let recomposed: ComposeResult | null = null;
    let floorInfo = { frames: 0, encoded_frames: 0 };
    let outputs = { full: "", floor: "" };
    for (let r = 0; r < o.runs; r++) {
      const m = freshMedia();
      const a = await timeIt(() => composeTimeline({ timeline, clips, outPath: out("full"), media: m }));
      const b = await timeIt(() => composeTimeline({ timeline: trimmed(timeline), clips, outPath: out("trim"), media: m }));
      const c = await timeIt(() => floor(out("floor")));
      outputs = { full: a.value.path, floor: out("floor") };
      full.push(a.s);
      re.push(b.s);
      fl.push(c.s);
      result = a.value;
      recomposed = b.value;
      floorInfo = c.value;
      if (c.value.frames !== a.value.frames) throw new Error(`the floor made ${c.value.frames} frames, the composer ${a.value.frames}: they are not the same output`);
    }
    const encoded = result!.segments.reduce((n, s) => n + s.encoded_frames, 0);
    return {
      psnr_db: await psnr(outputs.full, outputs.floor),
      full_s: median(full),
      floor_s: median(fl),
      ratio_to_floor: median(full) / median(fl),
      recompose_s: median(re),
      recompose_ratio_to_full: median(re) / median(full),
      recompose_encoded_frames: recomposed!.segments.reduce((n, s) => n + s.parts.filter((p) => !p.reused).reduce((k, p) => k + p.frames, 0), 0),
      encoded_frames: encoded,
      floor_encoded_frames: floorInfo.encoded_frames,
      frames: result!.frames,
    };
  };

  const copy = await measureCase(copyCase, async (p) => {
    const r = await composeFloor({ timeline: copyCase, clips, outPath: p });
    return { frames: r.frames, encoded_frames: 0 };
  });
  say(`  all-copyable: compose ${round(copy.full_s, 3)} s, floor ${round(copy.floor_s, 3)} s, recompose after trim ${round(copy.recompose_s, 3)} s`);
  const effects = await measureCase(effectsCase, async (p) => {
    const r = await composeEffectsFloor({ timeline: effectsCase, clips, outPath: p, workDir: join(o.dir, "floor-tmp") });
    return { frames: r.frames, encoded_frames: r.encoded_frames };
  });
  say(`  CTA+fades: compose ${round(effects.full_s, 3)} s, fair floor ${round(effects.floor_s, 3)} s, recompose after trim ${round(effects.recompose_s, 3)} s`);

  return {
    compose: {
      full_s: round(copy.full_s, 3),
      floor_s: round(copy.floor_s, 3),
      ratio_to_floor: round(copy.ratio_to_floor, 2),
      timeline: `${copy.frames / fps} s, 5 scenes of ${SCENE_S} s, ${width}x${height} ${fps} fps, local animatic clips; all cuts, no CTA (every scene copyable)`,
      first_full_s: round(first.s, 3),
      runs: o.runs,
      cta_fades: {
        full_s: round(effects.full_s, 3),
        floor_s: round(effects.floor_s, 3),
        ratio_to_floor: round(effects.ratio_to_floor, 2),
        encoded_frames: effects.encoded_frames,
        floor_encoded_frames: effects.floor_encoded_frames,
        same_pixels_as_floor: effects.psnr_db === null,
        psnr_db: effects.psnr_db,
        floor: "encode only the frames a fade or the CTA touches (to the clip's next keyframe), concat the rest with stream copy",
      },
    },
    recompose_after_trim: {
      s: round(effects.recompose_s, 3),
      ratio_to_full: round(effects.recompose_ratio_to_full, 2),
      full_s: round(effects.full_s, 3),
      encoded_frames: effects.recompose_encoded_frames,
      trim: `${TRIM.scene} ${SCENE_S} s → ${TRIM.to_s} s (from the end) on the CTA+fades timeline, segment cache of the full compose in place`,
      copy_case: { s: round(copy.recompose_s, 3), ratio_to_full: round(copy.recompose_ratio_to_full, 2) },
    },
  };
}

/** PSNR (dB) between two videos of the same size and length; null when they decode to identical pixels. */
async function psnr(a: string, b: string): Promise<number | null> {
  const { stderr } = await runFfmpeg(["-nostats", "-i", a, "-i", b, "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"], { timeoutS: 300 });
  const m = /PSNR .*average:(\S+)/.exec(stderr);
  if (!m) throw new Error(`no PSNR in FFmpeg's output: ${stderr.slice(-300)}`);
  return m[1] === "inf" ? null : Number(m[1]);
}

function timelineOf(width: number, height: number, fps: number, o: { transitions: boolean; cta: boolean }): Timeline {
  const transition = (i: number): Transition => (o.transitions && i > 0 ? "fade" : "cut");
  const duration = SHOTS.length * SCENE_S;
  return normalizeTimeline({
    version: 1,
    duration_s: duration,
    width,
    height,
    fps,
    scenes: SHOTS.map((s, i) => ({
      id: `scene_${i + 1}`,
      start_s: i * SCENE_S,
      duration_s: SCENE_S,
      clip_id: `clip_${i + 1}`,
      source_in_s: 0,
      prompt: s.text,
      transition_in: transition(i),
      crop: null,
      speed: 1,
      text: s.text,
    })),
    cta: o.cta ? { text: "Shop now", start_s: duration - 3, duration_s: 3 } : null,
    audio: null,
  });
}
