import { describe, expect, it } from "vitest";
import {
  analyzeOffline,
  colorName,
  detectLanguage,
  findContradictions,
  guessBrandName,
  parseColors,
  parseCta,
  parseDurations,
  parseKeyMessages,
  parseProduct,
} from "../../../../graph/nodes/analyze/logic.js";
import type { AudioAnalysis } from "../../../../core/schemas/audio.js";
import { GenerationRequestSchema, type GenerationRequestInput } from "../../../../core/schemas/request.js";

const ad = (prompt: string, extra: Partial<GenerationRequestInput> = {}) => GenerationRequestSchema.parse({ pipeline: "ad", prompt, ...extra });
const song = (duration_s: number, bpm: number | null = 120): AudioAnalysis => ({
  duration_s, bpm, beats_s: [], downbeats_s: [0, 2, 4], beats_per_bar: 4, confidence: 0.9, notes: [],
});

describe("detectLanguage", () => {
  it.each([
    ["30s ad for an oat-milk cold brew, playful, for the weekend", "en"],
    ["Anuncio de 20 segundos para una app de finanzas, divertido, para jóvenes", "es"],
    ["Publicité de 30 secondes pour un parfum élégant avec une touche de luxe", "fr"],
    ["Werbespot für eine neue Uhr, ruhig und minimalistisch, mit viel Weißraum", "de"],
    ["Anúncio de 40 segundos para um café gelado, divertido, não muito sério", "pt"],
    ["Spot di 30 secondi per una pizza, caldo e accogliente, con la famiglia", "it"],
    ["sneakers", "en"],
  ])("%s → %s", (text, lang) => expect(detectLanguage(text)).toBe(lang));
});

describe("parseDurations", () => {
  it.each([
    ["30s ad", [30]],
    ["a 45-second spot", [45]],
    ["a 1 minute film", [60]],
    ["thirty-second commercial", [30]],
    ["20 segundos", [20]],
    ["15 Sekunden", [15]],
    ["90s retro vibe, 25 sec", [25]],
    ["Ad for Loop headphones, 90s grunge look, 45 seconds", [45]],
    ["a music video for an 80s synth-pop song", []],
    ["a 70s-inspired sneaker", []],
    ["a diner with a 50s americana feel", []],
    ["a 60s spot for a bank", [60]],
    ["make a 30s playful ad", [30]],
    ["brand colours #1E3A8A and #F59E0B", []],
  ])("%s → %j", (text, want) => expect(parseDurations(text)).toEqual(want));
});

describe("parseCta", () => {
  it.each([
    ["…, end with Shop now", "Shop now"],
    ["end with 'Shop now'.", "Shop now"],
    ["CTA: Download today", "Download today"],
    ["closing on a call to action saying “Book a demo”", "Book a demo"],
    ["termina con 'Descárgala hoy'", "Descárgala hoy"],
    ["se termine par « Essayez-le »", "Essayez-le"],
    ["endet mit Jetzt kaufen", "Jetzt kaufen"],
    ["end on the logo", null],
    ["playful ad for sneakers", null],
    ["Sleek and modern. Closing line: Track every mile.", "Track every mile"],
    ["Warm feel. Tagline: Baked with love.", "Baked with love"],
    ["our slogan is 'Run lighter'", "Run lighter"],
    ["a spot for Acme, the slogan could be better", null],
  ])("%s → %s", (text, want) => expect(parseCta(text)).toBe(want));
});

