import { describe, expect, it } from "vitest";
import { findAmbiguity } from "../../../../graph/nodes/edit/ambiguity.js";
import { distribute } from "../../../../graph/nodes/edit/frames.js";
import { detectLanguage, toEnglish } from "../../../../graph/nodes/edit/i18n.js";
import { interpretOffline } from "../../../../graph/nodes/edit/interpret.js";
import { makeEditPlan } from "../../../../graph/nodes/edit/plan.js";
import { findQuantity } from "../../../../graph/nodes/edit/quantity.js";
import { applyOperations } from "../../../../core/timeline/ops.js";
import { checkTimeline } from "../../../../core/timeline/invariants.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const fx = loadTimelines();
const ad = fx.ad!;
const music = fx.music!;

function plan(instruction: string, f = ad) {
  return makeEditPlan({ id: "e", compositionId: null, instruction, timeline: f.timeline, interpretation: interpretOffline(instruction, f.timeline), interpreter: "offline", clipDurations: f.clipDurations });
}

const lengths = (p: ReturnType<typeof plan>) => p.timeline_after.scenes.map((s) => `${s.id}:${s.duration_s}`).join(" ");

describe("quantities", () => {
  it.each([
    ["by a 3rd", { kind: "scale", factor: -1 / 3 }],
    ["in half", { kind: "scale", factor: 0.5 }],
    ["2 thirds as long", { kind: "scale", factor: 2 / 3 }],
    ["40 % shorter", { kind: "scale", factor: 0.6 }],
    ["3 times as fast", { kind: "speed", mode: "relative", factor: 3 }],
    ["at half speed", { kind: "speed", mode: "absolute", factor: 0.5 }],
    ["to 7 s", { kind: "seconds", mode: "set", q: "7 s" }],
    ["by 2 bar", { kind: "seconds", mode: "delta", q: "2 bar" }],
  ])("%s", (text, amount) => {
    const found = findQuantity(`trim scene 2 ${text}`, { signed: true });
    expect(found?.amount.kind).toBe(amount.kind);
    if ("factor" in amount) expect((found!.amount as { factor: number }).factor).toBeCloseTo(amount.factor, 4);
    else expect(found?.amount).toMatchObject(amount);
  });

  it("reads a negative amount as a rejection, never as a positive one", () => {
    for (const i of ["trim scene 1 to -2 s", "set scene 3 to minus 4 seconds", "make the CTA -1 s"]) {
      const p = plan(i);
      expect(p.status, i).toBe("rejected");
      expect(p.reason, i).toMatch(/cannot be negative/);
    }
  });
});

