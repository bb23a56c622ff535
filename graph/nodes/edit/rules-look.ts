import type { EditOperation } from "../../../core/schemas/edit.js";
import type { AspectRatio, Transition } from "../../../core/timeline/schema.js";
import { literal, NOUN, rule, sentenceCase, withScene, withScenes, type Clause, type Match, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { gradeOf, grades } from "./rules-grade.js";
import { resolveTarget, WHOLE_VIDEO } from "./targets.js";
import { fullyMatches, parseFactor, parseSeconds, resolveScenes, resolveSingle } from "./resolve.js";

/** Rules for how scenes look: crop/reframe, transitions, and regenerating a scene from a changed prompt. */

const ASPECT = "(9:16|16:9|1:1|vertical|portrait|tiktok|reels|shorts|stories|story|square|instagram|landscape|horizontal|widescreen|youtube|wide)";
const ASPECTS: Record<string, AspectRatio> = {
  "9:16": "9:16", vertical: "9:16", portrait: "9:16", tiktok: "9:16", reels: "9:16", shorts: "9:16", stories: "9:16", story: "9:16",
  "16:9": "16:9", landscape: "16:9", horizontal: "16:9", widescreen: "16:9", youtube: "16:9", wide: "16:9",
  "1:1": "1:1", square: "1:1", instagram: "1:1",
};

type Region = { x: number; y: number; w: number; h: number };
const REGIONS: Record<string, Region> = {
  "left half": { x: 0, y: 0, w: 0.5, h: 1 }, left: { x: 0, y: 0, w: 0.5, h: 1 },
  "right half": { x: 0.5, y: 0, w: 0.5, h: 1 }, right: { x: 0.5, y: 0, w: 0.5, h: 1 },
  "top half": { x: 0, y: 0, w: 1, h: 0.5 }, "upper half": { x: 0, y: 0, w: 1, h: 0.5 }, top: { x: 0, y: 0, w: 1, h: 0.5 },
  "bottom half": { x: 0, y: 0.5, w: 1, h: 0.5 }, "lower half": { x: 0, y: 0.5, w: 1, h: 0.5 }, bottom: { x: 0, y: 0.5, w: 1, h: 0.5 },
  center: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, centre: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, middle: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 },
  "left third": { x: 0, y: 0, w: 0.333, h: 1 }, "right third": { x: 0.667, y: 0, w: 0.333, h: 1 },
  "top left": { x: 0, y: 0, w: 0.5, h: 0.5 }, "top right": { x: 0.5, y: 0, w: 0.5, h: 0.5 },
  "bottom left": { x: 0, y: 0.5, w: 0.5, h: 0.5 }, "bottom right": { x: 0.5, y: 0.5, w: 0.5, h: 0.5 },
};
const REGION = `(${Object.keys(REGIONS).sort((a, b) => b.length - a.length).join("|")})`;

const TRANS =
  "(fade to black|fade from black|fade through black|fade in from black|dip to black|black fade|crossfade|dissolve|blend|fade in|fade|hard cut|straight cut|jump cut|cut straight|cut)";
function transitionOf(word: string): Transition {
  if (word.includes("black")) return "fade_black";
  if (/crossfade|dissolve|blend/.test(word)) return "dissolve";
  if (word.startsWith("fade")) return "fade";
  return "cut";
}

function crops(phrase: string | undefined, ctx: ParseContext, change: { aspect_ratio?: AspectRatio | null; region?: Region | null }): Outcome {
  const p = (phrase ?? "").trim().replace(/^(?:for|to|as|into|in|at)$/, "");
  const whole = !p || (WHOLE_VIDEO.test(p) && !(p === "it" && ctx.lastRefs.length));
  if (whole) return { ops: [{ op: "crop", scene: null, ...change }], refs: [] };
  const target = resolveTarget(p, ctx);
  if (!target || "error" in target) return target;
  if (target.kind === "video") return { ops: [{ op: "crop", scene: null, ...change }], refs: [] };
  const ids = target.ids;
  return { ops: ids.map((id) => ({ op: "crop", scene: id, ...change })), refs: ids };
}

