import type { Stores } from "../core/stores.js";

/**
 * A one-line progress bar on stderr (stage, percent, clips done/total), redrawn as events
 * arrive; plain lines when stderr is not a terminal. Returns the stop function.
 */
export async function showProgress(stores: Pick<Stores, "generations" | "events">, generationId: string, stream: NodeJS.WriteStream = process.stderr): Promise<() => Promise<void>> {
  const tty = stream.isTTY;
  let lastLine = "";
  let drawing = Promise.resolve();
  const draw = () =>
    (drawing = drawing.then(async () => {
      const g = await stores.generations.get(generationId);
      const width = 24;
      const filled = Math.round((g.progress.percent / 100) * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const clips = g.progress.clips_total ? ` clips ${g.progress.clips_done}/${g.progress.clips_total}` : "";
      const spent = spentOf(g.extra);
      const line = `${bar} ${g.progress.percent.toFixed(0).padStart(3)}% ${g.stage ?? g.status}${clips}${spent}`;
      if (line === lastLine) return;
      lastLine = line;
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }));
  const off = stores.events.subscribe(generationId, (e) => {
    if (e.type === "cost_estimated") stream.write(`${tty ? "\r\x1b[2K" : ""}cost: ${costLine(e.data)}\n`);
    if (e.type === "clip_failed" || e.type === "clip_retry") stream.write(`${tty ? "\r\x1b[2K" : ""}${e.type}: ${e.data.scene_id}: ${String(e.data.error).slice(0, 200)}\n`);
    void draw();
  });
  await draw();
  return async () => {
    off();
    await draw();
    if (tty) stream.write("\n");
  };
}

/** "$1.23 for 6 clips (per_second, price read 2025-11-20)" or "unknown …". */
export function costLine(d: Record<string, unknown>): string {
  const usd = d.estimate_usd === "unknown" ? `unknown (known part $${Number(d.known_usd ?? 0).toFixed(2)})` : `$${Number(d.estimate_usd ?? 0).toFixed(2)}`;
  const src = d.price_source as { read_at?: string } | null;
  return `${usd} for ${Number(d.shots ?? 0)} clip(s) to make on ${String(d.model)} (${String(d.basis)}${src?.read_at ? `, price read ${src.read_at}` : ""})${d.max_cost_usd != null ? `; max $${Number(d.max_cost_usd).toFixed(2)}` : ""}`;
}

function spentOf(extra: Record<string, unknown> | undefined): string {
  const spent = (extra?.cost as { spent?: Record<string, number | "unknown"> } | undefined)?.spent;
  if (!spent || !Object.keys(spent).length) return "";
  const known = Object.values(spent).reduce<number>((a, v) => a + (v === "unknown" ? 0 : v), 0);
  return ` · spent $${known.toFixed(2)}${Object.values(spent).includes("unknown") ? " + unknown" : ""}`;
}
