import type { Analysis } from "../../../core/schemas/analysis.js";
import { normalizeHex } from "../../../core/schemas/request.js";
import type { Storyboard, StoryboardScene } from "../../../core/schemas/storyboard.js";
import type { StyleGuide } from "../../../core/schemas/style.js";
import { colorName } from "../../../core/vocabulary/lexicon.js";

/** Upper bound on a micro-prompt's length: video models weigh the first words most and truncate long prompts. */
export const MICRO_PROMPT_MAX = 600;
const ANCHORS_MAX = 270;

/** Cuts at a word boundary, leaving room for the ellipsis. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 8) return "";
  const cut = text.slice(0, max - 1).replace(/[\s,;:.]+\S*$/, "");
  return `${cut || text.slice(0, max - 1)}…`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The prompt for one scene (or one of its shots): brand colours first (name and hex), then the
 * style anchors, then the shot (framing, camera move, what it shows), then lighting, texture and
 * mood — cut to MICRO_PROMPT_MAX characters, the tail first. Deterministic.
 */
export function buildMicroPrompt(input: { style: StyleGuide; scene: StoryboardScene; shotIndex?: number; analysis: Analysis }): string {
  const { style, scene, analysis } = input;
  const brand = [...new Set(analysis.brand.colors.map(normalizeHex))];
  const named = (c: string) => `${colorName(c)} ${c}`;
  const colours = brand.length
    ? `Brand colours ${brand.map(named).join(", ")}${style.palette.length > brand.length ? `; accents ${style.palette.filter((c) => !brand.includes(normalizeHex(c))).slice(0, 2).map(named).join(", ")}` : ""}.`
    : `Palette ${style.palette.slice(0, 3).map(named).join(", ")}.`;
  const perAnchor = Math.floor(ANCHORS_MAX / Math.max(1, style.anchors.length)) - 2;
  const whole = style.anchors.join("; ");
  const anchors = `Keep: ${whole.length <= ANCHORS_MAX ? whole : style.anchors.map((a) => clip(a, perAnchor)).join("; ")}.`;

  const shot = input.shotIndex !== undefined ? scene.shots[input.shotIndex] : undefined;
  const framing = (shot?.shot_type ?? scene.shot_type).replace(/_/g, " ");
  const move = shot?.camera_move ?? scene.shots[0]?.camera_move ?? "static";
  const what = (shot?.description ?? scene.description).replace(/^[A-Z][\w -]{1,20}:\s+/, "").replace(/\.$/, "");
  const head = `${colours} ${anchors}`;
  const look = `Lighting: ${style.lighting}. Texture: ${style.texture}. Mood: ${style.mood}.`;
  const room = MICRO_PROMPT_MAX - head.length - 2;
  const shotText = clip(`${capitalise(framing)} shot, ${move}: ${what}.`, Math.max(60, room - Math.min(look.length, 120)));
  const tail = clip(look, MICRO_PROMPT_MAX - head.length - shotText.length - 2);
  return clip([head, shotText, tail].filter(Boolean).join(" "), MICRO_PROMPT_MAX);
}

/** One micro-prompt per scene (the scene's dominant framing), keyed by scene id. */
export function buildAllMicroPrompts(style: StyleGuide, storyboard: Storyboard, analysis: Analysis): Record<string, string> {
  const out: Record<string, string> = {};
  for (const scene of storyboard.scenes) out[scene.id] = buildMicroPrompt({ style, scene, analysis });
  return out;
}
