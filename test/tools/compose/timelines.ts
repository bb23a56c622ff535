import { normalizeTimeline } from "../../../core/timeline/invariants.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";

/** One scene of a test timeline: `clip_id` shown for `duration_s`, by default a plain cut from the clip's start. */
export function testScene(id: string, clip_id: string, duration_s: number, over: Partial<TimelineScene> = {}): TimelineScene {
  return { id, start_s: 0, duration_s, clip_id, source_in_s: 0, prompt: "", transition_in: "cut", crop: null, speed: 1, ...over };
}

/** A 320×180, 30 fps timeline of these scenes back to back (start times and length filled in), with no CTA or song unless given. */
export function testTimeline(scenes: TimelineScene[], over: Partial<Timeline> = {}): Timeline {
  return normalizeTimeline({ version: 1, duration_s: 0, width: 320, height: 180, fps: 30, scenes, cta: null, audio: null, ...over });
}