function transitions(phrase: string, ctx: ParseContext, kind: Transition): Outcome {
  if (/^(?:all|every|each)(?: the)? (?:scenes?|shots?|cuts?|transitions?)$|^everywhere$|^throughout$/.test(phrase.trim())) return betweenAll(ctx, kind);
  return withScenes(phrase, ctx, (ids) => ({ ops: ids.map((id) => ({ op: "transition", scene: id, transition: kind })), refs: ids }));
}

/** Every join between scenes: the transitions into scenes 2…n. */
function betweenAll(ctx: ParseContext, kind: Transition): Outcome {
  const ops: EditOperation[] = ctx.working.scenes.slice(1).map((s) => ({ op: "transition", scene: s.id, transition: kind }));
  return ops.length ? { ops, refs: [] } : { error: "a single scene has no transitions between scenes" };
}

/**
 * Applies a change of look to a prompt: a new time of day or weather replaces the old one,
 * then the change is appended ("…sunny beach at golden hour…" + "at night" → "…beach…, at night").
 */
export function modifyPrompt(prompt: string, change: string): string {
  let p = prompt;
  // "at night instead of dusk": the words after "instead of" leave the prompt, the rest is the change
  const instead = /\s+(?:instead of|rather than|in place of)\s+(?:the |a |an )?(.+?)[.!]?$/i.exec(change);
  if (instead) {
    change = change.slice(0, instead.index);
    const old = instead[1]!.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // an adjective ("a sunny beach") goes alone; a phrase ("at dusk") with its preposition
    const alone = p.replace(new RegExp(`\\b${old}\\s+(?=[\\p{L}])`, "iu"), "");
    p = alone !== p ? alone : p.replace(new RegExp(`\\s*\\b(?:(?:at|in|during|on|with|by) (?:the |a |an )?)?${old}\\b`, "i"), "");
  }
  const c = change.toLowerCase();
  if (/\b(?:night|nighttime|midnight|evening|dusk|dawn|sunrise|sunset|morning|noon|midday|afternoon|daytime|day|daylight|twilight|golden hour|blue hour)\b/.test(c)) {
    p = p.replace(/\s*\b(?:at|during|in the|by)\s+(?:the\s+)?(?:golden hour|blue hour|night(?:time)?|midnight|evening|dusk|dawn|sunrise|sunset|morning|noon|midday|afternoon|daytime|twilight)\b/gi, "");
    p = p.replace(/\b(?:sunny|sunlit|sun-drenched|daytime|moonlit|nighttime|night-time|midday|morning|evening)\s+/gi, "");
  }
  if (/\b(?:rain|rainy|snow|snowy|fog|foggy|storm|stormy|sunny|cloudy|clear)\b/.test(c)) {
    p = p.replace(/\b(?:sunny|rainy|snowy|foggy|stormy|cloudy)\s+/gi, "").replace(/\s*\bin the (?:rain|snow|fog)\b/gi, "");
  }
  p = p.replace(/\s{2,}/g, " ").replace(/\s+,/g, ",").replace(/,{2,}/g, ",").replace(/[\s,]+$/, "").trim();
  return `${p}, ${change.trim()}`;
}

function regenerate(phrase: string, ctx: ParseContext, prompt: (old: string) => string): Outcome {
  return withScenes(phrase, ctx, (ids) => ({
    ops: ids.map((id) => ({ op: "regenerate", scene: id, prompt: prompt(ctx.working.scenes.find((s) => s.id === id)?.prompt ?? "") })),
    refs: ids,
  }));
}

const REPLACE_WORDS = new Set(["as", "showing", "to show", ":", "so it shows", "into"]);
const PROMPT_LEAD = /^(?:(?:a|an|the) )?(?:(?:new )?(?:scene|shot|clip|one) )?(?:of |showing |with |where |that shows |featuring )?/;

/** Strips "a scene of" from a replacement prompt typed by the user. */
function leadStripped(text: string): string {
  const m = PROMPT_LEAD.exec(text.toLowerCase());
  const cut = m && m[0].length < text.length && /\b(?:scene|shot|clip|one)\b/.test(m[0]) ? m[0].length : 0;
  return sentenceCase(text.slice(cut).trim());
}