describe("composition", () => {
  it("halves, thirds and doubles a scene's length (a trim, never a removal)", () => {
    expect(lengths(plan("chop scene 3 in half"))).toBe("scene_1:6 scene_2:5 scene_3:3.5 scene_4:6 scene_5:6");
    expect(lengths(plan("scene 1 should be two thirds of its length"))).toBe("scene_1:4 scene_2:5 scene_3:7 scene_4:6 scene_5:6");
    expect(plan("the bonfire, three times as fast").operations).toEqual([{ op: "speed", scene: "scene_2", factor: 3 }]);
  });

  it("applies per-scene changes to every scene and to patterns", () => {
    expect(lengths(plan("knock half a second off all the clips"))).toBe("scene_1:5.5 scene_2:4.5 scene_3:6.5 scene_4:5.5 scene_5:5.5");
    expect(plan("delete the even scenes").operations).toEqual([{ op: "remove", scene: "scene_2" }, { op: "remove", scene: "scene_4" }]);
    expect(plan("slow down the odd scenes").operations.map((o) => (o as { scene: string }).scene)).toEqual(["scene_1", "scene_3", "scene_5"]);
  });

  it("spreads a new video length over the scenes, summing exactly, the CTA still closing it", () => {
    const p = plan("the ad must run 18 seconds");
    expect(p.status).toBe("proposed");
    expect(p.timeline_after.duration_s).toBe(18);
    expect(p.timeline_after.cta).toEqual({ text: "Shop now", start_s: 14, duration_s: 4 });
    expect(checkTimeline(p.timeline_after)).toEqual([]);
    const ops = distribute(ad.timeline, 17);
    expect(Array.isArray(ops) && applyOperations(ad.timeline, ops).timeline.duration_s).toBe(17);
  });

  it("reads orders, positions and relative moves in any word order", () => {
    expect(plan("sequence should be 3, 2, 1, 4, 5").timeline_after.scenes.map((s) => s.id)).toEqual(["scene_3", "scene_2", "scene_1", "scene_4", "scene_5"]);
    expect(plan("the kitchen goes 2nd").operations).toEqual([{ op: "move", scene: "scene_4", position: 2 }]);
    expect(plan("logo right after the beach").operations).toEqual([{ op: "move", scene: "scene_5", after: "scene_1" }]);
    expect(plan("reorder as 1, 2, 3").reason).toMatch(/must name all 5 scenes/);
  });

  it("moves several scenes to the start or the end in the order they play", () => {
    const order = (p: ReturnType<typeof plan>) => p.timeline_after.scenes.map((s) => s.id).join(" ");
    expect(order(plan("put scenes 4 and 5 first"))).toBe("scene_4 scene_5 scene_1 scene_2 scene_3");
    expect(order(plan("move the beach and the bonfire to the end"))).toBe("scene_3 scene_4 scene_5 scene_1 scene_2");
    expect(plan("move all scenes to the end").status).toBe("rejected");
  });

  it("trims from the start by moving the clip's in-point", () => {
    const p = plan("chop the opening 1.5 seconds off the rooftop");
    expect(p.operations).toEqual([{ op: "trim", scene: "scene_3", delta_s: -1.5, from: "start" }]);
    expect(p.timeline_after.scenes[2]).toMatchObject({ duration_s: 5.5, source_in_s: 2.5 });
  });

  it("crops one scene to an aspect ratio without changing the output", () => {
    const p = plan("only the logo in 9:16");
    expect(p.operations).toEqual([{ op: "crop", scene: "scene_5", aspect_ratio: "9:16" }]);
    expect([p.timeline_after.width, p.timeline_after.height]).toEqual([1280, 720]);
  });

  it("reads CTA windows from the end and at the very end", () => {
    expect(plan("end card over the final 7 seconds").timeline_after.cta).toEqual({ text: "Shop now", start_s: 23, duration_s: 7 });
    expect(plan("CTA right at the end, 2 seconds long").timeline_after.cta).toEqual({ text: "Shop now", start_s: 28, duration_s: 2 });
  });

  it("reads a CTA window over a whole scene and 'and last N seconds', and says the CTA's look is the style's", () => {
    expect(plan("show the cta for the whole last scene").timeline_after.cta).toEqual({ text: "Shop now", start_s: 24, duration_s: 6 });
    expect(plan("make the cta say grab yours and last 5 seconds").timeline_after.cta).toEqual({ text: "Grab yours", start_s: 25, duration_s: 5 });
    for (const i of ["make the cta bigger", "change the cta color to white"]) expect(plan(i).reason, i).toMatch(/style guide/);
  });

  it("takes a quoted CTA text as the text, the words beside it as the instruction", () => {
    expect(plan('the CTA should say "Grab yours" and stay up for the final 4 seconds').timeline_after.cta).toEqual({ text: "Grab yours", start_s: 26, duration_s: 4 });
    expect(plan('change the cta to "Get yours" in the last 5 seconds').timeline_after.cta).toEqual({ text: "Get yours", start_s: 25, duration_s: 5 });
  });

  it("makes an unstated speed change gentle when asked for 'a bit' (1.25× / 0.8×), else 2× / 0.5×", () => {
    expect(plan("speed up the rooftop a bit").operations).toEqual([{ op: "speed", scene: "scene_3", factor: 1.25 }]);
    expect(plan("slow scene 2 down slightly, and swap scenes 1 and 4").operations).toEqual([{ op: "speed", scene: "scene_2", factor: 0.8 }, { op: "swap", a: "scene_1", b: "scene_4" }]);
    expect(plan("speed up the rooftop").operations).toEqual([{ op: "speed", scene: "scene_3", factor: 2 }]);
    expect(plan("swap scenes 1 and 4 a bit later, then speed up scene 2").operations).toContainEqual({ op: "speed", scene: "scene_2", factor: 2 });
  });

  it("reads first/opening/last N as positions, never as content or as the verb 'last'", () => {
    const ids = (p: ReturnType<typeof plan>) => p.operations.map((o) => (o as { scene: string }).scene);
    expect(ids(plan("halve the last two scenes"))).toEqual(["scene_4", "scene_5"]);
    expect(ids(plan("halve the opening two scenes"))).toEqual(["scene_1", "scene_2"]);
    expect(ids(plan("make the opening two scenes 2x faster"))).toEqual(["scene_1", "scene_2"]);
    expect(plan("make the last scene last 5 seconds").operations).toEqual([{ op: "trim", scene: "scene_5", duration_s: 5, from: "end" }]);
    // A scene whose words include the instruction's verb ("makes") is not what "make the 1st scene faster" names.
    const makes = { ...ad, timeline: { ...ad.timeline, scenes: ad.timeline.scenes.map((s, i) => (i === 2 ? { ...s, prompt: `${s.prompt} It makes the day better.` } : s)) } };
    expect(ids(plan("make the first scene faster", makes))).toEqual(["scene_1"]);
    expect(ids(plan("make the first two scenes faster", makes))).toEqual(["scene_1", "scene_2"]);
  });

  it("reads 'second' after more/extra/another as a unit, not a position", () => {
    expect(plan("give the rooftop one more second").operations).toEqual([{ op: "trim", scene: "scene_3", delta_s: 1, from: "end" }]);
    expect(plan("add another second to scene 1").operations).toEqual([{ op: "trim", scene: "scene_1", delta_s: 1, from: "end" }]);
    expect(plan("move the second scene to the end").operations).toEqual([{ op: "move", scene: "scene_2", to: "end" }]);
  });

  it("reads plural content as every matching scene, and offers each scene when a singular one is ambiguous", () => {
    expect(plan("slow down both choruses", music).operations.map((o) => (o as { scene: string }).scene)).toEqual(["scene_3", "scene_5"]);
    // "every chorus" is every scene that is a chorus, never every scene.
    expect(plan("make every chorus faster", music).operations).toEqual([{ op: "speed", scene: "scene_3", factor: 2 }, { op: "speed", scene: "scene_5", factor: 2 }]);
    expect(plan("slow down all the choruses", music).operations.map((o) => (o as { scene: string }).scene)).toEqual(["scene_3", "scene_5"]);
    // No outdoor scene: rejected with the reason, not read as every scene.
    const none = plan("shorten every outdoor scene by a second");
    expect(none.status).toBe("rejected");
    expect(none.reason).toMatch(/no scene matches "outdoor scene"/);
    const p = plan("make the chorus one bar shorter", music);
    expect(p.status).toBe("rejected");
    expect(p.alternatives).toEqual(["make scene 3 one bar shorter", "make scene 5 one bar shorter"]);
    for (const alt of p.alternatives) expect(plan(alt, music).status, alt).toBe("proposed");
  });

  it("reads steps, percentages of speed and slow motion", () => {
    expect(plan("push the rooftop two places earlier").operations).toEqual([{ op: "move", scene: "scene_3", position: 1 }]);
    // The direction before the number, the unit left out: places, not seconds.
    expect(plan("shift the rooftop back by one").operations).toEqual([{ op: "move", scene: "scene_3", position: 4 }]);
    expect(plan("bring the logo forward one spot").operations).toEqual([{ op: "move", scene: "scene_5", position: 4 }]);
    expect(plan("make the logo 25% faster").operations).toEqual([{ op: "speed", scene: "scene_5", factor: 1.25 }]);
    expect(plan("have the kitchen shot in slow motion").operations).toEqual([{ op: "speed", scene: "scene_4", factor: 0.5 }]);
  });

  it("reads a window given before its verb, and the middle position", () => {
    expect(plan("over the final 6 seconds, show the CTA").timeline_after.cta).toEqual({ text: "Shop now", start_s: 24, duration_s: 6 });
    expect(plan("the kitchen shot goes in the middle").operations).toEqual([{ op: "move", scene: "scene_4", position: 3 }]);
  });

  it("says how sure it is", () => {
    expect(interpretOffline("swap scenes 1 and 2", ad.timeline).confidence).toBeGreaterThanOrEqual(0.9);
    expect(interpretOffline("zorp the glimmering wub", ad.timeline).confidence).toBe(0);
  });
});

