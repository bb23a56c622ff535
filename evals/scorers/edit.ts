import { EditOperationSchema, type EditOperation, type EditPlan } from "../../core/schemas/edit.js";
import type { Timeline } from "../../core/timeline/schema.js";
import { stableStringify } from "../cache.js";
import type { Scorer } from "../core/types.js";

/** The edit suite's scorers: the exact timeline after the edit, the operations, and rejections. */

export interface EditInput {
  id: string;
  instruction: string;
  timelineName: string;
  timeline: Timeline;
  clipDurations: Record<string, number>;
}

export interface EditExpected {
  status: "proposed" | "rejected";
  /** Exact operations, when the table gives them (null: not given, so precision and recall are skipped). */
  ops: EditOperation[] | null;
  /** The timeline after the edit: the expected ops applied to the fixture, or the fixture itself for a rejection. */
  timeline: Timeline;
  reason_contains?: string;
  warnings_contains?: string[];
  diff_contains?: { kind: string; scene_id: string | null }[];
  /** An ambiguous instruction: the plan must be rejected and offer alternatives. */
  alternatives?: boolean;
}

type EditScorer = Scorer<EditInput, EditPlan, EditExpected>;

/** The first place two JSON values differ (numbers within `tol`), or null when they agree. */
export function firstDifference(a: unknown, b: unknown, path = "", tol = 1e-3): string | null {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= tol ? null : `${path || "(root)"}: ${a} ≠ ${b}`;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b ? null : `${path || "(root)"}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} items ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`, tol);
      if (d) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => ra[k] !== undefined || rb[k] !== undefined);
  for (const k of keys.sort()) {
    const d = firstDifference(ra[k], rb[k], path ? `${path}.${k}` : k, tol);
    if (d) return d;
  }
  return null;
}

/** An operation in one spelling: schema defaults applied, no undefined fields, a swap's pair sorted. */
export function canonicalOp(op: unknown): string {
  const parsed = EditOperationSchema.safeParse(op);
  const value = parsed.success ? (parsed.data as Record<string, unknown>) : (op as Record<string, unknown>);
  const clean = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  if (clean.op === "swap" && typeof clean.a === "string" && typeof clean.b === "string" && clean.a > clean.b) [clean.a, clean.b] = [clean.b, clean.a];
  return stableStringify(clean);
}

/** How many predicted operations match expected ones, one to one. */
export function matchOps(expected: unknown[], got: unknown[]): number {
  const pool = expected.map(canonicalOp);
  let matched = 0;
  for (const g of got.map(canonicalOp)) {
    const i = pool.indexOf(g);
    if (i >= 0) {
      pool.splice(i, 1);
      matched++;
    }
  }
  return matched;
}

export const rejectionScorer: EditScorer = {
  name: "status",
  kind: "hard",
  score: ({ output, expected }) => {
    if (output.status !== expected.status) return { score: 0, detail: `${output.status}${output.reason ? ` (${output.reason})` : ""}, expected ${expected.status}` };
    if (expected.status === "rejected" && expected.reason_contains && !(output.reason ?? "").includes(expected.reason_contains))
      return { score: 0.5, detail: `rejected for "${output.reason}", expected a reason with "${expected.reason_contains}"` };
    return { score: 1 };
  },
};

export const timelineExactScorer: EditScorer = {
  name: "timeline_exact",
  kind: "hard",
  score: ({ output, expected }) => {
    const d = firstDifference(output.timeline_after, expected.timeline);
    return d ? { score: 0, detail: d } : { score: 1 };
  },
};

export const opPrecisionScorer: EditScorer = {
  name: "op_precision",
  kind: "soft",
  score: ({ output, expected }) => {
    if (expected.ops === null) return { score: null, detail: "the table gives no operations for this case" };
    if (!output.operations.length) return { score: null, detail: "no operations proposed" };
    const want = expected.ops;
    const m = matchOps(want, output.operations);
    return { score: m / output.operations.length, detail: m < output.operations.length ? `${output.operations.length - m} of ${output.operations.length} operation(s) not expected: ${output.operations.map(canonicalOp).join(" ")}` : undefined };
  },
};

