/**
 * Reference beat and bar grids from a Standard MIDI File: the tempo map (Set Tempo meta
 * events) and the time signatures turned into beat and bar-start times in seconds. Game charts
 * (Frets on Fire's notes.mid) and game music shipped both as MIDI and as its rendering carry
 * exactly this. Pure: parses bytes given to it.
 */

export class MidiParseError extends Error {
  override readonly name = "MidiParseError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

export interface MidiTimeline {
  /** Ticks per quarter note. */
  division: number;
  /** Tempo changes: from `tick` on, a quarter note lasts `usPerQuarter` µs (sorted; first at tick 0). */
  tempos: { tick: number; usPerQuarter: number }[];
  /** Time signatures (sorted; first at tick 0, 4/4 when the file gives none). */
  meters: { tick: number; numerator: number; denominator: number }[];
  /** Tick of the last event of any track. */
  endTick: number;
  /** Tick of the first note-on (velocity > 0), or null when there is none. */
  firstNoteTick: number | null;
  /** Tick of the last note-on. */
  lastNoteTick: number | null;
  /** Every note-on (velocity > 0), in file order per track. */
  notes: { tick: number; channel: number; key: number; velocity: number }[];
}

/** Reads the tempo map, metres and note span of an SMF (format 0 or 1). */
export function parseMidi(bytes: Uint8Array): MidiTimeline {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 14 || tag(0) !== "MThd") throw new MidiParseError("not a MIDI file (no MThd)", 0);
  const headerLength = view.getUint32(4);
  const trackCount = view.getUint16(10);
  const division = view.getUint16(12);
  if (division & 0x8000) throw new MidiParseError("SMPTE time division is not supported", 12);
  const tempos: MidiTimeline["tempos"] = [];
  const meters: MidiTimeline["meters"] = [];
  let endTick = 0;
  let firstNoteTick: number | null = null;
  let lastNoteTick: number | null = null;
  const notes: MidiTimeline["notes"] = [];
  let pos = 8 + headerLength;
  for (let t = 0; t < trackCount && pos + 8 <= bytes.length; t++) {
    if (tag(pos) !== "MTrk") throw new MidiParseError("expected a track chunk (MTrk)", pos);
    const length = view.getUint32(pos + 4);
    let p = pos + 8;
    const end = Math.min(bytes.length, p + length);
    let tick = 0;
    let status = 0;
    const varLen = (): number => {
      let v = 0;
      for (let i = 0; i < 4; i++) {
        if (p >= end) throw new MidiParseError("truncated variable-length number", p);
        const b = bytes[p++];
        v = (v << 7) | (b & 0x7f);
        if (!(b & 0x80)) return v;
      }
      return v;
    };
    while (p < end) {
      tick += varLen();
      let s = bytes[p];
      if (s & 0x80) p++;
      else if (status) s = status;
      else throw new MidiParseError("running status with no previous status", p);
      if (s === 0xff) {
        const type = bytes[p++];
        const len = varLen();
        if (type === 0x51 && len === 3) tempos.push({ tick, usPerQuarter: (bytes[p] << 16) | (bytes[p + 1] << 8) | bytes[p + 2] });
        if (type === 0x58 && len >= 2) meters.push({ tick, numerator: bytes[p], denominator: 2 ** bytes[p + 1] });
        p += len;
        if (type === 0x2f) {
          endTick = Math.max(endTick, tick);
          break;
        }
      } else if (s === 0xf0 || s === 0xf7) {
        p += varLen();
      } else {
        status = s;
        const kind = s & 0xf0;
        const size = kind === 0xc0 || kind === 0xd0 ? 1 : 2;
        if (kind === 0x90 && bytes[p + 1] > 0) {
          if (firstNoteTick === null || tick < firstNoteTick) firstNoteTick = tick;
          if (lastNoteTick === null || tick > lastNoteTick) lastNoteTick = tick;
          notes.push({ tick, channel: s & 0x0f, key: bytes[p], velocity: bytes[p + 1] });
        }
        p += size;
      }
      endTick = Math.max(endTick, tick);
    }
    pos += 8 + length;
  }
  const byTick = <T extends { tick: number }>(a: T[]) => a.sort((x, y) => x.tick - y.tick);
  byTick(tempos);
  byTick(meters);
  if (!tempos.length || tempos[0].tick > 0) tempos.unshift({ tick: 0, usPerQuarter: 500000 });
  if (!meters.length || meters[0].tick > 0) meters.unshift({ tick: 0, numerator: 4, denominator: 4 });
  return { division, tempos: dedupe(tempos), meters: dedupe(meters), endTick, firstNoteTick, lastNoteTick, notes };
}

/** Keeps the last of several events at the same tick. */
function dedupe<T extends { tick: number }>(events: T[]): T[] {
  const out: T[] = [];
  for (const e of events) {
    if (out.length && out[out.length - 1].tick === e.tick) out[out.length - 1] = e;
    else out.push(e);
  }
  return out;
}

/** Seconds at `tick` under the tempo map. */
export function tickToSeconds(m: Pick<MidiTimeline, "division" | "tempos">, tick: number): number {
  let s = 0;
  for (let i = 0; i < m.tempos.length; i++) {
    const from = m.tempos[i].tick;
    if (from >= tick) break;
    const to = Math.min(tick, m.tempos[i + 1]?.tick ?? Infinity);
    s += ((to - from) * m.tempos[i].usPerQuarter) / 1e6 / m.division;
  }
  return s;
}

export interface ReferenceGrid {
  /** Beat times (the metre's counting unit: quarter notes in 4/4, dotted quarters in 6/8). */
  beats_s: number[];
  /** Bar starts. */
  downbeats_s: number[];
  /** Beats per bar of each bar, aligned with downbeats_s. */
  beats_per_bar: number[];
  /** Tempo of each beat (BPM of the counting unit), aligned with beats_s. */
  bpm: number[];
}

/**
 * Beats and bars from the tempo map and metres up to `untilTick`. Compound metres (6/8, 9/8,
 * 12/8) count dotted quarters, the beat a listener taps; x/4 counts quarters; x/2 halves.
 */
export function referenceGrid(m: MidiTimeline, untilTick = m.endTick): ReferenceGrid {
  const grid: ReferenceGrid = { beats_s: [], downbeats_s: [], beats_per_bar: [], bpm: [] };
  let tick = 0;
  let k = 0;
  while (tick <= untilTick) {
    while (k + 1 < m.meters.length && m.meters[k + 1].tick <= tick) k++;
    const { numerator, denominator } = m.meters[k];
    const unit = (m.division * 4) / denominator;
    const compound = denominator >= 8 && numerator % 3 === 0 && numerator > 3;
    const beatTicks = compound ? unit * 3 : unit;
    const perBar = compound ? numerator / 3 : numerator;
    const barTicks = beatTicks * perBar;
    const nextMeter = m.meters[k + 1]?.tick ?? Infinity;
    grid.downbeats_s.push(tickToSeconds(m, tick));
    grid.beats_per_bar.push(perBar);
    for (let b = 0; b < perBar; b++) {
      const t = tick + b * beatTicks;
      if (t >= nextMeter || t > untilTick) break;
      grid.beats_s.push(tickToSeconds(m, t));
      grid.bpm.push(60 / (tickToSeconds(m, t + beatTicks) - tickToSeconds(m, t)));
    }
    tick = Math.min(tick + barTicks, nextMeter);
  }
  return grid;
}
