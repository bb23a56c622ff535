/**
 * Quantities in an instruction, read apart from the verb and the scene: an amount of time
 * ("4 s", "2 bar", "30 frame"), a fraction or multiple of a length ("a 3rd", "in half",
 * "25 %", "3 quarters as long"), or a speed change ("twice as fast", "half speed"). Each reader
 * returns the quantity and the clause text with the quantity taken out, so the rest can be
 * read as verb + scene. Works on canonical clause text (normalize.ts: digits, "3rd", "s").
 */

/** How a length changes: `set` to a value, `delta` by a signed value, or `scale` by a factor. */
export type Amount =
  | { kind: "seconds"; mode: "set" | "delta"; q: string; sign?: 1 | -1 }
  | { kind: "scale"; factor: number }
  | { kind: "speed"; mode: "relative" | "absolute"; factor: number };

export interface Found {
  amount: Amount;
  rest: string;
  /** A bare amount ("2 s" with no "to"/"by"): a verb of direction makes it a change. */
  bare?: boolean;
  /** Where the quantity names the start of the scene ("the 1st 2 s of"). */
  edge?: "start" | "end";
}

// A number right after "scene", "#" or "position" names a scene or a place, never an amount.
const Q = "(\\d+(?:\\.\\d+)? (?:s|bar|beat|frame)|(?<!(?:scenes?|shots?|clips?|#|number|no|position|slot|place) )\\d+(?:\\.\\d+)?(?! (?:s|bar|beat|frame)(?: |$)))";
const QU = "(\\d+(?:\\.\\d+)? (?:s|bar|beat|frame))";
const PARTS: Record<string, number> = { half: 2, halves: 2, "3rd": 3, "3rds": 3, third: 3, thirds: 3, "4th": 4, "4ths": 4, quarter: 4, quarters: 4, "5th": 5, "5ths": 5, fifth: 5, fifths: 5 };
const PART = "(half|halves|3rds?|thirds?|4ths?|quarters?|5ths?|fifths?)";
const COUNT = "(?:(a|an|1|2|3|4) )?";
const LEN = "(?: (?:its|the|of its|of the|their)(?: current| original| present| full| whole)? (?:length|duration|runtime|time))?";
const SHORTER = "(shorter|less|smaller)";
const LONGER = "(longer|more)";

function fraction(count: string | undefined, part: string): number {
  const n = count && /^\d$/.test(count) ? Number(count) : 1;
  return n / PARTS[part]!;
}

