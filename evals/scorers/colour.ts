/**
 * Colour matching for the analyze suite. A hex code in a brief must come back exactly; a colour
 * name ("navy", "sage green") has no single right hex, so it matches any answer within a
 * perceptual distance (CIE76 ΔE in Lab) of a reference value. The reference table is the
 * eval's own, written apart from the analyser's lexicon so the two can disagree.
 */

/** Reference values for the colour names the briefs use. */
export const COLOUR_NAMES: Record<string, string> = {
  black: "#000000",
  white: "#FFFFFF",
  red: "#E32222",
  crimson: "#DC143C",
  yellow: "#FFD700",
  gold: "#D4AF37",
  orange: "#FF8C00",
  amber: "#FFBF00",
  green: "#2E9E44",
  blue: "#1F5FD6",
  navy: "#12237A",
  "midnight blue": "#191970",
  "deep blue": "#0B2A8C",
  "sky blue": "#87CEEB",
  "soft blue": "#A7C7E7",
  "denim blue": "#1560BD",
  purple: "#7B2FBE",
  "pastel purple": "#C3B1E1",
  "electric purple": "#BF00FF",
  pink: "#FF8FB1",
  "hot pink": "#FF1D8E",
  magenta: "#EC2AF0",
  cyan: "#00D5E6",
  turquoise: "#30D5C8",
  teal: "#108080",
  coral: "#FF7F62",
  peach: "#FFC8A8",
  cream: "#FFF5DC",
  ivory: "#FFFFF0",
  beige: "#E6D8BD",
  sand: "#D8C39A",
  brown: "#7B4A2A",
  terracotta: "#D0694A",
  mustard: "#D9A21B",
  silver: "#C4C4C8",
  grey: "#808080",
  sage: "#9CAF88",
  "muted green": "#7A8B6F",
  mint: "#98E8C1",
};

/** How far a named colour's answer may be from the reference (ΔE76; 2.3 is a just-noticeable step). */
export const NAMED_TOLERANCE = 35;

type Lab = [number, number, number];

/** #RGB or #RRGGBB → [r, g, b] 0–255; null when it is not a hex colour. */
export function parseHex(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const h = m[1]!.length === 3 ? m[1]!.split("").map((c) => c + c).join("") : m[1]!;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function toLab([r, g, b]: [number, number, number]): Lab {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 distance between two hex colours (Infinity when one is not a colour). */
export function deltaE(a: string, b: string): number {
  const ra = parseHex(a);
  const rb = parseHex(b);
  if (!ra || !rb) return Infinity;
  const [l1, a1, b1] = toLab(ra);
  const [l2, a2, b2] = toLab(rb);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

/** True when `got` (a hex answer) satisfies `want` (a hex code, exact, or a colour name, within tolerance). */
export function colourMatches(want: string, got: string): boolean {
  const g = parseHex(got);
  if (!g) return false;
  const w = parseHex(want);
  if (w && want.trim().startsWith("#")) return w.every((v, i) => v === g[i]);
  const ref = COLOUR_NAMES[want.trim().toLowerCase()];
  if (!ref) throw new Error(`no reference value for the colour name "${want}" (add it to COLOUR_NAMES)`);
  return deltaE(ref, got) <= NAMED_TOLERANCE;
}

/**
 * Matches wanted colours to answers one to one, in order of the wanted list (greedy: each
 * wanted colour takes the closest unused answer that satisfies it).
 */
export function matchColours(want: string[], got: string[]): { matched: number; missing: string[]; extra: string[] } {
  const used = new Set<number>();
  const missing: string[] = [];
  for (const w of want) {
    let best = -1;
    let bestD = Infinity;
    got.forEach((g, i) => {
      if (used.has(i) || !colourMatches(w, g)) return;
      const ref = w.startsWith("#") ? w : COLOUR_NAMES[w.toLowerCase()]!;
      const d = deltaE(ref, g);
      if (d < bestD) [best, bestD] = [i, d];
    });
    if (best >= 0) used.add(best);
    else missing.push(w);
  }
  return { matched: want.length - missing.length, missing, extra: got.filter((_, i) => !used.has(i)) };
}
