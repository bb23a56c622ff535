import { barGrid, barLengthAt } from "../../../core/timeline/ops.js";
import { roundS } from "../../../core/timeline/invariants.js";
import type { Timeline, TimelineScene } from "../../../core/timeline/schema.js";
import { editDistance, stem, SYNONYMS } from "./lexicon.js";

/**
 * Naming things in an instruction: which scenes a phrase means ("scene 2", "#2", "the
 * second", "the penultimate", "the bonfire scene", "it"), and how long "4 s", "one bar",
 * "30 frames" is. Numbers and positions refer to the timeline as the user saw it before the
 * instruction; lengths in bars use the song's bar at the scene.
 */

export interface ResolveContext {
  /** The timeline before the instruction: what "scene 2" and "the last" refer to. */
  original: Timeline;
  /** The timeline after the clauses read so far. */
  working: Timeline;
  /** Scenes named by the previous clause: what "it" refers to. */
  lastRefs: string[];
}

export type Resolution = { ids: string[] } | { error: string } | null;

const NOUN = "(?:scenes?|shots?|clips?|parts?|bits?|ones?|segments?|sections?)";
const CONTENT_STOP = new Set(
  ("cta the a an scene scenes shot shots clip clips one ones part parts bit segment section with of where showing shows show that which has have is are in on at and there from featuring we see footage video piece thing it its this " +
    "over under across into onto through around about up down out off by for to as than then " +
    // verbs an instruction is made of, never what a scene shows ("make the 1st scene faster" is not the scene that "makes the day better")
    "make makes made making get gets got have has had let lets turn turns").split(" "),
);

function at(ctx: ResolveContext, n: number): { ids: string[] } | { error: string } {
  const s = ctx.original.scenes[n - 1];
  if (!s || n < 1) return { error: `there is no scene ${n} (the video has ${ctx.original.scenes.length} scenes)` };
  return { ids: [s.id] };
}

function fromEnd(ctx: ResolveContext, k: number): { ids: string[] } | { error: string } {
  return at(ctx, ctx.original.scenes.length - k + 1);
}

/** One or more scenes: lists ("2 and 3", "2, 3 and 4"), ranges, "all", "the first two", or one scene. */
export function resolveScenes(phrase: string, ctx: ResolveContext): Resolution {
  const p = phrase
    .trim()
    .replace(/^(?:the|both) /, "")
    .replace(/ (?:of|from|in) the (?:video|ad|timeline|edit)$/, "")
    .replace(/ (?:down|up|out|off)$/, "")
    .trim();
  if (!p) return null;
  // "the logo at the end": where a scene is, said to name it.
  const placed = / (?:at|in) the (?:very )?(?:end|start|beginning|middle)$/.exec(p);
  if (placed) {
    const r = resolveScenes(p.slice(0, placed.index), ctx);
    if (r && "ids" in r) return r;
  }
  const except = /^(.+?) (?:except(?: for)?|but(?: not)?|other than|apart from|besides|excluding|save for|minus|not) (?:the )?(.+)$/.exec(p);
  if (except) {
    const everything = /^(?:all|every|each|everything|all (?:of )?(?:the )?(?:scenes?|shots?|clips?|of them)|every (?:scene|shot|clip)|each (?:scene|shot|clip)|the (?:scenes|shots|rest))$/.test(except[1]!);
    const base = everything ? { ids: ctx.working.scenes.map((s) => s.id) } : resolveScenes(except[1]!, ctx);
    const minus = resolveScenes(except[2]!, ctx);
    if (base && "ids" in base && minus && "ids" in minus) {
      const ids = base.ids.filter((id) => !minus.ids.includes(id));
      return ids.length ? { ids } : { error: `“${phrase}” leaves no scene` };
    }
    if (minus && "error" in minus) return minus;
  }
  if (/^(?:all|every|each|everything|all of them|whole (?:video|thing|ad))(?: (?:of )?(?:the )?(?:scenes?|shots?|clips?|ones?|of them))?$/.test(p) || /^(?:scenes|shots)$/.test(p)) {
    return { ids: ctx.working.scenes.map((s) => s.id) };
  }
  const range = /^(?:scenes? |shots? |clips? )?#?(\d+) (?:to|through|thru|until) #?(\d+)$/.exec(p);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])].sort((x, y) => x - y);
    const ids: string[] = [];
    for (let n = a!; n <= b!; n++) {
      const r = at(ctx, n);
      if ("error" in r) return r;
      ids.push(...r.ids);
    }
    return { ids };
  }
  const firstN = new RegExp(`^(1st|opening|initial|last|final|closing) (\\d+)(?: ${NOUN})?$`).exec(p);
  if (firstN) {
    const n = Number(firstN[2]);
    const count = ctx.original.scenes.length;
    if (n > count) return { error: `the video has only ${count} scenes` };
    const list = ["1st", "opening", "initial"].includes(firstN[1]!) ? ctx.original.scenes.slice(0, n) : ctx.original.scenes.slice(count - n);
    return { ids: list.map((s) => s.id) };
  }
  const parts = p.split(/ *(?:,|\band\b|&) */).filter(Boolean);
  const single = resolveOne(p, ctx);
  // A list whose every part names a scene is a list, even when the words together also match one scene.
  if (single && "ids" in single && (parts.length < 2 || parts.some((part) => !isSceneResolution(resolveOne(part.replace(/^(?:scenes|shots) /, "scene "), ctx))))) return single;
  if (parts.length > 1) {
    const ids: string[] = [];
    for (const part of parts) {
      const r = resolveOne(part.replace(/^(?:scenes|shots) /, "scene "), ctx);
      if (!r) return single;
      if ("error" in r) return r;
      ids.push(...r.ids.filter((id) => !ids.includes(id)));
    }
    return { ids };
  }
  return single;
}