function cut(text: string, m: RegExpExecArray): string {
  return `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/\s+/g, " ").trim();
}

type Reader = (t: string) => Found | null;

function reader(pattern: string, build: (m: RegExpExecArray) => Omit<Found, "rest"> | null): Reader {
  const re = new RegExp(`(?:^| )${pattern}(?= |$)`);
  return (t) => {
    const m = re.exec(t);
    if (!m) return null;
    const found = build(m);
    return found ? { ...found, rest: cut(t, m) } : null;
  };
}

const scale = (factor: number): Omit<Found, "rest"> => ({ amount: { kind: "scale", factor } });
const pct = (s: string) => Number(s) / 100;
const MULT: Record<string, number> = { twice: 2, double: 2, triple: 3, thrice: 3, quadruple: 4, half: 0.5 };
const TIMES = "(twice|double|triple|thrice|quadruple|\\d+(?:\\.\\d+)? x|\\d+(?:\\.\\d+)? times)";
const times = (w: string) => MULT[w] ?? Number(/^(\d+(?:\.\d+)?)/.exec(w)![1]);

/** Speed changes: checked first, since "twice as fast" is not a length. */
const SPEED_READERS: Reader[] = [
  reader(`(double|triple|half) time`, (m) => ({ amount: { kind: "speed", mode: "relative", factor: m[1] === "half" ? 0.5 : m[1] === "double" ? 2 : 3 } })),
  // "half as fast" is a speed, and the slower one: never a shorter scene.
  reader(`${COUNT}${PART} as (fast|quick|slow)`, (m) => {
    const f = fraction(m[1], m[2]!);
    return { amount: { kind: "speed", mode: "relative", factor: m[3] === "slow" ? 1 / f : f } };
  }),
  reader(`(?:by )?(\\d+(?:\\.\\d+)?) % (faster|quicker|slower)`, (m) => ({
    amount: { kind: "speed", mode: "relative", factor: m[2] === "slower" ? 1 - pct(m[1]!) : 1 + pct(m[1]!) },
  })),
  reader(`(?:in |into |as |to |at )?slowmo`, () => ({ amount: { kind: "speed", mode: "absolute", factor: 0.5 } })),
  reader(`(?:go |play |run |be )?${TIMES} (?:as )?(fast|quick|faster|quicker|slow|slower)`, (m) => {
    const f = times(m[1]!);
    return { amount: { kind: "speed", mode: "relative", factor: /slow/.test(m[2]!) ? 1 / f : f } };
  }),
  reader(`(?:to |at )?${TIMES} (?:the )?(?:speed|pace|tempo|rate)`, (m) => ({ amount: { kind: "speed", mode: "relative", factor: times(m[1]!) } })),
  reader(`(?:to |at )?(?:half|1 2nd) (?:the )?(?:speed|pace|tempo)`, () => ({ amount: { kind: "speed", mode: "absolute", factor: 0.5 } })),
  reader(`(?:to |at )?(\\d+(?:\\.\\d+)?) % (?:speed|pace|tempo)`, (m) => ({ amount: { kind: "speed", mode: "absolute", factor: pct(m[1]!) } })),
  reader(`(?:to |at )?(?:normal|regular|original|real time|realtime|usual) (?:speed|pace|tempo)`, () => ({ amount: { kind: "speed", mode: "absolute", factor: 1 } })),
  reader(`(?:to |at )?(\\d+(?:\\.\\d+)?) x(?: (?:speed|pace))?(?! (?:as long|longer|shorter|(?:the|its) (?:length|duration)))`, (m) => ({ amount: { kind: "speed", mode: "absolute", factor: Number(m[1]) } })),
];

/** Fractions and multiples of a length. */
const SCALE_READERS: Reader[] = [
  reader(`(?:halve|halves|halved|halving)(?: the (?:length|duration) of)?`, () => scale(0.5)),
  reader(`(?:in|into) (?:2|half|halves)(?! (?:s|bar|beat|frame)(?: |$))`, () => scale(0.5)),
  reader(`(?:down )?to half${LEN}`, () => scale(0.5)),
  reader(`half${LEN} as long|half as long|half${LEN}|half the (?:length|duration)`, () => scale(0.5)),
  reader(`${COUNT}${PART} as long`, (m) => scale(fraction(m[1], m[2]!))),
  reader(`(?:to |down to )?${COUNT}${PART} (?:of )?(?:its|the|their)(?: current| original| present| full)? (?:length|duration)`, (m) => scale(fraction(m[1], m[2]!))),
  reader(`(?:by )?${COUNT}${PART} ${SHORTER}`, (m) => scale(1 - fraction(m[1], m[2]!))),
  reader(`(?:by )?${COUNT}${PART} ${LONGER}`, (m) => scale(1 + fraction(m[1], m[2]!))),
  reader(`(?:by )?(\\d+(?:\\.\\d+)?) % ${SHORTER}`, (m) => scale(1 - pct(m[1]!))),
  reader(`(?:by )?(\\d+(?:\\.\\d+)?) % ${LONGER}`, (m) => scale(1 + pct(m[1]!))),
  reader(`(?:to |down to )(\\d+(?:\\.\\d+)?) %${LEN}`, (m) => scale(pct(m[1]!))),
  reader(`(?:to |down to )?(\\d+(?:\\.\\d+)?) % (?:of (?:its|the|their)(?: current| original| present| full)? (?:length|duration|runtime)|as long)`, (m) => scale(pct(m[1]!))),
  reader(`${TIMES} as long`, (m) => scale(times(m[1]!))),
  reader(`${TIMES} (?:the |its )(?:length|duration)`, (m) => scale(times(m[1]!))),
];

/** A fraction with a direction taken from the verb: "shorten by a 3rd", "take 25 % off", "cut 2 3rds off". */
const SIGNED_SCALE_READERS: Reader[] = [
  reader(`(?:by )?(a|an|1|2|3|4) ${PART}(?: (?:off|from|of))?`, (m) => ({ amount: { kind: "scale", factor: -fraction(m[1], m[2]!) } })),
  reader(`by ${PART}`, (m) => ({ amount: { kind: "scale", factor: -fraction(undefined, m[1]!) } })),
  reader(`(?:by )?(\\d+(?:\\.\\d+)?) %(?: (?:off|from|of))?`, (m) => ({ amount: { kind: "scale", factor: -pct(m[1]!) } })),
];

const EDGE_WORDS = "(?:start|beginning|front|head|top|end|tail|back)";
const edgeOf = (w: string | undefined): "start" | "end" | undefined => (!w ? undefined : /start|beginning|front|head|top|1st|opening/.test(w) ? "start" : "end");

/** Seconds, bars, beats or frames. */
const SECONDS_READERS: Reader[] = [
  // "the last 2 s of scene 3" is a part of the scene; "make it last 2 s" is a length.
  reader(`(?:(?:the|its|their) (?:very )?(1st|opening|last|final|closing) ${QU}(?: of| from| in)?|(1st|opening|last|final|closing) ${QU} (?:of|from|in))`, (m) => ({
    amount: { kind: "seconds", mode: "delta", q: (m[2] ?? m[4])!, sign: -1 },
    edge: edgeOf(m[1] ?? m[3]),
  })),
  reader(`(?:the )?(1st|opening|last|final) (bar|beat|2nd|s)(?: of| from)?`, (m) => ({
    amount: { kind: "seconds", mode: "delta", q: `1 ${m[2] === "2nd" ? "s" : m[2]}`, sign: -1 },
    edge: edgeOf(m[1]),
  })),
  reader(`${Q} (?:off|from|out of)(?: the (${EDGE_WORDS}) of)?`, (m) => ({ amount: { kind: "seconds", mode: "delta", q: m[1]!, sign: -1 }, edge: edgeOf(m[2]) })),
  reader(`(?:by )?${Q} ${SHORTER}`, (m) => ({ amount: { kind: "seconds", mode: "delta", q: m[1]!, sign: -1 } })),
  reader(`(?:by )?${Q} ${LONGER}`, (m) => ({ amount: { kind: "seconds", mode: "delta", q: m[1]!, sign: 1 } })),
  reader(`${QU} (later|earlier|sooner)`, (m) => ({ amount: { kind: "seconds", mode: "delta", q: m[1]!, sign: m[2] === "later" ? -1 : 1 }, edge: "start" })),
  reader(`by ${Q}`, (m) => ({ amount: { kind: "seconds", mode: "delta", q: m[1]! } })),
  // "the last 2 scenes" names scenes: a number before a scene noun is never a length.
  reader(`(?:down to|to|at|be|last|run|for|of|a length of|lasting|only)(?: only)? ${Q}(?! (?:scenes?|shots?|clips?|ones?|parts?)(?: |$))(?: long| in length| total| only)?`, (m) => ({ amount: { kind: "seconds", mode: "set", q: m[1]! } })),
  reader(`${QU}(?: long| in length| total| only)?`, (m) => ({ amount: { kind: "seconds", mode: "set", q: m[1]! }, bare: !/ (?:long|in length|total)$/.test(m[0]) })),
];

const SPEED_CONTEXT = /(?:^| )(?:slow|slowdown|slower|speed|speedup|fast|faster|quicker|pace|tempo|accelerate)(?= |$)/;
const SLOWER = /(?:^| )(?:slow|slowdown|slower)(?= |$)/;

/** Percentages and multiples that are speeds because the clause is about speed ("slow it down to 50 %"). */
const speedContextReaders = (slower: boolean): Reader[] => [
  reader(`(?:down |up )?to (\\d+(?:\\.\\d+)?) %`, (m) => ({ amount: { kind: "speed", mode: "absolute", factor: pct(m[1]!) } })),
  reader(`(?:down |up )?by (\\d+(?:\\.\\d+)?) %`, (m) => ({ amount: { kind: "speed", mode: "relative", factor: slower ? 1 - pct(m[1]!) : 1 + pct(m[1]!) } })),
  reader(`(?:down |up )?(?:by )?${TIMES}`, (m) => ({ amount: { kind: "speed", mode: "relative", factor: slower ? 1 / times(m[1]!) : times(m[1]!) } })),
  // "speed everything up 50 %": a change of speed, never a cut.
  reader(`(?:down |up )?(?:a |an )?(\\d+(?:\\.\\d+)?) %(?! (?:of|as))`, (m) => ({
    amount: { kind: "speed", mode: "relative", factor: slower ? 1 - pct(m[1]!) : 1 + pct(m[1]!) },
  })),
];

/** The first quantity in the clause, with speed read before fractions and fractions before seconds. */
export function findQuantity(text: string, opts: { signed?: boolean } = {}): Found | null {
  const speedy = SPEED_CONTEXT.test(text) ? [speedContextReaders(SLOWER.test(text))] : [];
  for (const group of [SPEED_READERS, ...speedy, SCALE_READERS, ...(opts.signed ? [SIGNED_SCALE_READERS] : []), SECONDS_READERS]) {
    for (const read of group) {
      const found = read(text);
      if (found) return found;
    }
  }
  return null;
}

/** A named edge of the scene elsewhere in the clause ("from the start", "off the front"). */
export function findEdge(text: string): { edge: "start" | "end"; rest: string } | null {
  const m = new RegExp(`(?:^| )(?:(?:from|at|off|of|on) )?(?:the )?(${EDGE_WORDS})(?: of)?(?= |$)`).exec(text);
  if (!m) return null;
  return { edge: edgeOf(m[1])!, rest: cut(text, m) };
}

/** True when the text carries a minus sign or the word minus before a number. */
export function hasNegative(text: string): boolean {
  return /(?:^| )(?:minus|negative|-) ?\d/.test(text) || /(?:^| )minus(?= |$)/.test(text);
}
