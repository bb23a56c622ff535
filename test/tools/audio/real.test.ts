import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planMusicTimings } from "../../../graph/nodes/plan/music.js";
import { ensureSongPackages, loadSongSet, prepareSong, songTruth } from "../../../evals/music-songs.js";
import { scoreRealSong } from "../../../evals/scorers/music-real.js";
import { analyzeAudioFile } from "../../../tools/audio/analyze.js";

/**
 * Two real recordings from the music dev set (one rock chart, one rendered game score), end to
 * end: Debian package → mix → analysis → plan → cuts against the MIDI reference. Installs the
 * packages when root; otherwise skipped with the reason printed.
 */

const set = loadSongSet();
const picked = set.songs.filter((s) => s.id === "fof-armygeddon" || s.id === "blupi-004");
const avail = await ensureSongPackages({ ...set, songs: picked });
if (!avail.ok) console.log(`real recordings skipped: ${avail.reason}`);

describe.skipIf(!avail.ok)("real recordings (Debian packages, MIDI references)", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const song of picked) {
    it(`${song.id}: tempo or its octave, and ≥ 90 % of cuts within 70 ms of a true bar start`, { timeout: 60_000 }, async () => {
      dir ??= await mkdtemp(join(tmpdir(), "reelgraph-songs-"));
      const path = await prepareSong(song, 90, dir);
      const a = await analyzeAudioFile(path);
      const plan = planMusicTimings(a, { fps: 30 });
      const s = scoreRealSong(a, plan.scenes.slice(1).map((x) => x.start_s), songTruth(song, a.duration_s), a.duration_s);
      expect(["exact", "half", "double"]).toContain(s.tempo);
      expect(plan.timing).toBe("bars");
      expect(s.cutsOnBars).toBeGreaterThanOrEqual(0.9);
      expect(s.phase).toBe("bar");
    });
  }
});
