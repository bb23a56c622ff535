import { join } from "node:path";
import { parseArgs } from "node:util";
import { planMusicTimings } from "../graph/nodes/plan/music.js";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { ensureSongPackages, loadSongSet, prepareSong, songTruth } from "./music-songs.js";
import { scoreRealSong } from "./scorers/music-real.js";

/**
 * The real-recording table for tools/audio/README.md, without the rest of the eval machinery:
 *   npx tsx evals/music-dev.ts [--split tune|heldout|all] [--only id,id]
 * One line per song (tempo, phase, bars and cuts on true bar starts, confidence, timing) and the
 * mean and worst cut score per split.
 */

const ROOT = new URL("..", import.meta.url).pathname;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { split: { type: "string", default: "all" }, only: { type: "string" }, cache: { type: "string" } } });
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
  }
  for (const split of ["tune", "heldout"]) {
    const r = rows.filter((x) => x.split === split);
    if (!r.length) continue;
    const mean = r.reduce((a, b) => a + b.cuts, 0) / r.length;
    console.log(`${split}: ${r.length} songs, cuts on bars mean ${(100 * mean).toFixed(1)} %, worst ${(100 * Math.min(...r.map((x) => x.cuts))).toFixed(0)} %`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
