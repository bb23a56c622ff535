import { readFileSync } from "node:fs";
import { z } from "zod";

/** The briefs (briefs.json) and the synthetic tracks (tracks.json), validated on load. */

const ToneGroupSchema = z.array(z.string().min(1)).min(1).describe("Synonyms: the tone matches the group when it contains any of them");

export const BriefExpectSchema = z.strictObject({
  duration_s: z.union([z.number().positive(), z.literal("song")]).describe("Seconds, or 'song': the track's length"),
  colors: z.array(z.string().min(1)).describe("Brand colours in order: '#RRGGBB' exact, or a colour name (matched perceptually)"),
  tone: z.array(ToneGroupSchema).describe("Each group must appear in the analysed tone; empty when the brief names no tone"),
  cta: z.string().nullable().describe("The call to action verbatim; null when the brief asks for none"),
  brand: z.union([z.string(), z.array(z.string()).min(1), z.null()]).describe("Brand name (or accepted spellings); null when none is given"),
  language: z.string().length(2).describe("ISO 639-1 code of the brief's language"),
  pacing: z.enum(["slow", "medium", "fast"]).optional().describe("Only when the brief states it"),
  contradiction: z.boolean().optional().describe("The brief contradicts itself or the request: the analysis must warn"),
  unsaid: z.array(z.string()).optional().describe("Topics the brief leaves unsaid: each needs an assumption"),
});
export type BriefExpect = z.infer<typeof BriefExpectSchema>;

export const BriefSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  category: z.enum(["ad", "music", "underspecified", "contradictory", "non_english"]),
  tags: z.array(z.string()),
  track: z.string().optional().describe("Music videos: a track id from tracks.json"),
  request: z.record(z.string(), z.unknown()).describe("The generation request without audio (the suite adds the track)"),
  expect: BriefExpectSchema,
});
export type Brief = z.infer<typeof BriefSchema>;

export const TrackSpecSchema = z.strictObject({
  id: z.string(),
  genre: z.string(),
  bpm: z.number().positive(),
  duration_s: z.number().positive(),
  lead_in_s: z.number().min(0).optional(),
  beats_per_bar: z.number().int().min(2).max(8).optional(),
  noise: z.number().min(0).max(1).optional().describe("Pink-noise amplitude mixed under the beat"),
});
export type TrackSpec = z.infer<typeof TrackSpecSchema>;

const dir = new URL("./", import.meta.url);

/** The briefs, checked: unique ids, music briefs name a known track. */
export function loadBriefs(tracks: TrackSpec[] = loadTrackSpecs()): Brief[] {
  const raw = JSON.parse(readFileSync(new URL("briefs.json", dir), "utf8")) as { briefs: unknown[] };
  const briefs = z.array(BriefSchema).parse(raw.briefs);
  const ids = new Set<string>();
  const known = new Set(tracks.map((t) => t.id));
  for (const b of briefs) {
    if (ids.has(b.id)) throw new Error(`briefs.json: id ${b.id} appears twice`);
    ids.add(b.id);
    const music = b.request.pipeline === "music_video";
    if (music && (!b.track || !known.has(b.track))) throw new Error(`briefs.json: ${b.id} is a music video and needs a track from tracks.json`);
    if (!music && b.track) throw new Error(`briefs.json: ${b.id} is an ad and cannot name a track`);
  }
  return briefs;
}

/** The synthetic tracks. */
export function loadTrackSpecs(): TrackSpec[] {
  const raw = JSON.parse(readFileSync(new URL("tracks.json", dir), "utf8")) as { tracks: unknown[] };
  return z.array(TrackSpecSchema).parse(raw.tracks);
}

/** The expected length in seconds ('song' resolved to the track's length). */
export function expectedDuration(brief: Brief, tracks: TrackSpec[]): number {
  if (brief.expect.duration_s !== "song") return brief.expect.duration_s;
  const spec = tracks.find((t) => t.id === brief.track);
  if (!spec) throw new Error(`${brief.id}: 'song' length without a track`);
  return spec.duration_s;
}
