import { normalizeHex } from "../schemas/request.js";

/**
 * The offline analyst's vocabulary: lexicons in the brief languages (en, es, fr, de, pt, it, nl, ja) that
 * map what a brief says to canonical English terms. Pure data and matching; no I/O.
 */

export interface Lexicon {
  /** The terms, in the order they are tried at a position: longest first, then as listed. */
  terms: string[];
  lookup: Map<string, string>;
  /** Terms of spaced scripts, matched as whole words; terms in Japanese or Chinese, anywhere. */
  words: TrieNode;
  unspaced: TrieNode;
}
export interface Hit {
  key: string;
  term: string;
  index: number;
}

/**
 * One character of a term a step, case folded; `sep` is where the term has a space or a
 * hyphen, which the text may write as one space, one hyphen or nothing ("high-energy",
 * "high energy", "highenergy"). `rank` marks the end of a term (its place in `terms`).
 */
export interface TrieNode {
  next: Map<string, TrieNode>;
  sep?: TrieNode;
  rank?: number;
}

/** Folds case, spaces and hyphens so "High-Energy" and "high energy" compare equal. */
export const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, "");

/** One code point, case folded as a case-insensitive Unicode regex compares it. */
function fold(c: string): string {
  if (c === "\u017f") return "s"; // long s
  const lower = c.toLowerCase();
  return lower.length === c.length ? lower : c;
}
const CJK = /[\u3040-\u30ff\u3400-\u9fff]/u;
const isCjk = (t: string) => CJK.test(t);

// Per-character facts, memoised: ASCII from tables, the rest as met (a brief has few distinct ones).
const ASCII_FOLD = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c).toLowerCase());
const ASCII_WORD = Array.from({ length: 128 }, (_, c) => /[A-Za-z0-9]/.test(String.fromCharCode(c)));
const folded = new Map<string, string>();
const wordChars = new Map<string, boolean>();
/** The code point at i (a surrogate pair is one). */
function charAt(text: string, i: number): string {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? text.slice(i, i + 2) : text[i]!;
}
function foldOf(c: string): string {
  if (c.length === 1 && c.charCodeAt(0) < 128) return ASCII_FOLD[c.charCodeAt(0)]!;
  let f = folded.get(c);
  if (f === undefined) {
    if (folded.size > 4096) folded.clear();
    folded.set(c, (f = fold(c)));
  }
  return f;
}
/** A letter or a digit of any script (what the whole-word boundary looks at). */
function isWordChar(c: string): boolean {
  if (c.length === 1 && c.charCodeAt(0) < 128) return ASCII_WORD[c.charCodeAt(0)]!;
  let w = wordChars.get(c);
  if (w === undefined) {
    if (wordChars.size > 4096) wordChars.clear();
    wordChars.set(c, (w = /^[\p{L}\p{N}]$/u.test(c)));
  }
  return w;
}
/** The text case folded a code point at a time, as long as the text (indices stay valid). */
export function foldCase(text: string): string {
  let out = "";
  for (const c of text) out += foldOf(c);
  return out;
}
/** A letter of any script (what `\p{L}` matches). */
export const isLetter = (c: string) => LETTER.test(c);
const LETTER = /^\p{L}$/u;
/** What `[\s-]` matches in a Unicode regex. */
const isSep = (c: string) => c === " " || c === "-" || (c.length === 1 && /^[\s]$/u.test(c));

function insert(root: TrieNode, term: string, rank: number): void {
  let node = root;
  for (const part of term.split(/[\s-]+/u).map((p, i) => (i === 0 ? p : ` ${p}`))) {
    for (const c of part) {
      if (c === " ") node = node.sep ??= { next: new Map() };
      else {
        const f = foldOf(c);
        let child = node.next.get(f);
        if (!child) node.next.set(f, (child = { next: new Map() }));
        node = child;
      }
    }
  }
  if (node.rank === undefined || rank < node.rank) node.rank = rank;
}

/**
 * Builds the matcher (longest terms first) from lines of `key = term|term|…`. A trie, not one
 * alternation regex: V8 compiled the case-insensitive Unicode alternations of the lexicons on
 * their first use, ~45 ms of every CLI start, for matching that takes microseconds.
 */
export function compileLexicon(spec: string): Lexicon {
  const lookup = new Map<string, string>();
  const terms: string[] = [];
  for (const line of spec.split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    for (const raw of line.slice(eq + 1).split("|")) {
      const term = raw.trim();
      if (!term || lookup.has(norm(term))) continue;
      lookup.set(norm(term), key);
      terms.push(term);
    }
  }
  terms.sort((a, b) => b.length - a.length);
  const words: TrieNode = { next: new Map() };
  const unspaced: TrieNode = { next: new Map() };
  terms.forEach((t, rank) => insert(isCjk(t) ? unspaced : words, t, rank));
  return { terms, lookup, words, unspaced };
}

