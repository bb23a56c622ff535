/**
 * The results file and its Markdown table. Pure: figures in, text out.
 */

/** The keys of bench/results/latest.json, in order; each holds an object. */
export const RESULT_KEYS = ["status_latency", "concurrent_pipelines", "orchestration_overhead_ms", "compose", "recompose_after_trim", "plan", "cli_plan_wall_s", "beat_analysis", "scale_out"] as const;
export type ResultKey = (typeof RESULT_KEYS)[number];
export type Results = Record<ResultKey, Record<string, unknown>>;

export interface RunInfo {
  mode: "quick" | "full";
  date: string;
  node: string;
  cpus: string;
  load_before: number[];
  load_after: number[];
  total_s: number;
}

type Verdict = "pass" | "miss" | "info" | "error";

/** The targets (bench/README.md): close to what the machine can do, the status one beside a floor measured in the same run. */
const FIXED_RATE = 2000;
const STATUS_P99_MS = 2;
const POLL_P99_MS = 20;
const PEAK_RSS_MB = 1024;
const SOLO_OVERHEAD_MS = 15;
const LOADED_OVERHEAD_MS = 100;
const PLAN_P50_MS = 3;
const BEATS_S_PER_MIN = 0.15;

interface Row {
  figure: string;
  measured: string;
  target: string;
  verdict: Verdict;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);
const fmt = (v: unknown, unit = "", digits = 2): string => {
  const n = num(v);
  if (!Number.isFinite(n)) return "—";
  const s = Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10 ** digits) / 10 ** digits);
  return unit ? `${s} ${unit}` : s;
};
const check = (ok: boolean): Verdict => (ok ? "pass" : "miss");

