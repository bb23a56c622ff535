import type { Timeline } from "../../../core/timeline/schema.js";
import {
  CLAUSE_VERBS, COMMON, CORRECTION_TRIGGERS, CORRECTION_WORDS, FILLER_PHRASES, KEYWORDS, ONES, ORDINALS, PHRASES,
  SCENE_NOUNS, TENS, UNITS, editDistance,
} from "./lexicon.js";

/**
 * Turns an instruction into clauses of canonical tokens: quotes kept whole, typos repaired
 * (on request), number words as digits, "8 seconds… no, 5" resolved, politeness dropped,
 * split at "then", ";" and at "and"/"," before a new verb. Every token remembers where it
 * came from, so literal text (a CTA, a prompt) is taken from what the user typed.
 */

export interface Token {
  /** Canonical form the grammar matches ("2", "s", "2nd", "cta", "§"). */
  norm: string;
  /** Offsets of the span in the original instruction. */
  start: number;
  end: number;
  /** The text inside quotes, for a quoted token. */
  quote?: string;
  /** The word as typed, when typo repair replaced it. */
  fixedFrom?: string;
}

export interface Prepared {
  clauses: Token[][];
  /** Self-corrections and other rewrites worth telling the user about. */
  notes: string[];
}

const UNIT_TOKENS = new Set(Object.values(UNITS));
const ASPECTS = new Set(["16:9", "9:16", "1:1", "4:5", "4:3", "21:9"]);
const TOKEN_RE =
  /"([^"]*)"|“([^”]*)”|‘([^’]*)’|(?<=^|[\s(:])'([^']+)'(?=$|[\s.,;:!?)])|\d+:\d+|\d+(?:\.\d+)?(?:st|nd|rd|th)?|\.\d+|[\p{L}_][\p{L}\p{N}_'’]*|\.{3}|<->|<=>|<>|->|[,;.!?:…—–\-#%×&→↔⇄⟷⇆]/gu;

/** Splits the instruction into tokens with offsets. */
export function tokenize(instruction: string): Token[] {
  const out: Token[] = [];
  for (const m of instruction.matchAll(TOKEN_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    const quote = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (quote !== undefined) {
      out.push({ norm: "§", start, end, quote: quote.trim() });
      continue;
    }
    let w = m[0].toLowerCase().replace(/’/g, "'");
    if (w === "-" || w === "–" || w === "—") {
      const prev = instruction[start - 1] ?? " ";
      const next = instruction[end] ?? " ";
      if (/\d/.test(prev) && /\d/.test(next)) out.push({ norm: "to", start, end });
      else if (w === "-" && /[\s(:]|^$/.test(prev) && /\d/.test(next)) out.push({ norm: "minus", start, end });
      else if (/\s/.test(prev) || /\s/.test(next) || w !== "-") out.push({ norm: ",", start, end });
      continue;
    }
    if (w === "..." || w === "…") w = ",";
    if (w === "&") w = "and";
    if (w === "->" || w === "→") w = "to";
    // "2 <-> 3", "beach ↔ kitchen": an exchange
    if (w === "<->" || w === "<=>" || w === "<>" || w === "↔" || w === "⇄" || w === "⟷" || w === "⇆") w = "swapwith";
    if (/^\.\d/.test(w)) w = `0${w}`;
    if (w === "let's") w = "lets";
    w = w.replace(/'s$/, "").replace(/n't$/, "nt").replace(/'/g, "");
    const glued = /^(scene|shot|clip)(\d+)$/.exec(w);
    if (glued) {
      out.push({ norm: glued[1]!, start, end: start + glued[1]!.length });
      out.push({ norm: glued[2]!, start: start + glued[1]!.length, end });
      continue;
    }
    if (w) out.push({ norm: w, start, end });
  }
  return out;
}

/** Words a misspelling may be repaired to, and the words never treated as misspelt. */
function vocabularies(t: Timeline): { targets: string[]; known: Set<string> } {
  const words = new Set<string>();
  for (const s of t.scenes) for (const w of `${s.prompt} ${s.purpose ?? ""} ${s.text ?? ""}`.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 4) words.add(w);
  for (const w of (t.cta?.text ?? "").toLowerCase().split(/[^\p{L}]+/u)) if (w) words.add(w);
  const targets = [...new Set([...KEYWORDS, ...Object.keys(ORDINALS), ...Object.keys(ONES), ...Object.keys(TENS), ...words])];
  const known = new Set([...targets, ...COMMON, ...Object.keys(UNITS)]);
  return { targets, known };
}

/** Repairs words that are one or two edits from a command word or a word of the timeline. */
export function fixTypos(tokens: Token[], timeline: Timeline): Token[] {
  const { targets, known } = vocabularies(timeline);
  return tokens.map((tok) => {
    const w = tok.norm;
    if (tok.quote !== undefined || w.length < 3 || known.has(w) || !/^\p{L}+$/u.test(w)) return tok;
    const limit = w.length >= 8 ? 2 : 1;
    let best: { word: string; d: number } | null = null;
    for (const target of targets) {
      if (Math.abs(target.length - w.length) > limit) continue;
      // A three-letter word is only repaired by a missing letter ("lst" → "last").
      if (w.length === 3 && target.length !== 4) continue;
      const d = editDistance(w, target);
      if (d > limit) continue;
      const better = !best || d < best.d || (d === best.d && target[0] === w[0] && best.word[0] !== w[0]);
      if (better) best = { word: target, d };
    }
    return best ? { ...tok, norm: best.word, fixedFrom: w } : tok;
  });
}

function merge(tokens: Token[], from: number, count: number, norm: string): Token {
  return { norm, start: tokens[from]!.start, end: tokens[from + count - 1]!.end };
}

function seqAt(tokens: Token[], i: number, words: string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.norm === w && tokens[i + k]?.quote === undefined);
}

/** Folds the multi-word expressions of PHRASES into single tokens (or drops them). */
export function foldPhrases(tokens: Token[], table: [string[], string][] = PHRASES): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const hit = table.find(([words]) => seqAt(tokens, i, words));
    if (!hit) {
      out.push(tokens[i]!);
      i++;
      continue;
    }
    if (hit[1]) out.push(merge(tokens, i, hit[0].length, hit[1]));
    i += hit[0].length;
  }
  return out;
}