describe("more of, less of, and complaints in other words", () => {
  it("reads 'less of X' / 'more X' as a default step shorter / longer, and 'drags' / 'rushed' as too long / too short", () => {
    expect(plan("less of the kitchen").operations).toEqual([{ op: "trim", scene: "scene_4", delta_s: -1, from: "end" }]);
    expect(plan("more bonfire").operations).toEqual([{ op: "trim", scene: "scene_2", delta_s: 1, from: "end" }]);
    expect(plan("more energy in scene 2").reason).toMatch(/could not understand/);
    const drags = plan("the beach drags on");
    expect(drags.reason).toMatch(/scene 1 is too long/);
    expect(drags.alternatives[0]).toBe("shorten scene 1 by 1 second");
    expect(plan("the logo feels rushed").reason).toMatch(/scene 5 is too short/);
  });
});

describe("keeping and cutting by content and by side", () => {
  it("keeps every scene a plural names, cuts everything after or before a scene, and sets hard cuts everywhere", () => {
    const ids = (p: ReturnType<typeof plan>) => p.operations.map((o) => (o as { scene: string }).scene);
    expect(ids(plan("keep only the choruses", music))).toEqual(["scene_1", "scene_2", "scene_4"]);
    expect(ids(plan("cut everything after the bridge", music))).toEqual(["scene_5"]);
    expect(ids(plan("remove everything before the rooftop"))).toEqual(["scene_1", "scene_2"]);
    expect(plan("cut everything after the logo").status).toBe("rejected");
    expect(plan("hard cuts everywhere").operations.every((o) => o.op === "transition" && o.transition === "cut")).toBe(true);
  });
});

