import { parseArgs } from "node:util";
import { analyzeBeatsDetailed } from "./beats.js";
import { decodeMono } from "./decode.js";

/**
 * Measures the analyser on real files, for tools/audio/README.md:
 *   npx tsx tools/audio/measure.ts song.ogg [--bpm 140] [--rate 11025]
 * prints one JSON line per file: tempo, confidence, time per minute of audio, and — given a
 * reference tempo whose grid starts at 0 s (e.g. from a game chart's MIDI tempo map) — how
 * many beats and bar starts land within 50 ms of that grid (after its constant offset). A
 * half-tempo answer is scored against the same grid: its beats and bar starts are a subset.
 */

/** Scores found beats and bar starts against a steady reference grid starting at 0 s. */
export function scoreAgainstGrid(beats: number[], downbeats: number[], bpm: number, beatsPerBar = 4): { offsetMs: number; beatsOnGrid: number; barsOnGrid: number } {
  const period = 60 / bpm;
  const wrap = (t: number, p: number) => t - Math.round(t / p) * p;
  const near = beats.map((t) => wrap(t, period)).filter((e) => Math.abs(e) < 0.08).sort((a, b) => a - b);
  const offset = near.length ? near[Math.floor(near.length / 2)] : 0;
  const share = (xs: number[], p: number) => (xs.length ? xs.filter((t) => Math.abs(wrap(t - offset, p)) < 0.05).length / xs.length : 0);
  return { offsetMs: Math.round(offset * 1000), beatsOnGrid: round2(share(beats, period)), barsOnGrid: round2(share(downbeats, period * beatsPerBar)) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { bpm: { type: "string" }, rate: { type: "string" } } });
  const rate = Number(values.rate ?? 11025);
  for (const file of positionals) {
    const t0 = performance.now();
    const samples = await decodeMono(file, { sampleRate: rate });
    const t1 = performance.now();
    const cpu = process.cpuUsage();
    const d = analyzeBeatsDetailed(samples, rate);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const t2 = performance.now();
    const a = d.analysis;
    const minutes = a.duration_s / 60;
    const reference = values.bpm ? Number(values.bpm) : null;
    console.log(
      JSON.stringify({
        file,
        duration_s: a.duration_s,
        bpm: a.bpm,
        reference_bpm: reference,
        ratio: reference && a.bpm ? Math.round((a.bpm / reference) * 1000) / 1000 : null,
        beats_per_bar: a.beats_per_bar,
        confidence: a.confidence,
        first_beat_s: a.first_beat_s ?? null,
        comb_bpm: d.combBpm && Math.round(d.combBpm * 10) / 10,
        ioi_bpm: d.ioiBpm && Math.round(d.ioiBpm * 10) / 10,
        ...(reference ? scoreAgainstGrid(a.beats_s, a.downbeats_s, reference, a.beats_per_bar) : {}),
        decode_s_per_min: round2((t1 - t0) / 1000 / minutes),
        analyze_s_per_min: round2((t2 - t1) / 1000 / minutes),
        analyze_cpu_s_per_min: round2(cpuMs / 1000 / minutes),
        notes: a.notes,
      }),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
