import type { Timeline } from "../../core/timeline/schema.js";

/**
 * Timelines as inline SVG for the HTML report: scene blocks on a time axis, the song's bar
 * lines, and the CTA band. Several rows share one time scale so before/after line up.
 */

export interface TimelineRow {
  label: string;
  timeline: Timeline;
  /** True bar starts drawn under the row (music suite), to show where cuts should land. */
  truthDownbeats?: number[];
  /** Drawn with a red outline: this row is not what was expected. */
  wrong?: boolean;
}

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** A stable colour per scene id, so a scene keeps its colour when an edit moves it. */
export function sceneColour(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const n = Number(/(\d+)$/.exec(id)?.[1] ?? h);
  return `hsl(${(n * 137.508) % 360} 55% 62%)`;
}

function tickStep(duration: number): number {
  for (const step of [1, 2, 5, 10, 15, 30, 60]) if (duration / step <= 14) return step;
  return 120;
}

const n1 = (x: number) => Math.round(x * 10) / 10;

/** One SVG with a row per timeline, a shared time axis at the bottom. */
export function timelineSvg(rows: TimelineRow[], opts: { width?: number } = {}): string {
  const width = opts.width ?? 760;
  const labelW = 78;
  const plotW = width - labelW - 12;
  const rowH = 46;
  const top = 6;
  const maxT = Math.max(1, ...rows.map((r) => r.timeline.duration_s));
  const x = (t: number) => labelW + (t / maxT) * plotW;
  const height = top + rows.length * rowH + 22;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="system-ui,sans-serif" font-size="10">`];
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const t = row.timeline;
    const blockY = y + 12;
    const blockH = 22;
    parts.push(`<text x="0" y="${blockY + 15}" font-weight="600" fill="${row.wrong ? "#b91c1c" : "#222"}">${esc(row.label)}</text>`);
    t.scenes.forEach((s, k) => {
      const sx = x(s.start_s);
      const sw = Math.max(1, x(s.start_s + s.duration_s) - sx);
      const label = `${k + 1}${s.purpose ? ` ${s.purpose}` : ""}`;
      const fits = Math.floor((sw - 4) / 5.6);
      const tip = `${s.id} #${k + 1}: ${s.start_s}–${n1(s.start_s + s.duration_s)} s (${s.duration_s} s)${s.purpose ? `, ${s.purpose}` : ""}${s.speed !== 1 ? `, ${s.speed}×` : ""}${s.transition_in !== "cut" ? `, ${s.transition_in}` : ""}${s.crop ? ", cropped" : ""}\n${s.prompt.slice(0, 200)}`;
      parts.push(`<rect x="${n1(sx)}" y="${blockY}" width="${n1(sw)}" height="${blockH}" rx="2" fill="${sceneColour(s.id)}" stroke="${row.wrong ? "#b91c1c" : "#fff"}" stroke-width="${row.wrong ? 1.5 : 1}"><title>${esc(tip)}</title></rect>`);
      if (fits >= 1) parts.push(`<text x="${n1(sx + 3)}" y="${blockY + 14}" fill="#111" pointer-events="none">${esc(label.slice(0, fits))}</text>`);
    });
    if (t.cta) {
      // Drawn over the scenes: the CTA lies on top of whatever plays under it.
      const cx = x(t.cta.start_s);
      const cw = Math.max(1, x(t.cta.start_s + t.cta.duration_s) - cx);
      const tip = `CTA "${esc(t.cta.text)}" ${t.cta.start_s}–${n1(t.cta.start_s + t.cta.duration_s)} s`;
      parts.push(
        `<rect x="${n1(cx)}" y="${y}" width="${n1(cw)}" height="10" fill="#f59e0b"><title>${tip}</title></rect>`,
        `<rect x="${n1(cx)}" y="${blockY}" width="${n1(cw)}" height="${blockH}" fill="#f59e0b" fill-opacity="0.35" stroke="#b45309" stroke-dasharray="3 2" pointer-events="none"/>`,
        `<text x="${n1(cx + 2)}" y="${y + 8}" fill="#111" font-size="8.5">CTA ${esc(t.cta.text.slice(0, Math.max(4, Math.floor(cw / 5))))}</text>`,
      );
    }
    for (const d of t.audio?.downbeats_s ?? []) {
      if (d > t.duration_s + 1e-6) continue;
      parts.push(`<line x1="${n1(x(d))}" x2="${n1(x(d))}" y1="${blockY - 2}" y2="${blockY + blockH + 2}" stroke="#1e3a8a" stroke-opacity="0.55" stroke-width="0.8"/>`);
    }
    for (const d of row.truthDownbeats ?? []) {
      parts.push(`<line x1="${n1(x(d))}" x2="${n1(x(d))}" y1="${blockY + blockH + 3}" y2="${blockY + blockH + 8}" stroke="#047857" stroke-width="1"/>`);
    }
  });
  const axisY = top + rows.length * rowH + 2;
  const step = tickStep(maxT);
  parts.push(`<line x1="${labelW}" x2="${n1(x(maxT))}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`);
  for (let t = 0; t <= maxT + 1e-9; t += step) {
    parts.push(`<line x1="${n1(x(t))}" x2="${n1(x(t))}" y1="${axisY}" y2="${axisY + 4}" stroke="#888"/><text x="${n1(x(t))}" y="${axisY + 14}" text-anchor="middle" fill="#555">${t}s</text>`);
  }
  parts.push("</svg>");
  return parts.join("");
}
