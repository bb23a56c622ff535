import type { CaseResult, RunResult } from "../core/types.js";
import { p1, pct } from "./table.js";

/** Two runs side by side: which suites and which cases moved, and through which scorers. */

export type MoveKind = "improved" | "regressed" | "new" | "gone";

export interface ScorerMove {
  name: string;
  before: number | null;
  after: number | null;
}

export interface CaseMove {
  suite: string;
  id: string;
  title: string;
  kind: MoveKind;
  before: number | null;
  after: number | null;
  /** A hard constraint started or stopped holding. */
  passChanged: boolean;
  scorers: ScorerMove[];
  /** The new run's reason for losing points (or the error), for regressions. */
  reason?: string;
}

export interface Comparison {
  a: { run_id: string; provider: string; score: number };
  b: { run_id: string; provider: string; score: number };
  suites: { name: string; before: number | null; after: number | null }[];
  moves: CaseMove[];
  unchanged: number;
}

const EPS = 1e-6;

function scorerMoves(a: CaseResult | undefined, b: CaseResult | undefined): ScorerMove[] {
  const names = [...new Set([...(a?.scores ?? []).map((s) => s.name), ...(b?.scores ?? []).map((s) => s.name)])];
  return names
    .map((name) => ({ name, before: a?.scores.find((s) => s.name === name)?.score ?? null, after: b?.scores.find((s) => s.name === name)?.score ?? null }))
    .filter((m) => (m.before === null) !== (m.after === null) || (m.before !== null && m.after !== null && Math.abs(m.before - m.after) > EPS));
}

/** Cases matched by suite and id; a case moved when its score or its pass changed. */
export function compareRuns(a: RunResult, b: RunResult): Comparison {
  const suiteNames = [...new Set([...a.suites.map((s) => s.name), ...b.suites.map((s) => s.name)])];
  const moves: CaseMove[] = [];
  let unchanged = 0;
  for (const name of suiteNames) {
    const sa = a.suites.find((s) => s.name === name);
    const sb = b.suites.find((s) => s.name === name);
    // A suite only one run has is reported on the suite line, not as hundreds of new or gone cases.
    if (!sa || !sb) continue;
    const before = new Map(sa.cases.map((c) => [c.id, c]));
    const after = new Map(sb.cases.map((c) => [c.id, c]));
    for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
      const ca = before.get(id);
      const cb = after.get(id);
      const base = { suite: name, id, title: (cb ?? ca)!.title, before: ca?.score ?? null, after: cb?.score ?? null };
      if (!ca || !cb) {
        moves.push({ ...base, kind: ca ? "gone" : "new", passChanged: false, scorers: [] });
        continue;
      }
      const delta = cb.score - ca.score;
      const passChanged = ca.passed !== cb.passed;
      if (Math.abs(delta) <= EPS && !passChanged) {
        unchanged++;
        continue;
      }
      const kind: MoveKind = delta > EPS || (Math.abs(delta) <= EPS && cb.passed) ? "improved" : "regressed";
      moves.push({ ...base, kind, passChanged, scorers: scorerMoves(ca, cb), ...(kind === "regressed" ? { reason: cb.error ?? undefined } : {}) });
    }
  }
  const order: Record<MoveKind, number> = { regressed: 0, improved: 1, new: 2, gone: 3 };
  moves.sort((x, y) => order[x.kind] - order[y.kind] || x.suite.localeCompare(y.suite) || ((x.after ?? 0) - (x.before ?? 0)) - ((y.after ?? 0) - (y.before ?? 0)) || x.id.localeCompare(y.id));
  return {
    a: { run_id: a.run_id, provider: a.provider, score: a.score },
    b: { run_id: b.run_id, provider: b.provider, score: b.score },
    suites: suiteNames.map((name) => ({ name, before: a.suites.find((s) => s.name === name)?.score ?? null, after: b.suites.find((s) => s.name === name)?.score ?? null })),
    moves,
    unchanged,
  };
}

const signed = (x: number) => `${x >= 0 ? "+" : ""}${p1(x)}`;

/** The comparison as terminal lines. */
export function formatComparison(c: Comparison, opts: { limit?: number } = {}): string {
  const lines = [
    `compare ${c.a.run_id} (${c.a.provider}, ${p1(c.a.score)} %) → ${c.b.run_id} (${c.b.provider}, ${p1(c.b.score)} %): ${signed(c.b.score - c.a.score)}`,
  ];
  for (const s of c.suites) {
    const d = s.before !== null && s.after !== null ? ` (${signed(s.after - s.before)})` : s.after === null ? " (not in the second run)" : " (not in the first run)";
    lines.push(`  ${s.name.padEnd(8)} ${s.before === null ? "–" : p1(s.before)} → ${s.after === null ? "–" : p1(s.after)}${d}`);
  }
  const count = (k: MoveKind) => c.moves.filter((m) => m.kind === k).length;
  lines.push(`  ${count("regressed")} regressed, ${count("improved")} improved, ${count("new")} new, ${count("gone")} gone, ${c.unchanged} unchanged`);
  const limit = opts.limit ?? 40;
  for (const kind of ["regressed", "improved", "new", "gone"] as MoveKind[]) {
    const list = c.moves.filter((m) => m.kind === kind);
    if (!list.length) continue;
    lines.push(`${kind}:`);
    for (const m of list.slice(0, limit)) {
      const scores = `${m.before === null ? "–" : pct(m.before)} → ${m.after === null ? "–" : pct(m.after)}`;
      const via = m.scorers.map((s) => `${s.name} ${s.before === null ? "–" : pct(s.before)}→${s.after === null ? "–" : pct(s.after)}`).join(", ");
      const pass = m.passChanged ? (m.kind === "improved" ? " [now passes]" : " [now fails]") : "";
      lines.push(`  ${m.suite}/${m.id}  ${scores}${pass}${via ? `  (${via})` : ""}${m.reason ? `  error: ${m.reason}` : ""}`);
    }
    if (list.length > limit) lines.push(`  … ${list.length - limit} more`);
  }
  return lines.join("\n");
}
