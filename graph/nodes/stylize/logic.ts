import type { Analysis } from "../../../core/schemas/analysis.js";
import { normalizeHex, type GenerationRequest } from "../../../core/schemas/request.js";
import type { Storyboard } from "../../../core/schemas/storyboard.js";
import type { StyleGuide } from "../../../core/schemas/style.js";
import { colorName, findContradictions, productProfile, type Contradiction } from "../../../core/vocabulary/lexicon.js";
import { article, settingFor, subjectOf, withoutName } from "../../../core/vocabulary/words.js";

/**
 * The offline art director: one style vector for every clip, built from the brand colours,
 * the tone and the brief's style cues. Contradictions are resolved by fixed rules and
 * reported. Deterministic and pure.
 */

type Rgb = [number, number, number];
const toRgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(normalizeHex(hex).slice(i, i + 2), 16)) as Rgb;
const toHex = (rgb: number[]) => "#" + rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("").toUpperCase();

function toHsl([r, g, b]: Rgb): [number, number, number] {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const max = Math.max(R, G, B);
  const min = Math.min(R, G, B);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === R ? (G - B) / d + (G < B ? 6 : 0) : max === G ? (B - R) / d + 2 : (R - G) / d + 4;
  return [h * 60, s, l];
}

function fromHsl(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return toHex([f(0) * 255, f(8) * 255, f(4) * 255]);
}

/** The look a tone or style cue asks for: saturation and lightness of derived colours, and a base palette. */
interface Register {
  key: string;
  s: number;
  l: number;
  palette: string[];
}
const REGISTERS: Register[] = [
  { key: "black and white", s: 0, l: 0.5, palette: ["#111111", "#F5F5F5", "#7A7A7A"] },
  { key: "neon", s: 1, l: 0.55, palette: ["#FF2FB9", "#00F0FF", "#14081F"] },
  { key: "pastel", s: 0.6, l: 0.85, palette: ["#FBC4D4", "#BDE0FE", "#FFF1C1"] },
  { key: "moody", s: 0.35, l: 0.2, palette: ["#1B1B2F", "#3E4A61", "#C06C84"] },
  { key: "dark", s: 0.35, l: 0.2, palette: ["#1B1B2F", "#3E4A61", "#C06C84"] },
  { key: "muted", s: 0.25, l: 0.6, palette: ["#A3A380", "#D6CE93", "#EFEBCE"] },
  { key: "luxurious", s: 0.45, l: 0.18, palette: ["#111111", "#C9A227", "#F5F0E6"] },
  { key: "elegant", s: 0.3, l: 0.25, palette: ["#1F1F1F", "#BFA98A", "#F4F1EA"] },
  { key: "calm", s: 0.35, l: 0.78, palette: ["#A8DADC", "#F1FAEE", "#457B9D"] },
  { key: "dreamy", s: 0.45, l: 0.82, palette: ["#E0C3FC", "#C2E9FB", "#FDFCFB"] },
  { key: "playful", s: 0.85, l: 0.6, palette: ["#FF6F91", "#FFC75F", "#00C9A7"] },
  { key: "energetic", s: 0.95, l: 0.5, palette: ["#FF3D00", "#FFD600", "#00E5FF"] },
  { key: "vibrant", s: 0.9, l: 0.55, palette: ["#FF006E", "#FB5607", "#3A86FF"] },
  { key: "warm", s: 0.6, l: 0.6, palette: ["#E07A5F", "#F2CC8F", "#3D405B"] },
  { key: "nostalgic", s: 0.45, l: 0.6, palette: ["#D4A373", "#FAEDCD", "#6B705C"] },
  { key: "bold", s: 0.85, l: 0.45, palette: ["#111827", "#EF4444", "#F9FAFB"] },
  { key: "natural", s: 0.4, l: 0.5, palette: ["#606C38", "#DDA15E", "#FEFAE0"] },
  { key: "adventurous", s: 0.5, l: 0.4, palette: ["#3A5A40", "#BC6C25", "#DAD7CD"] },
  { key: "romantic", s: 0.5, l: 0.7, palette: ["#B5838D", "#FFCDB2", "#6D6875"] },
  { key: "futuristic", s: 0.8, l: 0.5, palette: ["#0B0C10", "#66FCF1", "#C5C6C7"] },
];
const DEFAULT_REGISTER: Register = { key: "neutral", s: 0.55, l: 0.55, palette: ["#F8F9FA", "#343A40", "#E9C46A"] };

