import { createHash } from "node:crypto";
import type { AudioAnalysis } from "../schemas/audio.js";
import type { Storyboard } from "../schemas/storyboard.js";
import { normalizeTimeline } from "./invariants.js";
import type { Timeline, TimelineAudio } from "./schema.js";

/**
 * A clip id is derived from what the clip shows, so a resumed run finds the clip it already
 * made, and a scene whose prompt changes gets a new clip (and keeps the old one for undo).
 */
export function clipIdFor(generationId: string, sceneId: string, prompt: string, duration_s: number, size: { width: number; height: number }): string {
  const h = createHash("sha256").update(JSON.stringify([prompt, duration_s, size.width, size.height])).digest("hex").slice(0, 10);
  return `clip_${generationId.replace(/^gen_/, "").slice(0, 12)}_${sceneId}_${h}`;
}

/** Builds version 1's timeline from the storyboard and the micro-prompts. Pure. */
export function timelineFromStoryboard(input: {
  generationId: string;
  storyboard: Storyboard;
  prompts: Record<string, string>;
  size: { width: number; height: number };
  fps: number;
  audio: { src: string; analysis: AudioAnalysis; offset_s?: number; fade_out_s?: number; downbeats_s?: number[] } | null;
}): Timeline {
  const { storyboard: sb, size } = input;
  const scenes = sb.scenes.map((s) => {
    const prompt = input.prompts[s.id] ?? s.description;
    return {
      id: s.id,
      start_s: s.start_s,
      duration_s: s.duration_s,
      clip_id: clipIdFor(input.generationId, s.id, prompt, s.duration_s, size),
      source_in_s: 0,
      prompt,
      transition_in: "cut" as const,
      crop: null,
      speed: 1,
      purpose: s.purpose,
      text: s.text ?? s.shots[0]?.text,
      ...(s.bars ? { bars: s.bars } : {}),
    };
  });
  let audio: TimelineAudio | null = null;
  if (input.audio) {
    const a = input.audio.analysis;
    const offset = input.audio.offset_s ?? 0;
    audio = {
      src: input.audio.src,
      offset_s: offset,
      bpm: a.bpm,
      ...(a.bpm !== null && a.bpm_alternatives?.length ? { bpm_alternatives: a.bpm_alternatives } : {}),
      downbeats_s: input.audio.downbeats_s ?? a.downbeats_s.map((d) => d - offset).filter((d) => d >= 0 && d <= sb.duration_s),
      beats_per_bar: a.beats_per_bar,
      ...(input.audio.fade_out_s ? { fade_out_s: input.audio.fade_out_s } : {}),
    };
  }
  return normalizeTimeline({
    version: 1,
    duration_s: sb.duration_s,
    width: size.width,
    height: size.height,
    fps: input.fps,
    scenes,
    cta: sb.cta,
    audio,
  });
}
