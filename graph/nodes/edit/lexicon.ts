/**
 * Words the offline edit interpreter knows: command words (the targets of typo repair),
 * common words it must never "repair", number words and the scene nouns. Data plus two tiny
 * string measures; no parsing here.
 */

/** Command words; a misspelt word is repaired to the nearest of these (or a word of the timeline). */
export const KEYWORDS = [
  "swap", "switch", "exchange", "move", "put", "place", "shift", "bring", "reverse", "order",
  "remove", "delete", "drop", "cut", "lose", "ditch", "scrap", "skip", "omit", "trim", "shorten",
  "lengthen", "extend", "stretch", "make", "set", "change", "speed", "slow", "faster", "slower",
  "double", "half", "twice", "triple", "crop", "reframe", "zoom", "vertical", "portrait", "square",
  "landscape", "horizontal", "widescreen", "fade", "dissolve", "crossfade", "transition", "transitions",
  "black", "regenerate", "redo", "reshoot", "remake", "duplicate", "repeat", "copy", "add", "insert",
  "replace", "scene", "scenes", "shot", "shots", "clip", "clips", "seconds", "second", "bar", "bars",
  "beat", "beats", "frames", "start", "beginning", "end", "last", "first", "third", "fourth", "fifth",
  "sixth", "penultimate", "before", "after", "between", "position", "cta", "call", "action", "text",
  "say", "says", "saying", "longer", "shorter", "motion", "normal", "left", "right", "top", "bottom",
  "center", "centre", "middle", "every", "each", "everything", "opening", "closing", "final", "then",
  "with", "should", "duration", "length", "one", "two", "three", "four", "five", "six", "seven",
  "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "instead", "again",
  "actually", "sorry", "please", "delete", "video", "speed", "slowmo", "times", "percent", "last",
  "slot", "spot", "place", "position", "order", "sequence", "half", "third", "quarter", "whole", "total", "every", "other",
] as const;

/** Ordinary words the repair must leave alone even though they look like a command word. */
export const COMMON = new Set(
  (
    "a an the and or but of to in on at by for from with without into onto over under up down out off " +
    "is are be been was were it its this that these those them they their there here what which who " +
    "i me my we us our you your he she his her him not no yes do does did dont done can could would " +
    "will shall should must may might have has had get got go goes going come comes let lets so too " +
    "very just more most less least much many some any all each other another same new old again " +
    "now then than when where why how also only even still back front way bit lot little few " +
    "night day light dark bright right tight sight might fight late later early earlier soon sooner " +
    "long short tall small big large wide narrow high low slow fast quick quickly real time times " +
    "show shows showing look looks feel feels seem make makes made use used using see saw seen " +
    "like love want need needs keep kept give gave take took put set sets hold held run runs play " +
    "plays played turn turns open close ending opener intro outro scene shot end start part one ones " +
    "color colour colours colors warm cold cool hot rain rainy snow snowy sun sunny sunset sunrise " +
    "dusk dawn morning evening noon midnight moon moonlit fog foggy storm stormy summer winter " +
    "spring autumn fall city town street beach sea ocean sand fire party kitchen logo brand dog cat " +
    "man woman people person friends crowd band singer dance dancing music song sound voice " +
    "white red blue green yellow orange pink purple gold golden silver grey gray neon " +
    "mood tone style drama dramatic happy sad calm energy energetic cinematic moody vibrant " +
    "today tomorrow yours mine ours now buy shop order learn try get join sign download subscribe"
  ).split(/\s+/),
);

export const ONES: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
export const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
export const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
  tenth: 10, eleventh: 11, twelfth: 12,
};
/** Unit words after a number, to their canonical unit token. */
export const UNITS: Record<string, string> = {
  s: "s", sec: "s", secs: "s", second: "s", seconds: "s",
  bar: "bar", bars: "bar", measure: "bar", measures: "bar",
  beat: "beat", beats: "beat", frame: "frame", frames: "frame",
  percent: "%", "%": "%", x: "x", "×": "x", times: "x",
  ms: "ms", millisecond: "ms", milliseconds: "ms", min: "min", minute: "min", minutes: "min",
};
/** Nouns that can follow "a second …" without "second" being a length. */
export const SCENE_NOUNS = new Set(["scene", "scenes", "shot", "shots", "clip", "clips", "one", "ones", "part", "take", "version", "copy", "time", "cta", "transition"]);

