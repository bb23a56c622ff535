import type { Analysis } from "../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import { normalizeHex, type GenerationRequest } from "../../../core/schemas/request.js";
import { roundS } from "../../../core/timeline/invariants.js";
import { article, withoutName } from "../../../core/vocabulary/words.js";
import {
  AUDIENCES, COLORS, FAST, SLOW, TONES, detectSetting, detectStyleHints, findContradictions, isLexiconTerm, keys, norm, parseColors, productProfile, scan,
} from "../../../core/vocabulary/lexicon.js";

import { factualText, readSections, textOf, type BriefSections } from "./sections.js";
import { parseRequestedShots } from "./shots.js";

export { readSections, type BriefSections, type Section } from "./sections.js";
export { colorName, detectSetting, detectStyleHints, findContradictions, parseColors, productProfile, type Contradiction, type ProductProfile } from "../../../core/vocabulary/lexicon.js";

/**
 * The offline analyst: reads the brief with lexicons in the brief languages (en, es, fr, de,
 * pt, it, nl, ja) and records every gap it had to fill as an assumption. Deterministic and pure.
 */

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The text with the brand name blanked, so "Nuit Blanche" is not read as night and white. */


/** Reads the brief into an Analysis without a model. */
export function analyzeOffline(request: GenerationRequest, audio: AudioAnalysis | null): Analysis {
  // "Bloom & Co." or "Acme Inc." does not end a sentence: the abbreviation's period is dropped for reading.
  const text = request.prompt.normalize("NFC").replace(/(?<=(?:^|[\s&])(?:Co|Inc|Ltd|Corp|Bros|St|Mr|Mrs|Ms|Dr|Jr|Sr))\.(?=\s+[\p{L}\p{N}'’])/gu, "");
  const isAd = request.pipeline === "ad";
  const assumptions: Analysis["assumptions"] = [];
  const warnings: string[] = [];
  const assume = (topic: string, assumption: string) => assumptions.push({ topic, assumption });
  const language = detectLanguage(text);

  // A long brief is read by its sections: facts stated where they belong outrank ones in passing.
  const doc = readSections(text);
  const factual = doc.structured ? factualText(doc) : text;

  const ctaParsed = doc.structured ? (ctaFromSections(doc) ?? parseCta(factual)) : parseCta(text);
  const cta = request.brand?.cta
    ? { text: request.brand.cta.text, duration_s: request.brand.cta.duration_s }
    : ctaParsed ? { text: ctaParsed, duration_s: ctaHold(text, ctaParsed, doc) ?? 3 } : null;
  if (request.brand?.cta && ctaParsed && norm(ctaParsed) !== norm(request.brand.cta.text))
    warnings.push(`the brief ends with "${ctaParsed}" but the brand CTA is "${request.brand.cta.text}": using the brand CTA`);

  const lengthText = doc.structured && parseDurations(textOf(doc, "deliverables")).length ? textOf(doc, "deliverables") : text;
  const duration_s = resolveDuration(request, lengthText, audio, assume, warnings);
  const parsedProduct = (doc.structured && request.pipeline === "ad" ? productFromSections(doc, text) : null) ?? parseProduct(withoutDurations(text), request.pipeline);
  const vague = parsedProduct ? null : FOR_SOMETHING.exec(text)?.[1]?.replace(LEADING_ARTICLES, "").trim();
  const namedBrand = request.brand?.name ?? (doc.structured ? structuredBrandName(text, factual, [cta?.text ?? ""], language, doc) : guessBrandName(text, [cta?.text ?? ""], language));
  // "EcoWash laundry pods": a coined name (a capital inside the word) opening the product is its brand.
  const coined = !namedBrand && parsedProduct ? /^(\p{Lu}[\p{L}\p{N}&’'.-]*)\s+\p{L}/u.exec(parsedProduct)?.[1] : undefined;
  const brandName = namedBrand ?? (coined && /\p{Ll}\p{Lu}/u.test(coined) && !isLexiconTerm(coined) ? coined : null);
  // "the brand Nimbus", "la marque Lumière", "a luxury watch brand": the word "brand" is not part of what is advertised.
  const unlabelled = parsedProduct?.replace(/^(?:brand|marke|marque|marca|merk|marchio)\s+(?:(?:de|di|d['’]|del|of|für|van|da|do)\s+)?/iu, "").replace(/(?<=\p{L}{2,}.*)\s+(?:brand|company|label|maker|startup|business)$/iu, "") ?? null;
  // "our SaaS tool Ledgerly" / "Bäckerei Sonnenkorn": the name at either end is the brand, not the product.
  const withoutBrand = brandName && unlabelled ? unlabelled.replace(new RegExp(`^["“„«]?${escapeRe(brandName)}["”»]?[\\s・]+`, "iu"), "").replace(new RegExp(`(?<=\\p{L}{2,}.*)\\s+["“„«]?${escapeRe(brandName)}["”»]?$`, "iu"), "") : unlabelled;
  // "Orbit, a note-taking app for students": what the name is, said right after it.
  const appositive = !doc.structured && brandName && (!withoutBrand || norm(withoutBrand) === norm(brandName))
    ? new RegExp(`${escapeRe(brandName)}\\s*,\\s+(?:an?|the|un|una|une|ein|eine|um|uma|een)\\s+([^,.;:!?()\\n]{3,60}?)(?=\\s+(?:for|that|which|with|who|para|pour|für|per|voor|que|qui|che|der|die|das)\\s|[,.;:!?()\\n]|$)`, "iu").exec(text)?.[1]?.trim()
    : undefined;
  const product = (appositive && appositive.split(/\s+/).length <= 6 ? appositive : null) || withoutBrand || (brandName ?? (vague && vague.split(/\s+/).length <= 5 ? vague : fallbackProduct(text)));
  if (!parsedProduct) assume("product", `the brief does not say plainly what is advertised: read as "${product}"`);
  if (!brandName) assume("brand", `no brand name given: ${product} is shown unbranded, without an invented name`);
  const profile = productProfile(product, withoutName(text, brandName));

  const cues = withoutName(text, brandName);
  const brandSection = doc.structured ? parseColors(withoutName(textOf(doc, "brand"), brandName), language) : [];
  const briefColors = brandSection.length ? brandSection : parseColors(doc.structured ? withoutName(factual, brandName) : cues, language);
  const colors = [...new Set([...(request.brand?.colors ?? []).map(normalizeHex), ...briefColors])];
  if (colors.length === 0) assume("colours", `no brand colours given: a palette is derived from the tone (${profile.tone})`);

  // A structured brief's own tone and audience sections outrank words met elsewhere in it.
  const sectionCues = (kind: "tone" | "audience") => (doc.structured ? withoutName(textOf(doc, kind), brandName) : "");
  const toneSection = keys(affirmed(scan(TONES, sectionCues("tone")), sectionCues("tone")));
  const toneHits = toneSection.length ? toneSection : keys(scan(TONES, cues));
  const brandTone = request.brand?.tone?.split(/[,;/]/).map((t) => t.trim().toLowerCase()).filter(Boolean) ?? [];
  const toneWords = [...new Set([...brandTone, ...toneHits])];
  const tone = toneWords.length ? toneWords.join(", ") : profile.tone;
  if (!toneWords.length) assume("tone", `no tone given: ${profile.tone}, usual for ${profile.category === "general" ? "this kind of product" : `a ${profile.category} brand`}`);

  const audienceSection = keys(scan(AUDIENCES, sectionCues("audience")));
  const audienceHits = audienceSection.length ? audienceSection : keys(scan(AUDIENCES, cues));
  const explicitAudience = /(?:aimed at|targeting|target audience:?|made for|dirigido a|destinado a|destiné aux?|à destination des|zielgruppe:?|voltado para|rivolto a|pensato per)\s+([^,.;:!?\n]{3,60})/iu.exec(text)?.[1]?.trim();
  // An audience field in the brief's own words when the lexicon knows none of them ("Audience: home baristas").
  const audienceField = doc.structured ? textOf(doc, "audience").trim().split("\n")[0]!.replace(/[.!。;；]+$/u, "").trim() : "";
  const field = audienceField && audienceField.split(/\s+/).length <= 12 ? audienceField : undefined;
  // "for guys 18-30", "for busy nurses": who it is for, in the brief's words.
  const forWhom = (PEOPLE_FOR.exec(cues) ?? PEOPLE_FOR_I18N.exec(cues))?.[1]?.trim();
  const statedAudience = field ?? explicitAudience ?? forWhom;
  // A short audience field is taken in the brief's own words ("Target: commuters and remote workers"), before the lexicon's names for them.
  const audience = field ?? (audienceSection.length ? audienceSection.join(", ") : audienceHits.length ? audienceHits.join(", ") : statedAudience ?? profile.audience);
  if (!audienceHits.length && !statedAudience) assume("audience", `no audience given: ${profile.audience}`);

  const setting = detectSetting(cues);
  if (!setting) assume("setting", `no setting given: ${profile.setting}`);

  const style_hints = detectStyleHints(cues);
  const fastWords = scan(FAST, cues).length + (toneHits.includes("energetic") ? 1 : 0);
  const slowWords = scan(SLOW, cues).length + (toneHits.includes("calm") ? 1 : 0) + (toneHits.includes("dreamy") ? 1 : 0);
  let score = fastWords - slowWords + (toneHits.some((t) => t === "luxurious" || t === "elegant") ? -0.5 : 0);
  const bpm = audio?.bpm ?? null;
  if (isAd) score += duration_s <= 20 ? 0.5 : duration_s >= 45 ? -0.5 : 0;
  else if (bpm) score += bpm >= 125 ? 1 : bpm <= 90 ? -1 : 0;
  const pacing: Analysis["pacing"] = score >= 1 ? "fast" : score <= -1 ? "slow" : "medium";
  if (fastWords === 0 && slowWords === 0)
    assume("pacing", `pacing not stated: ${pacing}, from ${isAd ? `the ${duration_s} s length` : bpm ? `the song's ${Math.round(bpm)} BPM` : "the song's length"} and the tone`);

  for (const c of findContradictions(cues)) {
    const resolution = c.a === "calm" || c.a === "slow" ? `pacing set to ${pacing}` : "the style guide resolves it";
    warnings.push(`contradiction: "${c.termA}" vs "${c.termB}" — ${resolution}`);
  }

  const listed = doc.structured ? listedMessages(textOf(doc, "messages")) : [];
  const explicitMessages = listed.length ? listed : parseKeyMessages(factual, [cta?.text ?? "", brandName ?? "", product]);
  const subject = brandName ? (norm(brandName) === norm(product) ? brandName : `${brandName} ${product}`) : `the ${product}`;
  const key_messages = explicitMessages.length ? explicitMessages : isAd ? [`introducing ${subject}`, profile.benefit] : [`the story of ${product}`, "build from a quiet intro to the chorus peaks"];
  if (!explicitMessages.length) assume("key_messages", `no key messages given: ${key_messages.join("; ")}`);

  if (isAd && !cta) assume("cta", `no call to action given: the ad closes on ${article(brandName ?? product)} ${brandName ?? product} end card without a CTA overlay`);

  const narrative = isAd
    ? `Hook with ${profile.hero} ${subject}, set up ${profile.problem}, pay it off with ${(explicitMessages.length ? explicitMessages : [profile.benefit]).slice(0, 2).join("; ")}, ` +
      `and close on ${cta ? `the "${cta.text}" call to action` : `${article(brandName ?? product)} ${brandName ?? product} end card`}.`
    : `A ${tone} music video about ${product}: a quiet intro, verses that build the story, choruses that burst into motion, and an outro that resolves it.`;

  return {
    product,
    narrative,
    audience,
    tone,
    pacing,
    duration_s,
    language,
    brand: { name: brandName ?? null, colors, cta },
    style_hints,
    key_messages,
    requested_shots: parseRequestedShots(text),
    assumptions,
    warnings,
  };
}

function resolveDuration(
  request: GenerationRequest,
  text: string,
  audio: AudioAnalysis | null,
  assume: (topic: string, a: string) => void,
  warnings: string[],
): number {
  const said = parseDurations(text);
  const isAd = request.pipeline === "ad";
  const [lo, hi] = isAd ? [15, 60] : [60, 180];
  if (said.length > 1 && new Set(said).size > 1) warnings.push(`the brief names several lengths (${said.map((s) => `${s} s`).join(", ")}): using the first`);
  const prompted = said[0];
  if (request.duration_s !== undefined) {
    if (prompted !== undefined && Math.abs(prompted - request.duration_s) > 0.5)
      warnings.push(`the brief says ${prompted} s but the request asks for ${request.duration_s} s: using ${request.duration_s} s`);
    if (!isAd && audio && request.duration_s > audio.duration_s + 0.5)
      warnings.push(`the requested ${request.duration_s} s is longer than the song (${round1(audio.duration_s)} s)`);
    return request.duration_s;
  }
  if (!isAd && audio) {
    // Millisecond precision, like the bar planner, so the song's length and the plan's agree.
    const d = clamp(roundS(audio.duration_s), lo, hi);
    if (d !== roundS(audio.duration_s)) warnings.push(`the song lasts ${round1(audio.duration_s)} s; a music video lasts ${lo}–${hi} s: using ${d} s`);
    if (prompted !== undefined && Math.abs(prompted - d) > 1) warnings.push(`the brief says ${prompted} s but the video follows the song: ${d} s`);
    return d;
  }
  if (prompted !== undefined) {
    const d = clamp(prompted, lo, hi);
    if (d !== prompted) warnings.push(`the brief asks for ${prompted} s but ${isAd ? "an ad" : "a music video"} lasts ${lo}–${hi} s: using ${d} s`);
    return d;
  }
  const d = isAd ? 30 : 120;
  assume("duration", `no length given: ${d} s`);
  return d;
}

const LANG_WORDS: Record<string, string> = {
  en: "the and with for of our your that this is to an in end ad about show make",
  es: "el los las para con y una un del que nuestro nuestra por es anuncio segundos jóvenes muy cómo",
  fr: "le les pour avec et une un du des est notre publicité pub secondes jeunes très qui",
  de: "der die das und für mit ein eine ist unser unsere werbung sekunden junge von sehr den",
  pt: "o os para com e uma um do da que nosso nossa anúncio segundos jovens não muito",
  it: "il lo gli per con e una un del della che nostro nostra pubblicità secondi giovani molto",
  nl: "de het een en van voor met op naar ons onze reclame advertentie seconden jongeren heel kleuren eindig",
};
const LANG_SETS = Object.entries(LANG_WORDS).map(([lang, w]) => [lang, new Set(w.split(" "))] as const);
const LANG_MARKS: [RegExp, Record<string, number>][] = [
  [/[ñ¿¡]/gu, { es: 2 }], [/[ãõ]/gu, { pt: 2 }], [/ç/gu, { pt: 0.5, fr: 0.5 }], [/[ßäöü]/gu, { de: 2 }],
  [/[àèù]/gu, { it: 0.7, fr: 0.7 }], [/[êâîôûœ]/gu, { fr: 1 }], [/[ìò]/gu, { it: 1 }], [/ij|aa|oo|ee(?!s)|uu/gu, { nl: 0.3 }],
];

/** ISO 639-1 code of the brief's language (en, es, fr, de, pt, it, nl or ja); English when unsure. */
export function detectLanguage(text: string): string {
  // Kana is only Japanese; a brief mostly in kana and kanji is Japanese even with a Latin brand name.
  const cjk = text.match(/[\u3040-\u30ff\u3400-\u9fff]/gu)?.length ?? 0;
  if (/[\u3040-\u30ff]/u.test(text) && cjk >= 4) return "ja";
  const score: Record<string, number> = { en: 0, es: 0, fr: 0, de: 0, pt: 0, it: 0, nl: 0 };
  for (const token of text.toLowerCase().split(/[^\p{L}]+/u)) {
    const langs = LANG_SETS.filter(([, set]) => set.has(token));
    for (const [lang] of langs) score[lang]! += 1 / langs.length;
  }
  for (const [re, add] of LANG_MARKS) {
    const n = text.toLowerCase().match(re)?.length ?? 0;
    for (const [lang, w] of Object.entries(add)) score[lang]! += Math.min(n, 3) * w;
  }
  const [best, value] = Object.entries(score).sort((a, b) => b[1] - a[1])[0]!;
  return value >= 1 && value > score.en! ? best : "en";
}

const NUMBER_WORDS: Record<string, number> = { ten: 10, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fortyfive: 45, fifty: 50, sixty: 60, ninety: 90 };
const DURATION_RE = /(?<![\p{Script=Latin}\p{N}#.'’])(\d{1,3}(?:[.,]\d+)?)\s*-?\s*(?:(s|secs?|seconds?|segundos?|secondes?|sekunden|sek|secondi|seconden|seg|min|mins|minutes?|minutos?|minuten|minuti)(?![\p{L}\p{N}])|(秒|分))/giu;
const WORD_DURATION_RE = /(?<![\p{L}])(ten|fifteen|twenty|thirty|forty[\s-]five|forty|fifty|sixty|ninety)[\s-](?:second|sec)s?(?![\p{L}])|(?<![\p{L}])(?:one|a|un|una|une|eine?|um|uma)[\s-](minute|minuto|minuten?)(?![\p{L}])/giu;
/** What follows "80s" when it is a decade, not a length: a look, an era, a genre ("90s grunge look", "80s synth-pop", "70s-inspired"). */
const DECADE_AFTER =
  /^\s*-?\s*(?:style|vibe|retro|aesthetic|look|music|fashion|era|nostalgia|inspired|throwback|movie|film|tv|sitcom|cartoon|anime|arcade|video game|vhs|camcorder|mall|diner|kid|childhood|grunge|hip[\s-]?hop|rap|r&b|synth|pop|rock|punk|metal|indie|disco|funk|soul|jazz|swing|house|techno|rave|club|dance|new wave|glam|britpop|boy band|girl group|neon|americana|mod|psychedelic|hippie|rockabilly|vintage|colou?r palette|colou?rs|palette|typography|graphics|design|decor|interior|wardrobe|outfits?|clothes|hair|makeup|photos?|photography|footage|home video|ad style|commercials?\s+style|nostalgic)(?![\p{L}])/iu;

/** Lengths the brief names, in seconds, in order ("30s", "45-second", "1 minute", "thirty-second"). */
/** The brief with its length phrases (and the preposition before them) removed. */
export function withoutDurations(text: string): string {
  return text
    .replace(new RegExp(`(?:\\s(?:de|di|of|von|da|du|em|van))?\\s*(?:${DURATION_RE.source}|${WORD_DURATION_RE.source})`, "giu"), "")
    .replace(/\s{2,}/g, " ");
}

export function parseDurations(text: string): number[] {
  const found: { index: number; s: number }[] = [];
  for (const m of text.matchAll(DURATION_RE)) {
    const n = Number(m[1]!.replace(",", "."));
    const unit = m[3] === "分" ? "min" : m[3] === "秒" ? "s" : m[2]!.toLowerCase();
    const after = text.slice((m.index ?? 0) + m[0].length);
    if (unit === "s" && n % 10 === 0 && n >= 20 && DECADE_AFTER.test(after)) continue;
    found.push({ index: m.index ?? 0, s: unit.startsWith("m") ? n * 60 : n });
  }
  for (const m of text.matchAll(WORD_DURATION_RE)) {
    found.push({ index: m.index ?? 0, s: m[1] ? NUMBER_WORDS[norm(m[1])]! : 60 });
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.s).filter((s) => s > 0);
}

const QUOTED = /["“”«„「『]([^"“”«»„「」『』]{2,60})["“”»」』]|(?<![\p{L}])['‘’‚]([^'‘’]{2,60})['‘’](?![\p{L}])/u;
const CTA_CUES = [
  /(?:cta|call[\s-]to[\s-]action|llamada a la acción|appel à l'action|handlungsaufforderung|chamada para ação|invito all'azione)\s*(?:is|of|saying|[:=–—-])?\s*(.+)/iu,
  /(?:end(?:s|ing)?|clos(?:e|es|ing)|finish(?:es|ing)?|wrap(?:s|ping)? up)\s+(?:with|on)\s+(?:(?:a|the)\s+)?(?:(?:cta|call[\s-]to[\s-]action|button|card|line)\s+)?(?:(?:of|saying)\s+)?(.+)/iu,
  /(?:termina(?:r|ndo)?|cierra|cerrar|acaba(?:r)?|finisce|finire|chiude(?:re)?|fecha(?:r)?)\s+(?:con|com)\s+(.+)/iu,
  /(?:termine(?:r)?|finit|finir|conclu(?:re|t))\s+(?:par|avec|sur)\s+(.+)/iu,
  /(?:endet|enden|schließt|abschluss)\s+mit\s+(.+)/iu,
  /(?:eindig(?:t|en)?|sluit(?:\s+af)?|afsluiten|afgesloten)\s+met\s+(.+)/iu,
  /(?:最後に|最後は|締めくくりに|締めは|エンディングに)\s*(.+)/u,
  // "finale "Vieni a trovarci"", "final: «Ven hoy»", "Schluss: „Jetzt bestellen“": the closing named by a noun, its words quoted.
  /(?<![\p{L}])(?:finale|final|fin|schluss|ende|einde|slot|fim|ending|outro)\s*[:：]?\s*(["“„«「『][^"“”«»„「」『』]{2,60}["“”»」』])/iu,
  // The line the video closes on, named as such: "Tagline: Baked with love.", "closing line is 'Track every mile'".
  /(?<![\p{L}])(?:tag\s?line|slogan|strapline|closing line|end line|sign[\s-]?off|eslogan|lema|accroche|claim|bordão)\s*(?:is|reads|[:=–—-])\s*(.+)/iu,
];
const NOT_A_CTA = /^(?:the|a|an|our|its|their|at|in|on|near|el|la|los|las|le|les|der|die|das|den|dem|o|os|il|lo|un|una|une|um|uma|ein|eine|einem|einer)\s|(?:^|\s)(?:logo|shot|scene|product|packshot|pack shot|close-?up|freeze|sunset|fade)(?:\s|$)/iu;

/** The call to action the brief asks to end on ("end with 'Shop now'", "CTA: Download today"). */
export function parseCta(text: string): string | null {
  for (const re of CTA_CUES) {
    const tail = re.exec(text)?.[1];
    if (!tail) continue;
    const quoted = QUOTED.exec(tail.slice(0, 80));
    if (quoted && quoted.index < 20) return (quoted[1] ?? quoted[2])!.trim();
    const cut = tail.split(/["“”'‘’«»,;!?\n]|\.(?:\s|$)|\s+(?:and|y|et|und|e)\s+(?:the|el|la|le|die|o|il)\s|\s+[-–—]\s/u)[0]!.trim().replace(/\.$/, "");
    if (cut.length >= 2 && cut.length <= 60 && !NOT_A_CTA.test(cut)) return cut;
  }
  return null;
}

const NAME_CUES = /(?:called|named|under the name|brand name(?:\s+is)?:?|brand:|branded as|(?:[Ff]or|[Ff]ür|[Pp]our|[Pp]ara|[Pp]er|[Vv]oor|[Dd]e) (?:the |die |la |le |a |het |il )?(?:[Bb]rand|[Mm]arke|[Mm]arque|[Mm]arca|[Mm]erk|[Mm]archio)(?:\s+(?:de|di|d['’]|del|of|für|van|da|do)(?:\s+\p{Ll}[\p{Ll}'’-]*){1,4}(?=\s+\p{Lu}))?|bajo el nombre|sous le nom|unter dem Namen|com o nome|con il nome|onder de naam|llamad[oa](?!\s+a\s+la\s+acci)|appelée?|nommée?|namens|chamad[oa]|chiamat[oa]|de nombre|du nom de|genaamd|met de naam)\s+["“'‘«]?((?:[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*)(?:\s+(?:&\s+)?[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*){0,3}|[^\s,.;:!?"”'’»]+(?:\s+[^\s,.;:!?"”'’»]+){0,2})/u;
const QUOTE_CONTEXT = /(?:end|ending|ends|close|closing|cta|action|saying|says|tagline|slogan|line|text|caption|headline|with)(?:\s+(?:is|reads|will be|should be|could be))?\W*$/i;
const COMMON_CAPS = new Set("i a an the gen z cta ugc tiktok instagram youtube reels facebook shorts ad ads english spanish french german italian portuguese monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december christmas easter halloween shop buy get try order download uv led lcd oled tv hd uhd 4k usb spf ai ar vr diy gps ev suv pc ios nfc bbq dj mc hr it b2b saas crm seo api".split(" "));

/** The brand name the brief gives: "called X", a quoted name, or a capitalised name mid-sentence. */
export function guessBrandName(text: string, exclude: string[], language: string): string | null {
  const excluded = new Set(exclude.filter(Boolean).map(norm));
  // A name ends at a sentence's end: "called Sweet Crumbs. Warm, homey feel" names Sweet Crumbs.
  const named = NAME_CUES.exec(text)?.[1]?.split(/\.\s/u)[0]!.trim().replace(/[.’']+$/, "");
  if (named && !excluded.has(norm(named))) return named;
  const quotes = new RegExp(QUOTED.source, "gu");
  for (const m of text.matchAll(quotes)) {
    const q = (m[1] ?? m[2])!.trim();
    if (!excluded.has(norm(q)) && !QUOTE_CONTEXT.test(text.slice(Math.max(0, (m.index ?? 0) - 30), m.index)) && q.split(/\s+/).length <= 4) return q;
  }
  // "Joe's Pizza", "Grão de Ouro", "Maison du Chocolat": an apostrophe and the small words of names belong to them.
  const caps = /(?<![\p{L}\p{N}#])(\p{Lu}[\p{L}\p{N}&’'.-]*(?:\s+(?:(?:&|de|du|da|do|di|del|della|des|van|von|der|den|la|le|of)\s+)?\p{Lu}[\p{L}\p{N}&’'.-]*){0,2})/gu;
  for (const m of text.matchAll(caps)) {
    // Common words drop off the ends only: "Prueba Café Sol" is not the name "Prueba Sol".
    // A run ends with its sentence: "brand, Meridian. Slow, elegant" names Meridian.
    const all = m[1]!.split(/[.!?](?:\s|$)/u)[0]!.replace(/[.’]+$/, "").split(/\s+/);
    const common = (w: string) => COMMON_CAPS.has(w.toLowerCase()) || isLexiconTerm(w);
    let lo = 0;
    let hi = all.length;
    while (lo < hi && common(all[lo]!)) lo++;
    while (hi > lo && common(all[hi - 1]!)) hi--;
    const words = all.slice(lo, hi);
    if (!words.length || words.some(common)) continue;
    const candidate = words.join(" ");
    const distinctive = /\p{Ll}\p{Lu}|\p{N}|^\p{Lu}{2,}$/u.test(candidate);
    const sentenceStart = /(?:^|[.!?:\n]\s*)$/.test(text.slice(0, m.index).trimEnd() + (m.index ? " " : ""));
    if (excluded.has(norm(candidate)) || [...excluded].some((e) => e.includes(norm(candidate)))) continue;
    // German capitalises every noun: a name there is the word after a possessive and a noun ("unsere Bäckerei Sonnenkorn").
    if (language === "de" && !distinctive) {
      if (words.length >= 2 && /(?:^|\s)(?:unser|unsere|unserem|unseren|unserer|mein|meine|meinem|meinen)\s+$/u.test(text.slice(0, m.index))) return words.slice(1).join(" ");
      continue;
    }
    if (sentenceStart && !distinctive) continue;
    return candidate;
  }
  return null;
}

const PEOPLE_FOR =
  /(?<![\p{L}])for\s+((?:[\p{L}-]+\s+){0,2}(?:guys|men|women|girls|boys|people|folks|teens|teenagers|adults|seniors|retirees|students|gamers|parents|moms|mums|dads|families|couples|kids|children|professionals|freelancers|founders|developers|creators|homeowners|renters|commuters|travell?ers|athletes|runners|cyclists|riders|drivers|shoppers|fans|lovers|owners|nurses|doctors|teachers|workers|gardeners|cooks|bakers|foodies|pet owners|dog owners|cat owners)(?:\s+(?:aged\s+)?\d{1,2}\s*[-–]\s*\d{1,2}\+?|\s+\d{1,2}\+|\s+over\s+\d{2}|\s+under\s+\d{2})?(?:\s+(?:who|that)\s+[^,.;:!?\n]{3,40}?(?=[,.;:!?\n]|$))?)(?=[,.;:!?\n]|\s|$)/iu;

/** "pour les femmes de 25 à 45 ans", "para jóvenes universitarios", "für junge Familien": who it is for, in the brief's language. */
const PEOPLE_FOR_I18N =
  /(?<![\p{L}])(?:pour|para|für|per|voor)\s+(?:les\s+|las\s+|los\s+|die\s+|i\s+|le\s+|gli\s+|de\s+|os\s+|as\s+)?((?:jeunes\s+|junge[n]?\s+|jóvenes\s+|giovani\s+|jonge\s+)?(?:femmes|hommes|jeunes|étudiants|étudiantes|parents|familles|mamans|papas|mujeres|hombres|jóvenes|estudiantes|universitarios|padres|familias|mamás|frauen|männer|familien|eltern|studenten|studierende|pendler|donne|uomini|giovani|famiglie|genitori|studenti|mamme|vrouwen|mannen|gezinnen|ouders|jongeren|studenten|mulheres|homens|famílias|jovens|pais|mães)(?:\s+(?:de|von|tra|zwischen|van|entre|dai|da)\s+\d{1,2}\s*(?:à|a|bis|und|e|en|tot|-|–|y|ai)\s*\d{1,2}(?:\s*(?:ans|años|jahren|anni|jaar|anos))?)?)(?=[,.;:!?\n]|\s|$)/iu;
const LEADING_ARTICLES = /^(?:(?:a|an|the|our|my|your|their|un|una|unos|el|la|los|las|le|les|l['’]|une|des|der|die|das|den|ein|eine|einen|o|os|um|uma|il|lo|gli|mi|mon|ma|notre|nuestro|nuestra|nosso|nossa|nostro|nostra|unser|unsere|unseren)\s+|l['’])+/iu;
const PRODUCT_PATTERNS: RegExp[] = [
  // "Commercial: EcoWash laundry pods, gentle on skin"
  /^\s*(?:an?\s+)?(?:(?:video|short|social)\s+)?(?:ad|advert|advertisement|commercial|spot|promo|video|campaign|teaser|reel)\s*[:–—]\s*(.+?)(?=[,.;:!?()\n]|\s[-–—]\s|$)/iu,
  // "product = wireless charger "Pulse Pad"", "produit : …"
  /(?<![\p{L}])(?:product|produit|producto|produkt|prodotto|produto)\s*[=:：]\s*(.+?)(?=[,.;!?()\n]|\s[-–—]\s|$)/iu,
  /(?<![\p{L}])(?:ad|advert|advertisement|commercial|spot|promo|video|campaign|teaser|reel|clip|explainer|story|stories|trailer|film|short|announcement|showcase|montage|sizzle)(?:\s*\([^)]{0,30}\))?\s+(?:for|about|of|promoting|showcasing)\s+(.+?)(?=\s+(?:called|named|that|which|with|by|aimed|targeting|for|in|on|to|featuring|where|from|made)\s|[,.;:!?()\n]|\s[-–—]\s|$)/iu,
  /(?<![\p{L}])(?:anuncio|anúncio|comercial|propaganda|spot|vídeo|video)\s+(?:de|para|sobre|del|do|da)\s+(.+?)(?=\s+(?:llamad[oa]|chamad[oa]|con|com|que|para|en|em|de nombre)\s|[,.;:!?\n]|$)/iu,
  /(?<![\p{L}])(?:publicité|pub|spot|vidéo|annonce)\s+(?:pour|de|du|sur)\s+(.+?)(?=\s+(?:appelée?|nommée?|avec|qui|pour|en|du nom)\s|[,.;:!?\n]|$)/iu,
  /(?<![\p{L}])(?:werbung|werbespot|spot|video|werbefilm|anzeige)\s+(?:für|über|zu)\s+(.+?)(?=\s+(?:namens|genannt|mit|für|in|die|das|der)\s|[,.;:!?\n]|$)/iu,
  /(?<![\p{L}])(?:pubblicità|spot|video|annuncio)\s+(?:per|di|del|della|su)\s+(.+?)(?=\s+(?:chiamat[oa]|con|che|per|in)\s|[,.;:!?\n]|$)/iu,
  /(?<![\p{L}])(?:reclame|advertentie|reclamespot|spot|video|filmpje)\s+(?:voor|over|van)\s+(.+?)(?=\s+(?:genaamd|met|die|dat|voor|in|op)\s|[,.;:!?\n]|$)/iu,
  /[「『]([^」』]{2,40})[」』](?:の|という)/u,
  // "Promote our dental clinic SmileBright", "advertise the new menu"
  /(?<![\p{L}])(?:promote|advertise|showcase|market|announce)\s+(?:our|my|the|a|an)\s+(.+?)(?=\s+(?:for|that|which|with|to|in|at|and|called|named)\s|[,.;:!?()\n]|\s[-–—]\s|$)/iu,
  // "We sell handmade ceramic mugs (brand: …)", "we make small-batch hot sauce"
  /(?<![\p{L}])(?:we|i)\s+(?:sell|make|offer|produce|bake|brew|roast|craft|design|build|run|own)\s+(.+?)(?=\s+(?:for|that|which|with|to|in|at|and|called|named)\s|[,.;:!?()\n]|\s[-–—]\s|$)/iu,
];
const FOR_SOMETHING = /(?<![\p{L}])(?:for|para|pour|für|per)\s+(?:our|my|your|the|a|an|nuestro|nuestra|notre|unser|unsere|nosso|nossa|nostro|nostra)\s+(.+?)(?=[,.;:!?\n]|$)/iu;
const BEFORE_AD = /(?:^|[,.;:!?]\s*)(?:an?\s+|the\s+)?([\p{L}][\p{L}\s'’-]{1,40}?)\s+(?:ad|advert|advertisement|commercial|spot|promo|campaign|anuncio|anúncio|publicité|werbung|pubblicità)(?![\p{L}])/iu;
const FILLER = new Set("but yet and very super short quick new our my a an the tiktok instagram youtube social video vertical".split(" "));
const MUSIC_SUBJECT = /(?<![\p{L}])(?:about|sobre|sur|über|su|on the theme of)\s+(.+?)(?=[,.;:!?\n]|$)/iu;

/** What is advertised (or, for a music video, what it is about), without articles. */
export function parseProduct(text: string, pipeline: GenerationRequest["pipeline"]): string | null {
  const patterns = pipeline === "music_video" ? [MUSIC_SUBJECT, ...PRODUCT_PATTERNS] : PRODUCT_PATTERNS;
  for (const re of patterns) {
    const raw = re.exec(text)?.[1];
    if (!raw) continue;
    const product = raw.replace(LEADING_ARTICLES, "").trim().split(/\s+/).slice(0, 8).join(" ");
    if (product.length >= 2 && !/^(?:my|the|a)?\s*song$/i.test(product)) return product;
  }
  const before = BEFORE_AD.exec(text)?.[1]?.trim();
  if (before && before.split(/\s+/).some((w) => !FILLER.has(w.toLowerCase()) && !isLexiconTerm(w))) {
    return before.split(/\s+/).filter((w) => !isLexiconTerm(w) && !FILLER.has(w.toLowerCase())).join(" ");
  }
  return null;
}

const MESSAGE_CUES = [
  /(?:highlight(?:s|ing)?|emphasi[sz](?:e|es|ing)|focus(?:ing)? on|show(?:ing)? (?:that|how|off)|showcas(?:e|ing)|mention(?:ing)?|stress(?:ing)?|key messages?:?|message:|point out|resaltar|destacar|mostrar que|mettre en avant|souligner|montrer que|hervorheben|betonen|zeigen, dass|evidenziare|sottolineare|mostrare che)\s+(.+?)(?=[.;!?\n]|$)/giu,
  /(?<![\p{L}])(?:that|which|que|qui|che)\s+(.+?)(?=[,.;!?\n]|$)/giu,
  /(?<!(?:end|ends|ending|close|closing|finish|finishes|finishing|termina|terminar|termine|endet|finisce|finire|chiude|acaba|cierra|fecha|finit|schließt)\s)(?<![\p{L}])(?:with|featuring|made with|made from|con|avec|com)\s+(.+?)(?=[,.;!?\n]|$)/giu,
];
const NOT_A_MESSAGE = /#|colou?rs?|palette|tone|vibe|mood|style|look|feel|music|soundtrack|pacing|cuts?|colores|couleurs|farben|cores|colori|tono|estilo|stil|ambiance|cta|call to action/iu;

/** Points the brief wants made: "highlighting X and Y", "an app that saves…", "with recycled soles". */
export function parseKeyMessages(text: string, exclude: string[] = []): string[] {
  const out: string[] = [];
  const excluded = exclude.filter(Boolean).map(norm);
  for (const re of MESSAGE_CUES) {
    for (const m of text.matchAll(re)) {
      for (const part of m[1]!.split(/,\s*|\s+(?:and|y|et|und|e)\s+/u)) {
        const p = part.replace(LEADING_ARTICLES, "").replace(/^["“'‘«]|["”'’»]$/gu, "").trim();
        if (excluded.some((e) => norm(p).includes(e) || e.includes(norm(p)))) continue;
        if (p.length < 3 || p.split(/\s+/).length > 12 || NOT_A_MESSAGE.test(p) || scan(COLORS, p).length || scan(TONES, p).length) continue;
        if (!out.some((o) => norm(o) === norm(p))) out.push(p);
      }
    }
  }
  return out.slice(0, 4);
}

function fallbackProduct(text: string): string {
  const clause = (text.split(/[.,;:!?\n]|\s[-–—]\s|[–—]/u)[0] ?? text).split(/\s+(?:that|which|with|for|que|qui|che|mit|con|avec|com)\s/iu)[0]!;
  const words = clause.replace(/(?<![\p{L}\p{N}])\d+\s*-?\s*(?:s|sec|seconds?)(?![\p{L}])/giu, "").replace(LEADING_ARTICLES, "").trim().split(/\s+/).slice(0, 8);
  return words.join(" ") || "the product";
}

const CTA_TERM = /cta|call[\s-]to[\s-]action|llamad[ao] a la acción|appel à l['’]action|handlungsaufforderung|chamada (?:para|à) ação|invito all['’]azione|oproep tot actie|行動喚起|最後に|end(?:s|ing)?\s+(?:with|on)|termin(?:a|ar|e|er)\s+(?:con|com|par|avec|sur)|endet\s+mit|eindig(?:t|en)?\s+met|finisce\s+con/iu;
const QUOTES_G = new RegExp(QUOTED.source, "gu");

/** The CTA of a structured brief: named in its CTA section, else among the mandatories or brand rules. */
function ctaFromSections(doc: BriefSections): string | null {
  for (const kinds of [["cta"], ["mandatories"], ["brand", "deliverables", null]] as const) {
    const section = textOf(doc, ...kinds);
    if (!section.trim()) continue;
    for (const line of section.split("\n")) {
      const term = CTA_TERM.exec(line);
      if (!term) continue;
      const quotes = [...line.matchAll(QUOTES_G)].map((m) => ({ index: m.index ?? 0, text: (m[1] ?? m[2])!.trim() }));
      const after = quotes.find((q) => q.index >= term.index) ?? quotes.at(-1);
      if (after) return after.text;
    }
    const parsed = parseCta(section);
    if (parsed) return parsed;
    if (kinds[0] === "cta") {
      const first = section.trim().split("\n")[0]!.replace(/^[-–—•*·]\s*/u, "");
      const quoted = QUOTED.exec(first);
      if (quoted) return (quoted[1] ?? quoted[2])!.trim();
      // "CTA: Grind better." — the section's own short line is the text.
      const plain = first.replace(/[.!。]+$/u, "").trim();
      if (plain.length >= 2 && plain.length <= 60 && plain.split(/\s+/).length <= 8 && !NOT_A_CTA.test(plain)) return plain;
    }
  }
  return null;
}

const HOLD_UNIT = String.raw`(\d{1,2}(?:[.,]\d)?)\s*(?:(?:dernières|derniers|letzten|últimos|ultimos|ultimi|laatste)\s+)?(?:s|secs?|seconds?|segundos?|secondes?|sekunden|sek|secondi|seconden|秒)(?![\p{L}])`;
const HOLD_RE = new RegExp(String.raw`(?:on[\s-]screen|stays?|held|holds?|hold(?:ing)?|remains?|for|during|last|final|closing|durante|pendant|während|für|per|gedurende|nos|negli|en los|los|les|die|de|最後の)\D{0,25}?` + HOLD_UNIT, "iu");

/** How long the brief keeps its CTA on screen ("on screen for the last 4 seconds"), if it says. */
export function ctaHold(text: string, cta: string, doc: BriefSections): number | null {
  const at = text.indexOf(cta);
  const places = [
    ...(at >= 0 ? [text.slice(at + cta.length).split(/\n|[.!?。](?:\s|$)/u)[0]!] : []),
    ...(doc.structured ? [textOf(doc, "cta")] : []),
  ];
  for (const place of places) {
    const m = HOLD_RE.exec(place);
    if (!m) continue;
    const s = Number(m[1]!.replace(",", "."));
    if (s >= 1 && s <= 15) return s;
  }
  return null;
}

const LAUNCH_RE = /(?<![\p{L}])(?:launch(?:es|ing)?|introduc(?:es|ing)|unveil(?:s|ing)?|presents?|lanza|presenta|lance|présente|lança|lancia|bringt|lanceert|introduceert)\s+(?:(?:the|its|our|la|el|le|les|die|den|das|o|a|il|lo|de|het|sa|son|su|seu|sua|ihre[n]?|seine[n]?)\s+)?((?:[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*)(?:[ \t]+(?:&[ \t]+)?[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*){0,3}),\s+(?:a|an|un|una|une|ein|eine|einen|um|uma|een)\s+([^,.;:\n]{3,60}?)(?=\s+(?:that|which|with|que|qui|der|die|das|che|dat|die|con|avec|mit|com|met)\s|[,.;:\n]|$)/u;
const ROMANCE = /^(?:es|fr|pt|it)$/;
const COPULA = /\s(?:is|are|es|son|est|sont|ist|sind|é|são|è|sono|zijn)\s/iu;
const PRONOUN = /^(?:it|this|they|these|we|es|esto|este|esta|ce|c['’]est|il|elle|cela|es|das|dies|er|sie|isso|este|esta|questo|questa|het|dit|deze)$/iu;
const FUNCTION_WORD = /^(?:de|di|da|do|du|des|del|della|dos|das|con|com|avec|per|para|pour|sur|à|a|en|in|que|qui|che)$/iu;

/** The product of a structured brief: the first line of its Product section, else "launches X, a …". */
function productFromSections(doc: BriefSections, text: string): string | null {
  const section = textOf(doc, "product").trim();
  if (section) {
    const first = section.split("\n")[0]!.replace(/^[-–—•*·]\s*/u, "").replace(/^[\p{L} ]{2,20}[:：]\s*/u, "");
    const clause = first.split(/[,、，。]|\.(?:\s|$)|:|\s[-–—]\s|\s\(|（/u)[0]!;
    // "It is a smart water bottle" names the product after the verb; "The Aero is a …" before it.
    const copula = COPULA.exec(clause);
    const name = (copula ? (PRONOUN.test(clause.slice(0, copula.index).trim()) ? clause.slice(copula.index + copula[0].length) : clause.slice(0, copula.index)) : clause)
      .split(/\s(?:that|which|who|with|for|que|qui|con|avec|mit|die|der|das|che|dat|met|para|pour|per|für|com)\s/iu)[0]!
      .replace(LEADING_ARTICLES, "")
      .trim();
    if (name.length >= 2 && name.split(/\s+/).length <= 6) return name;
    const parsed = parseProduct(section, "ad");
    if (parsed) return parsed;
  }
  const launch = LAUNCH_RE.exec(text);
  if (launch) {
    const words = launch[2]!.trim().split(/\s+/);
    // The noun comes first in Romance languages ("une crème de nuit"), last in English and German.
    const head = ROMANCE.test(detectLanguage(text)) ? words.slice(0, Math.max(1, words.findIndex((w) => FUNCTION_WORD.test(w)))).slice(0, 2) : words.slice(-2);
    const fresh = head.filter((w) => !norm(launch[1]!).includes(norm(w)));
    return fresh.length ? `${launch[1]} ${fresh.join(" ")}` : launch[1]!;
  }
  return parseProduct(withoutDurations(factualText(doc)), "ad");
}

const COMPANY_RE = /(?:^|[.!?\n]\s*)((?:[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*)(?:[ \t]+(?:&[ \t]+)?[\p{Lu}\p{N}][\p{L}\p{N}&'’.-]*){0,3})\s+(?:is|es|est|ist|é|è|is)\s+(?:a|an|un|una|une|ein|eine|um|uma|een)\s+(?:[^.\n]{0,50}?\s)?(?:company|brand|business|firm|start-?up|maker|manufacturer|label|empresa|marca|compañía|entreprise|marque|société|[Uu]nternehmen|[Mm]arke|[Ff]irma|[Hh]ersteller|azienda|bedrijf|merk)(?![\p{L}])/u;

const JA_COMPANY_RE = /(?:^|[。\n])\s*([^\s、。はがの]{2,20})は[^。\n]{0,30}(?:メーカー|ブランド|会社|企業|スタートアップ)(?:です|だ|。)/u;

/** The brand of a structured brief: named outright, else "X is a … company", else from its factual sections. */
function structuredBrandName(text: string, factual: string, exclude: string[], language: string, doc: BriefSections): string | null {
  const excluded = new Set(exclude.filter(Boolean).map(norm));
  // "Brand: Lumo." — a brand field that holds only a short name (not "Brand: navy and gold, logo top right").
  const field = doc.sections.find((s) => s.kind === "brand" && /^(?:brand|brand name|marca|marque|marke|marchio|merk|name)$/iu.test(s.heading))?.text.trim().split("\n")[0]!.replace(/[.!。]+$/u, "").trim();
  if (field && field.split(/\s+/).length <= 4 && !/#|\d/.test(field) && !scan(COLORS, field).length && !scan(TONES, field).length && !excluded.has(norm(field))) return field;
  for (const found of [NAME_CUES.exec(factual)?.[1], COMPANY_RE.exec(text)?.[1], JA_COMPANY_RE.exec(text)?.[1], NAME_CUES.exec(text)?.[1]]) {
    const name = found?.trim().replace(/[.’']+$/, "");
    if (name && !excluded.has(norm(name)) && !isLexiconTerm(name)) return name;
  }
  return guessBrandName(factual, exclude, language);
}

/** The points of a brief's key-messages section, one per line or list item, each cut at its first colon or full stop. */
function listedMessages(section: string): string[] {
  return section
    .split("\n")
    .map((l) => l.replace(/^\s*(?:[-–—•*·]|\d{1,2}[.)])\s*/u, "").split(/[:;。]|\.(?:\s|$)/u)[0]!.trim())
    .filter((l) => l.length >= 3 && l.split(/\s+/).length <= 14)
    .slice(0, 4);
}

const RULED_OUT = /(?<![\p{L}])(?:rather than|instead of|not|no|never|avoid|without|nothing|en lugar de|no|nada de|sin|plutôt que|pas de|jamais|sans|statt|kein(?:e|en)?|nicht|ohne|em vez de|nada de|sem|invece di|niente|senza|in plaats van|geen|niet|zonder)(?:\s+[\p{L}'’-]+){0,2}\s*$/iu;

/** The hits a brief does not rule out: "understatement rather than hype" is not hype. */
function affirmed<T extends { index: number }>(hits: T[], text: string): T[] {
  return hits.filter((h) => !RULED_OUT.test(text.slice(Math.max(0, h.index - 40), h.index)));
}