describe("a new picture for a scene", () => {
  it("reads 'change the bonfire to a campfire in the snow' as that picture, not as the old prompt plus 'in the snow'", () => {
    expect(plan("change the bonfire to a campfire in the snow").operations).toEqual([{ op: "regenerate", scene: "scene_2", prompt: "A campfire in the snow" }]);
    expect(plan("swap the beach with the kitchen").operations).toEqual([{ op: "swap", a: "scene_1", b: "scene_4" }]);
  });
});

describe("undo and navigation", () => {
  it("answers 'undo' with how to revert, and reads 'go to scene 2' as no edit (it removed scene 2)", () => {
    for (const i of ["undo that", "please undo the last edit", "revert to the previous version", "put it back the way it was"]) {
      const p = plan(i);
      expect(p.status, i).toBe("rejected");
      expect(p.reason, i).toMatch(/revert/);
    }
    expect(plan("go to scene 2").status).toBe("rejected");
    expect(plan("scene 2 has to go").operations).toEqual([{ op: "remove", scene: "scene_2" }]);
  });
});

describe("no destructive guess", () => {
  it("rejects readings that differ in what they destroy, with ready alternatives that are themselves read", () => {
    for (const i of ["stick the logo where the bonfire is", "substitute scene 3 with scene 1", "trim 3", "shorten the whole video", "make the ad longer"]) {
      const p = plan(i);
      expect(p.status, i).toBe("rejected");
      expect(p.alternatives.length, i).toBeGreaterThanOrEqual(2);
      for (const alt of p.alternatives) expect(plan(alt).status, `${i} → ${alt}`).toBe("proposed");
    }
  });

  it("does not see ambiguity where there is one reading", () => {
    const ctx = { original: ad.timeline, working: ad.timeline, lastRefs: [], literal: new Set() } as never;
    expect(findAmbiguity("replace scene 2 with a shot of a dog", ctx)).toBeNull();
    expect(findAmbiguity("cut 2 s from scene 3", ctx)).toBeNull();
    expect(plan("cut scene 2").operations).toEqual([{ op: "remove", scene: "scene_2" }]);
  });

  it("reads exceptions and 'keep only' as the complement, never as the named scene", () => {
    const ids = (i: string) => plan(i).operations.map((o) => (o as { scene: string }).scene);
    expect(ids("slow down every scene but the kitchen")).toEqual(["scene_1", "scene_2", "scene_3", "scene_5"]);
    expect(ids("remove all the scenes except the beach and the logo")).toEqual(["scene_2", "scene_3", "scene_4"]);
    expect(ids("keep just the last two scenes")).toEqual(["scene_1", "scene_2", "scene_3"]);
    expect(plan("copy the bonfire and make the duplicate 3 seconds").operations).toEqual([
      { op: "duplicate", scene: "scene_2" },
      { op: "trim", scene: "scene_6", duration_s: 3, from: "end" },
    ]);
  });

  it("reads 'half as fast' as a slower speed and 'of its current length' as a fraction, never a harder cut", () => {
    expect(plan("the bonfire should go a third as fast").operations).toEqual([{ op: "speed", scene: "scene_2", factor: 0.3333 }]);
    expect(plan("rooftop: half of its original length").operations).toEqual([{ op: "trim", scene: "scene_3", duration_s: 3.5, from: "end" }]);
    expect(plan("double time the kitchen").operations).toEqual([{ op: "speed", scene: "scene_4", factor: 2 }]);
  });

  it("reads a percentage of a speed as a speed, a percentage of a length as that length, and never guesses a direction", () => {
    expect(plan("accelerate the bonfire 20%").operations).toEqual([{ op: "speed", scene: "scene_2", factor: 1.2 }]);
    expect(plan("the kitchen at 50% of its current length").operations).toEqual([{ op: "trim", scene: "scene_4", duration_s: 3, from: "end" }]);
    expect(plan("beach: 30%").status).toBe("rejected");
  });

  it("never reads a count of scenes as a length", () => {
    expect(plan("keep the first two scenes").operations.some((o) => o.op === "trim")).toBe(false);
    expect(plan("trim the first 2 scenes to 3 seconds").operations).toEqual([
      { op: "trim", scene: "scene_1", duration_s: 3, from: "end" },
      { op: "trim", scene: "scene_2", duration_s: 3, from: "end" },
    ]);
  });

  it("never deletes a scene for something said about a part of it", () => {
    for (const i of ["remove the string lights from the rooftop scene", "delete the ice in the kitchen shot", "get rid of the text on the logo"]) {
      const p = plan(i);
      expect(p.status, i).toBe("rejected");
      expect(p.alternatives[0], i).toMatch(/^redo scene \d without the /);
      expect(plan(p.alternatives[0]!).operations[0]?.op, p.alternatives[0]).toBe("regenerate");
    }
    expect(plan("cut the logo shorter").operations).toEqual([{ op: "trim", scene: "scene_5", delta_s: -1, from: "end" }]);
    expect(plan("remove the kitchen from the edit").operations).toEqual([{ op: "remove", scene: "scene_4" }]);
  });

  it("never acts on a negated clause", () => {
    expect(plan("don't remove the logo").status).toBe("rejected");
    expect(plan("do not touch the beach, just swap 2 and 3").operations).toEqual([{ op: "swap", a: "scene_2", b: "scene_3" }]);
  });

  it("does not drop the CTA from 'delete the CTA and a scene'", () => {
    expect(plan("remove the call to action and the bonfire").operations).toEqual([{ op: "cta", action: "remove" }, { op: "remove", scene: "scene_2" }]);
  });

  it("never reads a fraction or an amount as a removal", () => {
    for (const i of ["cut the beach in half", "cut a quarter of the rooftop", "lose 2 seconds of the bonfire", "drop the kitchen by a third"]) {
      expect(plan(i).operations.some((o) => o.op === "remove"), i).toBe(false);
    }
  });
});

