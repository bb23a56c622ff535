import { afterAll, describe, expect, it } from "vitest";
import { planRun } from "../../../../app/plan-run.js";
import type { Timeline } from "../../../../core/timeline/schema.js";
import { interpretOffline } from "../../../../graph/nodes/edit/interpret.js";
import { testApp } from "../../../helpers/app.js";
import { testConfig } from "../../../helpers/env.js";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { parseRequestedShots } from "../../../../graph/nodes/analyze/shots.js";
import { checkStoryboard } from "../../../../graph/nodes/plan/checks.js";
import { planOffline } from "../../../../graph/nodes/plan/logic.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { StoryboardSchema } from "../../../../core/schemas/storyboard.js";

/** Shots a brief lists ("show A, B and C", "Scenes: A; B; C") reach the plan's scenes, in order. */

describe("parseRequestedShots", () => {
  it("reads a list after a verb of showing, in the brief's order and words", () => {
    expect(parseRequestedShots("40 s ad for Trailhead boots, rugged; show a rainy mountain trail, a river crossing and a summit.")).toEqual([
      "a rainy mountain trail",
      "a river crossing",
      "a summit",
    ]);
    expect(parseRequestedShots("Show us a kitchen at dawn, then a steaming mug")).toEqual(["a kitchen at dawn", "a steaming mug"]);
    expect(parseRequestedShots("Ad for Loaf bakery. Show hands kneading dough and bread coming out of the oven. End with 'Visit us'")).toEqual([
      "hands kneading dough",
      "bread coming out of the oven",
    ]);
  });

  it("reads a Scenes:/Shots: label, parted by semicolons when the brief uses them", () => {
    expect(parseRequestedShots("Trailhead boots. Scenes: rainy trail; river crossing, at dusk; summit at sunrise.")).toEqual(["rainy trail", "river crossing, at dusk", "summit at sunrise"]);
    expect(parseRequestedShots("Shots: a pier, a lighthouse, fish and chips on a bench")).toEqual(["a pier", "a lighthouse", "fish and chips on a bench"]);
  });

  it("stops a list where a field or the closing line begins", () => {
    expect(parseRequestedShots("Publicité pour Lumière, montre une bougie allumée et un salon cosy, couleurs crème et or, CTA : Découvrez Lumière")).toEqual(["une bougie allumée", "un salon cosy"]);
    expect(parseRequestedShots("Werbespot für Bergquell, zeige einen Gebirgsbach und eine Wanderin, endet mit Jetzt probieren")).toEqual(["einen Gebirgsbach", "eine Wanderin"]);
  });

  it("reads the brief languages' verbs and labels", () => {
    expect(parseRequestedShots("Anuncio de 20 segundos; muestra una masa, un horno y una cesta de pan.")).toEqual(["una masa", "un horno", "una cesta de pan"]);
    expect(parseRequestedShots("Spot pour un café : montrer une terrasse, une tasse fumante et un croissant.")).toEqual(["une terrasse", "une tasse fumante", "un croissant"]);
    expect(parseRequestedShots("Werbung für Kaffee. Zeige eine Küche am Morgen und eine dampfende Tasse.")).toEqual(["eine Küche am Morgen", "eine dampfende Tasse"]);
  });

  it("reads two or more things with their articles after a colon as the visuals", () => {
    expect(parseRequestedShots("Music video for my folk song about leaving home: a train station at dawn, an empty bedroom, a long road through fields")).toEqual([
      "a train station at dawn",
      "an empty bedroom",
      "a long road through fields",
    ]);
    expect(parseRequestedShots("Music video. Audience: a young crowd, a festival family")).toEqual([]);
    expect(parseRequestedShots("Ad for tea. Colours: navy and gold. CTA: Shop now")).toEqual([]);
  });

  it("takes nothing that is not a list of visuals to show", () => {
    expect(parseRequestedShots("30s ad for TaskFlow, show how it cuts meetings in half")).toEqual([]);
    expect(parseRequestedShots("Show off the new phone in a city at night")).toEqual([]);
    expect(parseRequestedShots("showcasing the foldable screen and 3-day battery")).toEqual([]);
    expect(parseRequestedShots("Music video like a 90s TV show about cooking")).toEqual([]);
    expect(parseRequestedShots("Don't show faces, never show the price")).toEqual([]);
    expect(parseRequestedShots("Don't show faces. Show hands at work.")).toEqual(["hands at work"]);
    expect(parseRequestedShots("show it in navy and gold")).toEqual([]);
  });

  it("keeps at most six, each once", () => {
    expect(parseRequestedShots("Show a, b1, c1, d1, e1, f1, g1, h1".replace(/\b([a-h])1?\b/g, "a $1 scene"))).toHaveLength(6);
    expect(parseRequestedShots("Show a red door and a blue door. Scenes: a red door; a garden")).toEqual(["a red door", "a blue door", "a garden"]);
  });
});