/** The register that sets the palette: style cues first (they name a look), then the tone. */
function registerFor(analysis: Analysis, winners: Set<string>): Register {
  const cues = [...analysis.style_hints, ...analysis.tone.split(/[,;]\s*/)].map((c) => c.trim().toLowerCase());
  if (winners.has("calm")) cues.unshift("calm");
  if (winners.has("dark")) cues.unshift("moody");
  for (const cue of cues) {
    const r = REGISTERS.find((x) => x.key === cue);
    if (r && !(winners.has("dark") && (r.key === "pastel" || r.key === "playful"))) return r;
  }
  return DEFAULT_REGISTER;
}

/** Brand colours first, then a complement of the lead brand colour, then the register's palette. */
export function buildPalette(brand: string[], register: Register): string[] {
  const first = brand.map(normalizeHex);
  const derived: string[] = [];
  if (first.length) {
    const [h, s] = toHsl(toRgb(first[0]!));
    derived.push(register.s === 0 ? fromHsl(0, 0, first.length > 1 ? 0.92 : 0.12) : fromHsl((h + 180) % 360, Math.max(0.2, (s + register.s) / 2), register.l));
  }
  const out = [...new Set([...first, ...derived, ...register.palette])];
  return out.slice(0, Math.max(first.length + 3, 3));
}

interface Resolution {
  winner: string;
  style: (c: Contradiction) => string;
  resolution: string;
}
const RULES: Record<string, Resolution> = {
  "calm|energetic": { winner: "calm", style: (c) => `${c.termB} energy`, resolution: "calm visuals (soft light, smooth camera) with the energy carried by the editing rhythm at the hook" },
  "dark|bright": { winner: "dark", style: (c) => `${c.termB} look`, resolution: "low-key lighting keeps the mood; the light colours survive as accents in props, wardrobe and practical lights" },
  "minimal|busy": { winner: "minimal", style: (c) => `${c.termB} composition`, resolution: "a single subject with negative space in every frame; the energy comes from cutting rhythm, not clutter" },
  "serious|playful": { winner: "serious", style: (c) => `${c.termB} touches`, resolution: "confident, trustworthy framing with one light-hearted detail per scene" },
  "luxury|cheap": { winner: "luxury", style: (c) => `${c.termB} positioning`, resolution: "a premium look throughout; value is carried by the message, never by cheap-looking visuals" },
  "vintage|futuristic": { winner: "vintage", style: (c) => `${c.termB} setting`, resolution: "retro-futurism: futuristic subjects shot on a vintage film texture" },
  "slow|fast": { winner: "slow", style: (c) => `${c.termB} cutting`, resolution: "long, lingering hero shots with quick cuts only at the hook" },
};

const withArticle = (s: string) => (/^(?:the|a|an)\s/i.test(s) ? s : `the ${s}`);

const LIGHT_ANCHOR_NOUN: Record<string, string> = { tech: "interface accents", fashion: "details", sport: "details", mobility: "paintwork", finance: "branding", travel: "branding" };

