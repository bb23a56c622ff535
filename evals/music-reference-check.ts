import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseMidi } from "./music-midi.js";
import { loadSongSet } from "./music-songs.js";

/**
 * A check of the music dev set's references from the MIDI notes alone (never from the
 * analyser): per position in the notated bar (first time signature), how often the pitch
 * classes of the non-drum notes change from the beat before, how often the lowest note moves,
 * and where snare (GM keys 38/40) and kick (35/36) hit. A reference whose harmony and bass move
 * on another beat than its bar line, with the backbeat on 1 and 3, is notated a beat off.
 *   npx tsx evals/music-reference-check.ts [--only id,id]
 */

export interface PositionCounts {
  beatsPerBar: number;
  pitchClassChange: number[];
  lowestNoteMove: number[];
  snare: number[];
  kick: number[];
}

/** Counts per notated bar position of one MIDI file (only the first time signature). */
export function positionCounts(bytes: Uint8Array): PositionCounts {
  const m = parseMidi(bytes);
  const { numerator: num, denominator: den } = m.meters[0];
  const compound = den === 8 && num % 3 === 0 && num > 3;
  const beat = compound ? ((m.division * 4) / 8) * 3 : (m.division * 4) / den;
  const perBar = compound ? num / 3 : num;
  const beats = Math.ceil((m.lastNoteTick ?? 0) / beat) + 1;
  const classes: Set<number>[] = Array.from({ length: beats }, () => new Set());
  const lowest = new Array<number>(beats).fill(128);
  const out: PositionCounts = { beatsPerBar: perBar, pitchClassChange: [], lowestNoteMove: [], snare: [], kick: [] };
  for (const k of ["pitchClassChange", "lowestNoteMove", "snare", "kick"] as const) out[k] = new Array<number>(perBar).fill(0);
  for (const n of m.notes) {
    const b = Math.floor((n.tick + beat / 8) / beat);
    const onBeat = Math.abs(n.tick - b * beat) <= beat / 8;
    if (n.channel === 9) {
      if (!onBeat) continue;
      if (n.key === 38 || n.key === 40) out.snare[b % perBar]++;
      if (n.key === 35 || n.key === 36) out.kick[b % perBar]++;
      continue;
    }
    if (b < beats) {
      classes[b].add(n.key % 12);
      lowest[b] = Math.min(lowest[b], n.key);
    }
  }
  let prev = new Set<number>();
  let prevLow = 128;
  for (let b = 0; b < beats; b++) {
    if (!classes[b].size) continue;
    let fresh = 0;
    for (const c of classes[b]) if (!prev.has(c)) fresh++;
    out.pitchClassChange[b % perBar] += fresh / classes[b].size;
    if (lowest[b] !== prevLow && lowest[b] < 60) out.lowestNoteMove[b % perBar]++;
    prev = classes[b];
    prevLow = lowest[b];
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({ options: { only: { type: "string" } } });
  const only = values.only?.split(",");
  const fmt = (a: number[]) => a.map((x) => x.toFixed(0).padStart(4)).join("");
  for (const song of loadSongSet().songs.filter((s) => !only || only.includes(s.id))) {
    if (song.reference.kind === "game_chart") continue;
    const c = positionCounts(readFileSync(song.reference.midi));
    console.log(`${song.id.padEnd(28)} ${c.beatsPerBar} beats  pitch-class change${fmt(c.pitchClassChange)} | lowest note moves${fmt(c.lowestNoteMove)} | snare${fmt(c.snare)} | kick${fmt(c.kick)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