describe("guessBrandName", () => {
  it.each([
    ["ad for a cold brew called Oatly Chill, playful", "Oatly Chill"],
    ["ad for the energy drink 'Zap', end with 'Grab a Zap'", "Zap"],
    ["a spot for Nike running shoes", "Nike"],
    ["promo for the PixelPal app", "PixelPal"],
    ["Playful ad for sneakers, Gen Z, end with Shop now", null],
    ["brand colours navy and gold", null],
    ["Ad for UV protection sunscreen", null],
    ["Publicité de 20 secondes pour la marque Lumière, élégante", "Lumière"],
    ['Anuncio para Café Sol, cálido. Termina con "Prueba Café Sol"', null],
    ["ad for the EV charger from VoltUp", "VoltUp"],
    ["Make an ad for my bakery called Sweet Crumbs. Warm, homey feel.", "Sweet Crumbs"],
    ['Ad for Nimbus shoes; our tagline is "Run lighter" and the CTA is Shop now', "Nimbus"],
  ])("%s → %s", (text, want) => expect(guessBrandName(text, [parseCta(text) ?? ""], "en")).toBe(want));

  it("ignores German capitalised nouns but keeps a name given with namens", () => {
    expect(guessBrandName("Werbung für eine neue Uhr mit Stil", [], "de")).toBeNull();
    expect(guessBrandName("Werbung für eine neue Uhr namens ZeitWerk", [], "de")).toBe("ZeitWerk");
  });
});

describe("parseProduct and parseKeyMessages", () => {
  it("reads the product in each language and without articles", () => {
    expect(parseProduct("30s ad for an oat-milk cold brew called Oatly Chill", "ad")).toBe("oat-milk cold brew");
    expect(parseProduct("Anuncio para una app de finanzas llamada Ahorra", "ad")).toBe("app de finanzas");
    expect(parseProduct("Publicité pour un parfum de luxe appelé Nuit", "ad")).toBe("parfum de luxe");
    expect(parseProduct("Werbespot für eine neue Uhr namens ZeitWerk", "ad")).toBe("neue Uhr");
    expect(parseProduct("dog food ad, playful", "ad")).toBe("dog food");
    expect(parseProduct("music video about leaving home, dreamy", "music_video")).toBe("leaving home");
    expect(parseProduct("make it pop", "ad")).toBeNull();
  });

  it("finds the points to make, but not colours, tone or the CTA", () => {
    expect(parseKeyMessages("ad for sneakers with recycled soles and all-day comfort, end with Shop now", ["Shop now"])).toEqual(["recycled soles", "all-day comfort"]);
    expect(parseKeyMessages("an app that saves you 2 hours a week")).toEqual(["saves you 2 hours a week"]);
    expect(parseKeyMessages("ad with a playful tone, with brand colours #112233")).toEqual([]);
  });
});

describe("colours", () => {
  it("maps hex codes and named colours in several languages, in order", () => {
    expect(parseColors("navy and amber, plus #abc")).toEqual(["#1E3A8A", "#F59E0B", "#AABBCC"]);
    expect(parseColors("colores azul y amarillo")).toEqual(["#2563EB", "#FACC15"]);
    expect(parseColors("couleurs noir et or", "fr")).toEqual(["#111111", "#D4AF37"]);
    expect(parseColors("neon green #39FF14")).toEqual(["#39FF14"]);
    expect(parseColors("shot in black and white at golden hour")).toEqual([]);
  });

  it("names a hex colour by its nearest named colour", () => {
    expect(colorName("#1E3A8A")).toBe("navy");
    expect(colorName("#F59E0B")).toBe("amber");
    expect(colorName("#fefefe")).toBe("white");
  });
});

describe("findContradictions", () => {
  it("pairs opposed cues and leaves consistent briefs alone", () => {
    const pairs = findContradictions("calm but high-energy, dark moody with a bright pastel palette, minimalist yet busy").map((c) => `${c.a}|${c.b}`);
    expect(pairs).toEqual(["calm|energetic", "dark|bright", "minimal|busy"]);
    expect(findContradictions("calm, slow, serene and minimal")).toEqual([]);
  });
});

