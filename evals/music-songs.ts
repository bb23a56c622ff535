import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { parseMidi, referenceGrid, type ReferenceGrid } from "./music-midi.js";

/**
 * The music suite's real recordings (datasets/music-songs.json): songs that Debian packages ship
 * together with a MIDI timing reference. The audio is never committed: `ensureSongPackages`
 * installs the packages (apt-get, as root) when they are missing, and `prepareSong` mixes the
 * song's stems into a mono WAV cached under a gitignored folder.
 */

export const SongSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string(),
  artist: z.string(),
  genre: z.string(),
  packages: z.array(z.string()).min(1).describe("Debian packages that ship the audio and the reference"),
  licence: z.string().describe("Licence of the recording, from the package's copyright file"),
  audio: z.array(z.string()).min(1).describe("Audio files mixed together (stems of one song)"),
  render: z
    .strictObject({ soundfont: z.string().describe("General MIDI soundfont (.sf2) FluidSynth renders with") })
    .optional()
    .describe("When set, `audio` holds one MIDI file that FluidSynth renders to audio first"),
  reference: z.strictObject({
    kind: z
      .enum(["game_chart", "source_midi", "rendered_midi"])
      .describe("game_chart: a rhythm game's chart; source_midi: the MIDI the shipped audio was rendered from; rendered_midi: the MIDI rendered here"),
    midi: z.string().describe("MIDI file whose tempo map and metre give the true beats and bars"),
    offset_s: z.number().optional().describe("Added to every reference time (default 0)"),
    offset_reason: z.string().optional().describe("Why the reference is moved: the evidence that the file's bar lines are not the music's"),
  }),
  split: z.enum(["tune", "heldout"]).describe("heldout songs are never looked at while tuning"),
});
export type Song = z.infer<typeof SongSchema>;

export const SongSetSchema = z.object({
  description: z.string(),
  max_s: z.number().positive().describe("Only this many seconds from the start are analysed (a music video lasts at most 180 s)"),
  songs: z.array(SongSchema),
});
export type SongSet = z.infer<typeof SongSetSchema>;

export function loadSongSet(): SongSet {
  const raw = JSON.parse(readFileSync(new URL("./datasets/music-songs.json", import.meta.url), "utf8")) as unknown;
  return SongSetSchema.parse(raw);
}

/** Why the real recordings cannot be used here, or null when they are installed. */
export type SongAvailability = { ok: true } | { ok: false; reason: string };

const run = promisify(execFile);

async function installed(pkg: string): Promise<boolean> {
  try {
    const { stdout } = await run("dpkg-query", ["-W", "-f=${Status}", pkg]);
    return stdout.includes("install ok installed");
  } catch {
    return false;
  }
}

/**
 * Makes sure every package of the set is installed, installing the missing ones with apt-get
 * when running as root (one `apt-get update` first). Never throws: says why not instead.
 */
export async function ensureSongPackages(set: SongSet, opts: { install?: boolean } = {}): Promise<SongAvailability> {
  const wanted = [...new Set(set.songs.flatMap((s) => s.packages))];
  const missing: string[] = [];
  for (const p of wanted) if (!(await installed(p))) missing.push(p);
  if (!missing.length) return { ok: true };
  if (opts.install === false) return { ok: false, reason: `Debian packages not installed: ${missing.join(", ")}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `Debian packages not installed (${missing.join(", ")}) and not root to install them` };
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    await run("apt-get", ["update", "-qq"], { env, timeout: 300_000 });
    await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env, timeout: 600_000, maxBuffer: 16 << 20 });
  } catch (err) {
    return { ok: false, reason: `apt-get could not install ${missing.join(", ")}: ${String((err as Error).message).split("\n")[0]}` };
  }
  for (const p of missing) if (!(await installed(p))) return { ok: false, reason: `${p} is still not installed after apt-get` };
  return { ok: true };
}

/** Rate of the cached mixes: the analyser decodes at 11025 Hz, twice that keeps headroom. */
const CACHE_RATE = 22050;

/** Mixes the song's stems (first `maxS` seconds) into a mono WAV in `cacheDir`, once. */
export async function prepareSong(song: Song, maxS: number, cacheDir: string): Promise<string> {
  const path = join(cacheDir, `${song.id}-${maxS}s-v1.wav`);
  if (song.render && song.audio.length !== 1) throw new Error(`${song.id}: a rendered song needs exactly one MIDI file`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp.wav`;
  const rendered = song.render ? `${path}.${process.pid}.render.wav` : null;
  if (rendered && song.render) {
    await run("fluidsynth", ["-ni", "-g", "0.5", "-r", String(CACHE_RATE), "-F", rendered, song.render.soundfont, song.audio[0]], { timeout: 300_000 });
  }
  const inputs = (rendered ? [rendered] : song.audio).flatMap((a) => ["-i", a]);
  const mix = song.audio.length > 1 ? ["-filter_complex", `amix=inputs=${song.audio.length}:normalize=0`] : [];
  try {
    await runFfmpeg(["-y", "-v", "error", ...inputs, ...mix, "-t", String(maxS), "-ac", "1", "-ar", String(CACHE_RATE), "-c:a", "pcm_s16le", tmp], { timeoutS: 300 });
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
    if (rendered) rmSync(rendered, { force: true });
  }
  return path;
}

/** The true beats and bars of a song up to `untilS` seconds. */
export function songTruth(song: Song, untilS: number): ReferenceGrid {
  const midi = parseMidi(readFileSync(song.reference.midi));
  const grid = referenceGrid(midi);
  const off = song.reference.offset_s ?? 0;
  const keep = (t: number) => t + off >= 0 && t + off <= untilS;
  const beatKeep = grid.beats_s.map((t) => keep(t));
  const barKeep = grid.downbeats_s.map((t) => keep(t));
  return {
    beats_s: grid.beats_s.filter((_, i) => beatKeep[i]).map((t) => t + off),
    bpm: grid.bpm.filter((_, i) => beatKeep[i]),
    downbeats_s: grid.downbeats_s.filter((_, i) => barKeep[i]).map((t) => t + off),
    beats_per_bar: grid.beats_per_bar.filter((_, i) => barKeep[i]),
  };
}
