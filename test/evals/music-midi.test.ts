import { describe, expect, it } from "vitest";
import { MidiParseError, parseMidi, referenceGrid, tickToSeconds } from "../../evals/music-midi.js";

/** A one-track SMF: 3/4 at 120 BPM, then from tick 1440 6/8 at 60 BPM (quarter), one note in each. */
function smf(): Uint8Array {
  const track = [
    0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, // tempo 500000 µs
    0x00, 0xff, 0x58, 0x04, 0x03, 0x02, 0x18, 0x08, // 3/4
    0x00, 0x90, 0x3c, 0x64, // note on C4
    0x8b, 0x20, 0xff, 0x51, 0x03, 0x0f, 0x42, 0x40, // +1440: tempo 1000000 µs
    0x00, 0xff, 0x58, 0x04, 0x06, 0x03, 0x18, 0x08, // 6/8
    0x00, 0x3e, 0x50, // running status: note on D4
    0x96, 0x40, 0xff, 0x2f, 0x00, // +2880: end of track
  ];
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 1, 0x01, 0xe0];
  const len = track.length;
  return Uint8Array.from([...header, 0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...track]);
}

describe("MIDI reference grids", () => {
  it("reads the tempo map, metres and notes", () => {
    const m = parseMidi(smf());
    expect(m.division).toBe(480);
    expect(m.tempos).toEqual([
      { tick: 0, usPerQuarter: 500000 },
      { tick: 1440, usPerQuarter: 1000000 },
    ]);
    expect(m.meters.map((x) => `${x.numerator}/${x.denominator}@${x.tick}`)).toEqual(["3/4@0", "6/8@1440"]);
    expect(m.notes.map((n) => [n.tick, n.key])).toEqual([
      [0, 60],
      [1440, 62],
    ]);
    expect(m.endTick).toBe(4320);
    expect(tickToSeconds(m, 1440)).toBeCloseTo(1.5, 9);
    expect(tickToSeconds(m, 4320)).toBeCloseTo(7.5, 9);
  });

  it("counts quarters in 3/4 and dotted quarters in 6/8 across a tempo change", () => {
    const g = referenceGrid(parseMidi(smf()));
    expect(g.downbeats_s).toEqual([0, 1.5, 4.5, 7.5]);
    expect(g.beats_per_bar).toEqual([3, 2, 2, 2]);
    expect(g.beats_s.slice(0, 6)).toEqual([0, 0.5, 1, 1.5, 3, 4.5]);
    expect(g.bpm[0]).toBeCloseTo(120, 6);
    expect(g.bpm[3]).toBeCloseTo(40, 6);
  });

  it("refuses what is not a MIDI file", () => {
    expect(() => parseMidi(new TextEncoder().encode("OggS and more bytes"))).toThrow(MidiParseError);
  });
});
