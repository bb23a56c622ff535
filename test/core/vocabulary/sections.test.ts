import { describe, expect, it } from "vitest";
import { HEADING_TERMS, headingKind, type SectionKind } from "../../../core/vocabulary/sections.js";

/**
 * headingKind's plain search finds the kind one case-insensitive Unicode regex per kind finds
 * (the matcher it replaced, rebuilt here as the reference): a term as a word of its own with an
 * optional plural "s"/"es", a Japanese term anywhere, the first kind in order wins.
 */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const cjk = (s: string) => /[\u3040-\u30ff\u3400-\u9fff]/u.test(s);
const REFERENCE: [SectionKind, RegExp][] = HEADING_TERMS.map(([kind, terms]) => [kind, new RegExp(terms.map((t) => (cjk(t) ? escape(t) : `(?<![\\p{L}])${escape(t)}(?:s|es)?(?![\\p{L}])`)).join("|"), "iu")]);
const reference = (heading: string) => REFERENCE.find(([, re]) => re.test(heading))?.[0] ?? null;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("headingKind's matching", () => {
  it("agrees with the per-kind regexes on headings made of the terms, cased, pluralised, glued and cut at random", () => {
    const next = rng(3122026);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const all = HEADING_TERMS.flatMap(([, terms]) => terms);
    const glue = [" ", "", "-", ": ", "/", "é", "x", "1", "'", "😀", "の", "\u00a0"];
    const ends = ["", "s", "es", "S", "ES", "ss", "e", "x", ":", "é"];
    let kinds = 0;
    for (let n = 0; n < 3000; n++) {
      let heading = "";
      for (let k = 0, parts = 1 + Math.floor(next() * 3); k < parts; k++) {
        let term = pick(all);
        if (next() < 0.2) term = term.slice(0, Math.max(1, Math.floor(term.length * next())));
        const c = next();
        if (c < 0.3) term = term.toUpperCase();
        else if (c < 0.5) term = term[0]!.toUpperCase() + term.slice(1);
        heading += pick(glue) + term + pick(ends);
      }
      const want = reference(heading);
      if (want) kinds++;
      expect(headingKind(heading), JSON.stringify(heading)).toBe(want);
    }
    expect(kinds).toBeGreaterThan(1000);
  });
});