function isSceneResolution(r: Resolution): boolean {
  return !!r && "ids" in r;
}

/** Exactly one scene, or an error saying why not. */
export function resolveSingle(phrase: string, ctx: ResolveContext): { id: string } | { error: string } | null {
  const r = resolveScenes(phrase, ctx);
  if (!r || "error" in r) return r;
  if (r.ids.length !== 1) return { error: `"${phrase}" names ${r.ids.length} scenes; name one` };
  return { id: r.ids[0]! };
}

/** One scene by number, position, id, pronoun or content. */
export function resolveOne(phrase: string, ctx: ResolveContext): Resolution {
  const p = phrase.trim().replace(/^(?:the|that|this) (?=\S)/, "").trim();
  if (/^(?:it|that|this|them|those|that one|this one|same one|same (?:scene|shot)|that (?:scene|shot)|this (?:scene|shot)|one|copy|duplicate|new one|new scene|new shot|copies|duplicates)$/.test(p)) {
    if (!ctx.lastRefs.length) return { error: `"${phrase}" does not name a scene here` };
    return { ids: [...ctx.lastRefs] };
  }
  if (/^scene_\d+$/.test(p)) {
    const known = ctx.working.scenes.some((s) => s.id === p) || ctx.original.scenes.some((s) => s.id === p);
    return known ? { ids: [p] } : { error: `there is no scene "${p}"` };
  }
  let m = new RegExp(`^(?:(?:${NOUN}|number|no|#) ?)*#? ?(\\d+)$`).exec(p);
  if (m) return at(ctx, Number(m[1]));
  m = new RegExp(`^(\\d+)(?:st|nd|rd|th)(?: ${NOUN})?$`).exec(p);
  if (m) return at(ctx, Number(m[1]));
  if (new RegExp(`^(?:very )?(?:last|final|closing|ending|end|concluding)(?: ${NOUN})?$`).test(p)) return fromEnd(ctx, 1);
  m = new RegExp(`^(\\d+)(?:st|nd|rd|th)last(?: ${NOUN})?$`).exec(p);
  if (m) return fromEnd(ctx, Number(m[1]));
  if (new RegExp(`^(?:opening|opener|beginning|starting|start|1st|very 1st)(?: ${NOUN})?$`).test(p)) return at(ctx, 1);
  if (new RegExp(`^(?:middle|center|centre)(?: ${NOUN})?$`).test(p)) {
    const n = ctx.original.scenes.length;
    if (n % 2 === 0) return { error: `with ${n} scenes there is no single middle scene` };
    return at(ctx, (n + 1) / 2);
  }
  m = /^(\d+)(?:st|nd|rd|th) (.+)$/.exec(p) ?? /^(last) (.+)$/.exec(p);
  if (m) {
    const matches = contentMatches(m[2]!, ctx.original.scenes);
    if (matches.length) {
      const k = m[1] === "last" ? matches.length : parseInt(m[1]!, 10);
      const s = matches[k - 1];
      return s ? { ids: [s.id] } : { error: `there are only ${matches.length} scenes matching "${m[2]}"` };
    }
  }
  const content = byContent(p, ctx.original.scenes);
  if (content && "ids" in content) return content;
  // "the intro" is the first scene unless a scene is about an intro.
  if (new RegExp(`^(?:intro|introduction|opening)(?: ${NOUN})?$`).test(p)) return at(ctx, 1);
  if (new RegExp(`^(?:outro|ending|finale|closer)(?: ${NOUN})?$`).test(p)) return fromEnd(ctx, 1);
  if (content) return content;
  return null;
}

function keywords(phrase: string): string[] {
  return phrase.split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length >= 2 && !CONTENT_STOP.has(w) && !/^\d/.test(w));
}