const isNum = (t: Token | undefined) => !!t && t.quote === undefined && /^\d+(?:\.\d+)?$/.test(t.norm);
const isOrd = (t: Token | undefined) => !!t && /^\d+(?:st|nd|rd|th)$/.test(t.norm);
const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;
const ONE_KEEPERS = new Set(["the", "that", "this", "which", "each", "every", "any", "no", "same", "last", "other", "another", "new", "first", "1st"]);

/** Number words to digits, units to canonical tokens, ordinals to "2nd", "second to last" to "2ndlast". */
export function normalizeNumbers(input: Token[]): Token[] {
  let tokens: Token[] = [];
  for (let i = 0; i < input.length; i++) {
    const t = input[i]!;
    const w = t.norm;
    if (w in TENS && input[i + 1] && input[i + 1]!.norm in ONES && ONES[input[i + 1]!.norm]! < 10) {
      tokens.push(merge(input, i, 2, String(TENS[w]! + ONES[input[i + 1]!.norm]!)));
      i++;
    } else if (w === "one" && (ONE_KEEPERS.has(input[i - 1]?.norm ?? "") || isOrd(input[i - 1]) || ["with", "where", "that", "of", "which", "showing"].includes(input[i + 1]?.norm ?? ""))) {
      tokens.push(t);
    } else if (w in ONES || w in TENS) {
      tokens.push({ ...t, norm: String(ONES[w] ?? TENS[w]) });
    } else if (/^\d+:\d\d$/.test(w) && !ASPECTS.has(w)) {
      const [m, s] = w.split(":").map(Number);
      tokens.push({ ...t, norm: String(m! * 60 + s!) }, { ...t, norm: "s" });
    } else tokens.push(t);
  }
  const halves: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isNum(t) && tokens[i + 1]?.norm === "and" && tokens[i + 2]?.norm === "a" && tokens[i + 3]?.norm === "half") {
      halves.push(merge(tokens, i, 4, String(Number(t.norm) + 0.5)));
      i += 3;
    } else halves.push(t);
  }
  tokens = halves;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = t.norm;
    const next = tokens[i + 1]?.norm ?? "";
    if (w === "half" && (next === "a" || next === "an") && tokens[i + 2] && UNITS[tokens[i + 2]!.norm]) {
      out.push(merge(tokens, i, 2, "0.5"), { ...tokens[i + 2]!, norm: UNITS[tokens[i + 2]!.norm]! });
      i += 2;
    } else if ((w === "a" || w === "an") && next === "half" && tokens[i + 2] && UNITS[tokens[i + 2]!.norm]) {
      out.push(merge(tokens, i, 2, "0.5"), { ...tokens[i + 2]!, norm: UNITS[tokens[i + 2]!.norm]! });
      i += 2;
    } else if ((w === "a" || w === "an") && ["second", "bar", "beat", "frame", "measure"].includes(next) && !SCENE_NOUNS.has(tokens[i + 2]?.norm ?? "")) {
      out.push({ ...t, norm: "1" }, { ...tokens[i + 1]!, norm: UNITS[next]! });
      i++;
    } else if (w === "a" && next === "couple") {
      out.push(merge(tokens, i, tokens[i + 2]?.norm === "of" ? 3 : 2, "2"));
      i += tokens[i + 2]?.norm === "of" ? 2 : 1;
    } else if (isNum(t) && UNITS[next]) {
      const unit = UNITS[next]!;
      const value = Number(w);
      if (unit === "ms") out.push({ ...t, norm: String(value / 1000) }, { ...tokens[i + 1]!, norm: "s" });
      else if (unit === "min") out.push({ ...t, norm: String(value * 60) }, { ...tokens[i + 1]!, norm: "s" });
      else out.push(t, { ...tokens[i + 1]!, norm: unit });
      i++;
    } else if (w === "second" || w === "seconds") {
      // "one more second", "another second", "an extra second": a unit after "more", not the ordinal.
      const prev = tokens[i - 1]?.norm ?? "";
      if (["more", "extra", "additional", "another"].includes(prev) && !SCENE_NOUNS.has(next)) {
        if (prev === "another") out.pop();
        const counted = prev !== "another" && (isNum(tokens[i - 2]) || (isNum(tokens[i - 3]) && tokens[i - 2]?.norm === "1"));
        if (!counted && !(["a", "an"].includes(tokens[i - 2]?.norm ?? "") && out.length && out[out.length - 2]?.norm === "1")) out.push({ ...t, norm: "1" });
        out.push({ ...t, norm: "s" });
      } else if (w === "second") out.push({ ...t, norm: ordinal(2) });
      else out.push(t);
    } else if (w in ORDINALS) {
      out.push({ ...t, norm: ordinal(ORDINALS[w]!) });
    } else out.push(t);
  }
  const folded: Token[] = [];
  for (let i = 0; i < out.length; i++) {
    const t = out[i]!;
    if (isOrd(t)) {
      const n = parseInt(t.norm, 10);
      const a = out[i + 1]?.norm;
      const b = out[i + 2]?.norm;
      const c = out[i + 3]?.norm;
      if ((a === "to" || a === "from") && b === "last") {
        folded.push(merge(out, i, 3, `${ordinal(n)}last`));
        i += 2;
        continue;
      }
      if (a === "from" && b === "the" && (c === "end" || c === "last")) {
        folded.push(merge(out, i, 4, `${ordinal(n)}last`));
        i += 3;
        continue;
      }
      if (a === "last" && n > 1) {
        folded.push(merge(out, i, 2, `${ordinal(n)}last`));
        i += 1;
        continue;
      }
    }
    folded.push(t);
  }
  return folded;
}