describe("other languages", () => {
  it.each([
    ["es", "borra la escena 3", [{ op: "remove", scene: "scene_3" }]],
    ["fr", "raccourcis la scène 2 de moitié", [{ op: "trim", scene: "scene_2", duration_s: 2.5, from: "end" }]],
    ["de", "verschiebe die erste Szene ans Ende", [{ op: "move", scene: "scene_1", to: "end" }]],
    ["pt", "troque a cena 1 e a cena 5", [{ op: "swap", a: "scene_1", b: "scene_5" }]],
    ["it", "sposta la scena 5 all'inizio", [{ op: "move", scene: "scene_5", to: "start" }]],
    ["nl", "verwijder scène 4", [{ op: "remove", scene: "scene_4" }]],
    ["ja", "シーン3を削除してください", [{ op: "remove", scene: "scene_3" }]],
  ])("%s: %s", (lang, instruction, ops) => {
    expect(detectLanguage(instruction)).toBe(lang);
    const r = interpretOffline(instruction as string, ad.timeline);
    expect(r.rejection).toBeNull();
    expect(r.operations).toEqual(ops);
    expect(r.warnings[0]).toMatch(/^read the \w+ instruction as “/);
  });

  it("reads several edits in one instruction, in every language", () => {
    const want = [{ op: "swap", a: "scene_2", b: "scene_4" }, { op: "remove", scene: "scene_1" }];
    for (const i of [
      "intercambia la escena 2 y la 4, luego borra la primera",
      "échange la scène 2 et la scène 4, ensuite supprime la première",
      "tausche Szene 2 und Szene 4 und entferne danach die erste",
      "troque a cena 2 e a cena 4 e em seguida remova a primeira",
      "scambia la scena 2 e la scena 4 e quindi elimina la prima",
      "wissel scène 2 en scène 4 en verwijder vervolgens de eerste",
      "シーン2とシーン4を入れ替えて、それから最初のシーンを削除して",
    ])
      expect(interpretOffline(i, ad.timeline).operations, i).toEqual(want);
  });

  it("leaves English and quoted text alone", () => {
    expect(detectLanguage("move the logo to the end")).toBe("en");
    expect(toEnglish('pon el CTA "Compra ya" en los últimos 4 segundos').text).toBe('put the cta "Compra ya" in the last 4 seconds');
  });

  it("reads bars on a music video in another language", () => {
    const p = plan("kürze Szene 2 um 1 Takt", music);
    expect(p.operations).toEqual([{ op: "trim", scene: "scene_2", delta_s: -2, from: "end" }]);
  });
});
