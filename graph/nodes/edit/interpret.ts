import type { EditInterpretation } from "../../ports.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { applyOperations, EditRejectedError } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { parseClause, toClause, type ParseContext, type Rule } from "./grammar.js";
import { prepare, type Token } from "./normalize.js";
import { CTA_RULES } from "./rules-cta.js";
import { LOOK_RULES } from "./rules-look.js";
import { ORDER_RULES } from "./rules-order.js";
import { TIMING_RULES } from "./rules-timing.js";

/**
 * The deterministic offline interpreter: no model, same output as the LLM path. Each clause
 * of the instruction is read by the first rule that can build operations from it; later
 * clauses see the timeline as the earlier ones left it (for lengths and new scene ids),
 * while scene numbers keep meaning what the user saw.
 */

const SCENE_RULES: Rule[] = [
  ...LOOK_RULES.filter((r) => r.name.startsWith("transition") || r.name.startsWith("fade") || r.name === "open-fade"),
  ...LOOK_RULES.filter((r) => r.name.startsWith("crop") || r.name.startsWith("uncrop") || r.name.startsWith("zoom") || r.name === "aspect-version"),
  ...TIMING_RULES,
  ...ORDER_RULES,
  ...LOOK_RULES.filter((r) => !/^(?:transition|fade|open-fade|crop|uncrop|zoom|aspect-version)/.test(r.name)),
];

interface Attempt {
  result: EditInterpretation;
  /** True when a clause matched no rule at all (typo repair may help). */
  misunderstood: boolean;
  repairs: number;
}

/** Reads an instruction into typed operations, or says why it cannot be honoured. */
export function interpretOffline(instruction: string, timeline: Timeline): EditInterpretation {
  const plain = attempt(instruction, timeline, false);
  if (!plain.result.rejection) return plain.result;
  const repaired = attempt(instruction, timeline, true);
  if (repaired.repairs === 0) return plain.result;
  if (!repaired.result.rejection) return repaired.result;
  return plain.misunderstood && !repaired.misunderstood ? repaired.result : plain.result;
}

function attempt(instruction: string, timeline: Timeline, typos: boolean): Attempt {
  const prepared = prepare(instruction, timeline, typos);
  const all = prepared.clauses.flat();
  const repairs = all.filter((t) => t.fixedFrom).length;
  const reject = (rejection: string, misunderstood: boolean): Attempt => ({ result: { operations: [], warnings: [], rejection }, misunderstood, repairs });
  if (!prepared.clauses.length) return reject("the instruction has no edit in it", true);
  const ctx: ParseContext = { original: timeline, working: timeline, lastRefs: [], literal: new Set<Token>() };
  const operations: EditOperation[] = [];
  const warnings = [...prepared.notes];
  let lastWasCta = false;
  for (const tokens of prepared.clauses) {
    const words = lastWasCta && !tokens.some((t) => t.norm === "cta") ? tokens.map((t) => (t.norm === "it" ? { ...t, norm: "cta" } : t)) : tokens;
    const clause = toClause(words, instruction);
    const rules = clause.tokens.some((t) => t.norm === "cta") ? [...CTA_RULES, ...SCENE_RULES] : SCENE_RULES;
    const out = parseClause(clause, rules, ctx);
    const span = instruction.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
    const typed = span.length > 80 ? `${span.slice(0, 79)}…` : span;
    if (!out) return reject(`could not understand “${typed}”`, true);
    if ("error" in out) return reject(out.error, false);
    operations.push(...out.ops);
    for (const note of out.notes ?? []) if (!warnings.includes(note)) warnings.push(note);
    if (out.refs?.length) ctx.lastRefs = out.refs;
    lastWasCta = out.ops.every((op) => op.op === "cta");
    try {
      ctx.working = applyOperations(ctx.working, out.ops).timeline;
    } catch (error) {
      // The plan's validation reports it with the reason; later clauses read the last good state.
      if (!(error instanceof EditRejectedError)) throw error;
    }
  }
  const fixes = new Map<string, string>();
  for (const t of all) if (t.fixedFrom && !ctx.literal.has(t) && !fixes.has(t.fixedFrom)) fixes.set(t.fixedFrom, t.norm);
  for (const [from, to] of fixes) warnings.push(`read “${from}” as “${to}”`);
  return { result: { operations, warnings, rejection: null }, misunderstood: false, repairs };
}