/** A change that is really a length, speed, frame, position or transition belongs to another rule. */
function looksLikeOtherEdit(text: string): boolean {
  return (
    /(?:^| )(?:longer|shorter|faster|slower|quicker)$/.test(text) ||
    /^(?:\d|longer|shorter|faster|slower|quicker|1st|last|\d+(?:st|nd|rd|th)|vertical|portrait|square|landscape|horizontal|widescreen|fade|dissolve|crossfade|cut|start|end|come|go|appear|play|the (?:1st|last|opening|final)|in slowmo|slowmo|twice|half|double)\b/.test(text) ||
    /^(?:9:16|16:9|1:1)$/.test(text)
  );
}

/** "the beach scene at night" → the longest scene phrase that fully names one scene, and the rest. */
function splitSceneAndChange(text: string, ctx: ParseContext): { id: string; at: number } | { error: string } | null {
  const words = text.split(" ");
  let firstError: { error: string } | null = null;
  for (let k = words.length - 1; k >= 1; k--) {
    const head = words.slice(0, k).join(" ");
    const last = words[k - 1]!;
    if (["the", "a", "an", "at", "in", "on", "with", "of", "to", "more", "less", "and", "look", "feel", "be"].includes(last)) continue;
    const r = resolveSingle(head, ctx);
    if (!r) continue;
    if ("error" in r) {
      if (/\b(?:scene|shot|clip|one)$/.test(head)) firstError ??= r;
      continue;
    }
    const scene = ctx.original.scenes.find((s) => s.id === r.id) ?? ctx.working.scenes.find((s) => s.id === r.id);
    const byContent = !resolveScenesIsPositional(head);
    if (byContent && scene && !fullyMatches(head, scene)) continue;
    return { id: r.id, at: head.length + 1 };
  }
  return firstError;
}

function resolveScenesIsPositional(head: string): boolean {
  return new RegExp(`(?:^|\\s)(?:\\d+|\\d+(?:st|nd|rd|th)|last|\\d+(?:st|nd|rd|th)last|it|that|this|opening|final|closing|scene_\\d+)(?: ${NOUN})?$`).test(head);
}

function makeChange(m: Match, c: Clause, ctx: ParseContext, group: number): Outcome {
  const text = m[group]!;
  const split = splitSceneAndChange(text, ctx);
  if (!split || "error" in split) return split;
  const change = text.slice(split.at);
  // "the kitchen 3 s and warmer": the words after the scene are another edit
  if (!change || looksLikeOtherEdit(change) || /^(?:and|or|then|but) /.test(change)) return null;
  const span = Object.assign([...m], { index: m.index, input: m.input, indices: [...m.indices] }) as Match;
  const start = m.indices[group]![0] + split.at;
  span.indices[group] = [start, m.indices[group]![1]];
  const typed = literal(span, group, c, ctx);
  const id = split.id;
  const old = ctx.working.scenes.find((s) => s.id === id)?.prompt ?? "";
  return { ops: [{ op: "regenerate", scene: id, prompt: modifyPrompt(old, typed) }], refs: [id] };
}

const REGEN = "(?:regenerate|redo|reshoot|remake|rerender|recreate|reroll|rerun|refresh|retake|regen|generate|reimagine|rework|rethink)";
const REGEN_OF = "(?: a new version of| a new take of| another take of| another version of| a new| a fresh version of)?";

