import type { CaseResult, RunResult, SuiteResult } from "../core/types.js";

/** The terminal view: one table per suite (scorers, tags, worst cases) and a closing line. */

export interface TableOptions {
  /** ANSI colours (when stdout is a terminal). */
  color?: boolean;
  /** Failing cases listed per suite (default 8). */
  worst?: number;
  /** Terminal width for the detail column (default 120). */
  width?: number;
}

const ANSI = { red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", dim: "\x1b[2m", bold: "\x1b[1m", reset: "\x1b[0m" };

function paint(on: boolean | undefined, code: keyof typeof ANSI, text: string): string {
  return on ? `${ANSI[code]}${text}${ANSI.reset}` : text;
}

/** A percent to one decimal, rounded half up (89.85 → "89.9"), the same everywhere. */
export function p1(percent: number): string {
  return (Math.round(percent * 10 + 1e-9) / 10).toFixed(1);
}

/** 0.8734 → "87.3 %". */
export function pct(x: number | null, scale = 100): string {
  return x === null ? "–" : `${p1(x * scale)} %`;
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ");
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/** Rows of cells as aligned columns. */
export function columns(rows: string[][], align: ("l" | "r")[] = []): string[] {
  const width = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? "")))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => {
        const pad = " ".repeat(Math.max(0, widths[i]! - width(cell)));
        return align[i] === "r" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** Why a case lost points, in one line: its error, else its failed scorers with their details. */
export function caseReason(c: CaseResult): string {
  if (c.error) return `error: ${c.error}`;
  return c.scores
    .filter((s) => s.score !== null && s.score < 1 - 1e-9)
    .map((s) => `${s.name} ${pct(s.score)}${s.detail ? `: ${s.detail}` : ""}`)
    .join("; ");
}

/** The table for one suite. */
export function formatSuite(s: SuiteResult, opts: TableOptions = {}): string {
  const c = opts.color;
  const width = opts.width ?? 120;
  const passedCases = s.cases.filter((x) => x.passed).length;
  const verdict = s.gating === false ? (s.passed ? paint(c, "green", "✓ target reached") : paint(c, "yellow", "target, reported only")) : s.passed ? paint(c, "green", "✓") : paint(c, "red", "✗ below");
  const lines = [
    `${paint(c, "bold", s.name)}  ${paint(c, "bold", pct(s.score, 1))}  (threshold ${s.threshold} % ${verdict})  ${s.cases.length} cases, ${passedCases} pass every hard constraint, ${(s.duration_ms / 1000).toFixed(1)} s`,
  ];
  const rows = [["  scorer", "kind", "mean", "perfect", "skipped"]];
  for (const x of s.scorers) {
    const mean = x.mean === null ? "–" : pct(x.mean);
    const coloured = x.mean === null ? mean : x.mean >= 0.999 ? paint(c, "green", mean) : x.mean < 0.7 ? paint(c, "red", mean) : paint(c, "yellow", mean);
    rows.push([`  ${x.name}`, x.kind, coloured, `${x.perfect}/${x.scored}`, String(x.skipped)]);
  }
  lines.push(...columns(rows, ["l", "l", "r", "r", "r"]));
  const tags = [...s.tags].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).slice(0, 12);
  if (tags.length) lines.push(cut(`  by tag: ${tags.map((t) => `${t.tag} ${p1(t.score)} (${t.count})`).join(" · ")}`, width));
  const worst = [...s.cases].filter((x) => x.score < 1 - 1e-9 || !x.passed).sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
  const shown = worst.slice(0, opts.worst ?? 8);
  if (shown.length) {
    lines.push(`  lowest cases (${worst.length} below 100 %):`);
    const idWidth = Math.max(...shown.map((x) => x.id.length));
    for (const x of shown) {
      const mark = x.passed ? paint(c, "yellow", "~") : paint(c, "red", "✗");
      const head = `    ${mark} ${x.id.padEnd(idWidth)} ${pct(x.score).padStart(7)}  `;
      lines.push(head + cut(caseReason(x), Math.max(30, width - head.length)));
    }
  }
  return lines.join("\n");
}

/** The closing lines: overall score, threshold, provider, judge, cache, files. */
export function formatRunSummary(run: RunResult, files: { json: string; html: string } | null, opts: TableOptions = {}): string {
  const c = opts.color;
  const t = run.threshold === null ? "" : ` (threshold ${run.threshold} % ${run.score >= run.threshold ? paint(c, "green", "✓") : paint(c, "red", "✗ below")})`;
  const suites = run.suites.map((s) => `${s.name} ${p1(s.score)}${s.gating === false ? " (reported only)" : ""}`).join(" · ");
  const cache = run.cache.mode === "off" ? "" : ` · cache ${run.cache.mode}: ${run.cache.hits} replayed, ${run.cache.recorded} recorded`;
  const lines = [
    `${paint(c, "bold", `overall ${pct(run.score, 1)}`)}${t} — ${suites}`,
    `provider ${run.provider} · judge ${run.judge.enabled ? "on" : `skipped (${run.judge.reason})`}${cache} · ${(run.duration_ms / 1000).toFixed(1)} s`,
  ];
  if (files) lines.push(`results ${files.json}`, `report  ${files.html}`);
  const failed = run.suites.filter((s) => !s.passed && s.gating !== false).map((s) => `${s.name} ${p1(s.score)} < ${s.threshold}`);
  if (failed.length) lines.push(paint(c, "red", `below the suite threshold: ${failed.join(", ")}`));
  return lines.join("\n");
}
