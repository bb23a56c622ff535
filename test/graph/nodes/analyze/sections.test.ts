import { describe, expect, it } from "vitest";
import { analyzeOffline, ctaHold, readSections } from "../../../../graph/nodes/analyze/logic.js";
import { generationRequestSchema } from "../../../../core/schemas/request.js";
import { headingKind } from "../../../../core/vocabulary/sections.js";
import { parseColors } from "../../../../core/vocabulary/lexicon.js";

const analyze = (prompt: string) => analyzeOffline(generationRequestSchema().parse({ pipeline: "ad", prompt }), null);

describe("headingKind", () => {
  it.each([
    ["Mandatories", "mandatories"], ["Must include", "mandatories"], ["OBLIGATORIOS", "mandatories"], ["Éléments obligatoires", "mandatories"],
    ["Pflichtelemente", "mandatories"], ["必須事項", "mandatories"], ["Brand guidelines", "brand"], ["Identité de marque", "brand"],
    ["Huisstijl", "brand"], ["Story idea", "story"], ["Idée créative", "story"], ["Format and length", "deliverables"],
    ["Durata", "deliverables"], ["Key messages", "messages"], ["Call to action", "cta"], ["Hintergrund", "background"],
    ["Ricerca", "research"], ["Production notes", "production"], ["Produkt", "product"], ["Doelgroep", "audience"],
  ])("%s is a %s heading", (heading, kind) => {
    expect(headingKind(heading)).toBe(kind);
  });

  it("does not take an ordinary sentence for a heading", () => {
    expect(headingKind("We want people to smile")).toBeNull();
  });
});

describe("readSections", () => {
  it("reads markdown, numbered, upper-case-with-colon and 【】 headings, and labelled lines", () => {
    const doc = readSections("Title line\n\n## 1. Background\nSome history.\n\nPRODUCT:\nA kettle.\n\n【ブランド】\n色は紺。\nCTA: \"Buy it\"\n\nStory\nA red door.");
    expect(doc.structured).toBe(true);
    expect(doc.sections.map((s) => s.kind)).toEqual([null, "background", "product", "brand", "cta", "story"]);
  });

  it("leaves a short brief unstructured", () => {
    expect(readSections("30s ad for Zap energy drink, neon green and black, end with 'Grab a Zap'").structured).toBe(false);
  });
});

describe("ctaHold", () => {
  const doc = readSections("");
  it.each([
    ["End with \"Shop now\", on screen for the last 4 seconds.", "Shop now", 4],
    ["CTA « Réservez » pendant les 5 dernières secondes.", "Réservez", 5],
    ["Schluss mit „Jetzt testen“ während der letzten 6 Sekunden.", "Jetzt testen", 6],
    ["Chiudere con «Prova ora» negli ultimi 3 secondi.", "Prova ora", 3],
    ["End with 'Grab a Zap'. 30 seconds, fast cuts.", "Grab a Zap", null],
  ])("%s → %s", (text, cta, s) => {
    expect(ctaHold(text, cta, doc)).toBe(s);
  });
});

describe("parseColors on brand rules", () => {
  it("leaves out a colour the brand rules out, and reads a two-word colour name before its hex as one colour", () => {
    expect(parseColors("Colours: amarillo sol #F6B93B and Oat #EFE6D2. Never use black backgrounds.")).toEqual(["#F6B93B", "#EFE6D2"]);
  });

  it("keeps a colour joined to the next one by \"and\" (\"black and copper #B87333\" is two colours)", () => {
    expect(parseColors("black and copper #B87333")).toEqual(["#111111", "#B87333"]);
  });
});

