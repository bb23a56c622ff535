import { runFfmpeg } from "../ffmpeg/run.js";

/**
 * Synthesised test songs (FFmpeg lavfi) with known beat and bar times: a pitch-swept kick on
 * every beat, louder on the downbeat, a noise hat on every off-beat, optional lead-in of
 * silence, linear tempo drift and pink noise.
 */

export interface DrumSpec {
  bpm: number;
  durationS: number;
  /** Silence before the first beat. */
  leadInS?: number;
  beatsPerBar?: number;
  /** Tempo at the end of the track (linear ramp from `bpm`); default: steady. */
  endBpm?: number;
  /** Pink-noise amplitude mixed in (0 = none). */
  noise?: number;
  /** Off-beat hat amplitude relative to a plain beat's kick (default 0.25; 0 = none). */
  hat?: number;
  sampleRate?: number;
}

/** The lavfi expression for one sample of the drum track. */
export function drumExpression(spec: DrumSpec): string {
  const f0 = spec.bpm / 60;
  const k = ((spec.endBpm ?? spec.bpm) / 60 - f0) / (spec.durationS - (spec.leadInS ?? 0));
  const bpb = spec.beatsPerBar ?? 4;
  const hat = spec.hat ?? 0.25;
  const lead = spec.leadInS ?? 0;
  // st(0): time since the first beat; st(1): beat phase; st(2): seconds since the last beat.
  return [
    `st(0,t-${lead})`,
    `st(1,${f0}*ld(0)+${0.5 * k}*ld(0)*ld(0))`,
    `st(2,(ld(1)-floor(ld(1)))/(${f0}+${k}*ld(0)))`,
    `st(3,mod(ld(1)+0.5,1)/(${f0}+${k}*ld(0)))`,
    `gte(ld(0),0)*(` +
      `(0.5+0.45*eq(mod(floor(ld(1)),${bpb}),0))*exp(-ld(2)*18)*sin(2*PI*(55*ld(2)+2.5*(1-exp(-40*ld(2)))))` +
      `+${0.5 * hat}*(2*random(5)-1)*exp(-ld(3)*70)*gte(ld(1)-floor(ld(1)),0.5))`,
  ].join(";");
}

/** FFmpeg arguments that write the track to `out` (mono WAV). */
export function drumArgs(spec: DrumSpec, out: string): string[] {
  const sr = spec.sampleRate ?? 22050;
  const src = `aevalsrc='${drumExpression(spec)}':s=${sr}:d=${spec.durationS}`;
  if (!spec.noise) return ["-v", "error", "-f", "lavfi", "-i", src, "-ac", "1", out];
  return [
    "-v", "error",
    "-f", "lavfi", "-i", src,
    "-f", "lavfi", "-i", `anoisesrc=color=pink:amplitude=${spec.noise}:sample_rate=${sr}:duration=${spec.durationS}:seed=7`,
    "-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0[a]",
    "-map", "[a]", "-ac", "1", out,
  ];
}

/** Ground truth: every beat and every bar start of the track, in seconds. */
export function drumTruth(spec: DrumSpec): { beats: number[]; downbeats: number[] } {
  const lead = spec.leadInS ?? 0;
  const f0 = spec.bpm / 60;
  const k = ((spec.endBpm ?? spec.bpm) / 60 - f0) / (spec.durationS - lead);
  const bpb = spec.beatsPerBar ?? 4;
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let n = 0; ; n++) {
    const u = k === 0 ? n / f0 : (-f0 + Math.sqrt(f0 * f0 + 2 * k * n)) / k;
    const t = lead + u;
    if (t > spec.durationS - 0.05) break;
    beats.push(t);
    if (n % bpb === 0) downbeats.push(t);
  }
  return { beats, downbeats };
}

/** Writes the drum track to `out`. */
export async function synthDrums(spec: DrumSpec, out: string): Promise<string> {
  await runFfmpeg(drumArgs(spec, out), { timeoutS: 60 });
  return out;
}