export const LOOK_RULES: Rule[] = [
  rule(
    "crop-aspect",
    `(?:crop|reframe|frame|recrop|format|reformat|resize|convert|make|turn|change|switch|export|render|put)(?: {S})? (?:to |as |for |into |in |at )?(?:a |an )?${ASPECT}(?: format| aspect| aspect ratio| ratio| version| video| frame| mode| orientation)?`,
    (m, _c, ctx) => crops(m[1], ctx, { aspect_ratio: ASPECTS[m[2]!]! }),
  ),
  rule("aspect-version", `(?:a |an )?${ASPECT} (?:version|format|video|cut|edit)(?: (?:for|of) (?:the )?(?:whole |entire )?(?:video|ad|spot|promo|thing|edit))?`, (m, _c, ctx) => crops(undefined, ctx, { aspect_ratio: ASPECTS[m[1]!]! })),
  rule(
    "crop-region",
    `(?:crop|reframe|frame|zoom)(?: in)?(?: on| into)? {S} (?:to|on|around|in on|into) (?:the )?${REGION}(?: of the (?:frame|image|picture|shot))?(?: part| side| area)?`,
    (m, _c, ctx) => crops(m[1], ctx, { region: REGIONS[m[2]!]! }),
  ),
  rule("zoom", `zoom(?: in)?(?: (\\d+(?:\\.\\d+)?) x)?(?: on| into)? {S}(?: (?:by )?(\\d+(?:\\.\\d+)?) x)?`, (m, _c, ctx) => zoom(m[2]!, m[1] ?? m[3], ctx)),
  rule("zoom-in", `zoom {S} in(?: (?:by )?(\\d+(?:\\.\\d+)?) x)?`, (m, _c, ctx) => zoom(m[1]!, m[2], ctx)),
  rule("uncrop", `(?:remove|undo|reset|clear|drop|delete|kill) (?:the |all |any )*(?:crop|crops|cropping|reframe|reframing|zoom)(?: (?:from|on|of|in) {S})?`, (m, _c, ctx) =>
    crops(m[1], ctx, { aspect_ratio: null, region: null }),
  ),
  rule("uncrop-scene", `(?:uncrop|show|make) {S}(?: in| at)? fullframe`, (m, _c, ctx) => crops(m[1], ctx, { aspect_ratio: null, region: null })),
  rule("uncrop-verb", `uncrop {S}`, (m, _c, ctx) => crops(m[1], ctx, { aspect_ratio: null, region: null })),
  rule("transition-remove", `(?:remove|delete|drop|no|kill|clear|lose)(?: all| the| any)* (?:transitions?|fades?|dissolves?|crossfades?|fade to black)(?: (?:from|on|into|before|to|at the start of) {S})?`, (m, _c, ctx) =>
    m[1] ? transitions(m[1], ctx, "cut") : { ops: ctx.working.scenes.map((s) => ({ op: "transition", scene: s.id, transition: "cut" as const })), refs: [] },
  ),
  rule("hard-cuts", `(?:(?:use|make it|just|only|all) )*(?:hard|straight|plain) cuts?(?: only)?(?: (?:everywhere|throughout|between (?:all |every |each )?(?:the )?(?:scenes?|shots?)))?`, (_m, _c, ctx) => ({
    ops: ctx.working.scenes.map((s) => ({ op: "transition", scene: s.id, transition: "cut" as const })),
    refs: [],
  })),
  rule(
    "transition-all",
    `(?:use|add|put|make|set|change|switch|apply)(?: all| every| each)?(?: the)?(?: transitions?)?(?: to| into| as)?(?: a| an)? ${TRANS}s?(?: transitions?)? (?:everywhere|throughout|between (?:all |every |each )?(?:the )?(?:scenes?|shots?)|for all (?:the )?scenes|on all (?:the )?scenes|on every scene|for every scene)`,
    (m, _c, ctx) => betweenAll(ctx, transitionOf(m[1]!)),
  ),
  // "use crossfades", "add fades to black": a kind of transition in the plural is every join
  rule("transition-plural", `(?:use|add|apply|put in|do|go with|i want|lets? use)(?: some| more)? (crossfades|dissolves|blends|fades to black|fades|dips to black)(?: instead| please| everywhere| throughout)?`, (m, _c, ctx) =>
    betweenAll(ctx, transitionOf(m[1]!.replace(/s( to black)?$/, "$1").replace("fades to black", "fade to black"))),
  ),
  rule("transition-smoother", `(?:make |use )?(?:the |all (?:the )?)?(?:transitions?|cuts?) (?:smoother|softer|gentler|less abrupt|less harsh)|(?:smoother|softer|gentler) (?:transitions?|cuts?)(?: (?:everywhere|throughout|between (?:all |the )?scenes))?`, (_m, _c, ctx) => {
    const out = betweenAll(ctx, "dissolve");
    return out && "ops" in out ? { ...out, notes: ["smoother transitions: a dissolve between every two scenes"] } : out;
  }),
  rule("transition-all-set", `(?:make|set|change|switch|turn) (?:all |every |each )?(?:the )?transitions? (?:to |into |as )?(?:a |an )?${TRANS}s?`, (m, _c, ctx) =>
    betweenAll(ctx, transitionOf(m[1]!)),
  ),
  rule("transition-between", `(?:add |use |put |insert )?(?:a |an )?${TRANS}(?: transition)? between {S} and {S}`, (m, _c, ctx) => {
    const a = resolveSingle(m[2]!, ctx);
    const b = resolveSingle(m[3]!, ctx);
    if (!a || "error" in a) return a;
    if (!b || "error" in b) return b;
    const order = ctx.working.scenes.map((s) => s.id);
    const later = order.indexOf(a.id) > order.indexOf(b.id) ? a.id : b.id;
    return { ops: [{ op: "transition", scene: later, transition: transitionOf(m[1]!) }], refs: [later] };
  }),
  rule(
    "transition-into",
    `(?:add |use |put |insert |apply |do |make |have |give |set )?(?:a |an )?${TRANS}(?: transition| effect)? (?:into|to|before|at the start of|in|on|for|going into|leading into|onto|at|straight to|straight into) {S}`,
    (m, _c, ctx) => transitions(m[2]!, ctx, transitionOf(m[1]!)),
  ),
  rule("transition-bare", `(?:add |use |put |insert )?(?:a |an )?transition (?:into|to|before|on|for) {S}`, (m, _c, ctx) => {
    const out = transitions(m[1]!, ctx, "dissolve");
    return out && "ops" in out ? { ...out, notes: ["no kind of transition given; used a dissolve"] } : out;
  }),
  rule("fade-in-scene", `(?:make |have |let )?{S} (?:should )?(fade|dissolve|crossfade)s? in(?: from (black))?`, (m, _c, ctx) =>
    transitions(m[1]!, ctx, m[3] ? "fade_black" : transitionOf(m[2]!)),
  ),
  rule("fade-in-verb", `(fade|dissolve) in {S}`, (m, _c, ctx) => transitions(m[2]!, ctx, transitionOf(m[1]!))),
  rule("open-fade", `(?:start|open|begin)(?: the (?:video|ad))? (?:with|on) (?:a |an )?${TRANS}(?: in)?(?: from (black))?`, (m, _c, ctx) =>
    transitions(ctx.working.scenes[0]!.id, ctx, m[2] ? "fade_black" : transitionOf(m[1]!)),
  ),
  rule("sound", `(?:mute|silence|unmute)(?: .+)?|(?:turn off|remove|kill|drop|lose|cut|lower|raise|change) (?:the |all |any )*(?:sound|audio|volume|noise)(?: .+)?|(?:no|without) (?:sound|audio)(?: .+)?`, () => ({
    error: "sound is not an edit: the clips' own audio is always left out, and a music video keeps its song (for another song, make a new generation with it)",
  })),
  rule("fade-out", `(?:.+ )?fades? out(?: .+)?`, () => ({
    error: "fade-outs are not supported: a transition sets how a scene enters (try “fade to black before the last scene”)",
  })),
  rule(
    "regenerate-with",
    `${REGEN}${REGEN_OF} {S} (with|without|as|showing|to show|but|so that|so it shows|where|using|:|featuring|in|at|into) {T}`,
    (m, c, ctx) => {
      const text = literal(m, 3, c, ctx);
      const replace = REPLACE_WORDS.has(m[2]!);
      return regenerate(m[1]!, ctx, (old) => (replace ? leadStripped(text) : modifyPrompt(old, `${m[2] === ":" ? "" : `${m[2]} `}${text}`)));
    },
  ),
  rule("regenerate", `${REGEN}${REGEN_OF} {S}(?: again)?`, (m, _c, ctx) => regenerate(m[1]!, ctx, (old) => old)),
  rule("try-again", `(?:try|do|shoot|make|give me) {S} again`, (m, _c, ctx) => regenerate(m[1]!, ctx, (old) => old)),
  rule("another-take", `(?:give me |make |get |i want )?(?:a new|another|a different|a fresh) (?:take|version|clip|shot) (?:of|for) {S}`, (m, _c, ctx) =>
    regenerate(m[1]!, ctx, (old) => old),
  ),
  rule("change-prompt", `(?:change|set|update|rewrite|edit) (?:the )?prompt (?:of|for) {S} to {T}`, (m, c, ctx) => {
    const text = sentenceCase(literal(m, 2, c, ctx));
    return regenerate(m[1]!, ctx, () => text);
  }),
  rule("replace", `(?:replace|swap|switch|change|turn|exchange) {S} (?:with|for|to|into) {T}`, (m, c, ctx) => {
    const target = m[2]!;
    if (looksLikeOtherEdit(target) || parseSeconds(target, ctx) || parseFactor(target)) return null;
    // "swap the beach with the kitchen" names two scenes; "change the bonfire to a campfire in the snow" names
    // the same one twice (a campfire is a bonfire to the content matcher): that is a new picture for it.
    const asScene = resolveScenes(target, ctx);
    const self = resolveSingle(m[1]!, ctx);
    if (asScene && "ids" in asScene && !(self && "id" in self && asScene.ids.length === 1 && asScene.ids[0] === self.id)) return null;
    if (/^(?:itself|it|that|this|the same\b.*)$|(?:^|\s)(?:scenes?|shots?|#) ?\d+\b|\b\d+(?:st|nd|rd|th)\b|\blast\b|scene_\d+|^\d+$/.test(target)) return null;
    const text = leadStripped(literal(m, 2, c, ctx));
    return withScene(m[1]!, ctx, (id) => ({ ops: [{ op: "regenerate", scene: id, prompt: text }], refs: [id] }));
  }),
  rule("make-change", `(?:make|turn|set|have|show|render|shoot|film|change) {T}`, (m, c, ctx) => makeChange(m, c, ctx, 1)),
  rule("should-change", `{T}`, (m, c, ctx) => {
    const s = /^(.+?) (?:should|must|needs to) (?:be|look|feel|happen|take place) (.+)$/.exec(m[1]!);
    if (!s) return null;
    const grade = gradeOf(s[2]!);
    if (grade !== undefined) return grades(s[1], ctx, grade);
    return withScene(s[1]!, ctx, (id) => {
      const span = Object.assign([...m], { index: m.index, input: m.input, indices: [...m.indices] }) as Match;
      span.indices[1] = [m.indices[1]![1] - s[2]!.length, m.indices[1]![1]];
      const change = literal(span, 1, c, ctx);
      if (looksLikeOtherEdit(s[2]!)) return null;
      const old = ctx.working.scenes.find((x) => x.id === id)?.prompt ?? "";
      return { ops: [{ op: "regenerate", scene: id, prompt: modifyPrompt(old, change) }], refs: [id] };
    });
  }),
  rule("add-to-scene", `(?:add|put|include|insert|throw in) {T} (?:to|in|into|on) {S}`, (m, c, ctx) => {
    if (/^(?:a |an |the )?(?:cta|transition|fade|dissolve|crossfade|\d)/.test(m[1]!)) return null;
    const text = literal(m, 1, c, ctx);
    return regenerate(m[2]!, ctx, (old) => modifyPrompt(old, `with ${text}`));
  }),
];

function zoom(phrase: string, amount: string | undefined, ctx: ParseContext): Outcome {
  const f = amount ? Number(amount) : 1.5;
  if (!(f > 1)) return { error: `a zoom of ${f}× would not zoom in` };
  const w = Math.round((1 / f) * 1000) / 1000;
  const x = Math.round(((1 - w) / 2) * 1000) / 1000;
  const out = crops(phrase, ctx, { region: { x, y: x, w, h: w } });
  if (out && "ops" in out && !amount) return { ...out, notes: ["no zoom amount given; used 1.5×"] };
  return out;
}
