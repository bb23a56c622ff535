import { readFileSync } from "node:fs";
import { z } from "zod";
import { EditOperationSchema } from "../../core/schemas/edit.js";

/**
 * The edit paraphrase set: instructions written apart from the rules (other verbs, word order,
 * units, politeness, typos, the brief languages), each with its expected operations on a
 * fixture timeline. Four files: the development set, and three held-out sets that are only
 * scored, never read while changing the interpreter.
 */

export const PARAPHRASE_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "ja", "nl"] as const;

export const ParaphraseCaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  category: z.string().describe("The operation family: swap, position, order, pattern, fraction, every, cta, total, start, crop, typo, invalid, ambiguous, lang-xx…"),
  timeline: z.enum(["ad", "music", "promo"]).describe("A fixture of test/fixtures/edits/timelines.json"),
  lang: z.enum(PARAPHRASE_LANGUAGES),
  instruction: z.string(),
  expect: z.strictObject({
    status: z.enum(["proposed", "rejected"]),
    ops: z.array(EditOperationSchema).optional().describe("Operations whose result is the expected timeline (any ops giving the same timeline pass)"),
    alternatives: z.boolean().optional().describe("An ambiguous instruction: rejected, with ready alternatives to offer"),
  }),
});
export type ParaphraseCase = z.infer<typeof ParaphraseCaseSchema>;

const FileSchema = z.object({ description: z.string(), cases: z.array(ParaphraseCaseSchema) });

/**
 * dev: read while developing; heldout: scored once after development (then read); heldout-b:
 * written after that, scored once (then read); heldout-c: written after the fixes heldout-b
 * prompted, scored once at the end.
 */
export type ParaphraseSlice = "dev" | "heldout" | "heldout-b" | "heldout-c";

const FILES: Record<ParaphraseSlice, string> = {
  dev: "edit-paraphrases.json",
  heldout: "edit-paraphrases-heldout.json",
  "heldout-b": "edit-paraphrases-heldout-b.json",
  "heldout-c": "edit-paraphrases-heldout-c.json",
};

/** The cases of one slice, validated. */
export function loadParaphrases(slice: ParaphraseSlice): ParaphraseCase[] {
  const raw = JSON.parse(readFileSync(new URL(FILES[slice], import.meta.url), "utf8")) as unknown;
  return FileSchema.parse(raw).cases;
}