function sceneWords(s: TimelineScene): string[] {
  return `${s.prompt} ${s.purpose ?? ""} ${s.text ?? ""}`.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function wordMatches(kw: string, word: string): boolean {
  if (kw === word || stem(kw) === stem(word)) return true;
  if (kw.length >= 4 && word.startsWith(kw)) return true;
  if (kw.length >= 5 && word.length >= 5 && editDistance(kw, word) <= 1) return true;
  return (SYNONYMS[kw] ?? []).includes(word) || (SYNONYMS[stem(kw)] ?? []).includes(word);
}

/** How many of the phrase's keywords the scene's prompt, purpose and text contain. */
export function contentScore(kws: string[], s: TimelineScene): number {
  const words = sceneWords(s);
  return kws.filter((kw) => words.some((w) => wordMatches(kw, w))).length;
}

/** The scenes that match the phrase best, in timeline order. */
export function contentMatches(phrase: string, scenes: TimelineScene[]): TimelineScene[] {
  const kws = keywords(phrase);
  if (!kws.length) return [];
  const scored = scenes.map((s) => ({ s, score: contentScore(kws, s) }));
  const best = Math.max(...scored.map((x) => x.score));
  if (best === 0) return [];
  return scored.filter((x) => x.score === best).map((x) => x.s);
}

/**
 * Words that carry an edit (an amount, a direction, a place) rather than name a scene: a
 * phrase containing one is not read by content, so "the kitchen scene in half" is never
 * taken for "the kitchen scene".
 */
const EDIT_WORDS = new Set(
  ("half halve halves third thirds quarter quarters fifth fifths twice double triple faster slower quicker longer shorter speed " +
    "bar beat frame length duration later earlier sooner off minus negative position place slot order total percent version " +
    "where instead place each every all other even odd numbered whole video ad spot").split(" "),
);

function byContent(phrase: string, scenes: TimelineScene[]): Resolution {
  const kws = keywords(phrase);
  if (!kws.length) return null;
  if (kws.some((k) => EDIT_WORDS.has(k) || /^\d+(?:st|nd|rd|th)$/.test(k))) return null;
  const matches = contentMatches(phrase, scenes);
  if (!matches.length) return { error: `no scene matches "${phrase}"` };
  if (matches.length > 1) return { error: `"${phrase}" could be ${matches.map((s) => s.id).join(" or ")}; name the scene by its number` };
  return { ids: [matches[0]!.id] };
}

/**
 * True when a phrase names the scenes and nothing else: positions, ids and lists are clean; a
 * content phrase is clean when every content word is found in its scene ("the text from the
 * logo scene" is not, so it is never read as the logo scene where that would delete it).
 */
export function namesOnly(phrase: string, ids: string[], ctx: ResolveContext): boolean {
  if (/ (?:except|but|other than|apart from|besides|excluding|save for|minus) /.test(phrase)) return true;
  const kws = keywords(phrase.replace(/\b(?:except(?: for)?|but(?: not)?|other than|apart from|besides|excluding|both|all|every|each|everything|rest|odd|even|numbered|other|middle|center|centre|opening|opener|closing|closer|final|last|first|intro|introduction|outro|ending|finale|copy|duplicate|new|penultimate|scene_\d+)\b/g, " "));
  if (!kws.length) return true;
  const scenes = [...ctx.original.scenes, ...ctx.working.scenes].filter((s) => ids.includes(s.id));
  return kws.every((kw) => scenes.some((s) => contentScore([kw], s) > 0));
}

/** True when every keyword of the phrase is found in the scene (used to split "the beach scene | at night"). */
export function fullyMatches(phrase: string, s: TimelineScene): boolean {
  const kws = keywords(phrase);
  return kws.length > 0 && contentScore(kws, s) === kws.length;
}

/**
 * A length in seconds: "4 s", "4", "2 bar", "1 beat", "30 frame". Bars are the song's bars at
 * the scene (music videos); a timeline without a beat grid has no bars.
 */
export function parseSeconds(text: string, ctx: ResolveContext, sceneId?: string): { value: number } | { error: string } | null {
  const m = /^(\d+(?:\.\d+)?)(?: (s|bar|beat|frame))?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  if (unit === "s") return { value: n };
  if (unit === "frame") return { value: roundS(n / ctx.working.fps) };
  const grid = barGrid(ctx.working);
  if (!grid) return { error: `this video has no bars (no song with a beat), so "${text}" has no length` };
  const start = ctx.working.scenes.find((s) => s.id === sceneId)?.start_s ?? 0;
  const bar = barLengthAt(grid, start);
  if (unit === "bar") return { value: roundS(n * bar) };
  return { value: roundS((n * bar) / (ctx.working.audio?.beats_per_bar ?? 4)) };
}

export type Factor = { kind: "relative" | "absolute"; value: number };

/** Speed words: "2 x", "double", "half", "50 %", "slowmo", "normal". */
export function parseFactor(text: string): Factor | null {
  const p = text.trim().replace(/^(?:the |a )/, "").replace(/ (?:speed|the speed|pace|tempo|rate)$/, "").trim();
  let m = /^(\d+(?:\.\d+)?) ?x$/.exec(p);
  if (m) return { kind: "absolute", value: Number(m[1]) };
  m = /^(\d+(?:\.\d+)?) ?%$/.exec(p);
  if (m) return { kind: "absolute", value: Number(m[1]) / 100 };
  const words: Record<string, number> = { double: 2, twice: 2, triple: 3, half: 0.5, quarter: 0.25, slowmo: 0.5, normal: 1, regular: 1, original: 1, "real time": 1, realtime: 1 };
  if (p in words) return { kind: "absolute", value: words[p]! };
  return null;
}