/** A beatless track: a steady sine under pink noise (`kind: "tone"`), or digital silence. */
export async function synthBeatless(kind: "tone" | "silence", durationS: number, out: string, sampleRate = 22050): Promise<string> {
  const args =
    kind === "silence"
      ? ["-v", "error", "-f", "lavfi", "-i", `anullsrc=r=${sampleRate}:cl=mono`, "-t", String(durationS), out]
      : [
          "-v", "error",
          "-f", "lavfi", "-i", `sine=frequency=220:sample_rate=${sampleRate}:duration=${durationS}`,
          "-f", "lavfi", "-i", `anoisesrc=color=pink:amplitude=0.3:sample_rate=${sampleRate}:duration=${durationS}:seed=3`,
          "-filter_complex", "[0:a]volume=0.4[s];[s][1:a]amix=inputs=2:normalize=0[a]",
          "-map", "[a]", "-ac", "1", out,
        ];
  await runFfmpeg(args, { timeoutS: 60 });
  return out;
}

export interface ChordSpec {
  bpm: number;
  durationS: number;
  /** Beats of drums before the first bar line (a pickup): the drums give no bar accent. */
  pickupBeats: number;
  /** Beats per bar (default 4). */
  beatsPerBar?: number;
  sampleRate?: number;
}

/** Root frequencies of a four-chord loop (C, F, A minor, G), one chord per bar. */
const CHORD_ROOTS = [261.63, 349.23, 220.0, 392.0];

/**
 * Equal kicks on every beat (no accent on the bar start) under a triad that changes on every
 * bar line; the first bar line falls `pickupBeats` beats after the first kick. Only the harmony
 * says where the bar starts.
 */
export function chordArgs(spec: ChordSpec, out: string): string[] {
  const sr = spec.sampleRate ?? 22050;
  const f0 = spec.bpm / 60;
  const bar = (spec.beatsPerBar ?? 4) / f0;
  const pick = spec.pickupBeats / f0;
  const root = `if(lt(ld(1),1),${CHORD_ROOTS[0]},if(lt(ld(1),2),${CHORD_ROOTS[1]},if(lt(ld(1),3),${CHORD_ROOTS[2]},${CHORD_ROOTS[3]})))`;
  const expr = [
    `st(0,mod(t*${f0},1)/${f0})`,
    `st(1,mod(floor((t-${pick}+${4 * bar})/${bar}),4))`,
    `st(2,${root})`,
    `0.5*exp(-ld(0)*18)*sin(2*PI*(55*ld(0)+2.5*(1-exp(-40*ld(0)))))` +
      `+0.12*(sin(2*PI*ld(2)*t)+sin(2*PI*ld(2)*1.26*t)+sin(2*PI*ld(2)*1.5*t)+sin(2*PI*ld(2)*0.5*t))`,
  ].join(";");
  return ["-v", "error", "-f", "lavfi", "-i", `aevalsrc='${expr}':s=${sr}:d=${spec.durationS}`, "-ac", "1", out];
}

/** Bar starts of a chord track: every 4 beats from the pickup on. */
export function chordTruth(spec: ChordSpec): { beats: number[]; downbeats: number[] } {
  const p = 60 / spec.bpm;
  const beats: number[] = [];
  for (let t = 0; t < spec.durationS - 0.05; t += p) beats.push(t);
  const bpb = spec.beatsPerBar ?? 4;
  return { beats, downbeats: beats.filter((_, i) => i >= spec.pickupBeats && (i - spec.pickupBeats) % bpb === 0) };
}

/**
 * A 4/4 drum track at `bpm` whose second half (from `breakS`) drops to a half-time feel: a
 * kick on beat 1 and a snare on beat 3 only, no hats. The bar grid does not change.
 */
export function halfTimeArgs(bpm: number, durationS: number, breakS: number, out: string, sampleRate = 22050): string[] {
  const f0 = bpm / 60;
  const kick = "exp(-ld(2)*18)*sin(2*PI*(55*ld(2)+2.5*(1-exp(-40*ld(2)))))";
  const expr = [
    `st(1,t*${f0})`,
    `st(2,(ld(1)-floor(ld(1)))/${f0})`,
    `st(3,mod(floor(ld(1)),4))`,
    `if(lt(t,${breakS}),(0.5+0.45*eq(ld(3),0))*${kick}+0.12*(2*random(5)-1)*exp(-mod(ld(1)+0.5,1)/${f0}*70)*gte(ld(1)-floor(ld(1)),0.5),` +
      `0.95*eq(ld(3),0)*${kick}+0.6*eq(ld(3),2)*(2*random(6)-1)*exp(-ld(2)*25))`,
  ].join(";");
  return ["-v", "error", "-f", "lavfi", "-i", `aevalsrc='${expr}':s=${sampleRate}:d=${durationS}`, "-ac", "1", out];
}