/** The code point that ends just before i. */
function before(text: string, i: number): string {
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff ? text.slice(i - 2, i) : text[i - 1]!;
}

// The walk's state: one walk at a time (matching is synchronous), no closure per position.
let walkText = "";
let walkWhole = false;
let bestRank = -1;
let bestEnd = -1;

function walk(node: TrieNode, i: number): void {
  const text = walkText;
  if (node.rank !== undefined && (bestRank < 0 || node.rank < bestRank) && (!walkWhole || i >= text.length || !isWordChar(charAt(text, i)))) {
    bestRank = node.rank;
    bestEnd = i;
  }
  if (i >= text.length) return;
  const c = charAt(text, i);
  if (node.sep) {
    if (isSep(c)) walk(node.sep, i + c.length);
    walk(node.sep, i);
  }
  const child = node.next.get(foldOf(c));
  if (child) walk(child, i + c.length);
}

/** The end of the best term (lowest rank) of the trie that matches at `from`, or -1. */
function longest(root: TrieNode, text: string, from: number, wholeWord: boolean): number {
  if (!root.next.has(foldOf(charAt(text, from)))) return -1;
  walkText = text;
  walkWhole = wholeWord;
  bestRank = -1;
  bestEnd = -1;
  walk(root, from);
  walkText = "";
  return bestEnd;
}

/**
 * Every lexicon hit in order of appearance: at each position the first term in `terms` order
 * that matches there (a spaced-script term only as whole words), then on after it.
 */
export function scan(lex: Lexicon, text: string): Hit[] {
  const hits: Hit[] = [];
  // a term in Japanese or Chinese can only match a text that has such characters
  const hasUnspaced = lex.unspaced.next.size > 0 && CJK.test(text);
  let i = 0;
  while (i < text.length) {
    let end = i === 0 || !isWordChar(before(text, i)) ? longest(lex.words, text, i, true) : -1;
    if (end < 0 && hasUnspaced) end = longest(lex.unspaced, text, i, false);
    if (end < 0) {
      i += charAt(text, i).length;
      continue;
    }
    const term = text.slice(i, end);
    const key = lex.lookup.get(norm(term));
    if (key) hits.push({ key, term, index: i });
    i = end;
  }
  return hits;
}

/** Distinct keys in order of first appearance. */
export function keys(hits: Hit[]): string[] {
  return [...new Set(hits.map((h) => h.key))];
}

