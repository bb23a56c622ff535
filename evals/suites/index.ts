import type { Suite } from "../core/types.js";
import { analyzeSuite } from "./analyze.js";
import { editSuite } from "./edit.js";
import { editParaphraseSuite } from "./edit-paraphrase.js";
import { musicRealSuite, musicSuite } from "./music.js";
import { planSuite } from "./plan.js";

/** Every suite, in the order they run and print. */
// Suites differ in their input/output types; the runner only needs them as Suite<unknown…>.
export const SUITES = [analyzeSuite, planSuite, editSuite, editParaphraseSuite, musicSuite, musicRealSuite] as unknown as Suite<unknown, unknown, unknown>[];

export const SUITE_NAMES = SUITES.map((s) => s.name);
