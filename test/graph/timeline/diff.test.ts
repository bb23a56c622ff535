import { describe, expect, it } from "vitest";
import { DiffEntrySchema, type EditOperation } from "../../../core/schemas/edit.js";
import { diffTimelines } from "../../../core/timeline/diff.js";
import { normalizeTimeline } from "../../../core/timeline/invariants.js";
import { applyOperations } from "../../../core/timeline/ops.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";

function scene(n: number, duration_s: number, extra: Partial<TimelineScene> = {}): TimelineScene {
  return { id: `scene_${n}`, start_s: 0, duration_s, clip_id: `clip_${n}`, source_in_s: 0, prompt: `prompt ${n}`, transition_in: "cut", crop: null, speed: 1, ...extra };
}

const base = (): Timeline =>
  normalizeTimeline({
    version: 1,
    duration_s: 0,
    width: 1280,
    height: 720,
    fps: 30,
    scenes: [scene(1, 4), scene(2, 6, { source_in_s: 1 }), scene(3, 5), scene(4, 5), scene(5, 5)],
    cta: { text: "Shop now", start_s: 22, duration_s: 3 },
    audio: null,
  });

const diff = (...ops: EditOperation[]) => {
  const before = base();
  const out = diffTimelines(before, applyOperations(before, ops).timeline);
  for (const e of out) expect(DiffEntrySchema.safeParse(e).success).toBe(true);
  return out;
};
const brief = (entries: ReturnType<typeof diff>) => entries.map((e) => `${e.kind} ${e.scene_id ?? "-"}`);

describe("diffTimelines", () => {
  it("is empty for identical timelines", () => {
    expect(diffTimelines(base(), base())).toEqual([]);
  });

  it("reads a swap as two moves with positions", () => {
    const d = diff({ op: "swap", a: "scene_2", b: "scene_3" });
    expect(d).toEqual([
      { kind: "moved", scene_id: "scene_3", from: 3, to: 2, summary: "scene_3 moved from #3 to #2" },
      { kind: "moved", scene_id: "scene_2", from: 2, to: 3, summary: "scene_2 moved from #2 to #3" },
    ]);
    expect(brief(diff({ op: "swap", a: "scene_1", b: "scene_5" }))).toEqual(["moved scene_5", "moved scene_1"]);
  });

  it("reports only the scene that moved, not the ones it shifted", () => {
    expect(brief(diff({ op: "move", scene: "scene_5", to: "start" }))).toEqual(["moved scene_5"]);
    expect(diff({ op: "move", scene: "scene_1", position: 4 })[0]!.summary).toBe("scene_1 moved from #1 to #4");
  });

  it("reports every scene of a reversal except the one that stays in the middle", () => {
    expect(brief(diff({ op: "reverse" }))).toEqual(["moved scene_5", "moved scene_4", "moved scene_2", "moved scene_1"]);
  });

  it("reports a removal (and the CTA it moved), not the shifted scenes", () => {
    const d = diff({ op: "remove", scene: "scene_2" });
    expect(brief(d)).toEqual(["removed scene_2", "cta -"]);
    expect(d[0]!.summary).toBe("scene_2 removed (was #2, 6 s)");
    expect(d[1]!.summary).toBe("CTA moved from 22–25 s to 16–19 s");
  });

  it("reports an added copy and where it went", () => {
    const d = diff({ op: "duplicate", scene: "scene_3" }, { op: "move", scene: "scene_6", to: "start" });
    expect(d[0]).toMatchObject({ kind: "added", scene_id: "scene_6", to: 1, summary: "scene_6 added at #1 (5 s): a copy of scene_3" });
    const fresh = diff({ op: "duplicate", scene: "scene_3" }, { op: "regenerate", scene: "scene_6", prompt: "waves at dusk" });
    expect(fresh.find((e) => e.kind === "added")!.summary).toBe('scene_6 added at #4 (5 s): "waves at dusk"');
    expect(brief(fresh)).not.toContain("regenerated scene_6");
  });

  it("reports trims with the source in-point, and retiming", () => {
    const d = diff({ op: "trim", scene: "scene_2", delta_s: -2, from: "start" });
    expect(d[0]).toEqual({
      kind: "trimmed",
      scene_id: "scene_2",
      from: { duration_s: 6, source_in_s: 1 },
      to: { duration_s: 4, source_in_s: 3 },
      summary: "scene_2 trimmed from 6 s to 4 s, starts 2 s later in its clip",
    });
    const r = diff({ op: "speed", scene: "scene_1", factor: 2 });
    expect(brief(r)).toEqual(["retimed scene_1", "cta -"]);
    expect(r[0]!.summary).toBe("scene_1 retimed from 1× to 2× (4 s → 2 s)");
  });

  it("reports reframes of a scene and of the output", () => {
    expect(diff({ op: "crop", scene: "scene_4", aspect_ratio: "1:1" })[0]!.summary).toBe("scene_4 reframed: full frame → 1:1");
    const all = diff({ op: "crop", scene: null, aspect_ratio: "9:16" });
    expect(brief(all)).toEqual(["reframed scene_1", "reframed scene_2", "reframed scene_3", "reframed scene_4", "reframed scene_5", "reframed -"]);
    expect(all[5]!.summary).toBe("output reframed from 1280×720 (16:9) to 720×1280 (9:16)");
    expect(diff({ op: "crop", scene: "scene_1", region: { x: 0, y: 0, w: 0.5, h: 1 } })[0]!.summary).toBe("scene_1 reframed: full frame → region x=0 y=0 w=0.5 h=1");
  });

  it("reports transitions and regenerations", () => {
    expect(diff({ op: "transition", scene: "scene_3", transition: "fade_black" })[0]!.summary).toBe("scene_3 now enters with a fade from black (was a cut)");
    const g = diff({ op: "regenerate", scene: "scene_2", prompt: "prompt 2 at night" });
    expect(g).toEqual([
      {
        kind: "regenerated",
        scene_id: "scene_2",
        from: { prompt: "prompt 2", clip_id: "clip_2" },
        to: { prompt: "prompt 2 at night", clip_id: null },
        summary: 'scene_2 regenerated: "prompt 2" → "prompt 2 at night"',
      },
    ]);
    expect(diff({ op: "regenerate", scene: "scene_2", prompt: "prompt 2" })[0]!.summary).toBe("scene_2 gets a new clip (clip_2 → to be generated)");
  });

  it("reports CTA changes: added, removed, moved, resized, retexted", () => {
    const before = base();
    const none = { ...before, cta: null };
    expect(diffTimelines(none, before)[0]!.summary).toBe('CTA "Shop now" added at 22–25 s');
    expect(diffTimelines(before, none)[0]!.summary).toBe('CTA "Shop now" removed (was 22–25 s)');
    expect(diff({ op: "cta", action: "set", start_s: 10 })[0]!.summary).toBe("CTA moved from 22–25 s to 10–13 s");
    expect(diff({ op: "cta", action: "set", duration_s: 5 })[0]!.summary).toBe("CTA moved and resized from 22–25 s to 20–25 s");
    expect(diff({ op: "cta", action: "set", text: "Buy", start_s: 22, duration_s: 2 })[0]!.summary).toBe('CTA text "Shop now" → "Buy"; resized from 22–25 s to 22–24 s');
  });
});
