import { nextSceneId } from "../../../core/timeline/invariants.js";
import type { EditOperation } from "../../../core/schemas/edit.js";
import { literal, NOUN, rule, secondsFor, sentenceCase, withScene, withScenes, type Outcome, type ParseContext, type Rule } from "./grammar.js";
import { namesOnly, resolveSingle } from "./resolve.js";

/** Rules that change which scenes play and in what order: reverse, swap, move, remove, duplicate, add. */

const SWAP = "(?:swap|switch|exchange|trade|flip|interchange)";
const MOVE = "(?:move|put|place|shift|bring|take|drag|relocate|stick|slide|push|pull|reorder)";
const REMOVE = "(?:remove|delete|drop|cut|lose|kill|ditch|scrap|skip|omit|eliminate|erase|nix|trash|axe|exclude|cut out|leave out|throw out|bin)";
const DUP = "(?:duplicate|repeat|copy|clone|reuse|double up)";

function swap(a: string, b: string, ctx: ParseContext): Outcome {
  if (/^(?:itself|the same(?: scene| shot| one)?)$/.test(b.trim())) return { error: "cannot swap a scene with itself" };
  const x = resolveSingle(a, ctx);
  if (!x || "error" in x) return x;
  const y = resolveSingle(b, ctx);
  if (!y || "error" in y) return y;
  if (x.id === y.id) return { error: `"${a}" and "${b}" are the same scene (${x.id})` };
  return { ops: [{ op: "swap", a: x.id, b: y.id }], refs: [x.id, y.id] };
}

function moveTo(phrase: string, ctx: ParseContext, target: Omit<Extract<EditOperation, { op: "move" }>, "op" | "scene">): Outcome {
  const to = "to" in target && Object.keys(target).length === 1 ? target.to : null;
  if (!to) return withScene(phrase, ctx, (id) => ({ ops: [{ op: "move", scene: id, ...target }], refs: [id] }));
  // "put scenes 4 and 5 first": several scenes to the start or the end, in the order they play.
  return withScenes(phrase, ctx, (ids) => {
    if (ids.length === 1) return { ops: [{ op: "move", scene: ids[0]!, to }], refs: ids };
    if (ids.length >= ctx.working.scenes.length) return { error: `"${phrase}" names every scene; say which to move` };
    const ordered = ctx.working.scenes.map((s) => s.id).filter((id) => ids.includes(id));
    const ops: EditOperation[] = to === "start" ? ordered.map((id, i) => ({ op: "move", scene: id, position: i + 1 })) : ordered.map((id) => ({ op: "move", scene: id, to: "end" }));
    return { ops, refs: ordered };
  });
}

function moveRelative(phrase: string, where: string, anchor: string, ctx: ParseContext): Outcome {
  const a = resolveSingle(anchor, ctx);
  if (!a || "error" in a) return a;
  const after = ["after", "behind", "following", "past"].includes(where);
  return withScene(phrase, ctx, (id) => {
    if (id === a.id) return { error: `cannot move ${id} ${where} itself` };
    return { ops: [{ op: "move", scene: id, ...(after ? { after: a.id } : { before: a.id }) }], refs: [id] };
  });
}

function ordinalTarget(word: string, ctx: ParseContext): { position: number } | { to: "start" | "end" } {
  if (word === "last" || word === "final" || word === "closing") return { to: "end" };
  if (word === "opening" || word === "1st") return { to: "start" };
  const fromEnd = /^(\d+)(?:st|nd|rd|th)last$/.exec(word);
  if (fromEnd) return { position: Math.max(1, ctx.working.scenes.length - Number(fromEnd[1]) + 1) };
  return { position: parseInt(word, 10) };
}

const TO_END = (w: string) => (["start", "beginning", "front", "top", "head", "very start"].includes(w) ? "start" : "end");

