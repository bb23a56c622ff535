/** What the commands print without --json: a short summary for a person at a terminal. */

type Any = Record<string, any>;

export function summarizePlan(out: Any): string {
  const t = out.timeline;
  const lines = [`${out.plan.overview}`, ""];
  const described = Object.fromEntries((out.plan.scenes as Any[]).map((s) => [s.id, s.description]));
  for (const s of t.scenes) lines.push(`  ${s.id.padEnd(9)} ${fmt(s.start_s)}–${fmt(s.start_s + s.duration_s)}  ${String(s.purpose ?? "").padEnd(8)} ${String(described[s.id] ?? s.prompt).slice(0, 100)}`);
  if (t.cta) lines.push(`  CTA "${t.cta.text}" ${fmt(t.cta.start_s)}–${fmt(t.cta.start_s + t.cta.duration_s)}`);
  lines.push("", `palette ${out.style.palette.join(" ")} · ${t.width}×${t.height} ${t.fps} fps · ${t.duration_s} s`);
  if (out.estimate) lines.push(`cost: ${estimateLine(out.estimate)}`);
  if (out.budget) lines.push(out.budget.allowed ? `within max_cost_usd $${out.budget.max_cost_usd}` : `refused: ${out.budget.reason}`);
  for (const w of out.warnings ?? []) lines.push(`note: ${w}`);
  return lines.join("\n");
}

function estimateLine(e: Any): string {
  const total = e.estimate_usd === "unknown" ? `unknown (known part $${Number(e.known_usd).toFixed(2)})` : `$${Number(e.estimate_usd).toFixed(2)}`;
  return `${total} for ${e.per_clip.length} clip(s) on ${e.model} (${e.basis}${e.price_source?.read_at ? `, price read ${e.price_source.read_at}` : ""})`;
}

export function summarizeEdit(plan: Any): string {
  const lines = [`${plan.status}: "${plan.instruction}"`];
  if (plan.reason) lines.push(`  reason: ${plan.reason}`);
  for (const d of plan.diff) lines.push(`  ${d.summary}`);
  for (const w of plan.warnings) lines.push(`  note: ${w}`);
  lines.push(`  ${plan.timeline_before.duration_s} s → ${plan.timeline_after.duration_s} s`);
  return lines.join("\n");
}

export function summarizeGeneration(g: Any): string {
  const lines = [`${g.id} ${g.status}${g.error ? `: ${g.error.message}` : ""}`];
  if (g.composition) lines.push(`  ${g.composition.id} v${g.composition.version}: ${g.composition.video.path} (${g.composition.video.duration_s} s)`);
  lines.push(`  clips ${g.progress.clips_done}/${g.progress.clips_total}`);
  if (g.cost) lines.push(`  cost: spent $${Number(g.cost.spent_usd).toFixed(2)}${g.cost.spent_unknown_clips ? ` + ${g.cost.spent_unknown_clips} clip(s) at an unknown price` : ""}; estimate ${g.cost.estimate_usd === "unknown" ? "unknown" : `$${Number(g.cost.estimate_usd ?? 0).toFixed(2)}`} (${g.cost.basis ?? "?"})`);
  for (const w of g.warnings ?? []) lines.push(`  note: ${w}`);
  return lines.join("\n");
}

const fmt = (s: number) => `${s.toFixed(2)}s`;