function plan(prompt: string, duration_s: number, cta?: { text: string; duration_s: number }) {
  const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt, duration_s, ...(cta ? { brand: { colors: [], cta } } : {}) });
  const analysis = analyzeOffline(request, null);
  return { analysis, sb: planOffline(request, analysis, null) };
}

describe("the offline plan with requested shots", () => {
  it("puts each shot on a scene before the close, in order, named in its description and as a shot of its own", () => {
    const { analysis, sb } = plan("40 second ad for Trailhead hiking boots, rugged and adventurous; show a rainy mountain trail, a river crossing and a summit", 40, {
      text: "Find your pair",
      duration_s: 3,
    });
    expect(analysis.requested_shots).toEqual(["a rainy mountain trail", "a river crossing", "a summit"]);
    expect(analysis.tone).toBe("adventurous");
    const shown = analysis.requested_shots.map((shot) => sb.scenes.findIndex((s) => s.description.includes(shot)));
    expect(shown).toEqual([0, 1, 2]);
    for (const [i, shot] of analysis.requested_shots.entries()) expect(sb.scenes[i]!.shots[0]!.description).toContain(shot);
    expect(sb.scenes.at(-1)!.purpose).toBe("cta");
    expect(sb.overview).toContain("a river crossing");
  });

  it("adds scenes for them where the length allows, and shows the rest in the last scene before the close", () => {
    const four = plan("Scenes: a pier; a lighthouse; a harbour; a sunset boat", 20).sb;
    expect(four.scenes).toHaveLength(5);
    expect(four.scenes.slice(0, 4).map((s) => s.description.split(" — ")[0])).toEqual(["Hook: a pier", "Problem: a lighthouse", "Benefit: a harbour", "Proof: a sunset boat"]);
    const tight = plan("Scenes: a pier; a lighthouse; a harbour; a sunset boat", 15).sb;
    expect(tight.scenes).toHaveLength(3);
    expect(tight.scenes[1]!.description).toMatch(/^Benefit: a lighthouse, then a harbour, then a sunset boat — /);
  });

  it("puts a listed logo, end card or packshot on the closing scene, the other shots before it", () => {
    const { sb } = plan("15s ad for a smoothie bar called Blendz, show a mango, a blender, a logo and a straw", 15);
    expect(sb.scenes.at(-1)!.description).toMatch(/^Close: a logo — /);
    expect(sb.scenes.at(-1)!.shots[0]!.description).toContain("a logo");
    expect(sb.scenes.slice(0, -1).map((s) => s.description).join(" ")).not.toContain("a logo");
    expect(sb.scenes.slice(0, -1).map((s) => s.description).join(" ")).toContain("a straw");
    const withCta = plan("30s ad for Trailhead boots; show a muddy trail and a packshot of the boots", 30, { text: "Find your pair", duration_s: 3 }).sb;
    expect(withCta.scenes.at(-1)!.purpose).toBe("cta");
    expect(withCta.scenes.at(-1)!.description).toContain("a packshot of the boots");
  });

  it("stays a sound storyboard for every length and number of shots", () => {
    const lists = ["", "Show a pier.", "Show a pier and a boat.", "Scenes: a; b1; c1".replace(/\b([a-c])1?\b/g, "$1 scene"), "Scenes: one scene; two scene; three scene; four scene; five scene; six scene"];
    for (let total = 15; total <= 60; total += 0.5) {
      for (const list of lists) {
        for (const cta of [undefined, { text: "Buy now", duration_s: 3 }, { text: "Buy now", duration_s: 7 }]) {
          const { analysis, sb } = plan(`Ad for a ferry company. ${list}`, total, cta);
          expect(StoryboardSchema.safeParse(sb).success).toBe(true);
          expect(checkStoryboard(sb, { pipeline: "ad", duration_s: sb.duration_s, cta: analysis.brand.cta }), `${total} s, "${list}", cta ${cta?.duration_s}`).toEqual([]);
        }
      }
    }
  });
});

describe("an edit that names a requested shot", () => {
  const env = testConfig();
  const app = testApp(env.config);
  afterAll(async () => {
    await app.close(0);
    env.cleanup();
  });

  it("finds the scene that shows it (the plan's timeline, through stylize)", async () => {
    const request = GenerationRequestSchema.parse({ pipeline: "ad", duration_s: 40, prompt: "Ad for Trailhead hiking boots; show a rainy mountain trail, a river crossing and a summit" });
    const timeline = (await planRun(app, request)).timeline as Timeline;
    expect(interpretOffline("drop the river crossing", timeline).operations).toEqual([{ op: "remove", scene: "scene_2" }]);
    expect(interpretOffline("swap the rainy trail and the summit", timeline).operations).toEqual([{ op: "swap", a: "scene_1", b: "scene_3" }]);
    expect(interpretOffline("slow-mo on the river crossing", timeline).operations).toEqual([{ op: "speed", scene: "scene_2", factor: 0.5 }]);
  });
});