const COLOR_HEX: Record<string, string> = {
  black: "#111111", white: "#FFFFFF", red: "#E63946", crimson: "#B91C1C", burgundy: "#800020", pink: "#F472B6",
  "hot pink": "#FF1493", coral: "#FF7F50", orange: "#F97316", amber: "#F59E0B", gold: "#D4AF37", yellow: "#FACC15",
  mustard: "#E1AD01", cream: "#FFF8E7", beige: "#E8DCC4", peach: "#FFCBA4", terracotta: "#E2725B", brown: "#8B5E3C",
  olive: "#708238", lime: "#84CC16", green: "#22C55E", "forest green": "#228B22", mint: "#98FF98", sage: "#9CAF88",
  teal: "#0F766E", turquoise: "#40E0D0", cyan: "#06B6D4", "sky blue": "#87CEEB", blue: "#2563EB", "royal blue": "#4169E1",
  navy: "#1E3A8A", indigo: "#4B0082", purple: "#7C3AED", lavender: "#C4B5FD", magenta: "#D946EF", silver: "#C0C0C0",
  grey: "#6B7280", charcoal: "#36454F", ivory: "#FFFFF0", blush: "#FBC4D4", "powder blue": "#BDE0FE", midnight: "#1B1B2F",
  copper: "#B87333", bronze: "#CD7F32", emerald: "#2E8B57",
};
export const COLORS = compileLexicon(`
black = black|negro|negra|noir|noire|schwarz|schwarze|preto|preta|nero|nera|zwart|zwarte|黒|ブラック
white = white|blanco|blanca|blanc|blanche|weiß|weiss|weiße|branco|branca|bianco|bianca|wit|witte|白|ホワイト
red = red|rojo|roja|rouge|rot|rote|vermelho|vermelha|rosso|rossa|rood|rode|赤|レッド
crimson = crimson|scarlet|carmesí|cramoisi
burgundy = burgundy|maroon|wine red|bordeaux|burdeos|bordô|bordeaux red
pink = pink|rosa|rose|rosé|roze|ピンク|桃色
hot pink = hot pink|fuchsia|fucsia
coral = coral|corail|koralle|corallo
orange = orange|naranja|laranja|arancione|oranje|オレンジ|橙
amber = amber|ámbar|ambre|bernstein|âmbar|ambra
gold = gold|golden yellow|dorado|dorada|doré|dorée|dourado|dourada|oro|dorato|dorata|goud|goudkleurig|金色|ゴールド
yellow = yellow|amarillo|amarilla|jaune|gelb|gelbe|amarelo|amarela|giallo|gialla|geel|gele|黄色|イエロー
mustard = mustard|mostaza|moutarde|senf|mostarda
cream = cream|crema|crème|creme|crème kleur|クリーム色
beige = beige|sand|tan|bege
peach = peach|melocotón|pêche|pfirsich|pêssego|pesca
terracotta = terracotta|terracota|terre cuite
brown = brown|marrón|marron|braun|marrom|marrone|chocolate brown|bruin|bruine|dunkelbraun|hellbraun|茶色|ブラウン
olive = olive|oliva|olivgrün
lime = lime|lima|citron vert|limette
green = green|verde|vert|verte|grün|grüne|gruen|groen|groene|緑|グリーン
forest green = forest green|dark green|verde bosque|vert forêt|waldgrün|dunkelgrün|donkergroen|深緑
mint = mint|menta|menthe|minze|mint green
sage = sage|sage green|salvia|sauge|salbei
teal = teal|petrol|verde azulado|sarcelle
turquoise = turquoise|turquesa|türkis|turchese|turkoois|aqua|aquamarine|ターコイズ
cyan = cyan|cian|ciano
sky blue = sky blue|light blue|celeste|bleu ciel|hellblau|azul claro|azzurro|lichtblauw|水色|空色
blue = blue|azul|bleu|bleue|blau|blaue|blu|blauw|blauwe|青|ブルー
royal blue = royal blue|cobalt|azul rey|bleu roi|königsblau|cobalto
navy = navy|navy blue|dark blue|azul marino|bleu marine|marineblau|azul-marinho|blu navy|blu scuro|dunkelblau|donkerblauw|marineblauw|紺|ネイビー
indigo = indigo|índigo
purple = purple|morado|violeta|violet|lila|roxo|viola|púrpura|paars|paarse|紫|パープル
lavender = lavender|lavanda|lavande|lavendel
magenta = magenta
silver = silver|plateado|argenté|silber|prateado|argento|zilver|zilveren|銀色|シルバー
grey = grey|gray|gris|grise|grau|cinza|grigio|grigia|grijs|grijze|灰色|グレー
charcoal = charcoal|anthracite|antracita|anthrazit|carvão|antracite|graphite|grafito|graphit|grafite
copper = copper|cobre|cuivre|kupfer|rame|koper
bronze = bronze|bronce|bronzo|brons
emerald = emerald|emerald green|esmeralda|émeraude|smaragd|smeraldo
ivory = ivory|marfil|ivoire|elfenbein|marfim|avorio
blush = blush|pastel pink|light pink|baby pink|rosa pastel|rose pâle
powder blue = powder blue|pastel blue|baby blue|azul pastel|bleu pastel
midnight = midnight|midnight blue|azul medianoche|bleu nuit|mitternachtsblau`);

/** Phrases that contain colour words without naming a colour. */
const NOT_COLOURS =
  /black[\s-]and[\s-]white|b&w|blanco y negro|noir et blanc|schwarz[\s-]?wei(ß|ss)|preto e branco|bianco e nero|zwart[\s-]?wit|白黒|black friday|white noise|green screen|red carpet|golden hour|hora dorada|ice cream|sour cream|sun ?cream|crème (?:solaire|hydratante|glacée|fraîche)|crema (?:solar|solare|hidratante|idratante)|creme (?:solar|hidratante)|sonnencreme|緑茶|紅茶|白紙/giu;