export const ORDER_RULES: Rule[] = [
  rule(
    "reverse",
    "(?:reverse|invert|flip)(?: the)?(?: (?:scene |shot )?order(?: of (?:the |all )?(?:scenes|shots))?| scenes| shots| sequence| timeline| video| ad| everything| it| whole (?:video|thing|ad)| all(?: the)? scenes)?(?: order)?",
    () => ({ ops: [{ op: "reverse" }] }),
  ),
  rule(
    "reverse-play",
    "(?:play|run|put|arrange|show|order) (?:the |all )?(?:scenes|shots|everything|it|video|ad)(?: in)? (?:backwards|reverse(?: order)?|reversed order|the opposite order)",
    () => ({ ops: [{ op: "reverse" }] }),
  ),
  rule(`swap-pair`, `${SWAP} (?:the )?(1st|last) 2(?: ${NOUN})?(?: around| over| round)?`, (m, _c, ctx) => {
    const n = ctx.original.scenes.length;
    if (n < 2) return { error: "there is only one scene" };
    return m[1] === "1st" ? swap("1", "2", ctx) : swap(String(n - 1), String(n), ctx);
  }),
  rule(
    "swap",
    `${SWAP} (?:the )?(?:positions? of |order of |places of )?{S} (?:and|with|for|&) {S}(?: around| over| round| places| positions| in the order)?`,
    (m, _c, ctx) => swap(m[1]!, m[2]!, ctx),
  ),
  rule("swap-arrow", `(?:(?:swap|switch|exchange|flip|trade)(?: (?:em|them|these|those|the scenes|scenes|shots))? :? )?{S} swapwith {S}`, (m, _c, ctx) => swap(m[1]!, m[2]!, ctx)),
  rule("swap-should", `{S} and {S} should (?:swap|switch|trade)(?: places| positions)?`, (m, _c, ctx) => swap(m[1]!, m[2]!, ctx)),
  rule(
    "move-edge",
    `${MOVE} {S} (?:to |at |towards |toward )?(?:the )?(very start|very end|start|beginning|front|top|head|end|back|bottom|finish|close)(?: of (?:the )?(?:video|ad|timeline|film|sequence|spot|edit|it|reel|list|order))?`,
    (m, _c, ctx) => moveTo(m[1]!, ctx, { to: TO_END(m[2]!) }),
  ),
  rule("move-position", `${MOVE} {S} (?:to|into|at|in|as) (?:the )?(?:(?:position|spot|place|slot|number|no) )?#? ?(\\d+)`, (m, _c, ctx) =>
    moveTo(m[1]!, ctx, { position: Number(m[2]) }),
  ),
  rule(
    "move-ordinal",
    `${MOVE} {S} (?:to|into|at|in|as) (?:the )?(\\d+(?:st|nd|rd|th)|last|\\d+(?:st|nd|rd|th)last|final)(?: (?:position|spot|place|slot|scene|shot|one))?`,
    (m, _c, ctx) => moveTo(m[1]!, ctx, ordinalTarget(m[2]!, ctx)),
  ),
  rule("move-relative", `${MOVE} {S} (?:to )?(?:the )?(before|after|behind|following|past) {S}`, (m, _c, ctx) => moveRelative(m[1]!, m[2]!, m[3]!, ctx)),
  rule("move-between", `${MOVE} {S} between {S} and {S}`, (m, _c, ctx) => {
    const a = resolveSingle(m[2]!, ctx);
    const b = resolveSingle(m[3]!, ctx);
    if (!a || "error" in a) return a;
    if (!b || "error" in b) return b;
    const order = ctx.working.scenes.map((s) => s.id);
    const first = order.indexOf(a.id) < order.indexOf(b.id) ? a.id : b.id;
    return withScene(m[1]!, ctx, (id) => ({ ops: [{ op: "move", scene: id, after: first }], refs: [id] }));
  }),
  rule("move-first-last", `${MOVE} {S} (1st|last)`, (m, _c, ctx) => moveTo(m[1]!, ctx, { to: m[2] === "1st" ? "start" : "end" })),
  rule(
    "move-step",
    `${MOVE} {S} (up|forward|forwards|earlier|down|later|backward|backwards)(?: by)?(?: (\\d+))?(?: (?:place|position|spot|slot|step)s?)?`,
    (m, _c, ctx) =>
      withScene(m[1]!, ctx, (id) => {
        const i = ctx.working.scenes.findIndex((s) => s.id === id);
        const step = Number(m[3] ?? 1) * (["up", "forward", "forwards", "earlier"].includes(m[2]!) ? -1 : 1);
        const position = i + 1 + step;
        if (position < 1 || position > ctx.working.scenes.length) return { error: `${id} is already at #${i + 1}; it cannot move ${m[2]} by ${Math.abs(step)}` };
        return { ops: [{ op: "move", scene: id, position }], refs: [id] };
      }),
  ),
  rule("open-with", `(?:open|start|begin|lead|kick off)(?: the (?:video|ad|spot|edit))? (?:with|on) {S}`, (m, _c, ctx) => moveTo(m[1]!, ctx, { to: "start" })),
  rule("end-with", `(?:end|finish|close|wrap up|conclude)(?: the (?:video|ad|spot|edit))? (?:with|on) {S}`, (m, _c, ctx) => moveTo(m[1]!, ctx, { to: "end" })),
  rule(
    "should-come",
    `(?:make |have |let )?{S} (?:should |must |needs to |to )?(?:come|go|play|be|appear|sit)s? (?:at the )?(1st|last|start|beginning|end|very end|very start)`,
    (m, _c, ctx) => moveTo(m[1]!, ctx, { to: ["1st", "start", "beginning", "very start"].includes(m[2]!) ? "start" : "end" }),
  ),
  rule("should-come-relative", `(?:make |have |let )?{S} (?:should |must |to )?(?:come|go|play|appear)s? (before|after) {S}`, (m, _c, ctx) =>
    moveRelative(m[1]!, m[2]!, m[3]!, ctx),
  ),
  rule("make-nth", `make {S} (?:the )?(\\d+(?:st|nd|rd|th)|last|\\d+(?:st|nd|rd|th)last|opening|final|closing) (?:scene|shot|one)`, (m, _c, ctx) =>
    moveTo(m[1]!, ctx, ordinalTarget(m[2]!, ctx)),
  ),
  rule("remove", `${REMOVE} {S}(?: (?:out|entirely|completely|altogether|from (?:the )?(?:video|ad|timeline|edit)))?`, (m, _c, ctx) => removal(m[1]!, ctx)),
  rule("dont-want", `(?:i )?dont (?:want|need|like) {S}(?: anymore| at all| in there| in it)?`, (m, _c, ctx) => removal(m[1]!, ctx)),
  rule("should-go", `{S} (?:has to|should|must|can|needs to) (?:go|be removed|be deleted|be cut|be dropped)`, (m, _c, ctx) => removal(m[1]!, ctx)),
  rule("not-needed", `{S} (?:isnt|is not|arent|are not|is no longer|are no longer) (?:needed|necessary|required|wanted)(?: anymore)?`, (m, _c, ctx) => removal(m[1]!, ctx)),
  rule("duplicate", `${DUP} {S}(?: again| twice| once more)?(?: (?:at|to) the (end|start|beginning))?`, (m, _c, ctx) => duplicate(m[1]!, m[2], ctx)),
  rule("add-another", `(?:add|put|use|insert|include)(?: in)? (?:another|a 2nd|a second|one more|a repeat of the) {S}(?: (?:scene|shot|clip|one))?(?: again)?(?: (?:at|to) the (end|start|beginning))?`, (m, _c, ctx) => duplicate(m[1]!, m[2], ctx)),
  rule("show-twice", `(?:show|play|use) {S} (?:twice|2 x|again)(?: (?:at|to) the (end|start|beginning))?`, (m, _c, ctx) => duplicate(m[1]!, m[2], ctx)),
  rule(
    "add-scene",
    `(?:add|insert|append|include|create|put in)(?: a| an| another| one more| a new| new)?(?: {QU})? (?:scene|shot|clip)(?: (?:of|showing|with|where|that shows|featuring|:))? {T}`,
    (m, c, ctx) => addScene(m, c, ctx),
  ),
  rule("add-scene-bare", `(?:add|insert|append|create)(?: a| an| another| one more| a new| new)? (?:scene|shot|clip)`, () => ({
    error: "say what the new scene should show (e.g. “add a scene of waves at sunset after scene 2”)",
  })),
];

