import { roundS } from "../../../core/timeline/invariants.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { literal, rule, sentenceCase, tokensIn, type Clause, type Match, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { parseSeconds, resolveSingle } from "./resolve.js";

/**
 * Rules for the call to action: add, remove, retext, move, set its window ("in the last 5
 * seconds", "from 20 to 25 s", "during the logo scene"), change its length.
 */

type CtaSet = Extract<EditOperation, { op: "cta" }>;
type Timing = { start_s?: number; duration_s?: number };

const Q = "(\\d+(?:\\.\\d+)?(?: (?:s|bar|beat|frame))?)";
const VIDEO = "(?: of (?:the )?(?:video|ad|spot|it))?";

function secs(text: string, ctx: ParseContext): number | { error: string } | null {
  const r = parseSeconds(text, ctx);
  if (!r) return null;
  return "error" in r ? r : r.value;
}

/** When the CTA shows, read from phrases like "in the last 5 s", "at 20 s for 4 s", "over scene 5". */
export function ctaTiming(text: string, ctx: ParseContext): Timing | { error: string } | null {
  const t = text.trim();
  const D = ctx.working.duration_s;
  const cur = ctx.working.cta;
  const length = cur?.duration_s ?? Math.min(3, D);
  const num = (s: string) => secs(s, ctx);
  let m: RegExpExecArray | null;
  const window = (a: number | { error: string } | null, b: number | { error: string } | null): Timing | { error: string } | null => {
    if (a === null || b === null) return null;
    if (typeof a !== "number") return a;
    if (typeof b !== "number") return b;
    return { start_s: roundS(a), duration_s: roundS(b) };
  };
  if ((m = new RegExp(`^(?:(?:in|for|during|over|across|into|to|on|at) )?(?:the )?(?:very )?(?:last|final|closing|ending) ${Q}${VIDEO}(?: only)?$`).exec(t))) {
    const q = num(m[1]!);
    return typeof q === "number" ? window(D - q, q) : q;
  }
  if ((m = new RegExp(`^(?:(?:in|for|during|over) )?(?:the )?(?:1st|opening) ${Q}${VIDEO}$`).exec(t))) return window(0, num(m[1]!));
  if (new RegExp(`^(?:at|to|towards|for|in|on) (?:the )?(?:very )?(?:end|close|finish|ending)${VIDEO}$`).test(t)) return { start_s: roundS(D - length) };
  if (new RegExp(`^(?:at|to|from|in) (?:the )?(?:very )?(?:start|beginning)${VIDEO}$`).test(t)) return { start_s: 0 };
  if ((m = new RegExp(`^(?:from|between) ${Q} (?:to|and|until|till) ${Q}$`).exec(t))) {
    const a = num(m[1]!);
    const b = num(m[2]!);
    if (typeof a === "number" && typeof b === "number" && b <= a) return { error: `the CTA would end (${b} s) before it starts (${a} s)` };
    return typeof a === "number" && typeof b === "number" ? window(a, b - a) : window(a, b);
  }
  if ((m = new RegExp(`^(?:at|to|from|starting at|starting from|starting|after) (?:the )?${Q}(?: mark| point)?(?: for ${Q})?$`).exec(t))) {
    const a = num(m[1]!);
    if (typeof a !== "number") return a;
    if (!m[2]) return { start_s: roundS(a) };
    return window(a, num(m[2]));
  }
  if ((m = new RegExp(`^${Q} in(?: for ${Q})?$`).exec(t))) {
    const a = num(m[1]!);
    if (typeof a !== "number") return a;
    return m[2] ? window(a, num(m[2])) : { start_s: roundS(a) };
  }
  if ((m = new RegExp(`^(?:for|lasting) ${Q}(?: (?:at|from|starting at) ${Q})?$`).exec(t))) {
    const d = num(m[1]!);
    if (typeof d !== "number") return d;
    if (!m[2]) return { duration_s: roundS(d) };
    const a = num(m[2]);
    return typeof a === "number" ? window(a, d) : a;
  }
  if ((m = new RegExp(`^${Q} before the end${VIDEO}$`).exec(t))) {
    const q = num(m[1]!);
    return typeof q === "number" ? window(D - q, Math.min(length, q)) : q;
  }
  if ((m = new RegExp(`^(?:by )?${Q} (earlier|later|sooner)$`).exec(t))) {
    if (!cur) return { error: "there is no CTA to move" };
    const q = num(m[1]!);
    if (typeof q !== "number") return q;
    return { start_s: roundS(cur.start_s + (m[2] === "later" ? q : -q)) };
  }
  // "and last 5 seconds", "and stay up for 4 s": how long it shows.
  if ((m = new RegExp(`^(?:and )?(?:let it )?(?:last|lasting|stay(?:s|ing)?(?: up| on screen| visible)?(?: for)?|hold(?: it)?(?: for)?) ${Q}$`).exec(t))) {
    const d = num(m[1]!);
    return typeof d === "number" ? { duration_s: roundS(d) } : d;
  }
  if ((m = /^(?:during|over|on|with|across|for|on top of) (.+)$/.exec(t))) {
    // "for the whole last scene": the scene's own span.
    const r = resolveSingle(m[1]!.replace(/^(?:the )?(?:whole|entire|full|complete) /, ""), ctx);
    if (!r || "error" in r) return r;
    const scene = ctx.working.scenes.find((s) => s.id === r.id);
    if (!scene) return { error: `${r.id} is no longer in the video` };
    return window(scene.start_s, scene.duration_s);
  }
  return null;
}

