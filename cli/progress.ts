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
      const line = `${bar} ${g.progress.percent.toFixed(0).padStart(3)}% ${g.stage ?? g.status}${clips}`;
      if (line === lastLine) return;
      lastLine = line;
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }));
  const off = stores.events.subscribe(generationId, (e) => {
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
