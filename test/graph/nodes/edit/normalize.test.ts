import { describe, expect, it } from "vitest";
import { prepare, tokenize, type Token } from "../../../../graph/nodes/edit/normalize.js";
import { editDistance, stem } from "../../../../graph/nodes/edit/lexicon.js";
import { loadTimelines } from "../../../../evals/datasets/edits.js";

const { ad } = loadTimelines() as { ad: ReturnType<typeof loadTimelines>[string] };
const text = (clause: Token[]) => clause.map((t) => t.norm).join(" ");
const clauses = (instruction: string, typos = false) => prepare(instruction, ad.timeline, typos).clauses.map(text);

describe("tokenize", () => {
  it("keeps quotes whole, splits glued units and ids, folds possessives", () => {
    const tokens = tokenize(`Change the CTA to "Buy now!" — scene2's 4s, 9:16 #3`);
    expect(tokens.map((t) => t.norm)).toEqual(["change", "the", "cta", "to", "§", ",", "scene", "2", "4", "s", ",", "9:16", "#", "3"]);
    expect(tokens[4]!.quote).toBe("Buy now!");
    expect(tokens.find((t) => t.norm === "cta")).toMatchObject({ start: 11, end: 14 });
  });

  it("reads hyphens between numbers as ranges and between words as spaces", () => {
    expect(tokenize("scenes 2-4").map((t) => t.norm)).toEqual(["scenes", "2", "to", "4"]);
    expect(tokenize("second-to-last").map((t) => t.norm)).toEqual(["second", "to", "last"]);
  });
});

describe("prepare", () => {
  it("turns number words, halves, units and ordinals into canonical tokens", () => {
    expect(clauses("trim scene four to three and a half seconds")).toEqual(["trim scene 4 to 3.5 s"]);
    expect(clauses("shorten the second by half a second")).toEqual(["shorten the 2nd by 0.5 s"]);
    expect(clauses("cut the third by a second")).toEqual(["cut the 3rd by 1 s"]);
    expect(clauses("make scene twenty-one 500 ms")).toEqual(["make scene 21 0.5 s"]);
    expect(clauses("CTA at 0:20")).toEqual(["cta at 20 s"]);
    expect(clauses("the one with the beach")).toEqual(["the one with the beach"]);
  });

  it("folds positions counted from the end", () => {
    expect(clauses("delete the second to last scene")).toEqual(["delete the 2ndlast scene"]);
    expect(clauses("delete the third from the end")).toEqual(["delete the 3rdlast"]);
    expect(clauses("delete the penultimate")).toEqual(["delete the 2ndlast"]);
    expect(clauses("remove the last but one")).toEqual(["remove the 2ndlast"]);
  });

  it("resolves self-corrections and notes them", () => {
    const p = prepare("make the CTA 8 seconds… no, 5", ad.timeline, false);
    expect(p.clauses.map(text)).toEqual(["make the cta 5 s"]);
    expect(p.notes).toEqual(['self-correction: used "5 s" instead of "8 s"']);
    expect(clauses("delete scene 2, sorry, scene 3")).toEqual(["delete scene 3"]);
    expect(clauses("move the second, no, the third scene to the end")).toEqual(["move the 3rd scene to the end"]);
    expect(clauses("make scene 2 8 seconds long, i mean 6")).toEqual(["make scene 2 6 s long"]);
    expect(clauses("no cta")).toEqual(["no cta"]);
  });

  it("drops politeness but keeps it inside typed text", () => {
    expect(clauses("could you please just swap 1 and 2, thanks!")).toEqual(["swap 1 and 2"]);
    expect(clauses("add a cta saying just do it")).toEqual(["add a cta saying just do it"]);
  });

  it("splits clauses at then, semicolons, sentences, and at and/commas before a verb", () => {
    expect(clauses("swap 1 and 2, then delete the last")).toEqual(["swap 1 and 2", "delete the last"]);
    expect(clauses("swap 1 and 2 and delete the last. Reverse it; make it faster")).toEqual(["swap 1 and 2", "delete the last", "reverse it", "make it faster"]);
    expect(clauses("delete scenes 2, 3 and 4")).toEqual(["delete scenes 2 , 3 and 4"]);
  });

  it("repairs typos only on request, towards command words and the timeline's own words", () => {
    expect(clauses("swpa scnee 1 and the bonfre")).toEqual(["swpa scnee 1 and the bonfre"]);
    const fixed = prepare("swpa scnee 1 and the bonfre", ad.timeline, true).clauses[0]!;
    expect(text(fixed)).toBe("swap scene 1 and the bonfire");
    expect(fixed.filter((t) => t.fixedFrom).map((t) => t.fixedFrom)).toEqual(["swpa", "scnee", "bonfre"]);
    expect(clauses("make the beach scene at night", true)).toEqual(["make the beach scene at night"]);
  });
});

describe("lexicon measures", () => {
  it("counts a transposition as one edit and stems plurals", () => {
    expect(editDistance("swpa", "swap")).toBe(1);
    expect(editDistance("scnee", "scene")).toBe(1);
    expect(editDistance("delte", "delete")).toBe(1);
    expect(editDistance("kitchen", "chicken")).toBeGreaterThan(1);
    expect(stem("beaches")).toBe("beach");
    expect(stem("lights")).toBe("light");
    expect(stem("party")).toBe("party");
  });
});