function setCta(fields: Omit<CtaSet, "op" | "action">, ctx: ParseContext, notes: string[] = []): Outcome {
  if (!ctx.working.cta && !fields.text) return { error: "there is no CTA yet; say what it should read (e.g. add a CTA “Shop now”)" };
  const op: CtaSet = { op: "cta", action: "set" };
  if (fields.text !== undefined) op.text = fields.text;
  if (fields.start_s !== undefined) op.start_s = fields.start_s;
  if (fields.duration_s !== undefined) op.duration_s = fields.duration_s;
  return { ops: [op], notes };
}

const TIMING_LEAD = /\b(?:in|for|during|over|at|from|between|starting|to the|lasting|on|and (?=last|stay|hold|let it))\b/g;

/**
 * What follows "add a CTA …": a quote or typed text, then an optional window. The text
 * ends where a window that can be read begins ("shop now | in the last 4 seconds").
 */
function textAndTiming(m: Match, group: number, c: Clause, ctx: ParseContext): { text?: string; timing: Timing } | { error: string } | null {
  const rest = m[group]?.trim() ?? "";
  if (!rest) return { timing: {} };
  const whole = ctaTiming(rest, ctx);
  if (whole && !("error" in whole)) return { timing: whole };
  const base = m.indices[group]![0];
  const cuts = [...rest.matchAll(TIMING_LEAD)].map((x) => x.index!).filter((i) => i > 0);
  for (const cut of cuts) {
    const timing = ctaTiming(rest.slice(cut), ctx);
    if (!timing) continue;
    if ("error" in timing) return timing;
    return { text: textOf(m, group, [base, base + cut - 1], c, ctx), timing };
  }
  if (whole && "error" in whole) return whole;
  // "in the lst 5 seconds" is a window with a typo, not the CTA's text.
  if (/^(?:in|at|for|during|over|from|on|into) (?:the )?.*\d/.test(rest) && !c.tokens.some((t) => t.quote !== undefined)) return null;
  return { text: textOf(m, group, [base, base + rest.length], c, ctx), timing: {} };
}