// At most two words between a colour word and its hex: the rest of the colour's name.
const NAME_BEFORE_HEX = /^[\s(]*(?:[\p{L}'’-]+\s+){0,2}[(\s]*$/u;
const AND_OR = /^(?:and|or|y|o|e|et|ou|und|oder|en|of|with|con|avec|mit|com|met|plus)$/iu;
const namesHex = (gap: string) =>
  NAME_BEFORE_HEX.test(gap) && !gap.trim().split(/[\s(]+/u).filter(Boolean).some((w) => AND_OR.test(w) || scan(COLORS, w).length > 0);
// "never use black backgrounds", "no red", "sin negro": a colour the brand rules out.
const NEGATED = /(?<![\p{L}])(?:never(?:\s+use)?|not|no|avoid|without|nunca(?:\s+usar)?|sin|evitar|jamais|pas\s+de|sans|éviter|nie|niemals|kein(?:e|en)?|ohne|vermeiden|sem|evite|mai|senza|evitare|nooit|geen|zonder|vermijd)(?:\s+[\p{L}'’-]+){0,1}\s*$/iu;

/** Named and hex colours in order of appearance, as #RRGGBB (a colour ruled out is left out). */
export function parseColors(text: string, language = "en"): string[] {
  let clean = text.replace(NOT_COLOURS, (m) => " ".repeat(m.length));
  // "or" is gold only in French, and "et or" / "noir et or" is how a palette says it.
  if (language === "fr") clean = clean.replace(/(?<![\p{L}])or(?![\p{L}])/giu, "doré");
  const found: { index: number; end: number; hex: string }[] = [];
  for (const m of clean.matchAll(/#(?:[0-9a-f]{6}|[0-9a-f]{3})(?![0-9a-z])/giu)) found.push({ index: m.index ?? 0, end: (m.index ?? 0) + m[0].length, hex: normalizeHex(m[0]) });
  const hexes = [...found];
  for (const h of scan(COLORS, clean)) {
    // "neon green #39FF14", "amarillo sol #F6B93B" and "#39FF14 (neon green)" name one colour, given exactly by the hex.
    const end = h.index + h.term.length;
    if (hexes.some((x) => (x.index >= end && namesHex(clean.slice(end, x.index))) || (h.index >= x.end && h.index - x.end <= 3))) continue;
    if (NEGATED.test(clean.slice(Math.max(0, h.index - 40), h.index))) continue;
    // "Signal Yellow #FFC93C … the yellow accents": the word refers back to a colour the hex gave.
    if (hexes.some((x) => x.index < h.index && colorName(x.hex) === h.key)) continue;
    found.push({ index: h.index, end, hex: COLOR_HEX[h.key]! });
  }
  return [...new Set(found.sort((a, b) => a.index - b.index).map((f) => f.hex))];
}

/** The named colours as RGB triples, read once. */
const COLOR_RGB: [string, number, number, number][] = Object.entries(COLOR_HEX).map(([name, hex]) => [name, ...rgbOf(hex)]);
/** colorName's answers: a brief has a handful of colours, asked for once per clip prompt. */
const colorNames = new Map<string, string>();

function rgbOf(hex: string): [number, number, number] {
  const h = normalizeHex(hex);
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** The nearest named colour, so prompts can say "navy" next to #1E3A8A. */
export function colorName(hex: string): string {
  const known = colorNames.get(hex);
  if (known !== undefined) return known;
  const [r, g, b] = rgbOf(hex);
  let best = "grey";
  let bestD = Infinity;
  for (const [name, r2, g2, b2] of COLOR_RGB) {
    const d = 2 * (r - r2) ** 2 + 4 * (g - g2) ** 2 + 3 * (b - b2) ** 2;
    if (d < bestD) [best, bestD] = [name, d];
  }
  if (colorNames.size >= 4096) colorNames.clear();
  colorNames.set(hex, best);
  return best;
}

export const TONES = compileLexicon(`
playful = playful|fun|quirky|cheeky|whimsical|juguetón|juguetona|divertido|divertida|lúdico|ludique|amusant|verspielt|brincalhão|divertente|giocoso|speels|grappig|遊び心|楽しい
humorous = humorous|funny|witty|comedic|hilarious|gracioso|drôle|humorvoll|lustig|engraçado|umoristico
energetic = energetic|punchy|high-energy|dynamic|upbeat|hype|lively|enérgico|enérgica|energético|énergique|dynamique|energiegeladen|dynamisch|energico|dinamico|energiek|dynamisch|エネルギッシュ|元気|活気
calm = calm|calming|relaxing|serene|tranquil|peaceful|soothing|tranquilo|tranquila|sereno|calme|serein|apaisant|ruhig|entspannt|gelassen|calmo|rilassante|rustig|kalm|ontspannen|穏やか|落ち着いた|静か
luxurious = luxurious|luxury|premium|high-end|upscale|opulent|lujoso|lujosa|luxueux|luxe|luxuriös|luxus|luxuoso|lussuoso|lusso
elegant = elegant|sophisticated|refined|chic|elegante|élégant|élégante|raffiné|raffinato|verfijnd|上品|エレガント
warm = warm|cozy|cosy|heartwarming|cálido|acogedor|chaleureux|gemütlich|herzlich|aconchegante|caloroso|caldo|accogliente|gezellig|温かい|あたたかい
bold = bold|confident|daring|audaz|atrevido|audacieux|mutig|selbstbewusst|ousado|audace|gedurfd|stoer|大胆
emotional = emotional|heartfelt|touching|moving|emotivo|émouvant|berührend|comovente|commovente
nostalgic = nostalgic|nostálgico|nostalgique|nostalgisch|nostalgico|ノスタルジック|懐かしい
inspiring = inspiring|inspirational|uplifting|motivational|inspirador|inspiradora|inspirant|inspirierend|ispirante|motivante|inspirerend|motiverend|感動的
serious = serious|authoritative|trustworthy|solemn|serio|seria|sérieux|ernst|seriös|sério|affidabile|serieus|betrouwbaar|真面目|信頼
edgy = edgy|gritty|rebellious|provocative|provocativo|provocateur|rebelde|rebelle|rebellisch
dramatic = dramatic|epic|intense|dramático|épico|dramatique|épique|dramatisch|episch|drammatico|epico
moody = moody|dark|brooding|melancholic|oscuro|sombre|sombrío|düster|melancólico|sombrio|cupo|melancholisch|somber|duister|メランコリック|切ない
dreamy = dreamy|ethereal|soñador|onírico|rêveur|onirique|verträumt|sonhador|sognante|dromerig|夢のような|幻想的
friendly = friendly|approachable|amigable|cercano|amical|freundlich|amigável|amichevole|vriendelijk|親しみやすい
cheerful = cheerful|joyful|happy|cheery|festive|alegre|alegres|festivo|festiva|joyeux|joyeuse|gai|festif|fröhlich|heiter|allegro|allegra|gioioso|festoso|vrolijk|feestelijk|明るい|陽気
refreshing = refreshing|refrescante|rafraîchissant|erfrischend|rinfrescante|verfrissend|fris|爽やか|さわやか
sporty = sporty|athletic|deportivo|sportif|sportlich|esportivo|sportivo|sportief|スポーティ
adventurous = adventurous|rugged|outdoorsy|untamed|aventurero|aventurera|aventureux|aventureuse|abenteuerlustig|abenteuerlich|aventureiro|aventureira|avventuroso|avventurosa|avontuurlijk|冒険
romantic = romantic|romántico|romántica|romantique|romantisch|romântico|romântica|romantico|romantica|ロマンチック
mysterious = mysterious|enigmatic|misterioso|misteriosa|mystérieux|mystérieuse|geheimnisvoll|mysteriös|mysterieus|ミステリアス
modern = modern|sleek|contemporary|moderno|moderna|moderne|modernes|modernos|モダン
futuristic = futuristic|sci-fi|high-tech|futurista|futuriste|futuristisch|futuristico|futuristica|近未来
sensual = sensual|sexy|seductive|sensuel|sensuelle|sinnlich|sensuale|sensueel|官能的
hopeful = hopeful|optimistic|esperanzador|optimista|optimiste|hoffnungsvoll|optimistisch|esperançoso|otimista|ottimista|speranzoso|hoopvol
authentic = authentic|honest|auténtico|auténtica|authentique|authentisch|autêntico|autêntica|autentico|autentica|authentiek`);

export const FAST = compileLexicon(`
fast = fast|fast-paced|quick|quick cuts|rapid|punchy|snappy|frenetic|frantic|explosive|action-packed|rápido|rápida|rapide|schnell|veloce|rapido|trepidante|snel|テンポの速い`);
export const SLOW = compileLexicon(`
slow = slow|slow-paced|leisurely|contemplative|meditative|gentle|unhurried|lento|lenta|lent|lente|langsam|pausado|pausé|langzaam|ゆったり|ゆっくり`);

export const STYLE = compileLexicon(`
neon = neon|néon|neón
pastel = pastel|pasteles|pastell
film grain = film grain|grainy|grano|grain de film|körnig|filmkorn|granulado
35mm film = 35mm|16mm|analog film|celluloid|película analógica|pellicule
vintage = vintage|retro|old-school|rétro|retrô
minimalist = minimalist|minimal|minimalista|minimaliste|minimalistisch|clean|sparse|épuré
maximalist = maximalist|maximal|busy|cluttered|chaotic|maximalista|chargé|überladen|recargado
cinematic = cinematic|cinematográfico|cinématographique|cinématique|filmisch|cinematografico
documentary = documentary|documental|documentaire|dokumentarisch|documentário|documentario
handheld = handheld|hand-held|cámara en mano|caméra à l'épaule|handkamera|câmera na mão
slow motion = slow motion|slow-mo|slowmo|cámara lenta|ralenti|zeitlupe|câmera lenta|rallentatore
golden hour = golden hour|sunset|sunrise|hora dorada|atardecer|coucher de soleil|sonnenuntergang|pôr do sol|tramonto|heure dorée
night = night|nighttime|after dark|noche|nuit|nacht|noite|notte
studio = studio|estudio|estúdio|seamless backdrop
black and white = black and white|black-and-white|monochrome|b&w|blanco y negro|noir et blanc|schwarz-weiß|schwarzweiß|preto e branco|bianco e nero
vibrant = vibrant|colorful|colourful|saturated|vibrante|vif|coloré|farbenfroh|lebendig|colorido|colorato|vivace
muted = muted|desaturated|washed-out|earthy|apagado|sourd|gedämpft|terroso|smorzato
dark = dark|low-key|oscuro|oscura|sombre|dunkel|escuro|scuro|moody
bright = bright|airy|sunny|luminous|high-key|luminoso|luminosa|brillante|lumineux|lumineuse|hell|claro|clara
animation = anime|cartoon|animated|animación|animé|animation|zeichentrick|animação|animazione
3d render = 3d|cgi|3d render
stop motion = stop motion|stop-motion|claymation
lo-fi = vhs|lo-fi|lofi|camcorder
aerial = drone|aerial|dron|aérien|aérienne|luftaufnahme|aéreo|aereo
macro = macro|macro shots|extreme close-ups
ugc = ugc|selfie|user-generated|tiktok-style
futuristic = futuristic|cyberpunk|sci-fi|futurista|futuriste|futuristisch|futuristico
glossy = glossy|shiny|polished|lustroso|brillant|glänzend
natural light = natural light|daylight|luz natural|lumière naturelle|tageslicht|luce naturale
watercolor = watercolor|watercolour|acuarela|aquarelle|aquarell|aquarela|acquerello
surreal = surreal|surrealist|surrealista|surréaliste|surrealistisch`);

export const AUDIENCES = compileLexicon(`
Gen Z (about 16–27, mobile-first) = gen z|genz|gen-z|zoomers|generation z|generación z|génération z|geração z|generazione z
millennials (about 28–43) = millennials|millenials|millennial|milénials|milenials
parents = parents|moms|mums|dads|busy parents|padres|eltern|pais|genitori|mamás|mamans
families = families|familias|familles|familien|famílias|famiglie
students = students|estudiantes|étudiants|studenten|studierende|estudantes|studenti
gamers = gamers|gamer|jugadores|joueurs|spieler|jogadores|giocatori
athletes and runners = athletes|runners|fitness fans|deportistas|corredores|sportifs|coureurs|sportler|läufer|atletas|atleti
working professionals = professionals|office workers|remote workers|freelancers|profesionales|professionnels|berufstätige|profissionais|professionisti
kids = kids|children|niños|enfants|kinder|crianças|bambini
teens = teens|teenagers|adolescentes|ados|adolescents|jugendliche|adolescenti
seniors = seniors|retirees|older adults|mayores|personnes âgées|senioren|idosos|anziani
developers = developers|engineers|programmers|desarrolladores|développeurs|entwickler|desenvolvedores|sviluppatori
pet owners = pet owners|dog owners|cat owners|dog lovers|cat lovers|dueños de mascotas
travellers = travelers|travellers|viajeros|voyageurs|reisende|viajantes|viaggiatori
foodies = foodies|coffee lovers|food lovers|amantes del café|gourmets
young adults (18–30) = young adults|young people|jóvenes|jeunes|junge leute|junge menschen|jovens|giovani
creators = creators|content creators|influencers|youtubers|creadores|créateurs|creator
small-business owners = small business owners|entrepreneurs|founders|emprendedores|entrepreneurs|unternehmer|empreendedores|imprenditori
commuters = commuters|city commuters|daily commuters|pendler|pendlerinnen|navetteurs|pendolari|forenzen
homeowners = homeowners|home owners|hausbesitzer|eigenheimbesitzer|propriétaires|propietarios|proprietari|huiseigenaren`);

export const SETTINGS = compileLexicon(`
a sunlit home kitchen = kitchen|cocina|cuisine|küche|cozinha|cucina
a cosy neighbourhood café = café|cafe|coffee shop|cafetería|caffè|coffeeshop
a lively city street = city|street|urban|downtown|ciudad|calle|ville|rue|stadt|straße|cidade|rua|città|strada
a sun-washed beach = beach|seaside|playa|plage|strand|praia|spiaggia
a misty forest = forest|woods|bosque|forêt|wald|floresta|bosco
an open mountain landscape = mountain|mountains|montaña|montañas|montagne|berge|gebirge|montanha|montagna
a bright modern office = office|workplace|oficina|bureau|büro|escritório|ufficio
a gritty training gym = gym|gimnasio|salle de sport|fitnessstudio|academia|palestra
a lived-in apartment = home|living room|apartment|bedroom|flat|casa|maison|wohnung|zuhause|appartamento
a rooftop at dusk = rooftop|azotea|toit-terrasse|dachterrasse|terraço|terrazza
a wide desert = desert|desierto|désert|wüste|deserto
a clean studio set = studio|estudio|estúdio
a leafy park = park|parque|parc|parco
a packed club stage = club|nightclub|festival|concert|stage|discoteca|boîte|konzert|bühne|palco
an open coastal road = road|highway|road trip|carretera|route|autobahn|estrada|autostrada
a snowy landscape = snow|winter|nieve|neige|schnee|neve|inverno|invierno|hiver
an underwater world = underwater|ocean|bajo el agua|sous l'eau|unterwasser|subaquático|subacqueo`);

/** What a product category implies when the brief is silent about it. */
export interface ProductProfile {
  category: string;
  audience: string;
  tone: string;
  setting: string;
  problem: string;
  benefit: string;
  proof: string;
  hero: string;
}

const PROFILES: (ProductProfile & { words: string })[] = [
  { category: "drink", words: "coffee|cold brew|brew|espresso|tea|latte|matcha|drink|soda|juice|beer|wine|milk|oat-milk|water|energy drink|smoothie|kombucha|bebida|boisson|getränk|bevanda|cerveza|bière|bier|cerveja|birra|kaffee|caffè|café|té|thé|chá|leche|lait|milch|leite|latte", audience: "young adults (18–34) who treat themselves to a good drink", tone: "upbeat, friendly", setting: "a sunlit café", problem: "the heavy mid-afternoon slump", benefit: "a smooth, refreshing sip that lifts the mood", proof: "friends reaching for a second one", hero: "condensation beading on a chilled" },
  { category: "food", words: "snack|chocolate|pizza|burger|cereal|ice cream|chips|cookie|cookies|bakery|restaurant|sauce|granola|comida|nourriture|essen|cibo|helado|glace|eis|sorvete|gelato", audience: "food lovers (18–45)", tone: "warm, indulgent", setting: "a warm home kitchen", problem: "a craving that ordinary snacks never satisfy", benefit: "a bite that is pure comfort", proof: "happy faces around a shared plate", hero: "steam and glistening detail on" },
  { category: "tech", words: "app|software|platform|saas|tool|phone|smartphone|laptop|smartwatch|gadget|device|camera|aplicación|application|anwendung|aplicativo|applicazione|appli", audience: "busy working professionals (25–45)", tone: "confident, clear", setting: "a bright modern workspace", problem: "juggling cluttered, manual busywork", benefit: "the job done in a single tap", proof: "a clean screen showing the result in seconds", hero: "a crisp screen glow on" },
  { category: "audio", words: "headphones|earbuds|headset|speaker|speakers|soundbar|audio|auriculares|casque|kopfhörer|fones|cuffie", audience: "music lovers and gamers (16–35)", tone: "bold, immersive", setting: "a dim bedroom studio lit by screens", problem: "a noisy world drowning out every note", benefit: "rich, immersive sound that shuts the world out", proof: "a gamer locked in, the world tuned out", hero: "sound waves rippling around" },
  { category: "sport", words: "shoes|sneakers|running|fitness|workout|trainers|bike|bicycle|yoga|zapatillas|baskets|laufschuhe|turnschuhe|tênis|scarpe|sportswear|gym", audience: "active people and runners (18–40)", tone: "energetic, bold", setting: "quiet city streets at dawn", problem: "heavy legs on a tired morning run", benefit: "a light, springy stride that keeps going", proof: "a personal best flashing on a watch", hero: "a burst of motion around" },
  { category: "beauty", words: "skincare|serum|cream|lotion|makeup|lipstick|perfume|fragrance|shampoo|cosmetics|crema|parfum|maquillage|hautpflege|profumo|moisturizer|sunscreen", audience: "style-conscious adults (20–45)", tone: "elegant, warm", setting: "a softly lit dressing room", problem: "dull, tired-looking skin", benefit: "a fresh, healthy glow", proof: "a radiant close-up in natural light", hero: "soft light tracing the curves of" },
  { category: "fashion", words: "dress|jacket|clothing|apparel|fashion|shirt|t-shirt|hoodie|jeans|bag|handbag|sunglasses|ropa|vêtements|kleidung|roupa|moda|abbigliamento|collection|streetwear", audience: "style-conscious young adults (18–35)", tone: "bold, confident", setting: "a sunlit city street", problem: "a wardrobe that all looks the same", benefit: "a look that turns heads", proof: "a confident walk past admiring glances", hero: "fabric catching the light on" },
  { category: "mobility", words: "car|ev|electric vehicle|suv|scooter|e-bike|coche|voiture|auto|carro|automobile|macchina", audience: "drivers (25–55) ready for an upgrade", tone: "confident, dramatic", setting: "an open coastal road", problem: "the grind of the daily commute", benefit: "effortless, quiet power on the open road", proof: "a smooth arrival as heads turn", hero: "light sweeping across the bodywork of" },
  { category: "travel", words: "hotel|airline|flight|trip|travel|vacation|holiday|resort|cruise|viaje|voyage|reise|urlaub|viagem|viaggio|vacaciones", audience: "travellers (25–55)", tone: "inspiring, warm", setting: "a sunlit resort terrace", problem: "the same grey routine week after week", benefit: "a getaway that resets everything", proof: "a first breathtaking view on arrival", hero: "a first breathtaking glimpse of" },
  { category: "finance", words: "bank|banking|card|credit card|insurance|investing|budget|budgeting|savings|crypto|banco|banque|versicherung|seguro|assicurazione|finance", audience: "adults (25–50) who want control of their money", tone: "trustworthy, clear", setting: "a calm modern home office", problem: "money stress and scattered accounts", benefit: "everything under control at a glance", proof: "a growing balance and a relieved smile", hero: "a clean interface glowing for" },
  { category: "home", words: "furniture|sofa|mattress|lamp|vacuum|cleaner|detergent|candle|kitchenware|cookware|mueble|meuble|möbel|móveis|mobili", audience: "homeowners and renters (25–50)", tone: "warm, calm", setting: "a bright, lived-in living room", problem: "a home that never feels quite right", benefit: "a space that finally feels like home", proof: "a family relaxing in the finished room", hero: "warm window light across" },
  { category: "pet", words: "pet|dog|cat|puppy|kitten|dog food|cat food|mascota|perro|gato|chien|chat|hund|katze|cão|cachorro|cane|gatto", audience: "pet owners (25–55)", tone: "warm, playful", setting: "a sunny backyard", problem: "a pet that deserves better than the usual", benefit: "a happy, healthy companion", proof: "a wagging tail and an empty bowl", hero: "a playful moment with" },
];
const DEFAULT_PROFILE: ProductProfile = {
  category: "general", audience: "a broad adult audience (18–45)", tone: "friendly, confident", setting: "a bright, modern everyday space",
  problem: "an ordinary day that is missing something", benefit: "a small upgrade that makes the day better", proof: "real people enjoying it", hero: "a clean, bright reveal of",
};
const PROFILE_RES = PROFILES.map((p) => ({ p, re: compileLexicon(`${p.category} = ${p.words}`) }));

/** The category profile that best matches the product (and, failing that, the whole brief). */
export function productProfile(product: string, brief = ""): ProductProfile {
  // "candles" is a candle: the product's plural words are tried in the singular before the rest of the brief
  const singular = (re: RegExp) => product.replace(re, "$1");
  for (const text of [product, singular(/(\p{L}{3,})s(?![\p{L}])/gu), singular(/(\p{L}{3,})es(?![\p{L}])/gu), brief]) {
    const hit = PROFILE_RES.map(({ p, re }) => ({ p, n: scan(re, text).length })).filter((x) => x.n > 0).sort((a, b) => b.n - a.n)[0];
    if (hit) return hit.p;
  }
  return DEFAULT_PROFILE;
}

/** An explicit setting named in the brief, if any. */
export function detectSetting(text: string): string | null {
  return scan(SETTINGS, text)[0]?.key ?? null;
}

/** Style cues from the brief, as canonical English terms. */
export function detectStyleHints(text: string): string[] {
  return keys(scan(STYLE, text));
}

const OPPOSITES = compileLexicon(`
calm = calm|calming|relaxing|serene|tranquil|peaceful|soothing|tranquilo|tranquila|calme|serein|ruhig|entspannt|calmo|sereno
energetic = high-energy|energetic|hype|frantic|frenetic|explosive|intense|enérgico|energético|énergique|energiegeladen|energico
dark = dark|moody|gloomy|noir|low-key|oscuro|oscura|sombre|düster|dunkel|escuro|scuro
bright = bright|pastel|sunny|airy|high-key|luminoso|luminosa|lumineux|hell|claro|clara
minimal = minimalist|minimal|minimalista|minimaliste|minimalistisch|sparse|épuré
busy = busy|maximal|maximalist|cluttered|chaotic|chargé|überladen|recargado|caótico
serious = serious|solemn|sérieux|ernst|serio|sério
playful = playful|silly|goofy|funny|juguetón|divertido|ludique|verspielt|giocoso
luxury = luxury|luxurious|premium|high-end|lujo|lujoso|luxe|luxueux|luxus|luxuoso|lusso
cheap = cheap|bargain|budget|discount|barato|pas cher|billig|economico
vintage = vintage|retro|old-school|rétro|retrô
futuristic = futuristic|sci-fi|cyberpunk|futurista|futuriste|futuristisch|futuristico
slow = slow|slow-paced|leisurely|lento|lenta|lent|langsam
fast = fast|fast-paced|rapid|quick cuts|rápido|rapide|schnell|veloce`);
const OPPOSED_PAIRS: [string, string][] = [["calm", "energetic"], ["dark", "bright"], ["minimal", "busy"], ["serious", "playful"], ["luxury", "cheap"], ["vintage", "futuristic"], ["slow", "fast"]];

/** A pair of opposed cues found together in a text, with the words that triggered them. */
export interface Contradiction {
  a: string;
  b: string;
  termA: string;
  termB: string;
}

/** Opposed cues present together (calm vs high-energy, dark vs bright, minimalist vs busy…). */
export function findContradictions(text: string): Contradiction[] {
  const hits = scan(OPPOSITES, text);
  const first = (k: string) => hits.find((h) => h.key === k);
  const out: Contradiction[] = [];
  for (const [a, b] of OPPOSED_PAIRS) {
    const ha = first(a);
    const hb = first(b);
    if (ha && hb && norm(ha.term) !== norm(hb.term)) out.push({ a, b, termA: ha.term.toLowerCase(), termB: hb.term.toLowerCase() });
  }
  return out;
}


const ALL_LEXICONS = [COLORS, TONES, FAST, SLOW, STYLE, AUDIENCES, SETTINGS, OPPOSITES];

/** True when the word is a term of any lexicon (a tone, colour, style, audience, setting…). */
export function isLexiconTerm(word: string): boolean {
  const n = norm(word);
  return ALL_LEXICONS.some((l) => l.lookup.has(n));
}