/** One row per figure, with its target and whether it was met. */
export function rows(r: Results, mode: RunInfo["mode"]): Row[] {
  const out: Row[] = [];
  const failed = (k: ResultKey) => typeof r[k].error === "string";
  const add = (k: ResultKey, make: () => Row[]) => {
    if (failed(k)) out.push({ figure: k, measured: `error: ${String(r[k].error).slice(0, 120)}`, target: "", verdict: "error" });
    else out.push(...make());
  };
  add("status_latency", () => {
    const s = r.status_latency;
    const runs = Array.isArray(s.runs) ? (s.runs as { p99_ms: number; floor_p99_ms?: number }[]).map((x) => `${x.p99_ms}${x.floor_p99_ms === undefined ? "" : `/${x.floor_p99_ms}`}`).join(", ") : "";
    const flat = (s.flat_out ?? {}) as Record<string, unknown>;
    const cpu = Number.isFinite(num(s.cpu_us_per_req)) ? `; CPU ${fmt(s.cpu_us_per_req, "µs", 0)}/req vs floor ${fmt(s.floor_cpu_us_per_req, "µs", 0)}` : "";
    return [
      {
        figure: `status_latency (GET generation, 10 connections at a fixed ${fmt(s.fixed_rate_rps, "req/s", 0)})`,
        measured: `p99 ${fmt(s.p99_ms, "ms")} beside the bare-Node floor's ${fmt(s.floor_p99_ms, "ms")}; ${fmt(s.rps, "req/s")}, p50 ${fmt(s.p50_ms, "ms")}${cpu}${runs ? ` (p99 server/floor of the runs: ${runs} ms)` : ""}`,
        target: `p99 ≤ ${STATUS_P99_MS} ms at ${FIXED_RATE} req/s`,
        verdict: check(num(s.p99_ms) <= STATUS_P99_MS && num(s.fixed_rate_rps) >= FIXED_RATE && num(s.non2xx) === 0),
      },
      {
        figure: "status_latency flat out (10 connections)",
        measured: `${fmt(flat.rps, "req/s")}, p99 ${fmt(flat.p99_ms, "ms")}; floor ${fmt(flat.floor_rps, "req/s")}`,
        target: "p99 ≤ 20 ms at ≥ 500 req/s",
        verdict: check(num(flat.p99_ms) <= 20 && num(flat.rps) >= 500 && num(s.non2xx) === 0),
      },
    ];
  });
  add("concurrent_pipelines", () => {
    const c = r.concurrent_pipelines;
    const need = mode === "quick" ? 20 : 100;
    return [
      {
        figure: "concurrent_pipelines (slow fake Replicate)",
        measured: `n ${c.n}: ${c.completed} completed, ${c.failed} failed, ${c.hung} hung; wall ${fmt(c.wall_s, "s", 1)}; peak RSS ${fmt(c.peak_rss_mb, "MB", 0)}`,
        target: `n ≥ ${need}, none failed or hung, peak RSS < ${PEAK_RSS_MB} MB`,
        verdict: check(num(c.n) >= need && num(c.completed) === num(c.n) && num(c.failed) === 0 && num(c.hung) === 0 && num(c.peak_rss_mb) < PEAK_RSS_MB),
      },
      {
        figure: "status polls while the pipelines run",
        measured: `p99 ${fmt(c.status_poll_p99_ms, "ms", 1)} (n ${c.n})`,
        target: `p99 ≤ ${POLL_P99_MS} ms`,
        verdict: check(num(c.status_poll_p99_ms) <= POLL_P99_MS),
      },
    ];
  });
  add("orchestration_overhead_ms", () => {
    const o = r.orchestration_overhead_ms;
    const n = num(r.concurrent_pipelines.n);
    return [
      {
        figure: "orchestration overhead per pipeline, alone",
        measured: `p50 ${fmt(o.solo_p50, "ms")} (${fmt(o.solo_samples, "", 0)} runs); the graph engine alone with no-op nodes: ${fmt(o.engine_floor_p50_ms, "ms", 1)}`,
        target: `p50 ≤ ${SOLO_OVERHEAD_MS} ms`,
        verdict: check(num(o.solo_p50) <= SOLO_OVERHEAD_MS),
      },
      {
        figure: `orchestration overhead per pipeline, ${Number.isFinite(n) ? n : "n"} at once`,
        measured: `p50 ${fmt(o.p50, "ms")}, p99 ${fmt(o.p99, "ms")}`,
        target: `p50 ≤ ${LOADED_OVERHEAD_MS} ms`,
        verdict: check(num(o.p50) <= LOADED_OVERHEAD_MS),
      },
    ];
  });
  add("compose", () => {
    const c = r.compose;
    const e = (c.cta_fades ?? {}) as Record<string, unknown>;
    return [
      { figure: "compose 30 s, 5 scenes, 1280×720, all copyable", measured: `${fmt(c.full_s, "s", 3)} vs floor ${fmt(c.floor_s, "s", 3)} = ${fmt(c.ratio_to_floor, "×")}`, target: "≤ 1.5× floor", verdict: check(num(c.ratio_to_floor) <= 1.5) },
      { figure: "compose with CTA + fades vs fair floor", measured: `${fmt(e.full_s, "s", 3)} vs floor ${fmt(e.floor_s, "s", 3)} = ${fmt(e.ratio_to_floor, "×")}`, target: "≤ 1.5× floor", verdict: check(num(e.ratio_to_floor) <= 1.5) },
    ];
  });
  add("recompose_after_trim", () => {
    const t = r.recompose_after_trim;
    return [{ figure: "recompose after trimming one scene (CTA + fades)", measured: `${fmt(t.s, "s", 3)} = ${fmt(t.ratio_to_full, "×")} full compose`, target: "≤ 0.5× full", verdict: check(num(t.ratio_to_full) <= 0.5) }];
  });
  add("plan", () => [{ figure: "plan (offline, ad brief)", measured: `p50 ${fmt(r.plan.p50_ms, "ms", 1)} (the brain alone ${fmt(r.plan.brain_p50_ms, "ms", 2)}; through the graph engine ${fmt(r.plan.graph_p50_ms, "ms", 1)})`, target: `p50 ≤ ${PLAN_P50_MS} ms`, verdict: check(num(r.plan.p50_ms) <= PLAN_P50_MS) }]);
  add("cli_plan_wall_s", () => {
    const c = r.cli_plan_wall_s;
    return [{ figure: "cli_plan_wall_s (`reelgraph plan`, whole process, built)", measured: `p50 ${fmt(c.p50, "s", 3)}, p90 ${fmt(c.p90, "s", 3)} (${fmt(c.runs, "", 0)} runs)`, target: "p50 < 0.4 s", verdict: check(num(c.p50) < 0.4) }];
  });
  add("scale_out", () => {
    const runs = (r.scale_out.runs as { workers: number; per_minute: number; completed: number; pipelines: number }[] | undefined) ?? [];
    const rows = runs.map((x) => ({ figure: `scale_out: ${x.workers} worker(s)`, measured: `${fmt(x.per_minute, "/min", 1)} (${x.completed}/${x.pipelines} completed)`, target: "all complete", verdict: check(x.completed === x.pipelines) }));
    const d = r.scale_out.status_during_runs as Record<string, unknown> | null;
    const p = r.scale_out.status_postgres as Record<string, unknown> | null;
    const q = r.scale_out.status_sqlite as Record<string, unknown> | null;
    if (d) rows.push({ figure: "scale_out: status through the API process while 2 workers run", measured: `p99 ${fmt(d.p99_ms, "ms", 1)} at ${fmt(d.rps, "req/s", 0)}`, target: "p99 ≤ 20 ms", verdict: check(num(d.p99_ms) <= 20) });
    if (p && q) rows.push({ figure: "scale_out: status, Postgres vs SQLite (finished generation)", measured: `p99 ${fmt(p.p99_ms, "ms", 1)} vs ${fmt(q.p99_ms, "ms", 1)}; ${fmt(p.rps, "req/s", 0)} vs ${fmt(q.rps, "req/s", 0)}`, target: "—", verdict: "info" as Verdict });
    return rows;
  });
  add("beat_analysis", () => [
    { figure: "beat_analysis", measured: `${fmt(r.beat_analysis.s_per_audio_min, "s", 3)} per audio minute${r.beat_analysis.decode_floor_s_per_min !== undefined ? ` (FFmpeg's decode alone: ${fmt(r.beat_analysis.decode_floor_s_per_min, "s", 3)})` : ""}`, target: `≤ ${BEATS_S_PER_MIN} s per minute`, verdict: check(num(r.beat_analysis.s_per_audio_min) <= BEATS_S_PER_MIN) },
  ]);
  return out;
}

const MARK: Record<Verdict, string> = { pass: "✅ met", miss: "❌ missed", info: "—", error: "⚠️ error" };

/** The Markdown page: how the run was made, then the table. */
export function markdown(r: Results, info: RunInfo): string {
  const lines = [
    `Measured ${info.date} with \`npm run bench${info.mode === "quick" ? " -- --quick" : ""}\` (${info.mode}): ${info.cpus}, Node ${info.node}, ` +
      `load average ${info.load_before.map((x) => x.toFixed(2)).join(" / ")} before, ${info.load_after.map((x) => x.toFixed(2)).join(" / ")} after; ${Math.round(info.total_s)} s in all.`,
    "",
    "| Figure | Measured | Target | |",
    "|---|---|---|---|",
    ...rows(r, info.mode).map((x) => `| ${x.figure} | ${x.measured} | ${x.target} | ${MARK[x.verdict]} |`),
    "",
  ];
  return lines.join("\n");
}

/** Problems with the shape of a results object: missing or extra keys, non-object values. */
export function shapeProblems(value: unknown): string[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return ["the results are not an object"];
  const keys = Object.keys(value);
  const problems: string[] = [];
  for (const k of RESULT_KEYS) if (!keys.includes(k)) problems.push(`missing key ${k}`);
  for (const k of keys) if (!(RESULT_KEYS as readonly string[]).includes(k)) problems.push(`unexpected key ${k}`);
  for (const k of RESULT_KEYS) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && (!v || typeof v !== "object" || Array.isArray(v))) problems.push(`${k} is not an object`);
  }
  return problems;
}

/** Whether every target row was met. */
export function allMet(r: Results, mode: RunInfo["mode"]): boolean {
  return rows(r, mode).every((x) => x.verdict === "pass" || x.verdict === "info");
}

/** Replaces what lies between the bench markers (each on a line of its own) of a page; null when it has none. */
export function withTable(page: string, md: string): string | null {
  const m = /^(<!-- bench:start -->\n)[\s\S]*?^(<!-- bench:end -->)$/m.exec(page);
  if (!m) return null;
  return page.slice(0, m.index) + m[1] + md.trimEnd() + "\n" + m[2] + page.slice(m.index + m[0].length);
}
