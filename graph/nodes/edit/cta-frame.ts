import { roundS } from "../../../core/timeline/invariants.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import type { Clause, Outcome, ParseContext } from "./grammar.js";
import { parseSeconds } from "./resolve.js";
import { ctaTiming } from "./rules-cta.js";

/**
 * The call to action read by composition: an action (remove, or set), a window found anywhere
 * in the clause ("the last 5 s", "from 20 to 25 s"), a length ("3 s long") and a reference
 * point ("at the very end": the window closes the video), and the text when it is quoted.
 */

type CtaSet = Extract<EditOperation, { op: "cta" }>;

const REMOVE = /(?:^| )(?:no|without|remove|delete|drop|hide|kill|lose|ditch|scrap|disable|clear|take|rid|cut|turn off)(?= |$)/;
const AT_END = /(?:^| )(?:(?:at|to|towards|in|on|by) )?(?:the )?(?:very )?(?:end|close|finish|ending)(?: of (?:the )?(?:video|ad|it|spot))?(?= |$)/;
const LENGTH = /(?:^| )(?:for |lasting |last |run |stay )?(\d+(?:\.\d+)?(?: (?:s|bar|beat|frame))?) (?:long|in length)|(?:^| )(?:for|lasting|last|run|stay|make (?:it|the cta)|cta(?: is)?) (\d+(?:\.\d+)? (?:s|bar|beat|frame))(?= |$)/;

/** The longest span of the clause that reads as a CTA window. */
function windowIn(words: string[], ctx: ParseContext): { start_s?: number; duration_s?: number } | { error: string } | null {
  let firstError: { error: string } | null = null;
  const whole = ctaTiming(words.join(" "), ctx);
  // A window the whole clause states but that is impossible ("from 10 to 8 s") stands; a scene phrase that fails may be a longer clause.
  if (whole && (!("error" in whole) || !/no scene matches|does not name/.test(whole.error))) return whole;
  for (let len = words.length - 1; len >= 2; len--) {
    for (let from = 0; from + len <= words.length; from++) {
      const span = words.slice(from, from + len).join(" ");
      if (!/\d/.test(span)) continue;
      const t = ctaTiming(span, ctx);
      if (t && !("error" in t)) return t;
      if (t) firstError ??= t;
    }
  }
  return firstError;
}

export function readCtaFrame(c: Clause, ctx: ParseContext): { out: Outcome; confidence: number } | null {
  const t = c.text.replace(/ ?[,:] ?/g, " ").trim();
  const quoted = c.tokens.find((tok) => tok.quote !== undefined)?.quote;
  const mentions = /(?:^| )cta(?= |$)/.test(t);
  if (!mentions && !(quoted && /(?:^| )(?:show|put|add|display|place|on screen|overlay)(?= |$)/.test(t))) return null;
  const D = ctx.working.duration_s;
  if (!/\d/.test(t) && REMOVE.test(t) && !quoted) return { out: { ops: [{ op: "cta", action: "remove" }] }, confidence: 0.85 };
  const words = t.split(" ").filter((w) => w && w !== "cta");
  const op: CtaSet = { op: "cta", action: "set" };
  if (quoted) op.text = quoted;
  const lengthMatch = LENGTH.exec(t);
  let length: number | undefined;
  if (lengthMatch) {
    const r = parseSeconds((lengthMatch[1] ?? lengthMatch[2])!, ctx);
    if (r && "error" in r) return { out: r, confidence: 0.8 };
    if (r) length = r.value;
  }
  if (AT_END.test(t) && length !== undefined) {
    op.start_s = roundS(D - length);
    op.duration_s = length;
  } else {
    const w = windowIn(words, ctx);
    if (w && "error" in w) return { out: w, confidence: 0.8 };
    if (w) {
      if (w.start_s !== undefined) op.start_s = w.start_s;
      if (w.duration_s !== undefined) op.duration_s = w.duration_s;
    } else if (length !== undefined) op.duration_s = length;
    else if (AT_END.test(t)) op.start_s = roundS(D - (ctx.working.cta?.duration_s ?? Math.min(3, D)));
  }
  if (op.start_s === undefined && op.duration_s === undefined && op.text === undefined) return null;
  if (!ctx.working.cta && !op.text) return { out: { error: "there is no CTA yet; say what it should read (e.g. add a CTA “Shop now” in the last 3 seconds)" }, confidence: 0.8 };
  if (!ctx.working.cta && op.start_s === undefined) {
    const d = op.duration_s ?? Math.min(3, D);
    op.start_s = roundS(D - d);
    op.duration_s = d;
  }
  return { out: { ops: [op] }, confidence: 0.85 };
}
