import { COLORS, TONES, scan } from "../../../core/vocabulary/lexicon.js";

/**
 * The visuals a brief asks to be shown, in its order and its words: "show a rainy mountain
 * trail, a river crossing and a summit", "Scenes: rainy trail; river crossing; summit at
 * sunrise", "muestra una playa, un faro y una cena". The offline planner puts them on its scenes
 * in that order, so the video shows what was asked and an edit can name a scene by it ("drop
 * the river crossing"). Deterministic and pure.
 */

/** A list's opening: a verb of showing (not "show that/how/off": those are messages), or a "Scenes:"/"Shots:" label. */
const OPENERS = [
  // show (us) …, we see …
  /(?<![\p{L}])(?:show(?:s|ing)?(?:\s+us)?|we\s+see|muestr(?:a|e|an)|mostr(?:ar|ando|ad|e|em)|mostra(?:re|ndo)?|montr(?:e|er|ez|ant)|zeig(?:e|en|t)?|toon|tonen|laat\s+zien)(?:\s*[:：])?\s+(?!(?:that|how|off|what|why|when|where|who|it|them|this|these|those|up|about|for|of|to|que|cómo|como|qué|comment|dass|wie|was|che|come|dat|hoe|wat)(?![\p{L}]))/giu,
  // Scenes: …, Shots: …, Visuals: … (any of the brief languages)
  /(?<![\p{L}])(?:scenes?|shots?|visuals?|shot\s+list|escenas?|planos?|scènes?|szenen?|einstellungen|bilder|cenas?|tomadas|inquadrature|beelden)\s*[:：]\s*/giu,
];