export const opRecallScorer: EditScorer = {
  name: "op_recall",
  kind: "soft",
  score: ({ output, expected }) => {
    if (expected.ops === null) return { score: null, detail: "the table gives no operations for this case" };
    const want = expected.ops;
    if (!want.length) return { score: null, detail: "no operations expected" };
    const m = matchOps(want, output.operations);
    return { score: m / want.length, detail: m < want.length ? `found ${m} of ${want.length}: expected ${want.map(canonicalOp).join(" ")}` : undefined };
  },
};

export const diffWarningsScorer: EditScorer = {
  name: "diff_and_warnings",
  kind: "soft",
  score: ({ output, expected }) => {
    const list: [boolean, string][] = [];
    for (const d of expected.diff_contains ?? [])
      list.push([output.diff.some((x) => x.kind === d.kind && x.scene_id === d.scene_id), `no ${d.kind} entry for ${d.scene_id ?? "the CTA"} in the diff`]);
    const warnings = output.warnings.join("\n");
    for (const w of expected.warnings_contains ?? []) list.push([warnings.includes(w), `no warning with "${w}"`]);
    if (!list.length) return { score: null, detail: "nothing expected in the diff or warnings" };
    const failed = list.filter(([ok]) => !ok).map(([, why]) => why);
    return { score: (list.length - failed.length) / list.length, detail: failed.length ? failed.join("; ") : undefined };
  },
};

export const EDIT_SCORERS: EditScorer[] = [rejectionScorer, timelineExactScorer, opPrecisionScorer, opRecallScorer, diffWarningsScorer];

/** Ambiguous instructions are rejected with ready alternatives; a plain rejection says what can be done. */
export const alternativesScorer: EditScorer = {
  name: "alternatives",
  kind: "hard",
  score: ({ output, expected }) => {
    if (!expected.alternatives) return { score: null, detail: "not an ambiguous instruction" };
    const offered = (output as EditPlan & { alternatives?: string[] }).alternatives ?? [];
    if (output.status !== "rejected") return { score: 0, detail: `guessed (${output.status}) instead of offering alternatives` };
    return offered.length ? { score: 1 } : { score: 0, detail: "rejected without alternatives to offer" };
  },
};

/**
 * Never a destructive guess: a proposed plan may not remove a scene the expected result keeps,
 * nor leave any scene (or the video) shorter than the expected result has it.
 */
export const noDestructiveScorer: EditScorer = {
  name: "no_destructive_guess",
  kind: "hard",
  score: ({ output, expected }) => {
    if (output.status !== "proposed") return { score: 1 };
    const want = new Map(expected.timeline.scenes.map((s) => [s.id, s.duration_s]));
    const got = new Map(output.timeline_after.scenes.map((s) => [s.id, s.duration_s]));
    const problems: string[] = [];
    for (const [id, d] of want) {
      const g = got.get(id);
      if (g === undefined && expected.status === "proposed") problems.push(`${id} removed`);
      else if (g !== undefined && g < d - 0.01) problems.push(`${id} ${g} s < ${d} s`);
    }
    if (expected.status === "rejected") {
      for (const s of output.timeline_before.scenes) if (!got.has(s.id)) problems.push(`${s.id} removed from an instruction that should be rejected`);
    }
    if (output.timeline_after.duration_s < expected.timeline.duration_s - 0.01 && !problems.length) problems.push(`video ${output.timeline_after.duration_s} s < ${expected.timeline.duration_s} s`);
    return problems.length ? { score: 0, detail: problems.join("; ") } : { score: 1 };
  },
};

export const PARAPHRASE_SCORERS: EditScorer[] = [rejectionScorer, timelineExactScorer, alternativesScorer, noDestructiveScorer, opPrecisionScorer, opRecallScorer];