describe("a structured German brief", () => {
  const brief = [
    "Kreativbriefing: Frühjahrskampagne",
    "",
    "Hintergrund:",
    "Velora ist ein junges Unternehmen aus Leipzig. Im Frühjahr bringt Velora das Velora Eins, ein leichtes Stadt-E-Bike mit Riemenantrieb.",
    "",
    "Geschichte:",
    "Eine Radfahrerin fährt durch eine rote Backsteinstraße an einem grauen Morgen.",
    "",
    "Format und Länge:",
    "Ein Film von 20 Sekunden; die 6-Sekunden-Version kommt später.",
    "",
    "Markenrichtlinien:",
    "Farben: Waldgrün #1E4D2B und Kreide #F2EFE6.",
    "",
    "Pflichtelemente:",
    "- Logo am Ende.",
    "- Die Handlungsaufforderung „Jetzt Probe fahren“ bleibt für die letzten 3 Sekunden stehen.",
  ].join("\n");
  const a = analyze(brief);

  it("takes the brand colours from the brand section only", () => {
    expect(a.brand.colors).toEqual(["#1E4D2B", "#F2EFE6"]);
  });
  it("finds the CTA among the mandatories and its hold", () => {
    expect(a.brand.cta).toEqual({ text: "Jetzt Probe fahren", duration_s: 3 });
  });
  it("finds the length and the brand", () => {
    expect(a.duration_s).toBe(20);
    expect(a.brand.name).toBe("Velora");
  });
});

describe("a structured brief whose story describes its ending but names no CTA", () => {
  const a = analyze([
    "Background", "Hearthly makes ceramic kettles in Porto.", "",
    "Story idea", "A slow morning in a blue kitchen. End with the cat asleep next to the kettle.", "",
    "Brand guidelines", "Terracotta and cream.", "",
    "Deliverables", "One 30-second film.",
  ].join("\n"));

  it("does not take the story's last scene for a call to action", () => {
    expect(a.brand.cta).toBeNull();
  });
  it("takes the colours from the brand section, not the blue kitchen", () => {
    expect(a.brand.colors).toEqual(["#E2725B", "#FFF8E7"]);
  });
});

describe("structured briefs in Japanese and French", () => {
  it("reads 【】 headings: product, brand, colours, CTA and its hold, length", () => {
    const a = analyze(["【背景】", "カゼミチは東京の小さな家電メーカーです。今年の夏、新しい扇風機を発売します。", "", "【商品】", "カゼミチ・ミニ、充電式の卓上扇風機。", "", "【ストーリー】", "赤い傘を持った女の子が青い空の下を歩く。", "", "【尺】", "30秒の動画。15秒版は別途。", "", "【ブランド】", "カラー：藍色 #1F3A5F、白 #FFFFFF。", "", "【必須事項】", "・最後に「風を、持ち歩こう」を最後の3秒間表示する。"].join("\n"));
    expect(a).toMatchObject({ product: "ミニ", duration_s: 30, language: "ja", brand: { name: "カゼミチ", colors: ["#1F3A5F", "#FFFFFF"], cta: { text: "風を、持ち歩こう", duration_s: 3 } } });
  });

  it("reads French headings with a space before the colon, and the product a brand launches", () => {
    const a = analyze(["Contexte :", "Maison Ardoise est une marque de cosmétiques fondée à Lyon. Cet automne, elle lance la Crème Ardoise, une crème de nuit réparatrice pour peaux sèches.", "", "Idée créative :", "Une femme marche dans une rue bleue sous la pluie, un parapluie rouge à la main.", "", "Format :", "Un film de 20 secondes. Une version de 6 secondes plus tard.", "", "Charte de marque :", "Couleurs : gris ardoise #4A5560 et rose poudré #E8C4C0.", "", "Éléments obligatoires :", "- Terminer sur l'appel à l'action « Découvrez la nuit », à l'écran pendant les 4 dernières secondes."].join("\n"));
    expect(a).toMatchObject({ product: "Crème Ardoise", duration_s: 20, language: "fr", brand: { name: "Maison Ardoise", colors: ["#4A5560", "#E8C4C0"], cta: { text: "Découvrez la nuit", duration_s: 4 } } });
  });
});


describe("the Product section's first line", () => {
  const brief = (line: string) => analyze(["Background", "Flo started in Leeds in 2019.", "", "Product", line, "", "Story", "A runner on a red track.", "", "Mandatories", "End with \"Drink more\"."].join("\n"));

  it.each([
    ["It is a smart water bottle that glows when you should drink.", /^smart water bottle$/],
    ["The Flo Bottle is a smart water bottle that glows.", /^Flo Bottle$/],
    ["Product: the Flo Bottle, a smart water bottle.", /^Flo Bottle$/],
  ])("%s → product %s", (line, product) => {
    expect(brief(line).product).toMatch(product);
  });
});