function textOf(m: Match, group: number, span: [number, number], c: Clause, ctx: ParseContext): string {
  // Quoted words are the CTA's text; words beside the quote are the instruction's own
  // ('should say "Shop now" and stay up for the last 4 s').
  const inside = tokensIn(c, span);
  const quoted = inside.find((t) => t.quote !== undefined);
  if (quoted && inside.length > 1) {
    ctx.literal.add(quoted);
    return sentenceCase(quoted.quote!.replace(/[.!,;:]+$/, "").trim());
  }
  const copy = Object.assign([...m], { index: m.index, input: m.input, indices: [...m.indices] }) as Match;
  copy.indices[group] = span;
  let raw = literal(copy, group, c, ctx).replace(/^(?:saying|that says|reading|that reads|says|reads|with the text|with text|text|of|:)\s*/i, "");
  // "Order today instead of Shop now": the words after "instead of" are the text being replaced
  const instead = /\s+(?:instead of|rather than|in place of|not)\s+["'“‘]?(.+?)["'”’]?[.!]?$/i.exec(raw);
  if (instead && ctx.working.cta && fold(instead[1]!) === fold(ctx.working.cta.text)) raw = raw.slice(0, instead.index);
  return sentenceCase(raw.replace(/[.!,;:]+$/, "").trim());
}

function resize(ctx: ParseContext, value: (current: number) => number, notes: string[] = []): Outcome {
  const cur = ctx.working.cta;
  if (!cur) return { error: "there is no CTA to resize" };
  const duration = roundS(value(cur.duration_s));
  if (!(duration > 0)) return { error: `the CTA cannot last ${duration} s: a length must be more than 0` };
  return setCta({ duration_s: duration }, ctx, notes);
}

function seconds(text: string, ctx: ParseContext, use: (s: number) => Outcome): Outcome {
  const v = secs(text, ctx);
  if (v === null) return null;
  return typeof v === "number" ? use(v) : v;
}

const CTA = "(?:the |a |an |our |my )?(?:new )?cta";
const SAY = "(?:say|says|read|reads|show|shows|display|displays)";

export const CTA_RULES: Rule[] = [
  // Its look is the style's: an edit sets what it says and when.
  rule("cta-look", `(?:(?:make|change|set|turn|put|have|give)(?: the| a| an| our)? )?(?:(?:bigger|smaller|larger|bolder) (?:the )?cta|cta(?: text)?(?: (?:colou?r|font|size|position|placement|style|animation)| (?:bigger|smaller|larger|bolder|brighter|darker|centered|centred))|(?:colou?r|font|typeface|size|style|animation|look) (?:of|on|for) (?:the |our )?cta).*`, () => ({
    error: "the CTA's look (colour, size, font, place on screen) comes from the style guide; an edit can change what it says and when it shows",
  })),
  rule("cta-remove", `(?:remove|delete|drop|hide|kill|lose|ditch|scrap|cut|disable|clear|turn off)(?: the| any| all)? cta(?: text| overlay)?(?: from .+| at the end)?`, () => ({
    ops: [{ op: "cta", action: "remove" }],
  })),
  rule("cta-none", `(?:no|dont (?:want|need|show|use) (?:a |the |any )?|without (?:a |the )?)cta(?: at all| anymore)?`, () => ({ ops: [{ op: "cta", action: "remove" }] })),
  rule("cta-should-go", `${CTA} (?:should|must|can|has to) (?:go|be removed|be deleted|disappear)`, () => ({ ops: [{ op: "cta", action: "remove" }] })),
  rule(
    "cta-text-to",
    `(?:change|set|make|update|rename|replace|switch|edit|rewrite|reword) ${CTA}(?: text| copy| wording| message| label)? (?:to say|to read|so it says|so that it says|to|into|with|as|${SAY}) :? ?{T}`,
    (m, c, ctx) => ctaText(m, c, ctx),
  ),
  rule("cta-say", `(?:make |have |let )?${CTA}(?: text)? (?:should |must |will |to |needs to |can )?${SAY} :? ?{T}`, (m, c, ctx) => ctaText(m, c, ctx)),
  rule("cta-colon", `${CTA}(?: text)? : {T}`, (m, c, ctx) => ctaText(m, c, ctx)),
  rule("cta-text-of", `(?:change|set|update|make) (?:the )?(?:text|copy|wording) (?:of|on|in) ${CTA} (?:to|into) {T}`, (m, c, ctx) => ctaText(m, c, ctx)),
  rule("cta-length", `(?:make|set|change|keep|have) ${CTA}(?: duration| length)? (?:to |be |last |at )?${Q}(?: long)?`, (m, _c, ctx) =>
    seconds(m[1]!, ctx, (s) => setCta({ duration_s: roundS(s) }, ctx)),
  ),
  rule("cta-last", `${CTA} (?:should |must )?(?:last|run|stay(?: on(?: screen)?)?) (?:for )?${Q}(?: long)?`, (m, _c, ctx) =>
    seconds(m[1]!, ctx, (s) => setCta({ duration_s: roundS(s) }, ctx)),
  ),
  rule("cta-longer-by", `(?:make|have) ${CTA} ${Q} (longer|shorter)`, (m, _c, ctx) =>
    seconds(m[1]!, ctx, (s) => resize(ctx, (d) => d + (m[2] === "longer" ? s : -s))),
  ),
  rule("cta-longer", `(?:make|have) ${CTA} (longer|shorter)(?: by ${Q})?`, (m, _c, ctx) => {
    const sign = m[1] === "longer" ? 1 : -1;
    if (!m[2]) return resize(ctx, (d) => d + sign, ["no amount given; used 1 s"]);
    return seconds(m[2], ctx, (s) => resize(ctx, (d) => d + sign * s));
  }),
  rule("cta-extend-to", `(extend|lengthen|stretch|shorten|trim|cut) ${CTA} (?:down )?to ${Q}`, (m, _c, ctx) =>
    seconds(m[2]!, ctx, (s) => setCta({ duration_s: roundS(s) }, ctx)),
  ),
  rule("cta-extend", `(extend|lengthen|stretch|shorten|trim|cut) ${CTA}(?: by ${Q})?`, (m, _c, ctx) => {
    const sign = ["shorten", "trim", "cut"].includes(m[1]!) ? -1 : 1;
    if (!m[2]) return resize(ctx, (d) => d + sign, ["no amount given; used 1 s"]);
    return seconds(m[2], ctx, (s) => resize(ctx, (d) => d + sign * s));
  }),
  rule(
    "cta-move-by",
    `(?:move|shift|push|pull|bring|nudge) ${CTA}(?: by)? ${Q} (earlier|later|back|forward|sooner)`,
    (m, _c, ctx) => {
      const cur = ctx.working.cta;
      if (!cur) return { error: "there is no CTA to move" };
      const later = m[2] === "later" || m[2] === "back";
      return seconds(m[1]!, ctx, (s) => setCta({ start_s: roundS(cur.start_s + (later ? s : -s)) }, ctx));
    },
  ),
  rule(
    "cta-add",
    `(?:add|put|include|insert|show|use|create|want|need|display|place|give it)(?: in| back)? ${CTA}(?: (?:saying|that says|reading|that reads|with the text|with text|with|of|text|says|reads))?(?: :)?(?: {T})?`,
    (m, c, ctx) => {
      const parsed = textAndTiming(m, 1, c, ctx);
      if (!parsed || "error" in parsed) return parsed;
      if (!parsed.text && !ctx.working.cta) return { error: "a new CTA needs its text (e.g. add a CTA “Shop now” in the last 3 seconds)" };
      return setCta({ text: parsed.text, ...defaultWindow(parsed.timing, ctx) }, ctx);
    },
  ),
  rule(
    "cta-timing",
    `(?:move|put|place|show|display|set|shift|have|start|bring|position|run|play|slide|push|pull|keep|make|begin)? ?${CTA} (?:should |must |will |needs to |can )?(?:appear |start |begin |come in |show up |show |run |go |be |sit |stay |play |pop up |come up |move |goes |appears |starts |runs )?{T}`,
    (m, _c, ctx) => {
      const timing = ctaTiming(m[1]!, ctx);
      if (!timing || "error" in timing) return timing;
      return setCta(timing, ctx);
    },
  ),
];

/** A new CTA with no window given closes the video. */
function defaultWindow(timing: Timing, ctx: ParseContext): Timing {
  if (ctx.working.cta || timing.start_s !== undefined) return timing;
  const D = ctx.working.duration_s;
  const duration = timing.duration_s ?? Math.min(3, D);
  return { start_s: roundS(D - duration), duration_s: roundS(duration) };
}

function ctaText(m: Match, c: Clause, ctx: ParseContext): Outcome {
  const rest = m[1]!.trim();
  if (ctaTiming(rest, ctx) || parseSeconds(rest, ctx)) return null;
  const parsed = textAndTiming(m, 1, c, ctx);
  if (!parsed || "error" in parsed) return parsed;
  if (!parsed.text) return null;
  return setCta({ text: parsed.text, ...defaultWindow(parsed.timing, ctx) }, ctx);
}

/** Words that name the CTA's text when the timeline has a CTA: "change the text to X", "swap the tagline for X". */
const TEXT_NAMES = /^(?:the |our |that |this )?(?:cta |call to action |end card |closing |on screen )?(?:text|words?|wording|copy|tagline|slogan|caption|button(?: text)?|line|message)$/;
const fold = (s: string) => s.toLowerCase().replace(/["'“”‘’«»„.!?,;:]/g, "").replace(/\s+/g, " ").trim();

/**
 * The CTA's text replaced by naming it: 'replace "Shop now" with "Order today"', "swap Shop now
 * for Order today", "change the tagline to Order today". Read without the word CTA, so only when
 * the old words are the CTA's own text or a name for it.
 */
export const CTA_TEXT_RULES: Rule[] = [
  rule("cta-replace-text", `(?:replace|change|swap|switch|turn|update|edit|rewrite|alter) (.+?) (?:with|to|for|into|by) {T}`, (m, c, ctx) => {
    const cur = ctx.working.cta;
    if (!cur) return null;
    const before = new Set(ctx.literal);
    const old = literal(m, 1, c, ctx);
    if (fold(old) !== fold(cur.text) && !TEXT_NAMES.test(m[1]!)) {
      ctx.literal = before;
      return null;
    }
    const text = textOf(m, 2, m.indices[2]!, c, ctx);
    return text ? setCta({ text }, ctx) : null;
  }),
];