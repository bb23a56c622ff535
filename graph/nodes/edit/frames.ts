import { roundS } from "../../../core/timeline/invariants.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import type { AspectRatio, Timeline } from "../../../core/timeline/schema.js";
import { defaultSpeed, defaultStep, type Outcome, type ParseContext } from "./grammar.js";
import { actionOf, type Action } from "./actions.js";
import { findEdge, findQuantity, type Amount } from "./quantity.js";
import { contentScore, parseSeconds, resolveScenes, resolveSingle } from "./resolve.js";
import { isVideo, resolveTarget, type Target } from "./targets.js";

/**
 * The compositional reader: a clause is taken apart into an action (from its verb, wherever
 * it stands), a quantity (seconds/bars/frames, a fraction or multiple, a speed), a reference
 * point (start or end of the scene, or of the video) and a target (one scene, several, every
 * scene, a pattern, or the whole video), and the operations are built from those parts. It
 * reads what the phrase rules do not: other word orders ("scene 4 should be half its
 * length"), proportional and whole-video lengths, positions as targets, explicit orders.
 */

export type Complaint = "long" | "short" | "slow" | "fast" | "quick";

export interface FrameRead {
  out: Outcome;
  /** 0–1: how much of the clause the reading accounts for. */
  confidence: number;
}

const FILLER = new Set(
  "the a an of to in on at by for from with and please now so it its that this is be should needs need must has have can could would will want wish like i we you me us just only also make let get go goes going done".split(" "),
);

function words(t: string): string[] {
  return t.split(" ").filter(Boolean);
}

/** Confidence from the words the reading did not use: each unexplained word costs. */
function confidenceFor(leftover: string[], base = 0.9): number {
  const unknown = leftover.filter((w) => !FILLER.has(w) && !/^[,:;]$/.test(w));
  return Math.max(0.3, Math.round((base - 0.15 * unknown.length) * 100) / 100);
}

const fix4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Length changes for a set of scenes. */
function lengths(ids: string[], amount: Amount, action: Action, edge: "start" | "end", ctx: ParseContext, bare = false): Outcome {
  if (bare && amount.kind === "seconds" && (action === "shorten" || action === "lengthen")) amount = { ...amount, mode: "delta" };
  const ops: EditOperation[] = [];
  for (const id of ids) {
    const scene = ctx.working.scenes.find((s) => s.id === id);
    if (!scene) return { error: `${id} is no longer in the video` };
    if (amount.kind === "speed") {
      const f = amount.mode === "relative" ? amount.factor : amount.factor / scene.speed;
      ops.push({ op: "speed", scene: id, factor: fix4(f) });
      continue;
    }
    if (amount.kind === "scale") {
      let factor = amount.factor;
      // A part with no direction ("scene 3: 25 %") is not guessed: shorter or longer must be said.
      if (factor < 0 && action !== "shorten" && action !== "lengthen") return null;
      if (factor < 0) factor = action === "lengthen" ? 1 - factor : 1 + factor;
      if (!(factor > 0)) return { error: `that would leave ${id} with no length` };
      ops.push({ op: "trim", scene: id, duration_s: roundS(scene.duration_s * factor), from: edge });
      continue;
    }
    const s = parseSeconds(amount.q, ctx, id);
    if (!s) return null;
    if ("error" in s) return s;
    if (amount.mode === "set") ops.push({ op: "trim", scene: id, duration_s: s.value, from: edge });
    else {
      const sign = amount.sign ?? (action === "lengthen" ? 1 : -1);
      ops.push({ op: "trim", scene: id, delta_s: roundS(sign * s.value), from: edge });
    }
  }
  return { ops, refs: ids };
}

/**
 * A new length for the whole video, spread over the scenes in proportion to their lengths
 * (the last scene takes the rounding, so the sum is exact).
 */
export function distribute(t: Timeline, target: number): EditOperation[] | { error: string } {
  if (!(target > 0)) return { error: `the video cannot last ${roundS(target)} s: a length must be more than 0` };
  const k = target / t.duration_s;
  const ops: EditOperation[] = [];
  let used = 0;
  t.scenes.forEach((s, i) => {
    const d = i === t.scenes.length - 1 ? roundS(target - used) : roundS(s.duration_s * k);
    used = roundS(used + d);
    if (Math.abs(d - s.duration_s) > 0.0005) ops.push({ op: "trim", scene: s.id, duration_s: d, from: "end" });
  });
  return ops;
}

