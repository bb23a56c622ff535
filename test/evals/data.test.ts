import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { loadBriefs, loadTrackSpecs } from "../../evals/datasets/briefs.js";
import { colourMatches } from "../../evals/scorers/colour.js";
import { editSuite } from "../../evals/suites/edit.js";
import { editParaphraseSuite } from "../../evals/suites/edit-paraphrase.js";
import { loadCases } from "../../evals/datasets/edits.js";
import { ensureTrack, trackFileName, trackTruth } from "../../evals/tracks.js";
import { offlineContext, tempDir } from "./helpers.js";

const tracks = loadTrackSpecs();
const briefs = loadBriefs(tracks);

describe("eval data", () => {
  it("has at least 60 briefs covering ads of 15/30/45/60 s, music genres, and hard briefs", () => {
    expect(briefs.length).toBeGreaterThanOrEqual(60);
    const ads = briefs.filter((b) => b.category === "ad");
    for (const len of [15, 30, 45, 60]) expect(ads.filter((b) => b.expect.duration_s === len).length, `${len} s ads`).toBeGreaterThanOrEqual(4);
    expect(new Set(ads.flatMap((b) => b.tags.filter((t) => !/^\d+s$/.test(t)))).size).toBeGreaterThanOrEqual(15);
    expect(briefs.filter((b) => b.category === "music").length).toBeGreaterThanOrEqual(10);
    expect(briefs.filter((b) => b.category === "underspecified").length).toBeGreaterThanOrEqual(6);
    expect(briefs.filter((b) => b.category === "contradictory").every((b) => b.expect.contradiction)).toBe(true);
    expect(briefs.filter((b) => b.category === "contradictory").length).toBeGreaterThanOrEqual(6);
    expect(new Set(briefs.filter((b) => b.category === "non_english").map((b) => b.expect.language)).size).toBeGreaterThanOrEqual(6);
  });

  it("every brief is a valid request and every colour name has a reference value", () => {
    for (const b of briefs) {
      const audio = b.track ? { audio: { url: `eval-tracks/${b.track}` } } : {};
      expect(GenerationRequestSchema.safeParse({ ...b.request, ...audio }).success, b.id).toBe(true);
      for (const c of b.expect.colors) expect(() => colourMatches(c, "#000000"), `${b.id}: ${c}`).not.toThrow();
    }
  });

  it("uses at least 150 edit instructions with their expected outcome", async () => {
    const cases = await editSuite.data(offlineContext());
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => c.expected.status === "rejected").length).toBeGreaterThanOrEqual(15);
    for (const c of cases.filter((x) => x.expected.status === "rejected")) expect(c.expected.timeline).toBe(c.input.timeline);
  });

  it("has a paraphrase set of at least 300 edit instructions, 50 not in English, every brief language, held-out slices apart", async () => {
    const cases = await editParaphraseSuite.data(offlineContext());
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(cases.filter((c) => c.tags.includes("non_english")).length).toBeGreaterThanOrEqual(50);
    for (const lang of ["es", "fr", "de", "pt", "it", "ja", "nl"]) expect(cases.filter((c) => c.tags.includes(lang)).length, lang).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.tags.includes("heldout")).length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      if (c.expected.status === "rejected") expect(c.expected.timeline, c.id).toBe(c.input.timeline);
      else expect(c.expected.timeline, c.id).not.toEqual(c.input.timeline);
    }
    const instructions = new Set(loadCases().map((c) => c.instruction.toLowerCase()));
    expect(cases.filter((c) => instructions.has(c.title.toLowerCase())), "paraphrases are not copies of the table").toEqual([]);
  });

  it("has 3–4 tracks of 60–70 s at different tempos", () => {
    expect(tracks.length).toBeGreaterThanOrEqual(3);
    expect(tracks.length).toBeLessThanOrEqual(4);
    expect(new Set(tracks.map((t) => t.bpm)).size).toBe(tracks.length);
    for (const t of tracks) {
      expect(t.duration_s).toBeGreaterThanOrEqual(60);
      expect(t.duration_s).toBeLessThanOrEqual(70);
    }
  });
});

describe("generated tracks", () => {
  it("are written once per set of parameters and found again in the cache", async () => {
    const tmp = tempDir();
    try {
      const spec = { id: "tiny", genre: "test", bpm: 120, duration_s: 3 };
      const path = await ensureTrack(spec, tmp.dir);
      const made = statSync(path).mtimeMs;
      expect(await ensureTrack(spec, tmp.dir)).toBe(path);
      expect(statSync(path).mtimeMs).toBe(made);
      expect(trackFileName({ ...spec, bpm: 121 })).not.toBe(trackFileName(spec));
      expect(trackFileName({ ...spec, genre: "other" })).toBe(trackFileName(spec));
      expect(statSync(path).size).toBeGreaterThan(3 * 11025);
      const truth = trackTruth({ ...spec, duration_s: 4, beats_per_bar: 3 });
      expect(truth.downbeats_s).toEqual([0, 1.5, 3]);
    } finally {
      tmp.cleanup();
    }
  });
});