/**
 * "to 8 seconds… no, 5" → "to 5 seconds"; "scene 2, sorry, scene 3" → "scene 3".
 * A number or ordinal followed by a correction word and another value of the same kind.
 */
export function applySelfCorrections(tokens: Token[], notes: string[]): Token[] {
  const out = [...tokens];
  for (let j = 0; j < out.length; j++) {
    if (!CORRECTION_TRIGGERS.has(out[j]!.norm)) continue;
    let k = j;
    while (k < out.length && (CORRECTION_WORDS.has(out[k]!.norm) || out[k]!.norm === ",")) k++;
    let before = j - 1;
    while (before >= 0 && (out[before]!.norm === "," || CORRECTION_WORDS.has(out[before]!.norm))) before--;
    for (let skip = 0; skip < 2 && before >= 1 && /^\p{L}+$/u.test(out[before]!.norm) && !UNIT_TOKENS.has(out[before]!.norm); skip++) before--;
    let unitOld: number | null = null;
    if (before >= 1 && UNIT_TOKENS.has(out[before]!.norm) && (isNum(out[before - 1]) || isOrd(out[before - 1]))) {
      unitOld = before;
      before--;
    }
    const old = out[before];
    if (!old || !(isNum(old) || isOrd(old))) continue;
    if (out[k]?.norm === "the" || (out[k]?.norm === out[before - 1]?.norm && out[k]?.norm !== "," && !isNum(out[k]))) k++;
    const fresh = out[k];
    if (!fresh || isNum(fresh) !== isNum(old) || isOrd(fresh) !== isOrd(old)) continue;
    let end = k + 1;
    const unitNew = out[end] && UNIT_TOKENS.has(out[end]!.norm) ? end : null;
    if (unitNew !== null) end++;
    const oldText = [old.norm, unitOld !== null ? out[unitOld]!.norm : ""].join(" ").trim();
    const newText = [fresh.norm, unitNew !== null ? out[unitNew]!.norm : unitOld !== null ? out[unitOld]!.norm : ""].join(" ").trim();
    notes.push(`self-correction: used "${newText}" instead of "${oldText}"`);
    const unit = unitNew !== null ? out[unitNew]! : unitOld !== null ? out[unitOld]! : null;
    const replacement = [fresh, ...(unit ? [unit] : [])];
    const between = out.slice((unitOld ?? before) + 1, j).filter((t) => t.norm !== "," && !CORRECTION_WORDS.has(t.norm));
    out.splice(before, end - before, ...replacement, ...between);
    j = before;
  }
  return out;
}

