import type { Grade } from "../../../core/timeline/schema.js";
import { rule, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { resolveTarget, WHOLE_VIDEO } from "./targets.js";

/** Rules for colour grades: warmer, cooler, brighter, darker, black and white, sepia, more or less saturated, and taking a grade off. */

/**
 * Colour grades by the words people use for them. A grade is drawn by the composer over the
 * clip: "make the kitchen warmer" or "black and white" costs nothing and keeps the clip, where
 * regenerating would make (and pay for) a new one. null: the grade comes off.
 */
const LOOK_SUFFIX = "(?: (?:tones?|colou?rs?|colou?r grade|grade|grading|look|feel|filter|tint|palette|vibe))?";
const LOOK_WORD = /(?:^| )(?:tones?|colou?rs?|grade|grading|look|feel|filter|tint|palette|vibe)$/;
const GRADE_PHRASES: [RegExp, Grade | null][] = [
  [/^(?:in |into )?(?:black and white|b and w|bw|monochrome|mono|greyscale|grayscale|gr[ae]y ?scale|colou?rless|noir)$/, "black_and_white"],
  [/^(?:in |into )?(?:sepia|sepia toned?|old photo|antique)$/, "sepia"],
  [/^(?:more |a )?(?:warm|warmer|hotter|golden|warmed up|more golden|orange)$/, "warm"],
  [/^(?:more |a )?(?:cool|cooler|colder|cold|bluer|blue|icier|icy)$/, "cool"],
  [/^(?:more |a )?(?:bright|brighter|lighter|light|brightened|lifted|airier)$|^less dark$/, "bright"],
  [/^(?:more |a )?(?:dark|darker|dimmer|dim|moodier|darkened|gloomier)$|^less bright$/, "dark"],
  [/^(?:more |a )?(?:vivid|vibrant|saturated|colou?rful|punchy|punchier|poppier|richer)$|^more colou?r$|^pop(?: more)?$|^more pop$|^more saturation$/, "vivid"],
  [/^(?:more |a )?(?:muted|desaturated|washed out|faded|duller|dull|subdued|softer)$|^less (?:saturated|saturation|colou?rful|vivid|vibrant|colou?r)$/, "muted"],
  [/^(?:in (?:full )?colou?r(?: again)?|(?:full|normal|original|natural) colou?rs?|back to colou?r|colou?r again|as generated|unfiltered|without (?:a |the |any )?(?:filter|grade|tint))$/, null],
];

/** The grade a phrase names ("warmer tones", "black and white", "more saturated"), null to remove one, undefined when it names none. */
export function gradeOf(phrase: string): Grade | null | undefined {
  const p = phrase.trim().replace(new RegExp(`${LOOK_SUFFIX}$`), "").replace(/^(?:a |an )?(?:bit |little |touch )?/, "").trim();
  for (const [re, grade] of GRADE_PHRASES) if (re.test(p)) return grade;
  return undefined;
}

/** A grade on the scenes a phrase names, or on every scene for the whole video ("it", "everything"). */
export function grades(phrase: string | undefined, ctx: ParseContext, grade: Grade | null): Outcome {
  const p = (phrase ?? "").trim().replace(/^(?:it all|all of it|the whole thing|all over|throughout|everywhere|on everything|across the board|across the (?:whole )?(?:video|ad))$/, "everything");
  const whole = !p || (WHOLE_VIDEO.test(p) && !(p === "it" && ctx.lastRefs.length));
  if (whole) return { ops: [{ op: "grade", scene: null, grade }], refs: [] };
  const target = resolveTarget(p, ctx);
  if (!target || "error" in target) return target;
  if (target.kind === "video") return { ops: [{ op: "grade", scene: null, grade }], refs: [] };
  return { ops: target.ids.map((id) => ({ op: "grade" as const, scene: id, grade })), refs: target.ids };
}

function endsInGrade(text: string): boolean {
  const words = text.split(" ");
  for (let k = 1; k < words.length; k++) if (gradeOf(words.slice(k).join(" ")) !== undefined) return true;
  return false;
}

/** "make the kitchen warmer", "turn it all black and white": the target, then the longest grade phrase that ends the clause. */
function makeGrade(text: string, ctx: ParseContext): Outcome {
  // "scene 2 darker and scene 3 brighter", "the 2nd black and white and the last sepia": one grade each, at whichever "and" splits it so
  for (const at of [...text.matchAll(/ and /g)].map((m) => m.index)) {
    const left = text.slice(0, at);
    const right = text.slice(at + 5);
    if (!endsInGrade(left) || !endsInGrade(right)) continue;
    const a = makeGrade(left, ctx);
    const b = makeGrade(right, ctx);
    if (a && "ops" in a && b && "ops" in b) return { ops: [...a.ops, ...b.ops], refs: [...(a.refs ?? []), ...(b.refs ?? [])] };
  }
  const words = text.split(" ");
  for (let k = 1; k < words.length; k++) {
    const grade = gradeOf(words.slice(k).join(" ").replace(/^(?:look|feel|appear|be|into|to|in|a bit|slightly) /, ""));
    if (grade === undefined) continue;
    const target = words.slice(0, k).join(" ").replace(/ (?:look|feel|appear|be)$/, "");
    // "at night rather than bright": the look named is the one not wanted; "the kitchen 3 s and warmer" is two edits
    if (/ (?:than|instead of|not|no|and|or)$/.test(target) || /(?:^| )\d+(?:\.\d+)? (?:s|bar|beat|frame)(?: |$)/.test(target)) return null;
    return grades(target, ctx, grade);
  }
  return null;
}

/** What a grade is called when it is taken off: "the grade", "the sepia filter", "the black and white". */
const GRADE_NOUN = "(?:colou?r )?(?:grades?|grading|filters?|tints?|looks?|black and white|b and w|sepia|warm(?:th)?|tones?)(?: (?:filter|grade|tint|look|effect))?";

export const GRADE_RULES: Rule[] = [
  rule("grade-make", `(?:make|turn|set|render|have|change|switch|get|go|put) {T}`, (m, _c, ctx) => makeGrade(m[1]!, ctx)),
  // not "mute": that is about sound
  rule("grade-verb", `(warm up|warm|cool down|cool|brighten up|brighten|lighten up|lighten|darken|desaturate|saturate) {S}(?: up| down)?`, (m, _c, ctx) => {
    const verb = m[1]!.split(" ")[0]!;
    const grade: Grade = { warm: "warm", cool: "cool", brighten: "bright", lighten: "bright", darken: "dark", desaturate: "muted", saturate: "vivid" }[verb] as Grade;
    return grades(m[2], ctx, grade);
  }),
  rule("grade-to", `(?:colou?r )?grade {T}`, (m, _c, ctx) => makeGrade(m[1]!.replace(/ (?:as|to|in|with)(?: a| an)? (?=\S+$)/, " "), ctx)),
  rule("grade-give", `give {T}`, (m, _c, ctx) => makeGrade(m[1]!.replace(/ (?:a|an|some)(?= \S)/, ""), ctx)),
  rule(
    "grade-apply",
    `(?:(?:add|apply|put|use|give|want|try|do|go for|i want|lets? go with|with) )?(?:it )?(?:a |an )?(.+?)(?: (?:to|on|for|over|across|in) {S})?`,
    (m, _c, ctx) => {
      const body = m[1]!;
      const whole = /^(.+?) (?:throughout|everywhere|all over|on everything|across the board|for (?:the )?(?:whole|entire) (?:video|thing|ad))$/.exec(body);
      const grade = gradeOf(whole ? whole[1]! : body);
      if (grade === undefined || (grade === null && !whole && !m[2])) return null;
      // a bare colour word ("blue", "dark") is a grade only as a look: "a blue tint", "warmer colours"
      if (!m[2] && !whole && !LOOK_WORD.test(body) && !/^(?:in )?(?:black and white|b and w|bw|monochrome|greyscale|grayscale|sepia(?: toned?)?)$/.test(body)) return null;
      return grades(whole ? undefined : m[2], ctx, grade);
    },
  ),
  rule(
    "grade-remove",
    `(?:remove|drop|take off|take away|clear|undo|lose|kill|reset|get rid of|strip)(?: the| all| any| that)* ${GRADE_NOUN}(?: (?:from|on|off|in|of) {S})?`,
    (m, _c, ctx) => grades(m[1], ctx, null),
  ),
  rule("grade-take-off", `take(?: the| all| any| that)* ${GRADE_NOUN} off(?: (?:of )?{S})?`, (m, _c, ctx) => grades(m[1], ctx, null)),
  rule("grade-back", `(?:go |put (?:it |them |everything )?|bring (?:it |them |everything )?|turn (?:it |them |everything )?)?back (?:to|into|in) (?:full |normal |original |natural )?colou?rs?(?: (?:for|on|in) {S})?`, (m, _c, ctx) => grades(m[1], ctx, null)),
];
