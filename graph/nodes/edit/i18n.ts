import { COMMON, KEYWORDS } from "./lexicon.js";
import { LANGUAGES, type Lang } from "./lexicon-i18n.js";

/**
 * Instructions in the brief languages (es, fr, de, pt, it, nl, ja) brought to the English
 * words the interpreter reads. The language is told by its marker words (or its script for
 * Japanese); phrases are rewritten first, then words one by one; quoted text is never
 * touched. The result is read by the same grammar and composition as English, which reads
 * actions, targets and quantities in any word order, so a verb at the end (German, Dutch,
 * Japanese) is still found.
 */

export interface English {
  text: string;
  /** ISO 639-1 code of the instruction's language. */
  language: string;
  /** The language's English name, for messages. */
  name: string;
}

const LETTER = "[\\p{L}\\p{N}]";
/** JavaScript's \b only knows ASCII letters; this boundary knows "à" and "ü" too. */
const BOUNDARY = `(?:(?<!${LETTER})(?=${LETTER})|(?<=${LETTER})(?!${LETTER}))`;
const unicode = (re: RegExp) => new RegExp(re.source.replace(/\\b/g, BOUNDARY), "gu");
const COMPILED = Object.fromEntries(
  Object.entries(LANGUAGES).map(([k, t]) => [k, { ...t, phrases: t.phrases.map(([re, to]) => [unicode(re), to] as [RegExp, string]) }]),
) as typeof LANGUAGES;

const strip = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");
const ENGLISH = new Set<string>([...KEYWORDS, ...COMMON, "scene", "scenes", "seconds", "to", "the", "and", "by", "of", "in", "it", "cta"]);
const QUOTED = /"[^"]*"|“[^”]*”|‘[^’]*’|«[^»]*»|„[^“”]*[“”]/g;

function wordsOf(text: string): string[] {
  return text.toLowerCase().replace(QUOTED, " ").split(/[^\p{L}]+/u).filter(Boolean);
}

/** The instruction's language: ja by script, else the table whose markers it uses most (en when none wins). */
export function detectLanguage(text: string): Lang | "ja" | "en" {
  if (/[\u3040-\u30ff\u4e00-\u9fff]/u.test(text.replace(QUOTED, ""))) return "ja";
  const words = wordsOf(text);
  let best: { lang: Lang; score: number; english: number } | null = null;
  for (const [lang, table] of Object.entries(LANGUAGES) as [Lang, (typeof LANGUAGES)[Lang]][]) {
    const known = new Set([...table.markers, ...Object.keys(table.words)]);
    const stripped = new Set([...known].map(strip));
    const isKnown = (w: string) => known.has(w) || stripped.has(strip(w));
    // Words both languages have ("a", "do", "logo") count for neither.
    const score = words.filter((w) => isKnown(w) && !ENGLISH.has(w)).length;
    const english = words.filter((w) => ENGLISH.has(w) && !isKnown(w)).length;
    if (!best || score - english > best.score - best.english) best = { lang, score, english };
  }
  return best && best.score >= 2 && best.score > best.english ? best.lang : "en";
}

/** Applies `fn` to the text outside quotes. */
function outsideQuotes(text: string, fn: (part: string) => string): string {
  let out = "";
  let at = 0;
  for (const m of text.matchAll(QUOTED)) {
    out += fn(text.slice(at, m.index)) + m[0];
    at = m.index! + m[0].length;
  }
  return out + fn(text.slice(at));
}