function videoLength(amount: Amount, action: Action, ctx: ParseContext): Outcome {
  const D = ctx.working.duration_s;
  let target: number;
  if (amount.kind === "speed") return null;
  if (amount.kind === "scale") {
    if (amount.factor < 0 && action !== "shorten" && action !== "lengthen") return null;
    const f = amount.factor < 0 ? (action === "lengthen" ? 1 - amount.factor : 1 + amount.factor) : amount.factor;
    target = D * f;
  } else {
    const s = parseSeconds(amount.q, ctx);
    if (!s) return null;
    if ("error" in s) return s;
    target = amount.mode === "set" ? s.value : D + (amount.sign ?? (action === "lengthen" ? 1 : -1)) * s.value;
  }
  if (target > D + 0.0005 && action !== "set" && action !== "lengthen") return null;
  const ops = distribute(ctx.working, target);
  if ("error" in ops) return ops;
  if (!ops.length) return { error: `the video already lasts ${roundS(D)} s` };
  return { ops, refs: [], notes: [`spread the new length (${roundS(target)} s) over the scenes in proportion to their lengths`] };
}

/** An explicit order: "reorder as 2, 1, 4, 3, 5", "new order: 5 1 2 3 4". */
function explicitOrder(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(?:.*? )?(?:order|reorder|rearrange|arrange|sequence|resequence)(?: [^\d\s].*?)? :? ?((?:#?\d+(?: ?(?:,|to|and|then) ?| )){2,}#?\d+)$/.exec(t);
  if (!m) return null;
  const numbers = m[1]!.split(/[^\d]+/).filter(Boolean).map(Number);
  const n = ctx.original.scenes.length;
  const wrong = numbers.filter((x) => x < 1 || x > n);
  if (wrong.length) return { out: { error: `there is no scene ${wrong[0]} (the video has ${n} scenes)` }, confidence: 0.9 };
  if (new Set(numbers).size !== numbers.length) return { out: { error: `the order ${numbers.join(", ")} names a scene twice` }, confidence: 0.9 };
  if (numbers.length !== n)
    return { out: { error: `an order must name all ${n} scenes once (got ${numbers.join(", ")}); to move one scene, say e.g. “move scene 5 to position 2”` }, confidence: 0.9 };
  const ids = numbers.map((k) => ctx.original.scenes[k - 1]!.id);
  const ops: EditOperation[] = [];
  let order = ctx.working.scenes.map((s) => s.id);
  ids.forEach((id, i) => {
    if (order[i] === id) return;
    ops.push({ op: "move", scene: id, position: i + 1 });
    order = order.filter((x) => x !== id);
    order.splice(i, 0, id);
  });
  if (!ops.length) return { out: { error: "the scenes are already in that order" }, confidence: 0.9 };
  return { out: { ops, refs: [] }, confidence: 0.95 };
}

const ORD = "(\\d+(?:st|nd|rd|th)|middle|opener|opening scene|opening shot|closer|closing scene|closing shot|final scene|final shot|last scene|last shot|1st|last)";
const SLOT = "(?:place|position|slot|spot|scene|shot|one)";

/** "put the last scene 2nd", "scene 1 should be 3rd", "make the beach the 3rd scene", "bring scene 5 to slot 2". */
function positionTarget(t: string, ctx: ParseContext): FrameRead | null {
  const patterns: RegExp[] = [
    new RegExp(`^(?:move|put|place|bring|shift|send|make|have|let|set)? ?(.+?) (?:should |must |needs to |to |so it |so that it )?(?:be |go |goes |come |comes |play |plays |appear |appears |sit |sits |is )?(?:in |into |at |to |as |the )*(?:the )?${ORD}(?: ${SLOT})?$`),
    new RegExp(`^(?:move|put|place|bring|shift|send|make|have|let|set) (.+?) (?:in|into|at|to|as) (?:the )?(?:${SLOT}|number|no) #?(\\d+)$`),
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    if (!m) continue;
    const phrase = m[1]!.replace(/^(?:move|put|place|bring|shift|send|make|have|let|set) /, "");
    const r = resolveSingle(phrase, ctx);
    if (!r || "error" in r) continue;
    const n = ctx.working.scenes.length;
    const word = m[2]!;
    if (word === "middle") {
      if (n % 2 === 0) return { out: { error: `with ${n} scenes there is no single middle position` }, confidence: 0.9 };
      return { out: { ops: [{ op: "move", scene: r.id, position: (n + 1) / 2 }], refs: [r.id] }, confidence: 0.85 };
    }
    if (!/^\d/.test(word) || word === "1st") {
      const to = /^(?:open|1st)/.test(word) ? "start" : "end";
      return { out: { ops: [{ op: "move", scene: r.id, to }], refs: [r.id] }, confidence: 0.85 };
    }
    const position = parseInt(word, 10);
    if (position < 1 || position > n) return { out: { error: `position ${position} does not exist (the video has ${n} scenes)` }, confidence: 0.9 };
    return { out: { ops: [{ op: "move", scene: r.id, position }], refs: [r.id] }, confidence: 0.85 };
  }
  return null;
}

/** "the bridge should follow the vinyl scene", "rooftop before bonfire", "move scene 4 so it comes after scene 1". */
function relativeMove(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(?:(?:move|put|place|bring|shift|have|let|make|i want) )?(.+?) (?:should |must |needs to |to |so it |so that it )?(?:come |comes |go |goes |play |plays |be |is |sit |appear |appears )?(?:right |just |directly |immediately )?(before|after|follow|follows|following|precede|precedes|preceding|behind) (?:the )?(.+)$/.exec(t);
  if (!m || /^(?:add|insert|append|include|create|new|a|an) /.test(m[1]!)) return null;
  const a = resolveSingle(m[1]!, ctx);
  const b = resolveSingle(m[3]!, ctx);
  if (!a || !b || "error" in a || "error" in b) return null;
  if (a.id === b.id) return { out: { error: `cannot move ${a.id} next to itself` }, confidence: 0.9 };
  const after = /after|follow|behind/.test(m[2]!);
  return { out: { ops: [{ op: "move", scene: a.id, ...(after ? { after: b.id } : { before: b.id }) }], refs: [a.id] }, confidence: 0.85 };
}

/** "shift the bonfire one position later", "move scene 4 2 places up". */
const DIRECTION = "(later|earlier|up|down|forward|forwards|back|backward|backwards|ahead)";
const STEPS_FIRST = new RegExp(`^(?:move|shift|push|bring|nudge|put|slide)? ?(.+?) (?:by )?(\\d+) (?:place|position|spot|slot|step)s? ${DIRECTION}$`);
const DIRECTION_FIRST = new RegExp(`^(?:move|shift|push|bring|nudge|slide) (.+?) ${DIRECTION} (?:by )?(\\d+)(?: (?:place|position|spot|slot|step)s?)?$`);

/** "move the logo 2 places earlier"; "shift the rooftop back by 1 (spot)": a number without a unit after a direction counts places. */
function stepMove(t: string, ctx: ParseContext): FrameRead | null {
  const a = STEPS_FIRST.exec(t);
  const b = a ? null : DIRECTION_FIRST.exec(t);
  const read = a ? { phrase: a[1]!, steps: Number(a[2]), direction: a[3]! } : b ? { phrase: b[1]!, steps: Number(b[3]), direction: b[2]! } : null;
  if (!read) return null;
  const r = resolveSingle(read.phrase, ctx);
  if (!r || "error" in r) return null;
  const i = ctx.working.scenes.findIndex((s) => s.id === r.id);
  const step = read.steps * (/later|down|back/.test(read.direction) ? 1 : -1);
  const position = i + 1 + step;
  if (position < 1 || position > ctx.working.scenes.length) return { out: { error: `${r.id} is at #${i + 1}; it cannot move ${read.direction} by ${Math.abs(step)}` }, confidence: 0.9 };
  return { out: { ops: [{ op: "move", scene: r.id, position }], refs: [r.id] }, confidence: 0.85 };
}

/** "keep only the first three scenes": every other scene is removed (said out loud by the interpreter). */
function keepOnly(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(?:keep|leave|retain|use) (?:only|just) (.+)$|^only (?:keep|use) (.+)$/.exec(t);
  if (!m) return null;
  // "keep only the choruses": a plural names every scene that shows it.
  const target = resolveTarget((m[1] ?? m[2])!, ctx);
  const r = target && !("error" in target) ? (target.kind === "scenes" ? { ids: target.ids } : null) : target;
  if (!r || "error" in r) return r ? { out: r, confidence: 0.8 } : null;
  const drop = ctx.working.scenes.filter((s) => !r.ids.includes(s.id)).map((s) => s.id);
  if (!drop.length) return { out: { error: "those are all the scenes already" }, confidence: 0.9 };
  return { out: { ops: drop.map((id) => ({ op: "remove", scene: id })), refs: r.ids }, confidence: 0.85 };
}

/** "cut everything after the bridge": every scene on that side of it is removed. */
function removeSide(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(?:cut|remove|delete|drop|lose|get rid of) (?:everything|all (?:the )?(?:scenes|shots)|the rest|all) (after|before) (.+)$/.exec(t);
  if (!m) return null;
  const r = resolveSingle(m[2]!, ctx);
  if (!r || "error" in r) return r ? { out: r, confidence: 0.8 } : null;
  const i = ctx.working.scenes.findIndex((s) => s.id === r.id);
  const drop = (m[1] === "after" ? ctx.working.scenes.slice(i + 1) : ctx.working.scenes.slice(0, i)).map((s) => s.id);
  if (!drop.length) return { out: { error: `there is nothing ${m[1]} ${r.id}` }, confidence: 0.9 };
  return { out: { ops: drop.map((id) => ({ op: "remove", scene: id })), refs: [r.id] }, confidence: 0.85 };
}

/** "don't touch the bonfire", "leave the logo alone": a clause that asks for nothing on those scenes. */
function leaveAlone(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(?:dont|do not|never|please dont) (?:touch|change|edit|move|cut|delete|remove|trim|shorten) (.+)$|^(?:leave|keep) (.+?) (?:alone|as is|as it is|unchanged|untouched|the same)$/.exec(t);
  if (!m) return null;
  const r = resolveScenes((m[1] ?? m[2])!, ctx);
  if (!r || "error" in r) return null;
  return { out: { ops: [], refs: [], notes: [`left ${r.ids.join(", ")} as ${r.ids.length > 1 ? "they are" : "it is"}`] }, confidence: 0.9 };
}

/** "scene 3 is too long": no edit by itself, but it names the scene the next clause calls "it". */
function complaint(t: string, ctx: ParseContext): FrameRead | null {
  const m = /^(.+?) (?:is|are|feels|seems|looks|runs|goes on) (?:a bit |way |much |a little |far )?too (long|short|slow|fast|quick)$/.exec(t);
  // "the beach drags (on)", "the logo feels rushed": too long, too short.
  const said = m ? null : /^(.+?) (?:(drags|drag)(?: on)?|(?:is|are|feels|seems|looks) (?:a bit |way |much |a little |far )?(rushed|dragging|overlong|too brief))$/.exec(t);
  const phrase = m?.[1] ?? said?.[1];
  const what = m ? m[2] : said ? (said[2] || said[3] === "dragging" || said[3] === "overlong" ? "long" : "short") : null;
  if (!phrase || !what) return null;
  const r = resolveScenes(phrase, ctx);
  if (!r || "error" in r) return null;
  return { out: { ops: [], refs: r.ids, complaint: what as Complaint }, confidence: 0.9 };
}

/**
 * The general reading: action + target + quantity + reference point, in any word order.
 * Returns null when no action or no target can be found.
 */
/** Actions that take no amount: a number in their clause is a scene, never a length. */
const NO_AMOUNT = new Set<Action>(["swap", "duplicate", "reverse", "fade", "dissolve", "fade_black", "crop"]);

function compose(text: string, ctx: ParseContext): FrameRead | null {
  // "double the video length" → "double the length of the video": the multiple and the target apart.
  const t = text
    .replace(/(?:^| )(twice|double|triple|half|halve) the (video|ad|spot|scene|shot|\S+ scene) (length|duration|runtime)(?= |$)/, " $1 the $3 of the $2")
    // "a 15 s cut" is the whole video at 15 s.
    .replace(/(?:^| )(?:a |an )?(\d+(?:\.\d+)? s) (?:long )?(?:cut|version|edit)(?= |$)/, " the video $1")
    .trim();
  const plainAct = actionOf(t, null);
  let q = plainAct && NO_AMOUNT.has(plainAct.action) ? null : findQuantity(t, { signed: true });
  let stepNote: string | undefined;
  const direction = /(?:^| )(shorter|longer)(?= |$)/.exec(t);
  if (!q && direction) {
    // "cut the rooftop shorter": a default step, never a removal.
    const step = defaultStep(ctx);
    q = { amount: { kind: "seconds", mode: "delta", q: `${step.value} s`, sign: direction[1] === "longer" ? 1 : -1 }, rest: t.replace(direction[0], " ").replace(/\s+/g, " ").trim() };
    stepNote = step.note;
  }
  let rest = q?.rest ?? t;
  let edge = q?.edge;
  if (q && !edge) {
    const e = findEdge(rest);
    if (e && e.edge === "start") {
      edge = e.edge;
      rest = e.rest;
    } else if (e) rest = e.rest;
  }
  const act = q ? actionOf(rest, q.amount) : plainAct;
  if (!act) return null;
  const phrase = act.rest
    .replace(/(?:^| )(?:please|now|too long|too short|is|are|its|their|should|must|needs to|need to|has to|have to|can|could|would|will|be|go|play|run|last|lasting|so|to|the|for)$/g, "")
    .replace(/^(?:of|to|the|for|from|in|on) /, "")
    .replace(/^(?:start|begin|end|finish|stop|open|close) (?=\S+ \S)/, "")
    // "make the 1st scene faster": the verb that carries the change names no scene.
    .replace(/^(?:make|have|get|let|turn|render) (?=\S)/, "")
    .replace(/^(?:the|both) (?=\S)/, "")
    .trim();
  const target = readTarget(phrase, ctx, act.action);
  if (!target) return null;
  if ("error" in target) return { out: target, confidence: 0.5 };
  const leftover = [...target.leftover, ...unexplained(phrase, target.target, ctx)];
  const confidence = confidenceFor(leftover, act.exact ? 0.9 : 0.8);
  // A removal is only composed from a clause whose every word is accounted for.
  if (stepNote && target.target.kind === "video") return null;
  const clean = leftover.every((w) => FILLER.has(w) || /^[,:;]$/.test(w));
  const build = buildOps(act.action, target.target, q?.amount ?? null, edge ?? "end", ctx, q?.bare ?? false, act.aspect, clean);
  if (!build) return null;
  if (stepNote && "ops" in build) build.notes = [...(build.notes ?? []), stepNote];
  return { out: build, confidence };
}

const NAMING = /^(?:both|2|two|end|start|beginning|middle|very|order|sequence|reverse|reversed|backwards|except|but|besides|other|than|apart|excluding|keep|only|scenes?|shots?|clips?|ones?|parts?|\d+(?:st|nd|rd|th)?|\d+(?:st|nd|rd|th)last|last|final|opening|opener|closing|1st|every|each|all|other|odd|even|numbered|only|just|alone|and|,|#|number|no|video|ad|whole|entire|thing|it|them|spot|promo|version)$/;

/** Words of the target phrase that neither name the scenes found nor are filler: each lowers confidence. */
function unexplained(phrase: string, target: Target, ctx: ParseContext): string[] {
  const scenes = target.kind === "scenes" ? ctx.original.scenes.filter((s) => target.ids.includes(s.id)) : [];
  return words(phrase).filter((w) => !FILLER.has(w) && !NAMING.test(w) && !scenes.some((s) => contentScore([w], s) > 0));
}

function readTarget(phrase: string, ctx: ParseContext, action: Action): { target: Target; leftover: string[] } | { error: string } | null {
  if (!phrase) return action === "reverse" ? { target: { kind: "video" }, leftover: [] } : null;
  const whole = resolveTarget(phrase, ctx);
  if (whole && !("error" in whole)) return { target: whole, leftover: [] };
  // Try shorter spans: the scene phrase may be followed or preceded by words the reading ignores.
  const w = words(phrase);
  for (let len = w.length - 1; len >= 1; len--) {
    for (let from = 0; from + len <= w.length; from++) {
      const span = w.slice(from, from + len).join(" ");
      if (/^(?:the|a|an|of|to|in|on|and|:)$/.test(w[from]!) && len > 1) continue;
      const r = resolveTarget(span, ctx);
      if (!r || "error" in r) continue;
      const leftover = [...w.slice(0, from), ...w.slice(from + len)];
      // "every outdoor scene" with no outdoor scene is not every scene: a word that narrows is never dropped to widen.
      if (whole && "error" in whole && r.kind === "scenes" && r.all && leftover.some((x) => !FILLER.has(x) && !NAMING.test(x))) return whole;
      return { target: r, leftover };
    }
  }
  return whole && "error" in whole ? whole : null;
}

function buildOps(action: Action, target: Target, amount: Amount | null, edge: "start" | "end", ctx: ParseContext, bare: boolean, aspect?: AspectRatio, clean = true): Outcome {
  if (action === "reverse") return { ops: [{ op: "reverse" }] };
  if (target.kind === "video") {
    if (action === "crop" && aspect) return { ops: [{ op: "crop", scene: null, aspect_ratio: aspect }], refs: [] };
    if (amount && ["shorten", "lengthen", "set", "remove", "speed"].includes(action)) return videoLength(amount, action, ctx);
    return null;
  }
  const ids = target.ids;
  if (!ids.length) return { error: "no scene fits that pattern" };
  switch (action) {
    case "shorten":
    case "lengthen":
    case "set":
    case "speed":
      if (!amount) return null;
      if (action === "speed" && amount.kind !== "speed") return null;
      return lengths(ids, amount, action, edge, ctx, bare);
    case "speed_up":
    case "slow_down": {
      const d = defaultSpeed(action === "speed_up", ctx);
      const out = lengths(ids, { kind: "speed", mode: "relative", factor: d.factor }, "speed", edge, ctx);
      return out && "ops" in out ? { ...out, notes: [d.note] } : out;
    }
    case "remove":
      if (amount) return lengths(ids, amount, "shorten", edge, ctx, bare);
      if (target.all) return { error: "removing every scene would leave the video empty" };
      if (!clean) return null;
      return { ops: ids.map((id) => ({ op: "remove", scene: id })), refs: [] };
    case "swap":
      if (ids.length !== 2) return null;
      return { ops: [{ op: "swap", a: ids[0]!, b: ids[1]! }], refs: ids };
    case "duplicate":
      return { ops: ids.map((id) => ({ op: "duplicate", scene: id })), refs: ids };
    case "move_start":
    case "move_end":
      if (ids.length !== 1) return null;
      return { ops: [{ op: "move", scene: ids[0]!, to: action === "move_start" ? "start" : "end" }], refs: ids };
    case "crop":
      return aspect ? { ops: ids.map((id) => ({ op: "crop", scene: id, aspect_ratio: aspect })), refs: ids } : null;
    case "fade":
    case "dissolve":
    case "fade_black": {
      const into = target.all ? ids.slice(1) : ids;
      return { ops: into.map((id) => ({ op: "transition", scene: id, transition: action })), refs: ids };
    }
    default:
      return null;
  }
}

/** Reads a clause by composition; null when it cannot. */
export function readFrame(text: string, ctx: ParseContext): FrameRead | null {
  const t = text.replace(/ ?, ?/g, " , ").replace(/\s+/g, " ").trim();
  const plain = t.replace(/ , /g, " ").replace(/ ,$/, "");
  return explicitOrder(t, ctx) ?? leaveAlone(plain, ctx) ?? keepOnly(plain, ctx) ?? removeSide(plain, ctx) ?? complaint(plain, ctx) ?? relativeMove(plain, ctx) ?? stepMove(plain, ctx) ?? positionTarget(plain, ctx) ?? compose(t.replace(/ ,$/, ""), ctx);
}

export { isVideo };