describe("analyzeOffline", () => {
  it("reads fields written one after another on a line (Product: … Audience: … CTA: …) as the brief's sections", () => {
    const a = analyzeOffline(ad("Make me a video ad. Product: Brewmaster coffee grinder. Audience: home baristas. Tone: warm, crafted. Length: 40s. Colors: #3E2723, #D7CCC8. CTA: Grind better."), null);
    expect([a.product, a.audience, a.tone, a.duration_s, a.brand.cta?.text]).toEqual(["Brewmaster coffee grinder", "home baristas", "warm", 40, "Grind better"]);
    expect(a.brand.colors).toEqual(["#3E2723", "#D7CCC8"]);
    const b = analyzeOffline(ad("Brand: Lumo. Product: smart desk lamp. Audience: remote workers. Tone: calm. CTA: Light your flow"), null);
    expect([b.brand.name, b.product, b.brand.cta?.text]).toEqual(["Lumo", "smart desk lamp", "Light your flow"]);
    // One label at the end of a sentence is not a field list.
    expect(analyzeOffline(ad("Ad for the Zap energy drink, end with CTA: Grab a Zap"), null).brand.cta?.text).toBe("Grab a Zap");
  });

  it("tells the brand from the product when the name sits at either end of it, behind an abbreviation or after a descriptor", () => {
    const read = (p: string) => {
      const a = analyzeOffline(ad(p), null);
      return [a.brand.name, a.product];
    };
    expect(read("Need a quick promo (20s) for our SaaS tool Ledgerly that automates invoices for freelancers. Clean, modern")).toEqual(["Ledgerly", "SaaS tool"]);
    expect(read("A 15-second Instagram story for Bloom & Co. florist's Mother's Day bouquets. Soft, romantic")).toEqual(["Bloom & Co", "florist's Mother's Day bouquets"]);
    expect(read("Create an ad for a luxury watch brand, Meridian. Slow, elegant, black and gold, 45 seconds")).toEqual(["Meridian", "luxury watch"]);
    expect(read("Short film-style ad for an electric bike brand (Vélo Lumo), cinematic, 40 seconds")).toEqual(["Vélo Lumo", "electric bike"]);
    expect(read("60s explainer for a home solar battery called VoltNest, calm")).toEqual(["VoltNest", "home solar battery"]);
    expect(read("We sell handmade ceramic mugs (brand: Kiln & Clay). Cozy, earthy tones, 20 seconds.")).toEqual(["Kiln & Clay", "handmade ceramic mugs"]);
    expect(read("Video für unsere Bäckerei Sonnenkorn: frische Brötchen am Morgen, warm und gemütlich, 25 Sekunden")).toEqual(["Sonnenkorn", "Bäckerei"]);
    expect(read("Un spot de 30 secondes pour la marque de cosmétiques bio Aube, élégant, lumineux")).toEqual(["Aube", "cosmétiques bio"]);
  });

  it("keeps a name's apostrophe and small words, reads 'promote our X', 'product = X', 'Video ad: X', and closings named 'finale'", () => {
    const read = (p: string) => {
      const a = analyzeOffline(ad(p), null);
      return [a.brand.name, a.product, a.brand.cta?.text ?? null];
    };
    expect(read("30 sec ad for Joe's Pizza in Brooklyn, family owned since 1982, warm")[0]).toBe("Joe's Pizza");
    expect(read('Anúncio de 20 segundos para a cafeteria Grão de Ouro, aconchegante, tons quentes, termina com "Venha provar"')).toEqual(["Grão de Ouro", "cafeteria", "Venha provar"]);
    expect(read('Spot 30 secondi per il gelato artigianale Dolce Vita, estivo, allegro, per famiglie, finale "Vieni a trovarci"')).toEqual(["Dolce Vita", "gelato artigianale", "Vieni a trovarci"]);
    expect(read("Promote our dental clinic SmileBright, trustworthy and friendly, 30 seconds")).toEqual(["SmileBright", "dental clinic", null]);
    expect(read('Video ad: "FitFuel" meal prep delivery, for busy professionals, fast-paced, 15 seconds')).toEqual(["FitFuel", "meal prep delivery", null]);
    expect(read('20s ad, product = wireless charger "Pulse Pad", minimal, white')).toEqual(["Pulse Pad", "wireless charger", null]);
    // "candles" is a home product, whatever else the brief mentions ("holiday")
    expect(analyzeOffline(ad("Holiday campaign video for Maple & Pine candles, cozy, festive, 20 seconds"), null).audience).toMatch(/homeowners/);
  });

  it("reads fields separated by semicolons, 'must show' lists and an audience field in the brief's own words", () => {
    const a = analyzeOffline(ad("60s explainer for a home solar battery called VoltNest; audience: homeowners 35-60; tone: trustworthy, calm; must show: solar panels on a roof, the battery in a garage, a family watching TV during a blackout"), null);
    expect(a.audience).toBe("homeowners 35-60");
    expect(a.requested_shots).toEqual(["solar panels on a roof", "the battery in a garage", "a family watching TV during a blackout"]);
    const b = analyzeOffline(ad('Product: noise-cancelling earbuds "Hush Pro". Target: commuters and remote workers. Length: 30 seconds. Mood: calm then energetic.'), null);
    expect([b.brand.name, b.product, b.audience, b.duration_s]).toEqual(["Hush Pro", "noise-cancelling earbuds", "commuters and remote workers", 30]);
    expect(analyzeOffline(ad("Un spot de 30 secondes pour la marque Aube, élégant, pour les femmes de 25 à 45 ans"), null).audience).toBe("femmes de 25 à 45 ans");
    expect(analyzeOffline(ad("Ad for an e-bike, cinematic, golden hour, city commuters, 40 seconds"), null).audience).toBe("commuters");
  });

  it("reads a coined name opening the product as its brand, and the colours aqua, graphite and copper", () => {
    const a = analyzeOffline(ad("Commercial: EcoWash laundry pods, gentle on skin; white and aqua; closing on Try EcoWash today"), null);
    expect([a.brand.name, a.product, a.brand.cta?.text]).toEqual(["EcoWash", "laundry pods", "Try EcoWash today"]);
    expect(a.brand.colors).toEqual(["#FFFFFF", "#40E0D0"]);
    expect(analyzeOffline(ad("Ad for a lamp, graphite and copper"), null).brand.colors).toEqual(["#36454F", "#B87333"]);
  });

  it("reads who it is for in the brief's words when no audience it knows is named", () => {
    expect(analyzeOffline(ad("TikTok ad for a gym, hype, for guys 18-30, neon red"), null).audience).toBe("guys 18-30");
    expect(analyzeOffline(ad("15 second ad for CloudNine pillows, for people who sleep badly, ending on Sleep better tonight"), null).audience).toBe("people who sleep badly");
    expect(analyzeOffline(ad("30s ad for a cold brew, playful, Gen Z"), null).audience).toMatch(/^Gen Z/);
  });

  it("reads what a named product is from the phrase right after its name", () => {
    const a = analyzeOffline(ad("Launch video for Orbit, a note-taking app for students that syncs across devices. Upbeat, 30 seconds."), null);
    expect([a.brand.name, a.product]).toEqual(["Orbit", "note-taking app"]);
  });

  it("uses the request's facts over the brief's and says so", () => {
    const a = analyzeOffline(ad("45-second ad for sneakers, end with Buy now", { duration_s: 30, brand: { name: "Stride", colors: ["#123456"], cta: { text: "Shop Stride", duration_s: 4 } } }), null);
    expect(a.duration_s).toBe(30);
    expect(a.brand).toEqual({ name: "Stride", colors: ["#123456"], cta: { text: "Shop Stride", duration_s: 4 } });
    expect(a.warnings.join("\n")).toMatch(/45 s but the request asks for 30 s/);
    expect(a.warnings.join("\n")).toMatch(/"Buy now" but the brand CTA is "Shop Stride"/);
  });

  it("chooses pacing from words and length", () => {
    expect(analyzeOffline(ad("fast, punchy ad for sneakers with quick cuts"), null).pacing).toBe("fast");
    expect(analyzeOffline(ad("slow, calm, serene ad for a spa"), null).pacing).toBe("slow");
    expect(analyzeOffline(ad("ad for sneakers", { duration_s: 15 }), null).pacing).toBe("medium");
    const contradictory = analyzeOffline(ad("a calm but high-energy ad for tea"), null);
    expect(contradictory.pacing).toBe("medium");
    expect(contradictory.warnings[0]).toMatch(/"calm" vs "high-energy"/);
  });

  it("does not read a brand name as a colour or a setting", () => {
    const a = analyzeOffline(ad("Publicité pour un parfum appelé Nuit Blanche, élégant"), null);
    expect(a.brand.name).toBe("Nuit Blanche");
    expect(a.brand.colors).toEqual([]);
    expect(a.style_hints).not.toContain("night");
  });

  it("times a music video from the song, clamped to 60–180 s", () => {
    const req = (extra: Partial<GenerationRequestInput> = {}) => GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "music video about a summer road trip", audio: { url: "song.mp3" }, ...extra });
    expect(analyzeOffline(req(), song(142.3714)).duration_s).toBe(142.371);
    const long = analyzeOffline(req(), song(240));
    expect(long.duration_s).toBe(180);
    expect(long.warnings.join()).toMatch(/240 s/);
    expect(analyzeOffline(req({ duration_s: 90 }), song(200)).duration_s).toBe(90);
    const said = analyzeOffline(req({ prompt: "a 3 minute music video about rain" }), song(150));
    expect(said.duration_s).toBe(150);
    expect(said.warnings.join()).toMatch(/180 s but the video follows the song: 150 s/);
    expect(analyzeOffline(req(), song(120, 140)).pacing).toBe("fast");
    expect(analyzeOffline(req(), song(120, 70)).pacing).toBe("slow");
    expect(analyzeOffline(req(), song(120)).product).toBe("summer road trip");
  });

  it("writes assumptions that say what was assumed", () => {
    const a = analyzeOffline(ad("sneakers"), null);
    const byTopic = Object.fromEntries(a.assumptions.map((x) => [x.topic, x.assumption]));
    expect(byTopic.duration).toContain("30 s");
    expect(byTopic.audience).toContain(a.audience);
    expect(byTopic.tone).toContain(a.tone);
    expect(byTopic.cta).toMatch(/without a CTA/);
    expect(byTopic.pacing).toContain(a.pacing);
  });
});