/** Words after which the user is typing literal text (a CTA, a prompt): fillers there are kept. */
const TEXT_INTRO = new Set(["saying", "says", "say", "read", "reads", "reading", "to", ":", "text", "as", "called", "of", "with", "showing"]);

function dropFillers(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const hit = FILLER_PHRASES.find((words) => seqAt(tokens, i, words));
    const prev = out[out.length - 1]?.norm ?? "";
    // "keep just the last two" narrows a keep: "just" carries the edit there.
    if (!hit || TEXT_INTRO.has(prev) || (hit.length === 1 && hit[0] === "just" && ["keep", "leave", "retain"].includes(prev))) {
      out.push(tokens[i]!);
      i++;
      continue;
    }
    i += hit.length;
  }
  return out;
}

/** Splits at sentence ends, "then", and "and"/"," that start a new verb. */
export function splitClauses(tokens: Token[]): Token[][] {
  const clauses: Token[][] = [[]];
  const hard = new Set([";", ".", "!", "?", "then", "also", "plus", "next"]);
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    const verbAhead = !!next && CLAUSE_VERBS.has(next.norm);
    const current = clauses[clauses.length - 1]!;
    if (t.quote === undefined && (hard.has(t.norm) || ((t.norm === "and" || t.norm === ",") && verbAhead && current.length > 0))) {
      if (current.length) clauses.push([]);
      return;
    }
    if ((t.norm === "," || t.norm === "and") && current.length === 0) return;
    current.push(t);
  });
  return clauses.map((c) => (c[c.length - 1]?.norm === "," ? c.slice(0, -1) : c)).filter((c) => c.length > 0);
}

/** The whole preparation; `typos` switches the repair of misspelt words on. */
export function prepare(instruction: string, timeline: Timeline, typos: boolean): Prepared {
  const notes: string[] = [];
  let tokens = tokenize(instruction);
  if (typos) tokens = fixTypos(tokens, timeline);
  tokens = foldPhrases(tokens);
  tokens = normalizeNumbers(tokens);
  tokens = applySelfCorrections(tokens, notes);
  tokens = dropFillers(tokens);
  return { clauses: splitClauses(tokens), notes };
}
