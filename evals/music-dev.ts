import { join } from "node:path";
import { parseArgs } from "node:util";
import { planMusicTimings } from "../graph/nodes/plan/music.js";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { ensureSongPackages, loadSongSet, prepareSong, songTruth } from "./music-songs.js";
import { missKind, scoreRealSong, signedNearest } from "./scorers/music-real.js";

/**
 * The real-recording table for tools/audio/README.md, without the rest of the eval machinery:
 *   npx tsx evals/music-dev.ts [--split tune|heldout|all] [--only id,id] [--diagnose]
 * One line per song (tempo, phase, bars and cuts on true bar starts, confidence, timing) and the
 * mean and worst cut score per split. `--diagnose` adds, per song, why the missed cuts miss
 * (`missKind`) and how the found beats and bar starts sit against the true ones in time.
 */

const ROOT = new URL("..", import.meta.url).pathname;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { split: { type: "string", default: "all" }, only: { type: "string" }, cache: { type: "string" }, diagnose: { type: "boolean", default: false } } });
  const set = loadSongSet();
  const avail = await ensureSongPackages(set);
  if (!avail.ok) {
    console.log(`real recordings skipped: ${avail.reason}`);
    return;
  }
  const only = values.only?.split(",");
  const songs = set.songs.filter((s) => (values.split === "all" || s.split === values.split) && (!only || only.includes(s.id)));
  const cacheDir = values.cache ?? join(ROOT, "tmp", "evals", "songs");
  const rows: { split: string; cuts: number }[] = [];
  for (const song of songs) {
    const path = await prepareSong(song, set.max_s, cacheDir);
    const t0 = performance.now();
    const a = await analyzeAudioFile(path);
    const secs = (performance.now() - t0) / 1000;
    const plan = planMusicTimings(a, { fps: 30 });
    const cuts = plan.scenes.slice(1).map((s) => s.start_s);
    const truth = songTruth(song, a.duration_s);
    const s = scoreRealSong(a, cuts, truth, a.duration_s);
    rows.push({ split: song.split, cuts: s.cutsOnBars });
    console.log(
      [
        song.id.padEnd(26),
        song.split.padEnd(7),
        `bpm ${a.bpm?.toFixed(1) ?? "-"} / ${truth.bpm[0]?.toFixed(1)}`.padEnd(18),
        s.tempo.padEnd(6),
        `phase ${s.phase}`.padEnd(16),
        `bars ${(100 * s.barsOnBars).toFixed(0)}%`.padEnd(9),
        `cuts ${(100 * s.cutsOnBars).toFixed(0)}% of ${s.cuts}`.padEnd(15),
        `conf ${a.confidence.toFixed(2)} bar ${a.downbeat_confidence?.toFixed(2) ?? "-"}`,
        plan.timing === "bars" ? "" : "FALLBACK",
        `${((secs * 60) / a.duration_s).toFixed(2)} s/min`,
      ].join(" "),
    );
    if (values.diagnose) console.log(`  ${diagnose(a.beats_s, a.downbeats_s, cuts, truth)}`);
  }
  for (const split of ["tune", "heldout"]) {
    const r = rows.filter((x) => x.split === split);
    if (!r.length) continue;
    const mean = r.reduce((a, b) => a + b.cuts, 0) / r.length;
    console.log(`${split}: ${r.length} songs, cuts on bars mean ${(100 * mean).toFixed(1)} %, worst ${(100 * Math.min(...r.map((x) => x.cuts))).toFixed(0)} %`);
  }
}

/**
 * Missed cuts by kind; the median signed offset (ms, +: late) of the found beats to the nearest
 * true beat; and a histogram of the found bar starts' signed offsets to the nearest true bar
 * start, in 25 ms bins within ±150 ms (a consistent lead or lag shows as a shifted peak).
 */
function diagnose(beats: number[], downbeats: number[], cuts: number[], truth: ReturnType<typeof songTruth>): string {
  const kinds = new Map<string, number>();
  for (const c of cuts) {
    const k = missKind(truth, c);
    if (k !== "on") kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const beatOffsets = beats.map((b) => signedNearest(truth.beats_s, b)).sort((x, y) => x - y);
  const median = beatOffsets[beatOffsets.length >> 1] ?? NaN;
  const bins = new Map<number, number>();
  let far = 0;
  for (const d of downbeats) {
    const o = signedNearest(truth.downbeats_s, d);
    if (Math.abs(o) > 0.15) far++;
    else bins.set(Math.round(o / 0.025) * 25, (bins.get(Math.round(o / 0.025) * 25) ?? 0) + 1);
  }
  const hist = [...bins.entries()].sort((x, y) => x[0] - y[0]).map(([ms, n]) => `${ms > 0 ? "+" : ""}${ms}:${n}`).join(" ");
  const missed = [...kinds.entries()].map(([k, n]) => `${k} ${n}`).join(", ") || "none";
  return `missed cuts: ${missed} · beats vs true beats, median ${(1000 * median).toFixed(0)} ms · bar starts vs true (ms): ${hist || "-"}, farther ${far}`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
