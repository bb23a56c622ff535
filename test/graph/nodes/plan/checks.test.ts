import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { checkStoryboard, type StoryboardContext } from "../../../../graph/nodes/plan/checks.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import type { Storyboard } from "../../../../core/schemas/storyboard.js";

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for sneakers called Stride, end with 'Shop now'", duration_s: 30 });
const analysis = analyzeOffline(request, null);
const ctx: StoryboardContext = { pipeline: "ad", duration_s: 30, cta: analysis.brand.cta };
const base = () => structuredClone(planOffline(request, analysis, null));
const problems = (mutate: (sb: Storyboard) => void) => {
  const sb = base();
  mutate(sb);
  return checkStoryboard(sb, ctx).join("\n");
};

describe("checkStoryboard", () => {
  it("passes the offline plan", () => {
    expect(checkStoryboard(base(), ctx)).toEqual([]);
  });

  it("reports each broken constraint in words", () => {
    expect(problems((sb) => (sb.scenes = sb.scenes.slice(0, 2)))).toMatch(/needs 3–5 scenes, this storyboard has 2/);
    expect(problems((sb) => (sb.scenes[1]!.shot_type = sb.scenes[0]!.shot_type))).toMatch(/adjacent scenes need different shot types/);
    expect(
      problems((sb) => {
        const s = sb.scenes[0]!;
        s.shots = [{ ...s.shots[0]!, duration_s: 3 }, { ...s.shots[0]!, id: "x", duration_s: s.duration_s - 3 }];
      }),
    ).toMatch(/shot 1 lasts 3 s; ad shots last 4–7 s/);
    expect(problems((sb) => (sb.scenes[0]!.shots[0]!.duration_s += 0.5))).toMatch(/its shots add up to/);
    expect(problems((sb) => (sb.scenes[2]!.start_s += 1))).toMatch(/scene_3 starts at .* but the scenes before it end at/);
    expect(problems((sb) => (sb.cta = null))).toMatch(/"Shop now" is missing/);
    expect(problems((sb) => (sb.cta!.start_s = 5))).toMatch(/it must end with the video at 30 s/);
    expect(problems((sb) => (sb.cta!.text = "Buy"))).toMatch(/reads "Buy"/);
    expect(problems((sb) => (sb.scenes[1]!.id = "scene_1"))).toMatch(/scene id scene_1 appears twice/);
    const shorter = base();
    expect(checkStoryboard(shorter, { ...ctx, duration_s: 45 }).join()).toMatch(/add up to 30 s but the video must last 45 s/);
  });

  it("allows short shots and asks for 10–20 scenes in a music video", () => {
    const sb = base();
    const s = sb.scenes[0]!;
    s.shots = [{ ...s.shots[0]!, duration_s: 2 }, { ...s.shots[0]!, id: "s1b", duration_s: s.duration_s - 2 }];
    const out = checkStoryboard(sb, { pipeline: "music_video", duration_s: 30, cta: null }).join("\n");
    expect(out).toMatch(/needs 10–20 scenes/);
    expect(out).not.toMatch(/ad shots last/);
  });
});