describe("analyzeOffline in Dutch and Japanese", () => {
  it("reads a Dutch brief: length, colours, CTA, tone, language", () => {
    const a = analyzeOffline(ad("Reclame van 20 seconden voor Koffiebar Bonen, gezellig en rustig, kleuren bruin en wit, eindig met 'Kom binnen'"), null);
    expect(a.language).toBe("nl");
    expect(a.duration_s).toBe(20);
    expect(a.brand.colors).toEqual(["#8B5E3C", "#FFFFFF"]);
    expect(a.brand.cta?.text).toBe("Kom binnen");
    expect(a.tone).toMatch(/warm/);
    expect(a.tone).toMatch(/calm/);
  });

  it("reads a Japanese brief written without spaces", () => {
    const a = analyzeOffline(ad("カフェ「Mori Coffee」の20秒広告。落ち着いた雰囲気で、茶色と白。最後に「ひと休みしよう」"), null);
    expect(a.language).toBe("ja");
    expect(a.duration_s).toBe(20);
    expect(a.brand.colors).toEqual(["#8B5E3C", "#FFFFFF"]);
    expect(a.brand.cta?.text).toBe("ひと休みしよう");
    expect(a.brand.name).toBe("Mori Coffee");
    expect(a.tone).toMatch(/calm/);
  });

  it("does not read a product's name as a colour (sun cream, green tea)", () => {
    expect(analyzeOffline(ad("Publicité de 30 secondes pour une crème solaire, couleurs bleu et blanc"), null).brand.colors).toEqual(["#2563EB", "#FFFFFF"]);
    expect(analyzeOffline(ad("緑茶の15秒広告、色は赤と金色"), null).brand.colors).toEqual(["#E63946", "#D4AF37"]);
  });
});
