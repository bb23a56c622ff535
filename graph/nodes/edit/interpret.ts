import type { EditInterpretation } from "../../ports.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { applyOperations, EditRejectedError } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { CAN_DO, findAmbiguity } from "./ambiguity.js";
import { readCtaFrame } from "./cta-frame.js";
import { readFrame } from "./frames.js";
import { MILD, parseClause, toClause, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { toEnglish } from "./i18n.js";
import { prepare, type Token } from "./normalize.js";
import { hasNegative } from "./quantity.js";
import { CTA_RULES, CTA_TEXT_RULES } from "./rules-cta.js";
import { GRADE_RULES } from "./rules-grade.js";
import { resolveTarget } from "./targets.js";
import { LOOK_RULES } from "./rules-look.js";
import { ORDER_RULES } from "./rules-order.js";
import { TIMING_RULES } from "./rules-timing.js";

/**
 * The deterministic offline interpreter: no model, same output as the LLM path. Each clause
 * is checked for a second, more destructive reading (then the instruction is rejected with
 * the readings as alternatives), then read by composition (action + target + quantity +
 * reference point) when it carries a fraction, a pattern, an order or the whole video, else
 * by the phrase rules, with composition as the fallback. Later clauses see the timeline as
 * the earlier ones left it, while scene numbers keep meaning what the user saw. Instructions
 * in the brief languages are first brought to English words. Every reading has a confidence.
 */

const SCENE_RULES: Rule[] = [
  // colour grades first: they read only clauses that name a look ("remove the black and white from scene 2" is not a scene removal)
  ...LOOK_RULES.filter((r) => r.name === "sound"),
  ...GRADE_RULES,
  ...CTA_TEXT_RULES,
  ...LOOK_RULES.filter((r) => r.name.startsWith("transition") || r.name.startsWith("fade") || r.name === "open-fade"),
  ...LOOK_RULES.filter((r) => r.name.startsWith("crop") || r.name.startsWith("uncrop") || r.name.startsWith("zoom") || r.name === "aspect-version"),
  ...TIMING_RULES,
  ...ORDER_RULES,
  ...LOOK_RULES.filter((r) => !/^(?:sound|transition|fade|open-fade|crop|uncrop|zoom|aspect-version)/.test(r.name)),
];

/** Confidence of a clause read by a phrase rule written for that phrasing. */
const RULE_CONFIDENCE = 0.95;
/** Below this, a configured model is asked instead (see route.ts). */
export const CONFIDENT = 0.7;

/** The offline reading with how sure it is and, for an ambiguous instruction, its readings. */
export interface OfflineInterpretation extends EditInterpretation {
  /** 0–1. A rejection for ambiguity or an impossible edit is sure (≥ 0.9); "could not understand" is 0. */
  confidence: number;
  /** Ready instructions, one per reading, when the instruction is ambiguous. */
  alternatives: string[];
  /** The language the instruction was read in (ISO 639-1). */
  language: string;
}

interface Attempt {
  result: OfflineInterpretation;
  /** True when a clause matched nothing at all (typo repair may help). */
  misunderstood: boolean;
  repairs: number;
}

/** Reads an instruction into typed operations, or says why it cannot be honoured. */
const UNDO = /^(?:(?:please|can you|could you|just)\s+)*(?:undo|revert|roll ?back|go back|take (?:that|it) back|put it back(?: the way it was| as it was)?|restore the (?:previous|last|old|original) (?:version|cut|edit))(?:\s+(?:that|this|it|the (?:last|previous) (?:edit|change|one)|my last (?:edit|change)|(?:the )?changes?|everything|to (?:the )?(?:previous|last|original|old|first) (?:version|cut|edit)|to version \d+))?[\s.!?]*$/i;
const REVERT_HINT =
  "undo is not an edit of this version: revert to the one before instead (POST /api/v1/compositions/{id}/revert with its version number; GET /api/v1/compositions/{id}/versions lists them)";

export function interpretOffline(instruction: string, timeline: Timeline, depth = 0): OfflineInterpretation {
  const english = toEnglish(instruction);
  const text = english.text;
  // "undo that" asks for the version before, which is a revert, not an edit of this one.
  if (UNDO.test(text.trim())) {
    return { operations: [], warnings: [], rejection: REVERT_HINT, confidence: 0.9, alternatives: [], language: english.language };
  }
  const plain = attempt(text, timeline, false, english.language);
  let best = plain;
  const unsure = plain.result.rejection ? !plain.result.alternatives.length : plain.result.confidence < RULE_CONFIDENCE;
  if (unsure) {
    const repaired = attempt(text, timeline, true, english.language);
    const better = plain.result.rejection
      ? !repaired.result.rejection || (plain.misunderstood && !repaired.misunderstood)
      : !repaired.result.rejection && repaired.result.confidence >= plain.result.confidence + 0.1;
    if (repaired.repairs > 0 && better) best = repaired;
  }
  const r = best.result;
  if (english.language !== "en") {
    r.confidence = Math.min(r.confidence, r.rejection ? r.confidence : 0.9);
    if (!r.rejection) r.warnings = [`read the ${english.name} instruction as “${text}”`, ...r.warnings];
  }
  if (r.rejection && best.misunderstood) r.rejection = `${r.rejection}. ${CAN_DO}`;
  if (r.rejection && !r.alternatives.length && depth === 0) {
    // Only choices that are themselves read are offered.
    r.alternatives = sceneChoices(r.rejection, text, timeline).filter((alt) => !interpretOffline(alt, timeline, depth + 1).rejection);
  }
  return r;
}

/** "“chorus” could be scene_3 or scene_5": the instruction once per scene, named by its number. */
function sceneChoices(reason: string, text: string, timeline: Timeline): string[] {
  const m = /^"(.+?)" could be (scene_\d+(?: or scene_\d+)+)/.exec(reason);
  if (!m) return [];
  const at = text.toLowerCase().indexOf(m[1]!);
  if (at < 0) return [];
  return m[2]!.split(" or ").map((id) => {
    const n = timeline.scenes.findIndex((s) => s.id === id) + 1;
    return `${text.slice(0, at)}scene ${n}${text.slice(at + m[1]!.length)}`.replace(/\bthe scene (\d)/i, "scene $1");
  });
}

function attempt(instruction: string, timeline: Timeline, typos: boolean, language: string): Attempt {
  const prepared = prepare(instruction, timeline, typos);
  const all = prepared.clauses.flat();
  const repairs = all.filter((t) => t.fixedFrom).length;
  const reject = (rejection: string, misunderstood: boolean, extra: Partial<OfflineInterpretation> = {}): Attempt => ({
    result: { operations: [], warnings: [], rejection, confidence: misunderstood ? 0 : 0.9, alternatives: [], language, ...extra },
    misunderstood,
    repairs,
  });
  if (!prepared.clauses.length) return reject("the instruction has no edit in it", true);
  const ctx: ParseContext = { original: timeline, working: timeline, lastRefs: [], literal: new Set<Token>() };
  const operations: EditOperation[] = [];
  const complaints: { ids: string[]; what: string }[] = [];
  const warnings = [...prepared.notes];
  let confidence = 1;
  let lastWasCta = false;
  let remarks = 0;
  const clauses = prepared.clauses.flatMap((c) => splitCtaConjunction(ctaTextAsCta(c, timeline)));
  for (let ci = 0; ci < clauses.length; ci++) {
    const tokens = clauses[ci]!;
    const words = lastWasCta && !tokens.some((t) => t.norm === "cta") ? tokens.map((t) => (t.norm === "it" ? { ...t, norm: "cta" } : t)) : tokens;
    const clause = toClause(words, instruction);
    const span = instruction.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
    // The hedges around this clause (dropped from its tokens) say whether it asks for a small change.
    ctx.mild = MILD.test(instruction.slice(ci > 0 ? clauses[ci - 1]!.at(-1)!.end : 0, clauses[ci + 1]?.[0]?.start ?? instruction.length));
    const typed = span.length > 80 ? `${span.slice(0, 79)}…` : span;
    if (hasNegative(clause.text)) return reject(`“${typed}”: a length or a time cannot be negative`, false);
    const ambiguous = findAmbiguity(clause.text, ctx);
    if (ambiguous) return reject(ambiguous.reason, false, { alternatives: ambiguous.alternatives, confidence: 0.9 });
    if (ci + 1 < clauses.length && MODIFIER_ONLY.test(clause.text)) {
      // "at the very end, 2 s long, show the CTA": a fragment without its verb belongs to the next clause.
      clauses[ci + 1] = [...clauses[ci]!, ...clauses[ci + 1]!];
      continue;
    }
    // "make it vertical and 20 seconds long": one verb over two edits is two clauses
    const shared = sharedVerbSplit(words, instruction, ctx);
    if (shared) {
      clauses.splice(ci, 1, ...shared);
      ci--;
      continue;
    }
    // "I don't like the kitchen, make it shorter": a dislike followed by an edit says what "it" is; alone it asks for a removal.
    const dislike = ci + 1 < clauses.length && DISLIKE.test(clause.text) ? remarkOn(clause.text, ctx) : null;
    const read = dislike ? { out: null, confidence: 0 } : readClause(clause, ctx);
    if (!read.out) {
      // "the ending feels abrupt, add a fade…", "I don't like the kitchen, get rid of it": a remark
      // beside an edit is read as context (what "it" is), not refused as an edit.
      const remark = clauses.length > 1 ? remarkOn(clause.text, ctx) : null;
      if (!remark) return reject(`could not understand “${typed}”`, true);
      warnings.push(`read “${typed}” as a remark, not an edit`);
      if (remark.refs.length) ctx.lastRefs = remark.refs;
      lastWasCta = remark.cta;
      remarks++;
      continue;
    }
    if ("error" in read.out) return reject(read.out.error, false);
    const out = read.out;
    if (out.complaint && out.refs?.length) complaints.push({ ids: out.refs, what: out.complaint });
    confidence = Math.min(confidence, read.confidence);
    const removed = out.ops.flatMap((op) => (op.op === "remove" ? [op.scene] : []));
    if (removed.length && read.confidence < RULE_CONFIDENCE) {
      // A removal read by composition is said out loud, never proposed silently.
      warnings.push(`read “${typed}” as removing ${removed.join(", ")}; to shorten instead, say by how much (e.g. “shorten ${removed[0]!.replace("scene_", "scene ")} by 2 seconds”)`);
    }
    operations.push(...out.ops);
    for (const note of out.notes ?? []) if (!warnings.includes(note)) warnings.push(note);
    if (out.refs?.length) ctx.lastRefs = out.refs;
    lastWasCta = out.ops.length > 0 && out.ops.every((op) => op.op === "cta");
    try {
      ctx.working = applyOperations(ctx.working, out.ops).timeline;
    } catch (error) {
      // The plan's validation reports it with the reason; later clauses read the last good state.
      if (!(error instanceof EditRejectedError)) throw error;
    }
  }
  if (!operations.length && complaints.length) {
    const { ids, what } = complaints[0]!;
    const n = timeline.scenes.findIndex((s) => s.id === ids[0]) + 1;
    const d = timeline.scenes[n - 1]?.duration_s ?? 0;
    const alternatives =
      what === "long" ? [`shorten scene ${n} by 1 second`, `make scene ${n} ${Math.max(1, Math.round(d * 0.75))} seconds`, `cut scene ${n} in half`]
      : what === "short" ? [`lengthen scene ${n} by 1 second`, `play scene ${n} at 0.75x`]
      : what === "slow" ? [`speed up scene ${n}`, `play scene ${n} at 1.5x`]
      : [`slow down scene ${n}`, `play scene ${n} at 0.75x`];
    return reject(`that says scene ${n} is too ${what} but not how to change it`, false, { alternatives, confidence: 0.9 });
  }
  if (!operations.length && remarks) return reject(`that says what you think of the video but not what to change`, false);
  const fixes = new Map<string, string>();
  for (const t of all) if (t.fixedFrom && !ctx.literal.has(t) && !fixes.has(t.fixedFrom)) fixes.set(t.fixedFrom, t.norm);
  for (const [from, to] of fixes) warnings.push(`read “${from}” as “${to}”`);
  confidence -= 0.05 * fixes.size;
  return { result: { operations, warnings, rejection: null, confidence: Math.max(0, Math.round(confidence * 100) / 100), alternatives: [], language }, misunderstood: false, repairs };
}

const SHARED_VERB = /^(?:make|turn|set|get|render|have|keep)$/;

/**
 * "make it vertical and 20 seconds long", "make the beach shorter and black and white": a verb
 * and its object shared by two complements, split into "make it vertical" + "make it 20 seconds
 * long" — only when the clause is not read well whole and both halves are read well (the "and"
 * of "black and white" is tried and rejected like any other).
 */
function sharedVerbSplit(words: Token[], instruction: string, ctx: ParseContext): Token[][] | null {
  if (!SHARED_VERB.test(words[0]?.norm ?? "") || !words.some((t) => t.norm === "and")) return null;
  const trial = (tokens: Token[]) => readClause(toClause(tokens, instruction), { ...ctx, literal: new Set(ctx.literal) });
  const good = (r: { out: Outcome; confidence: number }) => !!r.out && "ops" in r.out && r.out.ops.length > 0 && r.confidence >= 0.85;
  if (good(trial(words))) return null;
  // the longest object first: "make the beach shorter and black and white" shares "the beach", not "the"
  for (let objectEnd = Math.min(5, words.length - 3); objectEnd >= 2; objectEnd--) {
    for (let i = objectEnd + 1; i < words.length - 1; i++) {
      if (words[i]!.norm !== "and") continue;
      const left = words.slice(0, i);
      const right = [...words.slice(0, objectEnd).map((t) => ({ ...t })), ...words.slice(i + 1)];
      if (good(trial(left)) && good(trial(right))) return [left, right];
    }
  }
  return null;
}

const DISLIKE = /^i (?:dont|do not|really dont|kind of dont|am not sure about|m not sure about) (?:like|love|want|need|think) (.+)$|^i (?:hate|dislike) (.+)$/;
const JUDGED = /^(.+?) (?:is|are|looks?|feels?|seems?|sounds?|comes? in|appears?|gets?)(?: (?:way|far|a bit|a little|kind of|kinda|so|really|very|too|quite|rather|pretty|not|a tad))* [a-z]+$/;

/** What a remark is about: the scenes it names ("the ending" → the last one) or the CTA. Null when the clause is not a remark. */
function remarkOn(text: string, ctx: ParseContext): { refs: string[]; cta: boolean } | null {
  const m = DISLIKE.exec(text) ?? JUDGED.exec(text);
  if (!m) return null;
  const subject = (m[1] ?? m[2] ?? "").trim();
  if (/(?:^| )cta$/.test(subject)) return { refs: [], cta: true };
  const target = resolveTarget(subject.replace(/ (?:scene|shot|part|bit)$/, ""), ctx);
  return { refs: target && "ids" in target ? target.ids : [], cta: false };
}

/** A clause made only of a window or an amount ("at the very end", "3 s long"): it modifies the next one. */
const MODIFIER_ONLY = /^(?:(?:at|the|very|end|start|beginning|last|final|closing|1st|for|in|during|over|across|from|to|by|until|long|short|s|bar|beat|frame|only|just|,|\d+(?:\.\d+)?)(?: |$))+$/;

/**
 * "delete the CTA and the logo": one verb over the CTA and a scene is two edits, "delete the
 * CTA" and "delete the logo" (read as one, the CTA was silently dropped).
 */
function splitCtaConjunction(tokens: Token[]): Token[][] {
  const and = tokens.findIndex((t, i) => t.norm === "and" && i > 1);
  if (and < 0 || tokens.length < 4) return [tokens];
  const verb = tokens[0]!;
  const left = tokens.slice(1, and);
  const right = tokens.slice(and + 1);
  const isCta = (part: Token[]) => part.some((t) => t.norm === "cta");
  if (isCta(left) === isCta(right) || !/^(?:remove|delete|drop|hide|kill|lose|ditch|scrap|cut)$/.test(verb.norm)) return [tokens];
  return [[verb, ...left], [{ ...verb }, ...right]];
}

/** "show shop now for the last 5 s": the CTA named by its text is the CTA. */
function ctaTextAsCta(tokens: Token[], timeline: Timeline): Token[] {
  const text = timeline.cta?.text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean) ?? [];
  if (!text.length || tokens.some((t) => t.norm === "cta")) return tokens;
  for (let i = 0; i + text.length <= tokens.length; i++) {
    if (text.every((w, k) => tokens[i + k]!.norm === w && tokens[i + k]!.quote === undefined)) {
      const merged: Token = { norm: "cta", start: tokens[i]!.start, end: tokens[i + text.length - 1]!.end };
      return [...tokens.slice(0, i), merged, ...tokens.slice(i + text.length)];
    }
  }
  return tokens;
}

