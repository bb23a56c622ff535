import { describe, expect, it } from "vitest";
import { parseFactor, parseSeconds, resolveScenes, type ResolveContext } from "../../../../graph/nodes/edit/resolve.js";
import { applyOperations } from "../../../../core/timeline/ops.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const fx = loadTimelines();
const ctx = (name: string, lastRefs: string[] = []): ResolveContext => ({ original: fx[name]!.timeline, working: fx[name]!.timeline, lastRefs });

describe("resolveScenes", () => {
  it.each([
    ["scene 2", ["scene_2"]],
    ["#2", ["scene_2"]],
    ["the 2nd", ["scene_2"]],
    ["2", ["scene_2"]],
    ["scene number 4", ["scene_4"]],
    ["the 1st scene", ["scene_1"]],
    ["the opening shot", ["scene_1"]],
    ["the last one", ["scene_5"]],
    ["the final shot", ["scene_5"]],
    ["the 2ndlast scene", ["scene_4"]],
    ["the middle scene", ["scene_3"]],
    ["scene_3", ["scene_3"]],
    ["the bonfire scene", ["scene_2"]],
    ["the one with the string lights", ["scene_3"]],
    ["the beaches", ["scene_1"]],
    ["the logo", ["scene_5"]],
    ["the campfire", ["scene_2"]],
    ["scenes 2 and 3", ["scene_2", "scene_3"]],
    ["scenes 2 , 3 and 5", ["scene_2", "scene_3", "scene_5"]],
    ["scenes 2 to 4", ["scene_2", "scene_3", "scene_4"]],
    ["the 1st 2 scenes", ["scene_1", "scene_2"]],
    ["the last 3", ["scene_3", "scene_4", "scene_5"]],
    ["the beach and the kitchen", ["scene_1", "scene_4"]],
    ["every scene", ["scene_1", "scene_2", "scene_3", "scene_4", "scene_5"]],
  ])("%s → %j", (phrase, ids) => {
    expect(resolveScenes(phrase, ctx("ad"))).toEqual({ ids });
  });

  it("explains what it cannot resolve, and ignores what is not a scene phrase", () => {
    expect(resolveScenes("scene 7", ctx("ad"))).toEqual({ error: "there is no scene 7 (the video has 5 scenes)" });
    expect(resolveScenes("the dog scene", ctx("ad"))).toEqual({ error: 'no scene matches "dog scene"' });
    expect(resolveScenes("the middle", ctx("promo"))).toEqual({ ids: ["scene_2"] });
    expect(resolveScenes("the chorus", ctx("music"))).toEqual({ error: '"chorus" could be scene_3 or scene_5; name the scene by its number' });
    expect(resolveScenes("it", ctx("ad"))).toEqual({ error: '"it" does not name a scene here' });
    expect(resolveScenes("the", ctx("ad"))).toBeNull();
  });

  it("picks the nth of several matches and follows 'it'", () => {
    expect(resolveScenes("the 2nd chorus", ctx("music"))).toEqual({ ids: ["scene_5"] });
    expect(resolveScenes("the last chorus", ctx("music"))).toEqual({ ids: ["scene_5"] });
    expect(resolveScenes("the intro", ctx("music"))).toEqual({ ids: ["scene_1"] });
    expect(resolveScenes("it", ctx("ad", ["scene_4"]))).toEqual({ ids: ["scene_4"] });
  });

  it("reads numbers against the timeline the user saw, not the one being edited", () => {
    const working = applyOperations(fx.ad!.timeline, [{ op: "reverse" }]).timeline;
    expect(resolveScenes("scene 1", { original: fx.ad!.timeline, working, lastRefs: [] })).toEqual({ ids: ["scene_1"] });
  });
});

describe("lengths and factors", () => {
  it("reads seconds, frames, bars and beats", () => {
    expect(parseSeconds("4 s", ctx("ad"))).toEqual({ value: 4 });
    expect(parseSeconds("4", ctx("ad"))).toEqual({ value: 4 });
    expect(parseSeconds("45 frame", ctx("ad"))).toEqual({ value: 1.5 });
    expect(parseSeconds("2 bar", ctx("music"), "scene_3")).toEqual({ value: 4 });
    expect(parseSeconds("1 beat", ctx("music"))).toEqual({ value: 0.5 });
    expect(parseSeconds("1 bar", ctx("ad"))).toMatchObject({ error: expect.stringContaining("no bars") });
    expect(parseSeconds("the end", ctx("ad"))).toBeNull();
  });

  it("reads speed words", () => {
    expect(parseFactor("2 x")).toEqual({ kind: "absolute", value: 2 });
    expect(parseFactor("double speed")).toEqual({ kind: "absolute", value: 2 });
    expect(parseFactor("half")).toEqual({ kind: "absolute", value: 0.5 });
    expect(parseFactor("normal speed")).toEqual({ kind: "absolute", value: 1 });
    expect(parseFactor("slowmo")).toEqual({ kind: "absolute", value: 0.5 });
    expect(parseFactor("50 %")).toEqual({ kind: "absolute", value: 0.5 });
    expect(parseFactor("night")).toBeNull();
  });
});
