import { describe, expect, it } from "vitest";
import { drawtextFilter, escapeFilterValue, fitText, fontId, normalizeText, resolveFont, wrapText } from "../../../tools/ffmpeg/text.js";

/** Undoes one level of backslash escaping, as FFmpeg's av_get_token does. */
function unescapeLevel(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

describe("escapeFilterValue", () => {
  it("survives both parsing levels for every special character", () => {
    for (const v of ["/tmp/we'ird:dir,[x];y\\z/t.txt", "DejaVu Sans:style=Bold", "between(n,0,44)", "a''b", "\\\\"]) {
      const escaped = escapeFilterValue(v);
      expect(unescapeLevel(unescapeLevel(escaped))).toBe(v);
      // At graph level nothing may terminate the filter: every , ; [ ] ' is preceded by a backslash.
      expect(escaped.replace(/\\./g, "")).not.toMatch(/[,;[\]']/);
    }
  });

  it("leaves plain values alone and refuses line breaks", () => {
    expect(escapeFilterValue("(w-tw)/2")).toBe("(w-tw)/2");
    expect(escapeFilterValue("/usr/share/fonts/a.ttf")).toBe("/usr/share/fonts/a.ttf");
    expect(() => escapeFilterValue("/tmp/a\nb")).toThrow();
  });
});

describe("drawtextFilter", () => {
  it("reads the text from a file, without expansion", () => {
    const f = drawtextFilter({ textFile: "/t/cta.txt", font: { file: "/f.ttf" }, fontSize: 20, color: "white", x: "10", y: "10" });
    expect(f).toBe("drawtext=fontfile=/f.ttf:textfile=/t/cta.txt:expansion=none:fontsize=20:fontcolor=white:x=10:y=10");
  });

  it("falls back to a fontconfig pattern", () => {
    const f = drawtextFilter({ textFile: "/t", font: { family: "DejaVu Sans:style=Bold" }, fontSize: 20, color: "white", x: "0", y: "0" });
    expect(f).toContain("font=DejaVu\\\\ Sans\\\\:style=Bold");
    expect(f).not.toContain("fontfile");
  });
});

describe("resolveFont", () => {
  it("prefers the configured file, then DejaVu, then fontconfig", () => {
    expect(resolveFont({ REELGRAPH_FONT_FILE: "/x.ttf" }, (p) => p === "/x.ttf")).toEqual({ file: "/x.ttf" });
    expect(resolveFont({}, (p) => p.includes("DejaVuSans-Bold"))).toEqual({ file: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" });
    const none = resolveFont({ REELGRAPH_FONT_FILE: "/missing.ttf" }, () => false);
    expect("family" in none).toBe(true);
    expect(fontId(none)).toMatch(/^family:/);
  });
});

describe("text layout", () => {
  it("normalises line breaks and drops control characters", () => {
    expect(normalizeText(" a\r\nb\rc\n\n\u0007d\t e ")).toBe("a\nb\nc\nd e");
  });

  it("wraps at word boundaries and splits long words", () => {
    expect(wrapText("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapText("keep\nbreaks", 40)).toEqual(["keep", "breaks"]);
    expect(wrapText("a b c d e f", 1, 2)).toEqual(["a", "…"]);
  });

  it("picks the largest size that fits and shrinks long text", () => {
    const short = fitText("Shop now", { width: 1000, height: 200, maxFontSize: 60 });
    expect(short).toEqual({ lines: ["Shop now"], fontSize: 60 });
    const long = fitText("An unusually long call to action that will not fit on one line at all", { width: 300, height: 120, maxFontSize: 60, minFontSize: 10 });
    expect(long.fontSize).toBeLessThan(60);
    expect(long.lines.length).toBeGreaterThan(1);
    expect(long.lines.length * long.fontSize * 1.25).toBeLessThanOrEqual(120);
    for (const l of long.lines) expect(l.length * long.fontSize * 0.64).toBeLessThanOrEqual(300);
  });
});