function translateWords(part: string, lang: Lang): string {
  const table = COMPILED[lang];
  let t = part.toLowerCase();
  for (const [re, to] of table.phrases) t = t.replace(re, to);
  t = t.replace(/(?<=\p{L})['’](?=\p{L})/gu, " ");
  const byStripped = new Map(Object.entries(table.words).map(([k, v]) => [strip(k), v]));
  return t
    .split(/(\s+)/)
    .map((token) => {
      const m = /^([^\p{L}]*)(\p{L}+)([^\p{L}]*)$/u.exec(token);
      if (!m) return token;
      const word = m[2]!;
      const to = table.words[word] ?? (ENGLISH.has(word) ? undefined : byStripped.get(strip(word)));
      return to === undefined ? token : `${m[1]}${to}${m[3]}`;
    })
    .join("")
    .replace(/\s+/g, " ");
}

/** Common scene contents, so "ロゴのシーン" can name the logo scene of an English prompt. */
const JA_CONTENT: [RegExp, string][] = [
  [/ロゴ/g, " logo "], [/ビーチ|砂浜|海辺/g, " beach "], [/焚き火|たき火|キャンプファイヤー/g, " bonfire "], [/屋上/g, " rooftop "],
  [/パーティー|パーティ/g, " party "], [/キッチン|台所/g, " kitchen "], [/コーヒー/g, " coffee "], [/街|都市/g, " city "], [/夜/g, " night "],
];

const JA_NOUNS: [RegExp, string][] = [
  ...JA_CONTENT,
  [/最後の(\d+(?:\.\d+)?)秒/g, " the last $1 seconds "],
  [/最初の(\d+(?:\.\d+)?)秒/g, " the first $1 seconds "],
  [/最後から(\d+)番目の(?:シーン|場面)/g, " scene $1 from the end "],
  [/(\d+)番目の(?:シーン|場面)/g, " scene $1 "],
  [/最後の(?:シーン|場面|カット)/g, " the last scene "],
  [/最初の(?:シーン|場面|カット)/g, " the first scene "],
  [/(?:シーン|場面|カット)\s*(\d+)/g, " scene $1 "],
  [/ (\w+) \s*の(?:シーン|場面|カット)/g, " the $1 scene "],
  [/全ての(?:シーン|場面)|すべての(?:シーン|場面)|各(?:シーン|場面)/g, " every scene "],
  [/(?:シーン|場面|カット)/g, " scenes "],
  [/(?:動画|ビデオ|映像|広告)全体|(?:動画|ビデオ|映像|広告)/g, " the video "],
  [/(\d+(?:\.\d+)?)秒/g, " $1 seconds "],
  [/(\d+(?:\.\d+)?)小節/g, " $1 bars "],
  [/(\d+(?:\.\d+)?)倍速/g, " $1 x speed "],
  [/半分の長さ|半分/g, " half its length "],
  [/順番|順序/g, " order "],
  [/最初|先頭|冒頭/g, " the start "],
  [/最後|末尾|終わり/g, " the end "],
];

/** Japanese: one sentence per verb ("…入れ替えて、…削除して"), each read on its own, joined by "then". */
function translateJapanese(part: string): string {
  return part
    .split(/(?<=て|で)、|。|それから|そして|その後/u)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(translateJapaneseSentence)
    .join(" then ");
}

/** One Japanese sentence: nouns first, then the verb at the end with its particles (AをBに…, AとBを…). */
function translateJapaneseSentence(part: string): string {
  let t = part.replace(/[、。！？]/g, " ").replace(/ください|下さい|お願いします/g, "");
  for (const [re, to] of JA_NOUNS) t = t.replace(re, to);
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^(.+?)と(.+?)を(?:入れ替え|交換|入れ換え)/, (m) => `swap ${m[1]} and ${m[2]}`],
    [/^(.+?)を(?:削除|消|カット|取り除)/, (m) => `delete ${m[1]}`],
    [/^(.+?)を(.+?)に(?:移動|移|持って)/, (m) => `move ${m[1]} to ${m[2]}`],
    [/^(.+?)を(.+?)(?:に|で)(?:表示|出)/, (m) => `show ${m[1]} in ${m[2]}`],
    [/^(.+?)を逆に/, (m) => `reverse ${m[1]}`],
    [/^逆に|^(?:.*)order を? ?逆/, () => "reverse the order"],
    [/^(.+?)を複製|^(.+?)を(?:コピー|繰り返)/, (m) => `duplicate ${m[1] ?? m[2]}`],
    [/^(.+?)を(.+?)(?:短く|縮め)/, (m) => `shorten ${m[1]} by ${m[2]}`],
    [/^(.+?)を短く/, (m) => `shorten ${m[1]}`],
    [/^(.+?)を(.+?)長く/, (m) => `lengthen ${m[1]} by ${m[2]}`],
    [/^(.+?)を(.+?)に(?:して|する|変更|設定)/, (m) => `make ${m[1]} ${m[2]}`],
    [/^(.+?)にフェード/, (m) => `fade into ${m[1]}`],
  ];
  for (const [re, build] of rules) {
    const m = re.exec(t.trim());
    if (m) return build(m).replace(/[をにのはがで]/g, " ").replace(/して|する/g, " ").replace(/\s+/g, " ").trim();
  }
  return t.replace(/[をにのはがで]/g, " ").replace(/して|する/g, " ").replace(/\s+/g, " ").trim();
}

const NAMES: Record<string, string> = { en: "English", ja: "Japanese", ...Object.fromEntries(Object.entries(LANGUAGES).map(([k, t]) => [k, t.name])) };

/** The instruction in English words (unchanged when it is English). */
export function toEnglish(instruction: string): English {
  const language = detectLanguage(instruction);
  if (language === "en") return { text: instruction, language, name: NAMES.en! };
  const text = outsideQuotes(instruction, (part) => (language === "ja" ? ` ${translateJapanese(part)} ` : translateWords(part, language)))
    .replace(/\s+/g, " ")
    .trim();
  return { text, language, name: NAMES[language]! };
}