/** The style vector for every clip of this storyboard, without a model. */
export function stylizeOffline(request: GenerationRequest, analysis: Analysis, storyboard: Storyboard): StyleGuide {
  const text = `${withoutName(request.prompt, analysis.brand.name)}. ${analysis.tone}. ${analysis.style_hints.join(", ")}`;
  const resolved_conflicts: StyleGuide["resolved_conflicts"] = [];
  const winners = new Set<string>();
  const seen = new Set<string>();
  for (const c of findContradictions(text)) {
    const rule = RULES[`${c.a}|${c.b}`]!;
    if (seen.has(rule.winner)) continue;
    seen.add(rule.winner);
    winners.add(rule.winner);
    resolved_conflicts.push({ brief: `${c.termA}`, style: rule.style(c), resolution: rule.resolution });
  }
  const hints = new Set(analysis.style_hints);
  const tone = analysis.tone.toLowerCase();
  const brand = [...new Set(analysis.brand.colors.map(normalizeHex))];
  let register = registerFor(analysis, winners);
  if (winners.has("dark") && (hints.has("pastel") || hints.has("bright"))) {
    const light = REGISTERS.find((r) => r.key === (hints.has("pastel") ? "pastel" : "vibrant"))!;
    register = { ...register, palette: [...register.palette.slice(0, 2), light.palette[0]!] };
  }
  if (hints.has("black and white") && brand.length) {
    resolved_conflicts.push({ brief: "brand colours", style: "black and white", resolution: "a monochrome grade in which only the brand colours stay in colour" });
  }
  if ((hints.has("muted") || /\b(?:calm|dreamy)\b/.test(tone)) && brand.some((c) => toHsl(toRgb(c))[1] > 0.7)) {
    resolved_conflicts.push({ brief: "saturated brand colours", style: hints.has("muted") ? "muted look" : `${tone} tone`, resolution: "brand colours stay exact on the product and type; everything around them is muted" });
  }
  const palette = buildPalette(brand, register);
  const dark = winners.has("dark") || hints.has("dark") || /\b(moody|dramatic)\b/.test(tone);
  const minimal = winners.has("minimal") || hints.has("minimalist");
  // The accent is the colour a light can carry: the lightest on a dark set, else the most vivid mid-tone.
  const rest = palette.slice(1);
  const lightness = (c: string) => toHsl(toRgb(c))[2];
  const vividness = (c: string) => toHsl(toRgb(c))[1] * (1 - Math.abs(lightness(c) - 0.55) * 1.5);
  const accent = (dark ? [...rest].sort((x, y) => lightness(y) - lightness(x))[0] : [...rest].sort((x, y) => vividness(y) - vividness(x))[0]) ?? palette[0]!;
  const accentName = colorName(accent);

  const lighting = hints.has("black and white")
    ? "high-contrast monochrome light, a hard key with deep shadows"
    : hints.has("neon")
      ? `neon practicals with a ${accentName} rim light`
      : dark
        ? `low-key, moody lighting: a single soft key, deep shadows and ${article(accentName)} ${accentName} practical glow`
        : hints.has("golden hour")
          ? "warm golden-hour backlight with long soft shadows"
          : hints.has("night")
            ? "night exteriors lit by practicals and street light"
            : hints.has("studio")
              ? "clean three-point studio lighting on a seamless backdrop"
              : /luxurious|elegant/.test(tone)
                ? "sculpted, directional light with glossy specular highlights"
                : /calm|dreamy/.test(tone)
                  ? "soft, diffused daylight with gentle fill"
                  : /energetic|bold/.test(tone)
                    ? "punchy, high-contrast light with coloured rim accents"
                    : "soft natural daylight with a gentle key";

  const named = settingFor(request.prompt, analysis);
  const setting = dark ? named.replace(/\b(?:bright|sunlit|sun-washed|sunny|airy)\b,?/i, "dimly lit").replace(/\s{2,}/g, " ") : named;
  const environment = minimal ? `a pared-back version of ${setting}, negative space around the subject` : `${setting}, consistent across every scene`;
  const camera = [
    hints.has("handheld") || hints.has("ugc") ? "handheld, phone-native framing" : { fast: "35mm lens, quick push-ins and whip pans", medium: "50mm lens, smooth gimbal moves and gentle push-ins", slow: "85mm lens, locked-off frames and slow dolly moves, shallow depth of field" }[analysis.pacing],
    hints.has("aerial") ? "drone establishing shots" : "",
    hints.has("macro") ? "macro lens for product details" : "",
    hints.has("slow motion") ? "slow-motion moments at 120 fps" : "",
  ].filter(Boolean).join("; ");
  const texture = winners.has("vintage") && hints.has("futuristic")
    ? "vintage film texture over futuristic subjects"
    : hints.has("film grain") || hints.has("35mm film")
      ? "35mm film grain with soft halation"
      : hints.has("vintage") ? "warm vintage film stock with a slight fade"
      : hints.has("lo-fi") ? "VHS softness with faint scanlines"
      : hints.has("animation") ? "crisp 2D animation with flat shading"
      : hints.has("3d render") ? "polished 3D render with soft global illumination"
      : hints.has("stop motion") ? "handmade stop-motion texture"
      : hints.has("watercolor") ? "watercolour wash texture"
      : hints.has("black and white") ? "fine monochrome grain"
      : hints.has("glossy") || /luxurious|elegant/.test(tone) ? "rich, clean commercial finish with deep blacks"
      : "natural, lightly graded digital finish";
  const losers = [winners.has("calm") && /energetic|hype|intense|frantic|chaotic|frenetic/, dark && /high-key|airy|sunny|bright|pastel/, minimal && /busy|cluttered|maximal/].filter(
    (x): x is RegExp => x instanceof RegExp,
  );
  const moodWords = tone.split(/,\s*/).filter((t) => t && !losers.some((re) => re.test(t)));
  const mood = `${moodWords.length ? moodWords.join(", ") : register.key}${winners.has("calm") ? ", with bursts of energy in the cuts" : ""}; ${analysis.pacing} pace`;

  const fullSubject = subjectOf(analysis);
  const subject = fullSubject.length <= 36 ? fullSubject : analysis.brand.name ?? analysis.product.split(/\s+/).slice(0, 4).join(" ");
  const category = productProfile(analysis.product, request.prompt).category;
  const anchors = [
    brand.length ? `${withArticle(subject)} with ${category in LIGHT_ANCHOR_NOUN ? "" : "a "}${colorName(brand[0]!)} ${LIGHT_ANCHOR_NOUN[category] ?? "label"}` : `${withArticle(subject)} as the one hero object`,
    dark ? `a single ${accentName} practical light` : `soft ${accentName} rim light`,
    minimal ? `${setting}, pared back` : `the same ${setting.replace(/^(?:a|an|the)\s+/i, "")}`,
  ];
  if (hints.has("film grain") || hints.has("35mm film") || hints.has("vintage")) anchors.push(texture);
  else if (analysis.brand.name && brand.length > 1) anchors.push(`the ${analysis.brand.name} wordmark in ${colorName(brand[1]!)}`);

  const negative = ["garbled text", "distorted logos", "watermarks", "extra limbs", "low resolution", "flicker"];
  if (brand.length) negative.push("off-brand colours");
  if (minimal) negative.push("clutter");
  if (dark) negative.push("flat overexposed lighting");
  if (winners.has("calm")) negative.push("frantic camera shake");
  if (storyboard.cta) negative.push("on-screen text other than the call to action");

  return { palette, lighting, environment, camera, texture, mood, anchors: anchors.map((a) => (a.length <= 64 ? a : a.slice(0, 64).replace(/[\s,;:]+\S*$/, ""))), negative, resolved_conflicts };
}

