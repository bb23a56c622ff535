import { describe, expect, it } from "vitest";
import type { CaseResult, RunResult, SuiteResult } from "../../../evals/core/types.js";
import { compareRuns, formatComparison } from "../../../evals/report/compare.js";
import { renderReport } from "../../../evals/report/html.js";
import { newRunId } from "../../../evals/report/results.js";
import { esc, sceneColour, timelineSvg } from "../../../evals/report/svg.js";
import { caseReason, formatRunSummary, formatSuite, p1 } from "../../../evals/report/table.js";
import { loadTimelines } from "../../../evals/datasets/edits.js";

const fixtures = loadTimelines();
const ad = fixtures.ad!.timeline;
const music = fixtures.music!.timeline;

function caseResult(id: string, score: number, extra: Partial<CaseResult> = {}): CaseResult {
  return { id, title: `case ${id}`, tags: ["t"], score, passed: score === 1, error: null, scores: [{ name: "exact", kind: "hard", score }], duration_ms: 1, artifact: null, ...extra };
}

function suite(name: string, cases: CaseResult[], score: number): SuiteResult {
  return { name, description: `${name} suite`, threshold: 80, score, passed: score >= 80, cases, scorers: [{ name: "exact", kind: "hard", mean: score / 100, scored: cases.length, perfect: cases.filter((c) => c.score === 1).length, skipped: 0 }], tags: [{ tag: "t", score, count: cases.length }], duration_ms: 12 };
}

function runOf(id: string, suites: SuiteResult[]): RunResult {
  return { run_id: id, created_at: "2025-01-01T00:00:00.000Z", provider: "offline", judge: { enabled: false, reason: "offline" }, cache: { mode: "off", hits: 0, misses: 0, recorded: 0 }, score: 90, threshold: 85, passed: true, duration_ms: 1000, suites };
}

describe("timeline SVG", () => {
  it("draws a block per scene, the CTA band and, for music, a line per bar start", () => {
    const svg = timelineSvg([{ label: "ad", timeline: ad }]);
    expect(svg.match(/<rect [^>]*fill="hsl/g)).toHaveLength(ad.scenes.length);
    expect(svg).toContain(`CTA "${ad.cta!.text}" ${ad.cta!.start_s}–`);
    expect(svg).not.toContain("<line x1=\"" + "NaN");
    const m = timelineSvg([{ label: "song", timeline: music, truthDownbeats: [0, 2] }]);
    const barLines = music.audio!.downbeats_s.filter((d) => d <= music.duration_s).length;
    expect(m.match(/stroke="#1e3a8a"/g)).toHaveLength(barLines);
    expect(m.match(/stroke="#047857"/g)).toHaveLength(2);
  });

  it("puts several rows on one time scale and marks a wrong row", () => {
    const shorter = { ...ad, duration_s: 15, scenes: ad.scenes.slice(0, 2) };
    const svg = timelineSvg([{ label: "before", timeline: ad }, { label: "after", timeline: shorter, wrong: true }], { width: 760 });
    const widths = [...svg.matchAll(/<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="22" rx="2" fill="hsl/g)].map((m) => Number(m[2]));
    expect(widths[0]).toBeCloseTo(widths[ad.scenes.length]!, 1);
    expect(svg).toContain('fill="#b91c1c">after</text>');
  });

  it("escapes text and keeps a scene's colour by id", () => {
    expect(esc(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    expect(sceneColour("scene_3")).toBe(sceneColour("scene_3"));
    expect(sceneColour("scene_3")).not.toBe(sceneColour("scene_4"));
  });
});

describe("the HTML report", () => {
  const edit = caseResult("swap", 0.5, {
    passed: false,
    scores: [{ name: "timeline_exact", kind: "hard", score: 0, detail: "scenes[0].id" }],
    artifact: { kind: "edit", before: ad, after: { ...ad, scenes: [...ad.scenes].reverse() }, expected: ad, status: "proposed", expected_status: "proposed", reason: null, operations: [{ op: "reverse" }], expected_ops: [], diff: ["scene_1 moved"] },
  });
  const plan = caseResult("plan", 1, { artifact: { kind: "timeline", pipeline: "music_video", timeline: music, palette: ["#1E3A8A"], prompt: "Brand colours <navy>" } });
  const html = renderReport(runOf("r1", [suite("edit", [edit], 50), suite("plan", [plan], 100)]));

  it("is self-contained: no external scripts, styles, images or fonts", () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it("shows before, after and the expected timeline for a wrong edit, and each plan's timeline", () => {
    expect(html).toContain(">before</text>");
    expect(html).toContain(">after</text>");
    expect(html).toContain(">expected</text>");
    expect(html).toContain("Brand colours &lt;navy&gt;");
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<h2 id="edit">edit — <span class="bad">50.0 %</span>');
  });
});

describe("terminal tables and comparison", () => {
  it("formats a suite with its scorers, tags and lowest cases", () => {
    const s = suite("edit", [caseResult("a", 1), caseResult("b", 0, { scores: [{ name: "exact", kind: "hard", score: 0, detail: "3 ≠ 4" }] })], 50);
    const text = formatSuite(s);
    expect(text).toMatch(/^edit {2}50\.0 % {2}\(threshold 80 % ✗ below\) {2}2 cases, 1 pass every hard constraint/);
    expect(text).toContain("exact");
    expect(text).toMatch(/✗ b\s+0\.0 % {2}exact 0\.0 %: 3 ≠ 4/);
    expect(caseReason(caseResult("e", 0, { error: "boom" }))).toBe("error: boom");
    expect(p1(89.85)).toBe("89.9");
    const summary = formatRunSummary(runOf("r", [s]), { json: "r.json", html: "r.html" });
    expect(summary).toMatch(/^overall 90\.0 % \(threshold 85 % ✓\) — edit 50\.0/);
    expect(summary).toContain("below the suite threshold: edit 50.0 < 80");
  });

  it("compares runs case by case", () => {
    const a = runOf("a", [suite("edit", [caseResult("x", 1), caseResult("y", 0.5), caseResult("gone", 1)], 80)]);
    const b = runOf("b", [suite("edit", [caseResult("x", 0.5), caseResult("y", 1), caseResult("new", 1)], 83)]);
    const c = compareRuns(a, b);
    expect(c.moves.map((m) => [m.kind, m.id])).toEqual([["regressed", "x"], ["improved", "y"], ["new", "new"], ["gone", "gone"]]);
    expect(c.moves[0]!.scorers).toEqual([{ name: "exact", before: 1, after: 0.5 }]);
    expect(c.unchanged).toBe(0);
    const text = formatComparison(c);
    expect(text).toMatch(/edit {5}80\.0 → 83\.0 \(\+3\.0\)/);
    expect(text).toContain("1 regressed, 1 improved, 1 new, 1 gone, 0 unchanged");
    expect(compareRuns(a, a).moves).toEqual([]);
    const partial = runOf("p", [suite("plan", [caseResult("z", 1)], 100)]);
    const both = compareRuns(a, { ...partial, suites: [...partial.suites, ...b.suites] });
    expect(both.moves.filter((m) => m.suite === "plan")).toEqual([]);
    expect(formatComparison(both)).toMatch(/plan {5}– → 100\.0 \(not in the first run\)/);
  });

  it("names runs so they sort by time", () => {
    const a = newRunId(new Date("2025-03-04T05:06:07.089Z"), "openai:gpt-4o-mini");
    expect(a).toBe("20250304-050607-089-openai_gpt-4o-mini");
    expect(newRunId(new Date("2025-03-04T05:06:08Z"), "offline") > a).toBe(true);
  });
});
