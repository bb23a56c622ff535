import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { frameBoundaries } from "../core/timeline/invariants.js";
import type { Timeline } from "../core/timeline/schema.js";
import { TRANSITION_FADE_S } from "../tools/compose/plan.js";
import { localPath } from "../tools/compose/facts.js";
import { audioMuxArgs, concatArgs, concatList, fmtS, SEGMENT_CRF, videoEncodeArgs, type ConcatEntry } from "../tools/ffmpeg/args.js";
import { probeFast } from "../tools/ffmpeg/probe.js";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { drawtextFilter, fitText, resolveFont, type FontRef } from "../tools/ffmpeg/text.js";

/**
 * The fair floor for a timeline with fades and a CTA: the least work any stream-copy
 * composer must do for that output. Only the frames an effect touches are decoded and
 * encoded — each stretch from the effect's first frame to the next keyframe of the clip
 * (a copy can only resume on a keyframe; it can stop anywhere, as our streams have no
 * B-frames) — with just the effect's filter and the shared encoder settings; everything
 * else is the clips' own packets, joined with one concat copy. It reads the clips' keyframe
 * indexes (in-process, a few ms) and does no other probing, no caching and no checks. Its
 * clips must already be in the output's format (the bench's animatics are). The CTA is laid
 * out as the composer lays it out, so both draw the same pixels (bench/compose.ts checks).
 */

const CTA_FADE_S = 0.25;

/** One piece of the floor's output, in scene-local frames. */
export interface FloorPiece {
  scene: number;
  from: number;
  to: number;
  mode: "copy" | "encode";
  fadeFrames: number;
  /** The CTA window inside the piece (piece-local frames), and CTA frames shown before it. */
  cta: { from: number; to: number; elapsed: number } | null;
}

/**
 * Splits every scene into copied and encoded stretches. Pure: `keyframes[i]` lists the
 * keyframes of scene i's clip (0-based frame indices).
 */
export function floorPieces(timeline: Timeline, keyframes: number[][]): FloorPiece[] {
  const { fps } = timeline;
  const bounds = frameBoundaries(timeline);
  const total = bounds[bounds.length - 1];
  const cta = timeline.cta
    ? { from: Math.round(timeline.cta.start_s * fps), to: Math.min(total, Math.round((timeline.cta.start_s + timeline.cta.duration_s) * fps)) }
    : null;
  const pieces: FloorPiece[] = [];
  timeline.scenes.forEach((scene, i) => {
    const start = bounds[i];
    const frames = bounds[i + 1] - start;
    if (frames <= 0) return;
    const first = Math.round(scene.source_in_s * fps);
    const keys = keyframes[i].map((k) => k - first).filter((k) => k > 0 && k < frames);
    const fade = Math.min(frames, Math.round(TRANSITION_FADE_S[scene.transition_in] * fps));
    const dirty: { from: number; to: number }[] = [];
    if (!keyframes[i].includes(first)) dirty.push({ from: 0, to: 1 });
    if (fade > 0) dirty.push({ from: 0, to: fade });
    if (cta && cta.to > start && cta.from < start + frames) dirty.push({ from: Math.max(0, cta.from - start), to: Math.min(frames, cta.to - start) });
    const encode: { from: number; to: number }[] = [];
    for (const d of dirty.sort((a, b) => a.from - b.from)) {
      const to = keys.find((k) => k >= d.to) ?? frames;
      const last = encode[encode.length - 1];
      if (last && d.from <= last.to) last.to = Math.max(last.to, to);
      else encode.push({ from: d.from, to });
    }
    let at = 0;
    const push = (from: number, to: number, mode: "copy" | "encode") => {
      const window = cta && mode === "encode" ? { from: Math.max(cta.from - start, from), to: Math.min(cta.to - start, to) } : null;
      pieces.push({
        scene: i,
        from,
        to,
        mode,
        fadeFrames: mode === "encode" && from === 0 ? fade : 0,
        cta: window && window.to > window.from ? { from: window.from - from, to: window.to - from, elapsed: Math.max(0, start + window.from - cta!.from) } : null,
      });
    };
    for (const e of encode) {
      if (e.from > at) push(at, e.from, "copy");
      push(e.from, e.to, "encode");
      at = e.to;
    }
    if (at < frames) push(at, frames, "copy");
  });
  return pieces;
}

export interface EffectsFloorResult {
  path: string;
  frames: number;
  ms: number;
  encoded_frames: number;
  pieces: number;
}

