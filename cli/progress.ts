import type { RunStore } from "../tools/store/run-store.js";

/**
 * A one-line progress bar on stderr (stage, percent, clips done/total), redrawn as events
 * arrive; plain lines when stderr is not a terminal.
 */
export function showProgress(store: RunStore, generationId: string, stream: NodeJS.WriteStream = process.stderr): () => void {
  const tty = stream.isTTY;
  let lastLine = "";
  const draw = () => {
    const g = store.getGeneration(generationId);
    const width = 24;
    const filled = Math.round((g.progress.percent / 100) * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const clips = g.progress.clips_total ? ` clips ${g.progress.clips_done}/${g.progress.clips_total}` : "";
    const line = `${bar} ${g.progress.percent.toFixed(0).padStart(3)}% ${g.stage ?? g.status}${clips}`;
    if (line === lastLine) return;
    lastLine = line;
    stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const off = store.subscribe(generationId, (e) => {
    if (e.type === "clip_failed" || e.type === "clip_retry") stream.write(`${tty ? "\r\x1b[2K" : ""}${e.type}: ${e.data.scene_id}: ${String(e.data.error).slice(0, 200)}\n`);
    draw();
  });
  draw();
  return () => {
    off();
    draw();
    if (tty) stream.write("\n");
  };
}