/** Removes the named scenes, only when the phrase names scenes and nothing else (never "the text from the logo scene"). */
function removal(phrase: string, ctx: ParseContext): Outcome {
  return withScenes(phrase, ctx, (ids) => (namesOnly(phrase, ids, ctx) ? { ops: ids.map((id) => ({ op: "remove", scene: id })), refs: [] } : null));
}

function duplicate(phrase: string, where: string | undefined, ctx: ParseContext): Outcome {
  return withScenes(phrase, ctx, (ids) => {
    const ops: EditOperation[] = [];
    const copies: string[] = [];
    let scenes = ctx.working.scenes.map((s) => ({ id: s.id }));
    for (const id of ids) {
      const copy = nextSceneId({ scenes: scenes as never });
      scenes = [...scenes, { id: copy }];
      copies.push(copy);
      ops.push({ op: "duplicate", scene: id });
      if (where) ops.push({ op: "move", scene: copy, to: where === "end" ? "end" : "start" });
    }
    return { ops, refs: copies };
  });
}

function addScene(m: RegExpExecArray & { indices: Array<[number, number] | undefined> }, c: Parameters<Rule["build"]>[1], ctx: ParseContext): Outcome {
  const tail = m[2]!;
  const place = /^(.+?) (?:(?:at|to) the (end|start|beginning)|(before|after) (.+))$/.exec(tail);
  let anchor: { id: string; where: "before" | "after" | "start" | "end" } | null = null;
  let promptEnd = m.indices[2]![1];
  if (place) {
    if (place[2]) {
      anchor = { id: "", where: place[2] === "end" ? "end" : "start" };
    } else {
      const r = resolveSingle(place[4]!, ctx);
      if (r && "id" in r) anchor = { id: r.id, where: place[3] as "before" | "after" };
    }
    if (anchor) promptEnd = m.indices[2]![0] + place[1]!.length;
  }
  const span: typeof m = Object.assign([...m], { index: m.index, input: m.input, indices: [...m.indices] }) as typeof m;
  span.indices[2] = [m.indices[2]![0], promptEnd];
  const prompt = sentenceCase(literal(span, 2, c, ctx));
  if (!prompt) return { error: "say what the new scene should show" };
  const scenes = ctx.working.scenes;
  const where = anchor?.where ?? "end";
  const source = where === "start" ? scenes[0]!.id : where === "end" ? scenes[scenes.length - 1]!.id : anchor!.id;
  const copy = nextSceneId(ctx.working);
  const ops: EditOperation[] = [{ op: "duplicate", scene: source }];
  if (where === "start") ops.push({ op: "move", scene: copy, to: "start" });
  if (where === "before") ops.push({ op: "move", scene: copy, before: source });
  ops.push({ op: "regenerate", scene: copy, prompt });
  if (m[1]) {
    const len = secondsFor(m[1], ctx, source);
    if (!len || "error" in len) return len;
    ops.push({ op: "trim", scene: copy, duration_s: len.value, from: "end" });
  }
  return { ops, refs: [copy] };
}
