import type { Timeline } from "../../core/timeline/schema.js";
import type { Artifact, CaseResult, RunResult, SuiteResult } from "../core/types.js";
import type { Comparison } from "./compare.js";
import { esc, timelineSvg, type TimelineRow } from "./svg.js";
import { p1, pct } from "./table.js";

/**
 * The run as one self-contained HTML page: no external files, scripts or fonts. Each plan is
 * drawn as a timeline (scene blocks, bar lines, CTA band), each edit as before/after (and the
 * expected timeline when they differ), each analysis as got vs expected.
 */

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2937;max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;margin:6px 0}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}th{color:#6b7280;font-weight:500}
.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#047857}.bad{color:#b91c1c}.mid{color:#b45309}.muted{color:#6b7280}
details{border:1px solid #e5e7eb;border-radius:6px;margin:4px 0;padding:4px 8px}details[open]{background:#fafafa}
summary{cursor:pointer}summary .id{font-family:ui-monospace,monospace}.tag{display:inline-block;background:#eef2ff;border-radius:3px;padding:0 4px;margin-right:3px;font-size:11px}
.swatch{display:inline-block;width:14px;height:14px;border:1px solid #ccc;vertical-align:middle;margin-right:2px}
pre{white-space:pre-wrap;font-size:12px;background:#f3f4f6;padding:6px;border-radius:4px}
body.failing details.perfect{display:none}.legend{font-size:12px;color:#6b7280}`;

const SCRIPT = `document.getElementById('only-failing').addEventListener('change',e=>document.body.classList.toggle('failing',e.target.checked));`;

function cls(score: number | null): string {
  return score === null ? "muted" : score >= 0.999 ? "ok" : score < 0.7 ? "bad" : "mid";
}

function asTimeline(x: unknown): Timeline | null {
  return x && typeof x === "object" && Array.isArray((x as Timeline).scenes) ? (x as Timeline) : null;
}

function scoresTable(c: CaseResult): string {
  const rows = c.scores.map((s) => `<tr><td>${esc(s.name)}</td><td class="muted">${s.kind}</td><td class="num ${cls(s.score)}">${s.score === null ? "skipped" : pct(s.score)}</td><td>${esc(s.detail ?? "")}</td></tr>`);
  return `<table><tr><th>scorer</th><th>kind</th><th class="num">score</th><th>detail</th></tr>${rows.join("")}</table>`;
}

function ops(list: unknown): string {
  if (list === null || list === undefined) return "(not given)";
  return Array.isArray(list) && list.length ? list.map((o) => JSON.stringify(o)).join("\n") : "(none)";
}

function artifactHtml(a: Artifact | null, c: CaseResult): string {
  if (!a) return "";
  if (a.kind === "timeline") {
    const t = asTimeline(a.timeline);
    if (!t) return "";
    const row: TimelineRow = { label: a.pipeline === "music_video" ? "music video" : "ad", timeline: t, truthDownbeats: Array.isArray(a.truth_downbeats_s) ? (a.truth_downbeats_s as number[]) : undefined };
    const palette = Array.isArray(a.palette) ? (a.palette as string[]).map((p) => `<span class="swatch" style="background:${esc(p)}" title="${esc(p)}"></span>`).join("") : "";
    const tempo = typeof a.bpm === "number" || a.bpm === null ? `<div class="legend">tempo found ${a.bpm ?? "none"} BPM, truth ${esc(a.truth_bpm)} BPM · blue lines: bar starts the analyser found · green ticks: true bar starts</div>` : "";
    const legend = `<div class="legend">blocks: scenes (number, purpose; hover for the prompt)${t.cta ? " · amber: the CTA" : ""}${t.audio && !tempo ? " · blue lines: the song's bar starts" : ""}</div>`;
    return `${timelineSvg([row])}${tempo}${legend}${palette ? `<div>palette ${palette}</div>` : ""}${a.prompt ? `<pre>${esc(a.prompt)}</pre>` : ""}`;
  }
  if (a.kind === "edit") {
    const before = asTimeline(a.before);
    const after = asTimeline(a.after);
    const expected = asTimeline(a.expected);
    if (!before || !after) return "";
    const exactFailed = c.scores.some((s) => s.name === "timeline_exact" && s.score !== null && s.score < 1);
    const rows: TimelineRow[] = [
      { label: "before", timeline: before },
      { label: "after", timeline: after, wrong: exactFailed },
    ];
    if (expected && exactFailed) rows.push({ label: "expected", timeline: expected });
    const status = `<div>status <b class="${a.status === a.expected_status ? "ok" : "bad"}">${esc(a.status)}</b> (expected ${esc(a.expected_status)})${a.reason ? ` — ${esc(a.reason)}` : ""}</div>`;
    const diff = Array.isArray(a.diff) && a.diff.length ? `<div class="legend">${(a.diff as string[]).map(esc).join("<br>")}</div>` : "";
    return `${status}${timelineSvg(rows)}${diff}<table><tr><th>operations</th><th>expected</th></tr><tr><td><pre>${esc(ops(a.operations))}</pre></td><td><pre>${esc(ops(a.expected_ops))}</pre></td></tr></table>`;
  }
  if (a.kind === "analyze") {
    const got = (a.got ?? {}) as Record<string, unknown>;
    const want = (a.expected ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])];
    const rows = keys.map((k) => `<tr><td>${esc(k)}</td><td>${esc(JSON.stringify(got[k] ?? null))}</td><td class="muted">${esc(JSON.stringify(want[k] ?? null))}</td></tr>`);
    return `<table><tr><th>field</th><th>got</th><th>expected</th></tr>${rows.join("")}</table>`;
  }
  return `<pre>${esc(JSON.stringify(a, null, 1).slice(0, 2000))}</pre>`;
}

function caseHtml(c: CaseResult): string {
  const mark = c.error ? "✗" : c.passed ? (c.score >= 0.999 ? "✓" : "~") : "✗";
  const tags = c.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join("");
  const body = c.error ? `<pre class="bad">${esc(c.error)}</pre>` : `${scoresTable(c)}${artifactHtml(c.artifact, c)}`;
  return `<details class="${c.score >= 0.999 && c.passed ? "perfect" : "imperfect"}"><summary><span class="${cls(c.error ? 0 : c.score)}">${mark} ${pct(c.score)}</span> <span class="id">${esc(c.id)}</span> — ${esc(c.title.slice(0, 140))} ${tags}</summary>${body}</details>`;
}

function suiteHtml(s: SuiteResult): string {
  const scorers = s.scorers
    .map((x) => `<tr><td>${esc(x.name)}</td><td class="muted">${x.kind}</td><td class="num ${cls(x.mean)}">${x.mean === null ? "–" : pct(x.mean)}</td><td class="num">${x.perfect}/${x.scored}</td><td class="num muted">${x.skipped}</td></tr>`)
    .join("");
  const tags = [...s.tags].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).map((t) => `${esc(t.tag)} ${p1(t.score)} (${t.count})`).join(" · ");
  const cases = [...s.cases].sort((a, b) => Number(a.passed) - Number(b.passed) || a.score - b.score || a.id.localeCompare(b.id));
  return `<h2 id="${esc(s.name)}">${esc(s.name)} — <span class="${s.passed ? "ok" : "bad"}">${p1(s.score)} %</span> <span class="muted">(threshold ${s.threshold} %)</span></h2>
<div class="muted">${esc(s.description)} · ${s.cases.length} cases · ${(s.duration_ms / 1000).toFixed(1)} s</div>
<table><tr><th>scorer</th><th>kind</th><th class="num">mean</th><th class="num">perfect</th><th class="num">skipped</th></tr>${scorers}</table>
<div class="legend">by tag: ${tags}</div>${cases.map(caseHtml).join("\n")}`;
}

function comparisonHtml(c: Comparison): string {
  const rows = c.moves
    .slice(0, 300)
    .map(
      (m) =>
        `<tr><td class="${m.kind === "regressed" ? "bad" : m.kind === "improved" ? "ok" : "muted"}">${m.kind}</td><td>${esc(m.suite)}/<span class="id">${esc(m.id)}</span></td><td class="num">${m.before === null ? "–" : pct(m.before)} → ${m.after === null ? "–" : pct(m.after)}</td><td>${esc(m.scorers.map((s) => `${s.name} ${s.before === null ? "–" : pct(s.before)}→${s.after === null ? "–" : pct(s.after)}`).join(", "))}</td></tr>`,
    )
    .join("");
  return `<h2>Compared with ${esc(c.a.run_id)}</h2><div>${p1(c.a.score)} % → ${p1(c.b.score)} % · ${c.moves.length} cases moved, ${c.unchanged} unchanged</div><table>${rows}</table>`;
}

/** The whole report page. */
export function renderReport(run: RunResult, opts: { comparison?: Comparison | null } = {}): string {
  const suites = run.suites
    .map((s) => `<tr><td><a href="#${esc(s.name)}">${esc(s.name)}</a></td><td class="num ${s.passed ? "ok" : "bad"}">${p1(s.score)} %</td><td class="num muted">${s.threshold} %</td><td class="num">${s.cases.filter((c) => c.passed).length}/${s.cases.length}</td></tr>`)
    .join("");
  const threshold = run.threshold === null ? "" : ` · threshold ${run.threshold} %`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reelgraph evals ${esc(run.run_id)}</title><style>${CSS}</style></head><body>
<h1>reelgraph evals — <span class="${run.passed ? "ok" : "bad"}">${p1(run.score)} %</span></h1>
<div class="muted">${esc(run.run_id)} · ${esc(run.created_at)} · provider ${esc(run.provider)} · judge ${run.judge.enabled ? "on" : `skipped (${esc(run.judge.reason)})`} · cache ${esc(run.cache.mode)} (${run.cache.hits} replayed, ${run.cache.recorded} recorded)${threshold} · ${(run.duration_ms / 1000).toFixed(1)} s</div>
<table><tr><th>suite</th><th class="num">score</th><th class="num">threshold</th><th class="num">pass all hard</th></tr>${suites}</table>
<label><input type="checkbox" id="only-failing"> only cases below 100 %</label>
${opts.comparison ? comparisonHtml(opts.comparison) : ""}
${run.suites.map(suiteHtml).join("\n")}
<script>${SCRIPT}</script></body></html>
`;
}