/** Renders the fair floor of `timeline` to `outPath` (see the module comment). */
export async function composeEffectsFloor(input: { timeline: Timeline; clips: Record<string, string>; outPath: string; workDir: string; font?: FontRef; timeoutS?: number }): Promise<EffectsFloorResult> {
  const started = performance.now();
  const { timeline } = input;
  const { fps, width, height } = timeline;
  const timeoutS = input.timeoutS ?? 600;
  const font = input.font ?? resolveFont();
  const paths = timeline.scenes.map((s) => resolve(input.clips[s.clip_id ?? ""] ?? ""));
  const infos = await Promise.all([...new Set(paths)].map(async (p) => [p, await probeFast(p)] as const));
  const byPath = new Map(infos);
  const pieces = floorPieces(timeline, paths.map((p) => byPath.get(p)!.keyframes ?? [0]));
  const layout = timeline.cta
    ? fitText(timeline.cta.text, { width: Math.floor(width * 0.84), height: Math.floor(height * 0.3), maxFontSize: Math.round(height / 11), minFontSize: Math.max(10, Math.round(height / 40)), maxLines: 3 })
    : null;
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  await mkdir(input.workDir, { recursive: true });
  const textFile = join(input.workDir, `floor.${tag}.cta.txt`);
  const listPath = join(input.workDir, `floor.${tag}.concat.txt`);
  const temps: string[] = [textFile, listPath];
  try {
    if (layout) await writeFile(textFile, layout.lines.join("\n"), "utf8");
    const entries: ConcatEntry[] = await Promise.all(
      pieces.map(async (p, n): Promise<ConcatEntry> => {
        const scene = timeline.scenes[p.scene];
        const first = Math.round(scene.source_in_s * fps);
        const frames = p.to - p.from;
        if (p.mode === "copy") {
          const clipFrames = byPath.get(paths[p.scene])!.nb_frames;
          return { path: paths[p.scene], frames, fps, inFrame: first + p.from, cut: clipFrames > first + p.to };
        }
        const out = join(input.workDir, `floor.${tag}.${n}.mp4`);
        temps.push(out);
        const filters: string[] = [];
        if (p.fadeFrames > 0) filters.push(`fade=t=in:s=0:n=${p.fadeFrames}:color=black`);
        if (p.cta && layout) {
          const fadeFrames = Math.round(CTA_FADE_S * fps);
          filters.push(
            drawtextFilter({
              textFile,
              font,
              fontSize: layout.fontSize,
              color: "white",
              x: "(w-tw)/2",
              y: "h-th-h*0.1",
              box: { color: "black@0.55", border: Math.round(layout.fontSize * 0.45) },
              lineSpacing: Math.round(layout.fontSize * 0.25),
              enable: `between(n,${p.cta.from},${p.cta.to - 1})`,
              alpha: `min(1,(n-${p.cta.from}+${p.cta.elapsed}+1)/${fadeFrames})`,
            }),
          );
        }
        await runFfmpeg(
          [
            "-ss", fmtS(Math.max(0, (first + p.from - 0.5) / fps)),
            "-i", paths[p.scene],
            "-map", "0:v:0",
            ...(filters.length ? ["-vf", filters.join(",")] : []),
            "-frames:v", String(frames),
            ...videoEncodeArgs({ fps, crf: SEGMENT_CRF }),
            "-f", "mp4",
            out,
          ],
          { timeoutS },
        );
        return { path: out, frames, fps };
      }),
    );
    await writeFile(listPath, concatList(entries), "utf8");
    const outPath = resolve(input.outPath);
    await runFfmpeg(concatArgs({ listPath, outPath, fps }), { timeoutS });
    const ms = performance.now() - started;
    const info = await probeFast(outPath);
    return {
      path: outPath,
      frames: info.nb_frames,
      ms: Math.round(ms),
      encoded_frames: pieces.filter((p) => p.mode === "encode").reduce((n, p) => n + p.to - p.from, 0),
      pieces: pieces.length,
    };
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}

/**
 * The least work any composer must do when every scene can be copied (all cuts, no CTA): the
 * scenes' clips joined with stream copy (each cut to its frames), and the song muxed under it
 * when there is one. No probing beforehand, no cache, no overlays, fades, crops or retiming,
 * no checks: it equals composeTimeline's output only for such a timeline.
 */
export async function composeFloor(input: { timeline: Timeline; clips: Record<string, string>; outPath: string; timeoutS?: number }): Promise<{ path: string; duration_s: number; frames: number; ms: number }> {
  const started = performance.now();
  const { timeline } = input;
  const { fps, audio } = timeline;
  const timeoutS = input.timeoutS ?? 600;
  const bounds = frameBoundaries(timeline);
  const entries = timeline.scenes.flatMap((s, i): ConcatEntry[] => {
    const clip = s.clip_id ? input.clips[s.clip_id] : undefined;
    if (!clip) throw new Error(`${s.id} has no clip`);
    const frames = bounds[i + 1] - bounds[i];
    return frames > 0 ? [{ path: resolve(clip), frames, fps, cut: true }] : [];
  });
  const outPath = resolve(input.outPath);
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const listPath = `${outPath}.${tag}.concat.txt`;
  const videoPath = audio ? `${outPath}.${tag}.video.mp4` : outPath;
  await mkdir(dirname(outPath), { recursive: true });
  try {
    await writeFile(listPath, concatList(entries), "utf8");
    await runFfmpeg(concatArgs({ listPath, outPath: videoPath, fps }), { timeoutS });
    if (audio) {
      const durationS = bounds[bounds.length - 1] / fps;
      await runFfmpeg(audioMuxArgs({ videoPath, audioPath: localPath(audio.src), offsetS: audio.offset_s, durationS, fadeOutS: audio.fade_out_s ?? 0, outPath }), { timeoutS });
    }
    const info = await probeFast(outPath);
    return { path: outPath, duration_s: info.video_duration_s, frames: info.nb_frames, ms: Math.round(performance.now() - started) };
  } finally {
    await Promise.all([rm(listPath, { force: true }), videoPath === outPath ? null : rm(videoPath, { force: true })]);
  }
}
