import { roundS } from "../core/timeline/invariants.js";
import { aspectOf, barGrid, barLengthAt, ctaAtEnd } from "../core/timeline/ops.js";
import type { Timeline } from "../core/timeline/schema.js";

/** The edit interpreter's model call: a system text and a typed render of the instruction and timeline. */

export const EDIT_SYSTEM = `You turn a video editor's instruction into an ordered list of typed edit operations on a timeline.

Operations (use scene ids exactly as listed, e.g. scene_2 — never positions):
- swap {a, b}: exchange two scenes.
- move {scene, and exactly one of: position (1-based, in the new order), to ("start"|"end"), before (scene id), after (scene id)}.
- reverse: reverse the scene order.
- remove {scene}.
- trim {scene, exactly one of duration_s (new length) or delta_s (negative shortens, positive lengthens), from}: from "end" cuts or extends the tail; from "start" moves the clip's in-point ("trim 1 s from the start").
- speed {scene, factor}: relative; 2 = twice as fast (the scene becomes half as long), 0.5 = half speed. "At normal speed" means factor = 1 / current speed.
- crop {scene or null for every scene, aspect_ratio, region {x,y,w,h as fractions of the frame}, reset}: reframe; scene null with an aspect ratio also changes the output's shape ("make it vertical"); reset true removes a crop.
- cta {action "set"|"remove", text, start_s, duration_s}: the call to action; null keeps a field. A new CTA needs text; without a window it closes the video.
- transition {scene, transition "cut"|"fade"|"fade_black"|"dissolve"}: how the scene enters ("a dissolve between 2 and 3" sets it on the later scene; "fade to black before X" is fade_black on X).
- grade {scene or null for every scene, grade "warm"|"cool"|"bright"|"dark"|"black_and_white"|"sepia"|"vivid"|"muted", or null to remove it}: a colour grade the composer draws over the clip, free and instant ("make it black and white", "warmer", "brighter", "more saturated"). Prefer it to regenerate when only colour, brightness or saturation changes.
- regenerate {scene, prompt}: make the scene again from the full changed prompt ("make the beach scene at night": the old prompt changed to night, conflicting time-of-day words removed).
- duplicate {scene}: a copy right after it, with the next free id (one above the highest scene_N). To add a new scene, duplicate a neighbour, then move and regenerate the copy.

Reading the instruction:
- "scene 2", "#2", "the second", "two" are positions in the listing (#2 → its id). "first", "last", "penultimate", "the opening shot" are positions too. "The bonfire scene" is the scene whose prompt matches.
- Several edits in one sentence ("swap 1 and 2, then delete the last") become several operations in order; positions always refer to the listing as given.
- Times relative to the video ("the CTA in the last 5 seconds") are computed from the video's length; lengths relative to the current value ("2 seconds longer") from the listed values.
- On a music video (a Music line with bars) one bar is the listed bar length; keep cuts on bar starts: lengths in whole bars.
- The instruction may be in another language (Spanish, French, German, Portuguese, Italian, Japanese, Dutch…): read it in that language; write warnings in English.
- Proportional changes use the scene's listed length: "by a third" leaves two thirds, "in half" or "halve" leaves half (a trim, never a removal), "twice as fast" is speed 2. "Each/every scene" applies to every scene; "every other scene" means #2, #4….
- A new length for the whole video ("make it 20 seconds") is spread over the scenes in proportion to their lengths, as trims that sum exactly. An order list ("reorder as 2, 1, 4, 3, 5") names every position once.
- Never guess between readings that differ in what they delete or shorten ("put scene 5 where scene 2 is": swap or move?; "cut 2": delete scene 2 or 2 seconds?): reject, naming the readings.
- Repair typos and self-corrections ("8 seconds… no, 5" means 5) and say so in warnings. Say what you assumed (a default amount) in warnings.
- If the instruction cannot be honoured — a scene that does not exist, an edit that would leave the video empty, a zero or negative length, a CTA outside the video, or words that are not an edit — return no operations and the reason in rejection.`;

export interface EditPromptInput {
  instruction: string;
  timeline: Timeline;
}

const fmt = (s: number) => `${roundS(s)} s`;

/** A compact listing: one line per scene (position, id, times, prompt excerpt), the CTA and the bars. */
export function renderTimelineListing(t: Timeline): string {
  const lines = [`Video: ${fmt(t.duration_s)}, ${t.width}×${t.height} (${aspectOf(t.width, t.height)}), ${t.fps} fps, ${t.scenes.length} scenes.`];
  t.scenes.forEach((s, i) => {
    const prompt = s.prompt.length > 90 ? `${s.prompt.slice(0, 89)}…` : s.prompt;
    const extras = [
      s.purpose ? `purpose ${s.purpose}` : "",
      s.speed !== 1 ? `speed ${s.speed}×` : "",
      s.source_in_s ? `clip from ${fmt(s.source_in_s)}` : "",
      s.transition_in !== "cut" ? `enters with ${s.transition_in}` : "",
      s.crop ? `crop ${s.crop.aspect_ratio ?? "region"}` : "",
      s.grade ? `graded ${s.grade}` : "",
      s.bars ? `${s.bars} bars` : "",
    ].filter(Boolean);
    lines.push(`#${i + 1} ${s.id}: ${fmt(s.start_s)}–${fmt(s.start_s + s.duration_s)} (${fmt(s.duration_s)})${extras.length ? `, ${extras.join(", ")}` : ""} — "${prompt}"`);
  });
  lines.push(
    t.cta
      ? `CTA: "${t.cta.text}" ${fmt(t.cta.start_s)}–${fmt(t.cta.start_s + t.cta.duration_s)} (${fmt(t.cta.duration_s)}${ctaAtEnd(t) ? ", closes the video" : ""})`
      : "CTA: none",
  );
  const grid = barGrid(t);
  if (grid && t.audio) {
    lines.push(`Music: ${t.audio.bpm ?? "?"} bpm, one bar = ${fmt(barLengthAt(grid, 0))}, ${t.audio.downbeats_s.length} bar starts from ${fmt(grid.starts[0]!)}; cuts stay on bar starts.`);
  } else {
    lines.push("Music: none (no bars)");
  }
  return lines.join("\n");
}

/** The user message: the timeline listing, then the instruction. */
export function renderEditPrompt(input: EditPromptInput): string {
  return `Timeline:\n${renderTimelineListing(input.timeline)}\n\nInstruction: "${input.instruction}"`;
}