/** Words that start a new clause after "and" or a comma. */
export const CLAUSE_VERBS = new Set([
  "swap", "switch", "exchange", "move", "put", "place", "shift", "bring", "reverse", "remove", "delete",
  "drop", "cut", "lose", "kill", "ditch", "scrap", "omit", "trim", "shorten", "lengthen", "extend",
  "stretch", "make", "set", "change", "speed", "slow", "play", "crop", "reframe", "zoom", "add",
  "insert", "use", "fade", "dissolve", "crossfade", "regenerate", "redo", "reshoot", "remake",
  "rerender", "duplicate", "repeat", "copy", "clone", "open", "start", "begin", "end", "finish",
  "close", "replace", "give", "show", "hide", "get", "take", "turn", "shave", "flip", "invert",
]);

/** Politeness and hedges that carry no edit. */
export const FILLER_PHRASES: string[][] = [
  ["i", "want", "you", "to"], ["i", "need", "you", "to"], ["i", "would", "like", "to"], ["i", "would", "like", "you", "to"],
  ["id", "like", "to"], ["id", "like", "you", "to"], ["i", "want", "to"], ["can", "you"], ["could", "you"],
  ["would", "you"], ["will", "you"], ["lets"], ["we", "should"], ["we", "need", "to"], ["i", "think"],
  ["go", "ahead", "and"], ["thank", "you"], ["for", "me"], ["please"], ["pls"], ["plz"], ["kindly"], ["thanks"],
  ["thx"], ["just"], ["hey"], ["hi"], ["ok"], ["okay"], ["maybe"], ["perhaps"], ["really"], ["quickly"],
  ["a", "bit"], ["a", "little"], ["slightly"], ["actually"], ["wait"], ["sorry"], ["oops"], ["um"], ["uh"], ["er"], ["erm"],
];

/** Words that mark a self-correction: "8 seconds… no, 5". */
export const CORRECTION_WORDS = new Set(["no", "sorry", "actually", "wait", "rather", "correction", "oops", "er", "erm", "um", "uh", "mean", "i", "make", "that", "or", "scratch"]);
export const CORRECTION_TRIGGERS = new Set(["no", "sorry", "actually", "wait", "rather", "correction", "oops", "mean"]);

/** Multi-word expressions folded into one token before parsing. */
export const PHRASES: [string[], string][] = [
  [["call", "to", "action"], "cta"], [["end", "card"], "cta"], [["ctas"], "cta"],
  [["slow", "motion"], "slowmo"], [["slow", "mo"], "slowmo"], [["slo", "mo"], "slowmo"], [["slomo"], "slowmo"],
  [["cross", "fade"], "crossfade"], [["cross", "dissolve"], "dissolve"], [["x", "fade"], "crossfade"],
  [["re", "do"], "redo"], [["re", "generate"], "regenerate"], [["re", "shoot"], "reshoot"], [["re", "render"], "rerender"],
  [["re", "make"], "remake"], [["re", "order"], "reorder"], [["get", "rid", "of"], "remove"], [["take", "out"], "remove"],
  [["speed", "up"], "speedup"], [["sped", "up"], "speedup"], [["fast", "forward"], "speedup"],
  [["slow", "down"], "slowdown"], [["slowed", "down"], "slowdown"],
  [["do", "not"], "dont"], [["don", "t"], "dont"], [["in", "front", "of"], "before"], [["ahead", "of"], "before"],
  [["prior", "to"], "before"], [["right", "before"], "before"], [["just", "before"], "before"],
  [["right", "after"], "after"], [["just", "after"], "after"], [["straight", "after"], "after"],
  [["last", "but", "one"], "2ndlast"], [["next", "to", "last"], "2ndlast"], [["penultimate"], "2ndlast"],
  [["antepenultimate"], "3rdlast"], [["and", "then"], "then"], [["after", "that"], "then"], [["afterwards"], "then"],
  [["as", "well"], ""], [["tik", "tok"], "tiktok"], [["instagram", "stories"], "stories"], [["instagram", "reels"], "reels"],
  [["youtube", "shorts"], "shorts"], [["full", "frame"], "fullframe"], [["full", "screen"], "fullframe"],
];

/** Damerau–Levenshtein (optimal string alignment) distance. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A crude stem so "beaches", "beach" and "beach's" compare equal. */
export function stem(word: string): string {
  let w = word.replace(/'s$/, "");
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(?:ch|sh|x|ss|us)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  return w;
}

/** Loose equivalents for naming a scene by its content. */
export const SYNONYMS: Record<string, string[]> = {
  fire: ["bonfire", "campfire", "flames", "flame"],
  campfire: ["bonfire"],
  roof: ["rooftop"],
  brand: ["logo"],
  coffee: ["brew", "espresso"],
  sea: ["ocean", "beach", "shore", "waves"],
  ocean: ["sea", "beach", "waves"],
  shore: ["beach"],
  skyline: ["city", "rooftop"],
  record: ["vinyl"],
  dancing: ["dance", "dancers"],
  fireworks: ["firework"],
};
