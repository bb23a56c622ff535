import type { EditOperation } from "../../../core/schemas/edit.js";
import type { Token } from "./normalize.js";
import { parseSeconds, resolveScenes, resolveSingle, type ResolveContext } from "./resolve.js";

/**
 * The clause grammar's machinery: a rule is an anchored pattern over the canonical clause
 * text ("move the bonfire scene to the end") and a builder that resolves its slots into
 * operations. Slots: {S} a scene phrase, {Q} a length ("4 s", "1 bar", "4"), {QU} a length
 * with its unit, {T} free text (taken from what the user typed).
 */

export interface Clause {
  tokens: Token[];
  /** Canonical text: the tokens' norms joined by single spaces. */
  text: string;
  /** Character offset of each token in `text`. */
  offsets: number[];
  /** The whole instruction as typed. */
  source: string;
}

export interface ParseContext extends ResolveContext {
  /** Tokens taken literally (CTA text, prompts): their typo repairs are not reported. */
  literal: Set<Token>;
  /** The clause asks for a small change ("a bit", "slightly"): an unstated amount is a gentle one. */
  mild?: boolean;
}

/** Words that ask for a small change; the normaliser drops them as hedges, so they are read from the clause's own text. */
export const MILD = /(?<![\p{L}])(?:a bit|a little(?: bit)?|slightly|a touch|a tad|somewhat|a smidge)(?![\p{L}])/iu;

/** The speed factor used when none is given: 2× / 0.5×, or 1.25× / 0.8× for "a bit". */
export function defaultSpeed(faster: boolean, ctx: ParseContext): { factor: number; note: string } {
  const factor = faster ? (ctx.mild ? 1.25 : 2) : ctx.mild ? 0.8 : 0.5;
  return { factor, note: `no factor given; used ${factor}×${ctx.mild ? " (a small change)" : ""}` };
}

export type Outcome =
  | { ops: EditOperation[]; refs?: string[]; notes?: string[]; complaint?: "long" | "short" | "slow" | "fast" | "quick" }
  | { error: string }
  | null;

export type Match = RegExpExecArray & { indices: Array<[number, number] | undefined> };

export interface Rule {
  name: string;
  re: RegExp;
  build(m: Match, c: Clause, ctx: ParseContext): Outcome;
}

export const NOUN = "(?:scenes?|shots?|clips?|parts?|ones?)";
const SLOTS: Record<string, string> = {
  S: "(.+?)",
  Q: "(\\d+(?:\\.\\d+)?(?: (?:s|bar|beat|frame))?)",
  QU: "(\\d+(?:\\.\\d+)? (?:s|bar|beat|frame))",
  T: "(.+)",
};

/** A rule from a pattern with {S}/{Q}/{QU}/{T} slots, matched against the whole clause. */
export function rule(name: string, pattern: string, build: Rule["build"]): Rule {
  const source = pattern.replace(/\{(S|QU|Q|T)\}/g, (_, k: string) => SLOTS[k]!);
  return { name, re: new RegExp(`^${source}$`, "d"), build };
}

export function toClause(tokens: Token[], source: string): Clause {
  const offsets: number[] = [];
  let at = 0;
  for (const t of tokens) {
    offsets.push(at);
    at += t.norm.length + 1;
  }
  return { tokens, text: tokens.map((t) => t.norm).join(" "), offsets, source };
}

/** The clause's tokens that lie wholly inside `span` (offsets in the clause's normalised text). */
export function tokensIn(c: Clause, span: [number, number]): Token[] {
  return c.tokens.filter((t, i) => c.offsets[i]! >= span[0] && c.offsets[i]! + t.norm.length <= span[1]);
}

/** The user's own text for a matched group (quote contents for a quoted token). */
export function literal(m: Match, group: number, c: Clause, ctx: ParseContext): string {
  const span = m.indices[group];
  if (!span) return "";
  const inside = tokensIn(c, span);
  if (!inside.length) return "";
  inside.forEach((t) => ctx.literal.add(t));
  if (inside.length === 1 && inside[0]!.quote !== undefined) return inside[0]!.quote!;
  return c.source.slice(inside[0]!.start, inside[inside.length - 1]!.end).trim().replace(/^["'“‘]|["'”’]$/g, "").trim();
}

/** Capitalises the first letter of typed text ("shop now" → "Shop now"). */
export function sentenceCase(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** Resolves one scene or passes on the failure (null: not a scene phrase). */
export function withScene(phrase: string, ctx: ParseContext, build: (id: string) => Outcome): Outcome {
  const r = resolveSingle(phrase, ctx);
  if (!r || "error" in r) return r;
  return build(r.id);
}

/** Resolves one or more scenes and builds operations for each. */
export function withScenes(phrase: string, ctx: ParseContext, build: (ids: string[]) => Outcome): Outcome {
  const r = resolveScenes(phrase, ctx);
  if (!r || "error" in r) return r;
  return build(r.ids);
}

/** A length in seconds for a scene, or the failure. */
export function secondsFor(text: string, ctx: ParseContext, sceneId?: string): { value: number } | { error: string } | null {
  return parseSeconds(text, ctx, sceneId);
}

/** The default step for "shorter"/"longer" without an amount: one bar on a music video, else 1 s. */
export function defaultStep(ctx: ParseContext, sceneId?: string): { value: number; note: string } {
  const bar = parseSeconds("1 bar", ctx, sceneId);
  if (bar && "value" in bar) return { value: bar.value, note: `no amount given; used one bar (${bar.value} s)` };
  return { value: 1, note: "no amount given; used 1 s" };
}

export const EDGE = "(start|beginning|front|head|end|tail|back)";
export function edge(word: string | undefined): "start" | "end" {
  return word && ["start", "beginning", "front", "head"].includes(word) ? "start" : "end";
}

/** Tries the rules in order: the first that builds operations wins; else the first error. */
export function parseClause(c: Clause, rules: Rule[], ctx: ParseContext): Outcome {
  const errors: string[] = [];
  for (const r of rules) {
    const m = r.re.exec(c.text) as Match | null;
    if (!m) continue;
    const literalBefore = new Set(ctx.literal);
    const out = r.build(m, c, ctx);
    if (out && "ops" in out) return out;
    ctx.literal = literalBefore;
    if (out) errors.push(out.error);
  }
  return errors.length ? { error: errors[0]! } : null;
}