/** Clauses that carry a fraction, a multiple, a pattern, an order, a position or the whole video are read by composition first. */
const COMPOSE_FIRST =
  /(?:^| )(?:half|halve|halves|thirds?|quarters?|fifths?|\d+(?:st|nd|rd|th)|twice|double|triple|%|every|each|all|other|alternate|odd|even|order|reorder|sequence|video|ad|spot|whole|total|it|version|position|slot|place|x|times|speed|fast|slow|only|just|alone|later|earlier|opener|closer|follow|follows|before|after|except|but|besides|keep|leave|dont|never)(?= |$)/;

/** Framing words: "left half" or "zoom 2x" are regions and zooms, not lengths or speeds. */
const LOOK_WORDS = /(?:^| )(?:crop|recrop|zoom|reframe|frame|left|right|top|bottom|upper|lower|corner|region)(?= |$)/;

function readClause(clause: ReturnType<typeof toClause>, ctx: ParseContext): { out: Outcome; confidence: number } {
  const rules = clause.tokens.some((t) => t.norm === "cta") ? [...CTA_RULES, ...SCENE_RULES] : SCENE_RULES;
  const isCta = rules.length > SCENE_RULES.length || (clause.tokens.some((t) => t.quote !== undefined) && /\d/.test(clause.text) && !/(?:^| )(?:scene|shot|clip)(?= |$)/.test(clause.text));
  let first: { out: Outcome; confidence: number } | null = null;
  if (!isCta && COMPOSE_FIRST.test(clause.text) && !LOOK_WORDS.test(clause.text)) {
    const frame = readFrame(clause.text, ctx);
    if (frame?.out && "ops" in frame.out) {
      if (frame.confidence >= 0.85) return frame;
      first = frame;
    }
  }
  const literalBefore = new Set(ctx.literal);
  const out = parseClause(clause, rules, ctx);
  if (first) {
    // Composition read it first; a phrase rule that reads the same operations makes it sure.
    const agree = !!out && "ops" in out && JSON.stringify(out.ops) === JSON.stringify((first.out as { ops: EditOperation[] }).ops);
    if (!agree) ctx.literal = literalBefore;
    return agree ? { out: first.out, confidence: RULE_CONFIDENCE } : first;
  }
  if (out && "ops" in out) return { out, confidence: RULE_CONFIDENCE };
  ctx.literal = literalBefore;
  const frame = isCta ? readCtaFrame(clause, ctx) : readFrame(clause.text, ctx);
  // A rule's own refusal ("fade-outs are not supported") stands unless composition reads the clause well.
  if (frame?.out && "ops" in frame.out && (!out || frame.confidence >= 0.85)) return frame;
  if (out) return { out, confidence: 0.9 };
  if (frame?.out) return frame;
  return { out: null, confidence: 0 };
}