/** Words before "show" that make it a noun (a TV show), not a request. */
const SHOW_AS_NOUN = /(?:tv|talk|game|cooking|road|light|fashion|slide|car|trade|reality|radio|quiz|magic|horse|dog|air|award|variety|live|stage|the|a|an)\s+$/iu;
/** Words in front of a request that rule it out: "don't show faces", "never show the price". */
const RULED_OUT = /(?<![\p{L}])(?:don['’]?t|do\s+not|never|not|avoid|without|no|nunca|ne\s+(?:pas|jamais)|nicht|kein(?:e|en)?|não|non|niet|geen|nooit)(?:\s+[\p{L}'’-]+){0,1}\s*$/iu;
/** A list ends at a sentence's end (a full stop followed by a space or the end, !, ?, a new line). */
const LIST_END = /[.!?。](?:\s|$)|[!?\n]/u;
const CONJ = String.raw`(?:and(?:\s+then)?|then|y(?:\s+luego)?|et|puis|und(?:\s+dann)?|dann|e(?:\s+depois|\s+poi)?|en(?:\s+dan)?)`;
const LEADING_CONJ = new RegExp(String.raw`^${CONJ}\s+`, "iu");
const SPLIT_CONJ = new RegExp(String.raw`\s+${CONJ}\s+`, "iu");
const DETERMINER = /^(?:a|an|the|some|our|their|his|her|its|two|three|un|una|unos|unas|el|la|los|las|une|le|les|des|ein|eine|einen|einer|der|die|das|den|um|uma|o|os|as|il|lo|gli|uno|een|het|de)\s/iu;
const TRAILING = /[\s,;:.!?"”'’»)\]]+$/u;
const LEADING = /^[\s"“'‘«(\[-]+|^(?:\d{1,2}[.)]|[-–—•*·])\s*/u;
const MAX_SHOTS = 6;
const MAX_WORDS = 12;

/** The visuals the brief asks to be shown, in its order (at most 6), each in its own words. */
export function parseRequestedShots(text: string): string[] {
  const out: string[] = [];
  for (const opener of OPENERS) {
    for (const m of text.matchAll(opener)) {
      const before = text.slice(Math.max(0, m.index - 30), m.index);
      if (/show/i.test(m[0]) && SHOW_AS_NOUN.test(before)) continue;
      if (RULED_OUT.test(before)) continue;
      const rest = text.slice(m.index + m[0].length);
      const end = LIST_END.exec(rest);
      const list = rest.slice(0, end ? end.index : rest.length);
      for (const item of splitList(list)) {
        if (out.length >= MAX_SHOTS) return out;
        if (!out.some((o) => o.toLowerCase() === item.toLowerCase())) out.push(item);
      }
    }
  }
  if (out.length) return out;
  // "a song about leaving home: a train station at dawn, an empty bedroom, a long road": after a
  // colon, two or more things each with its article are what to show (not "CTA: Shop now",
  // not "colours: navy and gold").
  for (const m of text.matchAll(/([\p{L}]+)\s*[:：]\s*/gu)) {
    if (LABELS.test(m[1]!)) continue;
    const rest = text.slice(m.index + m[0].length);
    const end = LIST_END.exec(rest);
    const items = splitList(rest.slice(0, end ? end.index : rest.length));
    if (items.length >= 2 && items.every((i) => DETERMINER.test(i))) return items.slice(0, MAX_SHOTS);
  }
  return out;
}

/** Labels whose colon opens a fact, not a list of visuals. */
const LABELS = /^(?:cta|action|tone|mood|vibe|audience|target|colou?rs?|palette|brand|brands|name|music|song|track|messages?|tagline|slogan|line|length|duration|format|deliverables?|platforms?|note|notes|avoid|dont|don['’]t|language|voice|voiceover|vo|text|copy|title|logo)$/iu;

/** Where a list of shots stops: a field or a closing line after it ("…, colours: navy", "…, CTA: Shop now", "…, end with Buy now"). */
const NOT_A_SHOT = /[:：]|^(?:cta|call to action|colou?rs?|couleurs|colores|farben|cores|colori|kleuren|tone|ton|tono|mood|music|audience|end(?:s|ing)? (?:with|on)|clos(?:e|es|ing) (?:with|on)|termin[ae]\w* (?:con|com|par|avec)|endet mit|se termine|eindigt met|finisce con)(?![\p{L}])/iu;

function splitList(list: string): string[] {
  let parts: string[];
  if (list.includes(";")) parts = list.split(/\s*;\s*/u);
  else if (list.includes(",")) {
    // "A, B and C", "A, B, and C": commas part the items.
    parts = list.split(/\s*,\s*/u).map((p) => p.replace(LEADING_CONJ, ""));
    const stop = parts.findIndex((p) => NOT_A_SHOT.test(p));
    if (stop >= 0) parts = parts.slice(0, stop);
    // A part may still hold "X and Y" — when the items open with an article, only where Y does
    // too ("a pier, a bench and a boat", not "a pier, fish and chips on a bench").
    const withArticles = parts.filter((p) => DETERMINER.test(p)).length * 2 >= parts.length && parts.length > 1;
    parts = parts.flatMap((p) => {
      const split = p.split(SPLIT_CONJ);
      return split.length > 1 && (withArticles ? split.every((x) => DETERMINER.test(x)) : p === parts.at(-1)) ? split : [p];
    });
  } else parts = list.split(SPLIT_CONJ);
  return parts
    .map((p) => p.replace(LEADING, "").replace(TRAILING, "").trim())
    .filter((p) => {
      const words = p.split(/\s+/).filter(Boolean);
      if (words.length === 0 || words.length > MAX_WORDS || p.length < 3 || NOT_A_SHOT.test(p)) return false;
      // Colours and tones alone are a look, not a shot ("show it in navy and gold", "show it bold").
      let rest = p;
      for (const hit of [...scan(COLORS, p), ...scan(TONES, p)]) rest = rest.replace(hit.term, " ");
      return rest.replace(/(?<![\p{L}])(?:it|them|in|with|and|or|a|an|the|of|tones?|colou?rs?)(?![\p{L}])/giu, " ").trim().length > 0;
    });
}
