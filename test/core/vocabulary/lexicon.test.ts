import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AUDIENCES, COLORS, compileLexicon, FAST, type Lexicon, scan, SETTINGS, SLOW, STYLE, TONES } from "../../../core/vocabulary/lexicon.js";

/**
 * The lexicon matcher (a trie) finds exactly what one case-insensitive Unicode alternation
 * regex of the same terms finds — the matcher it replaced, rebuilt here as the reference: whole
 * words for spaced scripts, anywhere for Japanese and Chinese, the longest term first, a space or
 * hyphen inside a term written as one space, one hyphen or nothing.
 */
function reference(lex: Lexicon, text: string) {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\s-]+/g, "[\\s-]?");
  const cjk = (t: string) => /[\u3040-\u30ff\u3400-\u9fff]/u.test(t);
  const spaced = lex.terms.filter((t) => !cjk(t)).map(escape).join("|");
  const unspaced = lex.terms.filter(cjk).map(escape).join("|");
  const re = new RegExp([`(?<![\\p{L}\\p{N}])(?:${spaced})(?![\\p{L}\\p{N}])`, ...(unspaced ? [`(?:${unspaced})`] : [])].join("|"), "giu");
  const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, "");
  const hits = [];
  for (const m of text.matchAll(re)) {
    const key = lex.lookup.get(norm(m[0]));
    if (key) hits.push({ key, term: m[0], index: m.index ?? 0 });
  }
  return hits;
}

const LEXICONS = { AUDIENCES, COLORS, FAST, SETTINGS, SLOW, STYLE, TONES };

/** A small deterministic generator (the same texts every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("the lexicon matcher", () => {
  it("finds what the alternation regex finds in every brief and edit of the evals", () => {
    const texts: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === "string" && v.length > 3) texts.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const f of ["briefs.json", "edit-paraphrases.json", "edit-paraphrases-heldout.json"]) collect(JSON.parse(readFileSync(`evals/datasets/${f}`, "utf8")));
    expect(texts.length).toBeGreaterThan(200);
    let hits = 0;
    for (const [name, lex] of Object.entries(LEXICONS))
      for (const t of texts) {
        const want = reference(lex, t);
        hits += want.length;
        expect(scan(lex, t), `${name}: ${t}`).toEqual(want);
      }
    expect(hits).toBeGreaterThan(500);
  });

  it("finds what the regex finds in texts made of the terms' own pieces, cased, joined and cut at random", () => {
    const next = rng(20261203);
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
    const glue = [" ", "  ", "-", "", ", ", ".", "'", "é", "x", "7", "\u00a0", "\u3000", "の", "😀", "\n", "–"];
    for (const [name, lex] of Object.entries(LEXICONS)) {
      for (let n = 0; n < 400; n++) {
        let text = "";
        for (let k = 0, parts = 1 + Math.floor(next() * 6); k < parts; k++) {
          let term = pick(lex.terms);
          const cut = next();
          if (cut < 0.2) term = term.slice(0, Math.max(1, Math.floor(term.length * next())));
          else if (cut < 0.35) term = term.replace(/[\s-]/g, () => pick([" ", "-", "", "  "]));
          const c = next();
          if (c < 0.25) term = term.toUpperCase();
          else if (c < 0.5) term = term[0]!.toUpperCase() + term.slice(1);
          text += pick(glue) + term;
        }
        expect(scan(lex, text), `${name}: ${JSON.stringify(text)}`).toEqual(reference(lex, text));
      }
    }
  });

  it("tries the longest term first and takes a term's space or hyphen as written either way", () => {
    const lex = compileLexicon("a = high|high energy\nb = higher\nc = 青\nd = 青空");
    expect(scan(lex, "High-Energy, higher, highenergy, high  energy").map((h) => [h.key, h.term])).toEqual([["a", "High-Energy"], ["b", "higher"], ["a", "highenergy"], ["a", "high"]]);
    expect(scan(lex, "青空と青").map((h) => h.term)).toEqual(["青空", "青"]);
    expect(scan(lex, "thigh highs")).toEqual([]);
  });
});