const STYLE_OPPOSITES: [RegExp, RegExp, string][] = [
  [/\b(low-key|moody|shadowy|gloomy)\b/i, /\b(high-key|airy|sunny|bright)\b/i, "dark vs bright lighting"],
  [/\b(minimal|minimalist|pared back|negative space)\b/i, /\b(busy|cluttered|maximal|maximalist)\b/i, "minimal vs busy composition"],
  [/\b(muted|desaturated)\b/i, /\b(vibrant|saturated|neon)\b/i, "muted vs vibrant colour"],
  [/\b(black and white|monochrome)\b/i, /\b(colourful|colorful|vibrant|rainbow)\b/i, "monochrome vs colourful"],
  [/\b(serene|calm|tranquil)\b/i, /\b(frantic|chaotic|frenetic)\b/i, "calm vs frantic"],
];

/** Problems with a style guide: colours not hex, brand colours not first, contradictory terms. */
export function checkStyle(style: StyleGuide, analysis: Analysis): string[] {
  const problems: string[] = [];
  const bad = style.palette.filter((c) => !/^#[0-9A-Fa-f]{6}$/.test(c));
  if (bad.length) problems.push(`palette colours must be #RRGGBB: ${bad.join(", ")}`);
  if (style.palette.length < 3) problems.push(`the palette needs at least 3 colours, it has ${style.palette.length}`);
  const brand = [...new Set(analysis.brand.colors.map(normalizeHex))];
  const head = style.palette.slice(0, brand.length).map((c) => (/^#[0-9A-Fa-f]{3,6}$/.test(c) ? normalizeHex(c) : c));
  if (brand.some((c, i) => head[i] !== c)) problems.push(`the palette must start with the brand colours in order (${brand.join(", ")}), it starts ${head.join(", ") || "empty"}`);
  if (style.anchors.length < 2 || style.anchors.length > 4) problems.push(`a style needs 2–4 visual anchors, it has ${style.anchors.length}`);
  const fields = { lighting: style.lighting, environment: style.environment, camera: style.camera, texture: style.texture, mood: style.mood, anchors: style.anchors.join("; ") };
  const all = Object.values(fields).join(" | ");
  for (const [a, b, label] of STYLE_OPPOSITES) {
    const ma = a.exec(all)?.[0];
    const mb = b.exec(all)?.[0];
    if (ma && mb) problems.push(`contradictory style terms (${label}): "${ma}" and "${mb}"`);
  }
  for (const n of style.negative) {
    const field = Object.entries(fields).find(([, v]) => v.toLowerCase().includes(n.toLowerCase()));
    if (n.trim().length > 2 && field) problems.push(`"${n}" is both a negative term and part of the ${field[0]}`);
  }
  return problems;
}
