import { roundS } from "../../../core/timeline/invariants.js";
import { barGrid } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { defaultSpeed, defaultStep, EDGE, edge, rule, secondsFor, withScenes, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { parseFactor } from "./resolve.js";

/** Rules that change how long scenes last: trims (to a length, by an amount, from either end) and speed. */

const TRIM = "(?:trim|cut|shorten|reduce|clip|chop|cut down|trim down|shrink|compress|tighten)";
const LONG = "(?:lengthen|extend|stretch|expand|grow|prolong|elongate)";

type Amount = { q: string } | { factor: number } | { default: true };

/**
 * Trims each named scene: `set` gives the new length, otherwise `sign` × amount changes it.
 * Amounts in bars are measured at each scene.
 */
function trims(phrase: string, ctx: ParseContext, how: { set?: Amount; sign?: 1 | -1; by?: Amount; from?: "start" | "end" }): Outcome {
  return withScenes(phrase, ctx, (ids) => {
    const ops: EditOperation[] = [];
    const notes: string[] = [];
    for (const id of ids) {
      const scene = ctx.working.scenes.find((s) => s.id === id);
      const amount = how.set ?? how.by!;
      let value: number;
      if ("q" in amount) {
        const s = secondsFor(amount.q, ctx, id);
        if (!s || "error" in s) return s;
        value = s.value;
      } else if ("factor" in amount) {
        if (!scene) return { error: `${id} is no longer in the video` };
        value = roundS(scene.duration_s * amount.factor);
      } else {
        const step = defaultStep(ctx, id);
        value = step.value;
        if (!notes.includes(step.note)) notes.push(step.note);
      }
      const from = how.from ?? "end";
      if (how.set) ops.push({ op: "trim", scene: id, duration_s: value, from });
      else ops.push({ op: "trim", scene: id, delta_s: roundS((how.sign ?? -1) * value), from });
    }
    return { ops, refs: ids, notes };
  });
}

function speeds(phrase: string, ctx: ParseContext, factor: { relative?: number; absolute?: number }, note?: string): Outcome {
  return withScenes(phrase, ctx, (ids) => {
    const ops: EditOperation[] = [];
    for (const id of ids) {
      const current = ctx.working.scenes.find((s) => s.id === id)?.speed ?? 1;
      const f = factor.relative ?? factor.absolute! / current;
      ops.push({ op: "speed", scene: id, factor: Math.round(f * 10_000) / 10_000 });
    }
    return { ops, refs: ids, notes: note ? [note] : [] };
  });
}

/** "by 50 %", "by 2 x", "to 2 x", "to half speed" after "speed up"/"slow down". */
function speedChange(phrase: string, ctx: ParseContext, faster: boolean, prep: string | undefined, amount: string | undefined): Outcome {
  if (!amount) {
    const d = defaultSpeed(faster, ctx);
    return speeds(phrase, ctx, { relative: d.factor }, d.note);
  }
  const pct = /^(\d+(?:\.\d+)?) %$/.exec(amount);
  if (pct && prep === "by") {
    const p = Number(pct[1]) / 100;
    if (!faster && p >= 1) return { error: `slowing down by ${pct[1]}% would stop the scene` };
    return speeds(phrase, ctx, { relative: faster ? 1 + p : 1 - p });
  }
  const f = parseFactor(amount);
  if (!f) return null;
  if (prep === "to") return speeds(phrase, ctx, { absolute: f.value });
  return speeds(phrase, ctx, { relative: faster ? f.value : f.value > 1 ? 1 / f.value : f.value });
}

/** A reading that holds only when its phrase named scenes; otherwise no reading at all (not an error about it). */
function namedOnly(out: Outcome): Outcome {
  return out && "error" in out ? null : out;
}

/**
 * "lose the last 5 seconds", "cut the first 2 s": seconds off one end of the video. Scenes
 * wholly inside go; the scene the cut falls in is trimmed at that end.
 */
function cutVideoEdge(q: string, which: string, ctx: ParseContext): Outcome {
  const s = secondsFor(q, ctx);
  if (!s || "error" in s) return s;
  const t = ctx.working;
  if (s.value >= t.duration_s - 0.0005) return { error: `the video lasts ${roundS(t.duration_s)} s: cutting ${roundS(s.value)} s would leave nothing` };
  const fromEnd = /^(?:last|final|closing)$/.test(which);
  const order = fromEnd ? [...t.scenes].reverse() : t.scenes;
  const ops: EditOperation[] = [];
  let left = s.value;
  for (const scene of order) {
    if (left <= 0.0005) break;
    if (scene.duration_s <= left + 0.0005) {
      ops.push({ op: "remove", scene: scene.id });
      left = roundS(left - scene.duration_s);
    } else {
      ops.push({ op: "trim", scene: scene.id, delta_s: roundS(-left), from: fromEnd ? "end" : "start" });
      left = 0;
    }
  }
  return { ops, refs: [], notes: [`${roundS(s.value)} s off the ${fromEnd ? "end" : "start"} of the video`] };
}

/** Every scene the same length, the video's length kept (the last scene takes the rounding). */
function equalLengths(ctx: ParseContext): Outcome {
  const t = ctx.working;
  const n = t.scenes.length;
  if (n < 2) return { error: "a single scene has no other scene to match" };
  const each = t.duration_s / n;
  const lengths = barLengths(t, n) ?? t.scenes.map((_, i) => (i === n - 1 ? roundS(t.duration_s - roundS(each) * (n - 1)) : roundS(each)));
  if (t.scenes.every((s, i) => Math.abs(s.duration_s - lengths[i]!) < 0.0005)) return { error: `the scenes are already as even as they can be (${lengths.map((d) => `${roundS(d)} s`).join(", ")})` };
  const ops: EditOperation[] = [];
  t.scenes.forEach((s, i) => {
    if (Math.abs(lengths[i]! - s.duration_s) > 0.0005) ops.push({ op: "trim", scene: s.id, duration_s: lengths[i]!, from: "end" });
  });
  const even = lengths.every((d) => Math.abs(d - lengths[0]!) < 0.0005);
  return { ops, refs: [], notes: [even ? `every scene ${roundS(lengths[0]!)} s, the video's ${roundS(t.duration_s)} s kept` : `scenes of ${[...new Set(lengths.map((d) => `${roundS(d)} s`))].join(" or ")}: whole bars, the video's ${roundS(t.duration_s)} s kept`] };
}

/** On a music video: the song's bars shared out as evenly as whole bars allow (the later scenes take the odd bars); null without a bar grid. */
function barLengths(t: Timeline, n: number): number[] | null {
  const grid = barGrid(t);
  if (!grid) return null;
  const D = t.duration_s;
  const starts = grid.starts.filter((b) => b >= -0.0005 && b < D - 0.0005);
  for (let b = grid.starts[grid.starts.length - 1]! + grid.last; b < D - 0.0005; b = roundS(b + grid.last)) starts.push(b);
  if (starts.length < n || Math.abs(starts[0]!) > 0.0005) return null;
  const base = Math.floor(starts.length / n);
  const extra = starts.length % n;
  const out: number[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const next = at + base + (i >= n - extra ? 1 : 0);
    out.push(roundS((next < starts.length ? starts[next]! : D) - starts[at]!));
    at = next;
  }
  return out;
}

const SAME_LENGTH = "(?:the )?(?:same|equal|even|identical|uniform|matching) (?:length|duration|size|time|amount of time)s?";
const SCENES = "(?:the )?(?:scenes?|shots?|clips?|parts?|cuts?)";

export const TIMING_RULES: Rule[] = [
  rule("cut-video-edge", `(?:lose|cut|drop|trim|remove|chop|shave|take|delete|get rid of)(?: off| out)? (?:the )?(last|final|closing|1st|opening) {QU}(?: of (?:the )?(?:video|ad|it|film|edit|spot|thing))?(?: off)?`, (m, _c, ctx) => cutVideoEdge(m[2]!, m[1]!, ctx)),
  rule("give-extra", `(?:give|add) {S} (?:an? )?{Q} (?:extra|more|additional) (s|bar|beat)s?`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { q: `${m[2]!.split(" ")[0]} ${m[3]}` }, sign: 1 })),
  rule("equal-lengths", `(?:make|set|give|have|keep|cut|trim|put)(?: all| every| each)?(?: of)? ${SCENES}(?: all)? (?:to |at |in )?${SAME_LENGTH}(?: each)?`, (_m, _c, ctx) => equalLengths(ctx)),
  rule("equal-lengths-noun", `(?:(?:i want|use|give me|make it) )?(?:all |every )?${SCENES} (?:of |with |at )?${SAME_LENGTH}|(?:equal|same|even)(?: length| duration)? ${SCENES}(?: please)?`, (_m, _c, ctx) => equalLengths(ctx)),
  rule("equal-lengths-even", `(?:even out|equali[sz]e|balance|normali[sz]e) (?:the |all the )?(?:scene |shot |clip )?(?:lengths?|durations?|timings?|pacing)(?: of (?:the |all the )?(?:scenes|shots|clips))?`, (_m, _c, ctx) => equalLengths(ctx)),
  // "less of the kitchen", "more bonfire": a step shorter or longer (the step is said in the warning).
  // Only when what follows names scenes: "more energy in scene 2" is not this reading, and says nothing of one.
  rule("less-of", `(?:(?:show|give me|i want|we need) )?(?:much |far )?less (?:of )?{S}`, (m, _c, ctx) => namedOnly(trims(m[1]!, ctx, { by: { default: true }, sign: -1 }))),
  rule("more-of", `(?:(?:show|give me|i want|we need) )?(?:much |far )?more (?:of )?{S}`, (m, _c, ctx) => namedOnly(trims(m[1]!, ctx, { by: { default: true }, sign: 1 }))),
  rule("trim-to", `${TRIM} {S} (?:down )?to {Q}(?: long| in length)?`, (m, _c, ctx) => trims(m[1]!, ctx, { set: { q: m[2]! } })),
  rule("trim-by", `${TRIM} {S} by {Q}(?: (?:from|at|off) (?:the )?${EDGE})?`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { q: m[2]! }, sign: -1, from: edge(m[3]) })),
  rule("trim-edge-by", `${TRIM} {S} (?:from|at|off) (?:the )?${EDGE}(?: by)? {Q}`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[3]! }, sign: -1, from: edge(m[2]) }),
  ),
  rule(
    "trim-off",
    `(?:trim|cut|shave|take|chop|remove|drop|knock|snip|lop|shorten|lose)(?: off)? {QU} (?:off|from|of|out of)(?: the ${EDGE} of)? {S}(?: (?:from|at|off) (?:the )?${EDGE})?`,
    (m, _c, ctx) => trims(m[3]!, ctx, { by: { q: m[1]! }, sign: -1, from: edge(m[2] ?? m[4]) }),
  ),
  rule(
    "trim-first-last",
    `(?:trim|cut|remove|drop|chop|lose|skip|shave off|trim off|cut off|take off) (?:the )?(1st|last) {QU} (?:of|from|off) {S}`,
    (m, _c, ctx) => trims(m[3]!, ctx, { by: { q: m[2]! }, sign: -1, from: m[1] === "1st" ? "start" : "end" }),
  ),
  rule("trim-edge", `(?:trim|shorten|cut|tighten) (?:the )?${EDGE} of {S}(?: by {Q})?`, (m, _c, ctx) =>
    trims(m[2]!, ctx, { by: m[3] ? { q: m[3] } : { default: true }, sign: -1, from: edge(m[1]) }),
  ),
  rule("trim-at-edge", `${TRIM} {S} (?:from|at) the ${EDGE}`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { default: true }, sign: -1, from: edge(m[2]) })),
  rule("long-to", `${LONG} {S} to {Q}(?: long)?`, (m, _c, ctx) => trims(m[1]!, ctx, { set: { q: m[2]! } })),
  rule("long-by", `${LONG} {S}(?: by)? {Q}(?: (?:at|from|on) (?:the )?${EDGE})?`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[2]! }, sign: 1, from: edge(m[3]) }),
  ),
  rule("long-edge", `${LONG} {S} (?:at|from|on) (?:the )?${EDGE}(?: by)?(?: {Q})?`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: m[3] ? { q: m[3] } : { default: true }, sign: 1, from: edge(m[2]) }),
  ),
  rule("long", `${LONG} {S}`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { default: true }, sign: 1 })),
  rule("short", `(?:trim|shorten|reduce|shrink|tighten) {S}`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { default: true }, sign: -1 })),
  rule("make-longer-by", `(?:make|have) {S} {Q} (longer|shorter)`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[2]! }, sign: m[3] === "longer" ? 1 : -1 }),
  ),
  rule("make-longer", `(?:make|have) {S} (longer|shorter)(?: by {Q})?`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: m[3] ? { q: m[3] } : { default: true }, sign: m[2] === "longer" ? 1 : -1 }),
  ),
  rule("make-as-long", `make {S} (half|twice|double|\\d+(?:\\.\\d+)? x) as long`, (m, _c, ctx) => {
    const f = parseFactor(m[2]!);
    return f ? trims(m[1]!, ctx, { set: { factor: f.value } }) : null;
  }),
  rule("make-percent", `make {S} (\\d+(?:\\.\\d+)?) % (longer|shorter)`, (m, _c, ctx) => {
    const p = Number(m[2]) / 100;
    return trims(m[1]!, ctx, { set: { factor: m[3] === "longer" ? 1 + p : 1 - p } });
  }),
  rule("set-length", `(?:make|set|change|adjust|have) {S}(?: duration| length)? (?:to |be |last |at )?{Q}(?: long| in length)?`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { set: { q: m[2]! } }),
  ),
  rule("set-length-of", `(?:set|change|make|adjust) (?:the )?(?:duration|length) of {S} (?:to |at )?{Q}`, (m, _c, ctx) => trims(m[1]!, ctx, { set: { q: m[2]! } })),
  rule("should-be-more", `{S} (?:should|must|needs to|has to|could) (?:be|last|run) {Q} (longer|shorter)`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[2]! }, sign: m[3] === "longer" ? 1 : -1 }),
  ),
  rule("should-be", `{S} (?:should|must|needs to|has to|could) (?:be|last|run) {Q}(?: long)?`, (m, _c, ctx) => trims(m[1]!, ctx, { set: { q: m[2]! } })),
  rule("add-to", `(?:add|give) {QU} (?:to|more to|extra to) {S}(?: (?:at|from|on) (?:the )?${EDGE})?`, (m, _c, ctx) =>
    trims(m[2]!, ctx, { by: { q: m[1]! }, sign: 1, from: edge(m[3]) }),
  ),
  rule("give-more", `give {S} (?:an? )?(?:extra |another )?{QU}(?: more| extra)?`, (m, _c, ctx) => trims(m[1]!, ctx, { by: { q: m[2]! }, sign: 1 })),
  rule("start-later", `(?:start|begin) {S} {QU} (later|earlier|sooner)`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[2]! }, sign: m[3] === "later" ? -1 : 1, from: "start" }),
  ),
  rule("end-earlier", `(?:end|finish|stop) {S} {QU} (earlier|sooner|later)`, (m, _c, ctx) =>
    trims(m[1]!, ctx, { by: { q: m[2]! }, sign: m[3] === "later" ? 1 : -1, from: "end" }),
  ),
  rule("speed-up", `speedup {S}(?: (by|to) (.+))?`, (m, _c, ctx) => speedChange(m[1]!, ctx, true, m[2], m[3])),
  rule("speed-x-up", `speed {S} up(?: (by|to) (.+))?`, (m, _c, ctx) => speedChange(m[1]!, ctx, true, m[2], m[3])),
  rule("slow-down", `slowdown {S}(?: (by|to) (.+))?`, (m, _c, ctx) => speedChange(m[1]!, ctx, false, m[2], m[3])),
  rule("slow-x-down", `slow {S} down(?: (by|to) (.+))?`, (m, _c, ctx) => speedChange(m[1]!, ctx, false, m[2], m[3])),
  rule("slowmo", `(?:put |play |show |make |have |set )?{S} (?:in|into|as|to|at) slowmo`, (m, _c, ctx) => speeds(m[1]!, ctx, { absolute: 0.5 })),
  rule("slowmo-on", `slowmo (?:on |for )?{S}`, (m, _c, ctx) => speeds(m[1]!, ctx, { absolute: 0.5 })),
  rule("play-at", `(?:play|run|show|set|put|have|make|retime|speed) {S} (?:at|in|to) (.+?)(?: speed| the speed| pace)?`, (m, _c, ctx) => {
    const f = parseFactor(m[2]!);
    return f ? speeds(m[1]!, ctx, { absolute: f.value }) : null;
  }),
  rule("as-fast", `(?:make|play|run|have) {S} (twice|half|double|triple|\\d+(?:\\.\\d+)? x) as (fast|quick|slow)`, (m, _c, ctx) => {
    const f = parseFactor(m[2]!);
    if (!f) return null;
    return speeds(m[1]!, ctx, { relative: m[3] === "slow" ? (f.value > 1 ? 1 / f.value : f.value) : f.value });
  }),
  rule("faster", `(?:make|play|run|have) {S}(?: (\\d+(?:\\.\\d+)? (?:x|%)|twice|double))? (faster|quicker|slower)`, (m, _c, ctx) => {
    const amount = m[2];
    return speedChange(m[1]!, ctx, m[3] !== "slower", amount && /%$/.test(amount) ? "by" : undefined, amount);
  }),
];
