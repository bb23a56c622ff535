import { createRequire } from "node:module";
import type { AspectRatio } from "../../../core/timeline/schema.js";
import type { Amount } from "./quantity.js";

/**
 * The action of a clause, from its verb wherever it stands ("swap 2 and 3", "2 and 3 should
 * be swapped", "scene 2 can go"). Inflected forms are brought to their lemma with
 * `compromise` (switched → switch, swapping → swap), which knows English verb morphology
 * better than a list of endings would. It is loaded on the first word that needs it (about
 * 0.3 s), so instructions made of known words, and every other command, never pay for it.
 */

type Nlp = typeof import("compromise").default;
let nlp: Nlp | null = null;
const load = (): Nlp => (nlp ??= createRequire(import.meta.url)("compromise") as Nlp);

export type Action =
  | "shorten" | "lengthen" | "set" | "speed" | "remove" | "swap" | "duplicate" | "reverse"
  | "move_start" | "move_end" | "fade" | "dissolve" | "fade_black" | "speed_up" | "slow_down" | "crop";

const VERBS: Record<string, Action> = {};
const add = (action: Action, list: string) => list.split(" ").forEach((w) => (VERBS[w] = action));
add("shorten", "shorten trim cut reduce chop shave take lose snip tighten shrink compress clip decrease cutdown");
add("lengthen", "lengthen extend stretch prolong add give grow expand elongate longer");
add("set", "make set change adjust be last run have keep");
add("speed", "speed speedup slowdown accelerate play faster slower fast slow");
add("remove", "remove delete drop ditch kill scrap omit eliminate erase nix trash axe exclude bin lose go dont without");
add("swap", "swap switch exchange trade interchange flip swapped");
add("duplicate", "duplicate repeat copy clone duplicated");
add("reverse", "reverse invert reversed backwards inverse");
add("fade", "fade");
add("dissolve", "dissolve crossfade crossfades blend");

const SHORTEN_WITH_AMOUNT = new Set(["remove", "delete", "drop", "lose", "cut", "take", "shave", "trim", "kill", "ditch", "scrap"]);
const lemmas = new Map<string, string>();

/** The lemma of an English word form (cached). */
export function lemma(word: string): string {
  if (VERBS[word]) return word;
  let l = lemmas.get(word);
  if (l === undefined) {
    l = /^[a-z]+$/.test(word) && word.length > 3 && /(?:ed|ing|es|s)$/.test(word) ? load()(word).verbs().toInfinitive().text().toLowerCase() || word : word;
    lemmas.set(word, l);
  }
  return l;
}

const START = /(?:^| )(?:(?:to |at )?(?:the )?(?:very )?(?:start|beginning|front|top|head)|open(?:s|er)?|lead(?:s)? with|begin(?:s)? with|kick off with)(?= |$)/;
const END = /(?:^| )(?:(?:to |at )?(?:the )?(?:very )?(?:end|back|bottom|close)|close(?:s)?|finish(?:es)? (?:on|with)|end(?:s)? (?:on|with)|wrap up with)(?= |$)/;

export interface ActionRead {
  action: Action;
  /** The clause with the verb (and its particle) taken out. */
  rest: string;
  /** False when the action was inferred without a verb (a bare "scene 3: 5 s"). */
  exact: boolean;
  /** For a crop: the aspect ratio named. */
  aspect?: AspectRatio;
}

const ASPECT_WORDS: [RegExp, AspectRatio][] = [
  [/(?:^| )(?:(?:in|to|as|into|for) )?(?:a )?(?:9:16|vertical|portrait|upright)(?: (?:format|aspect|ratio|aspect ratio|mode|orientation|version))?(?= |$)/, "9:16"],
  [/(?:^| )(?:(?:in|to|as|into|for) )?(?:a )?(?:1:1|square)(?: (?:format|aspect|ratio|aspect ratio|mode|version))?(?= |$)/, "1:1"],
  [/(?:^| )(?:(?:in|to|as|into|for) )?(?:a )?(?:16:9|landscape|horizontal|widescreen)(?: (?:format|aspect|ratio|aspect ratio|mode|orientation|version))?(?= |$)/, "16:9"],
];

/** Finds the action; `amount` is the quantity already found in the clause (it decides cut = shorten). */
export function actionOf(text: string, amount: Amount | null): ActionRead | null {
  const ws = text.split(" ").filter(Boolean);
  if (/(?:^| )(?:fade|dip) (?:to|from|through) black(?= |$)/.test(text)) {
    return { action: "fade_black", rest: text.replace(/(?:^| )(?:fade|dip) (?:to|from|through) black(?: into| before| to)?(?= |$)/, " ").trim(), exact: true };
  }
  const places = /(?:^| )(?:change|switch|trade|swap|exchange) (?:places|positions|spots|sides|position|place)(?= |$)/;
  if (places.test(text) && !amount) return { action: "swap", rest: text.replace(places, " ").replace(/\s+/g, " ").trim(), exact: true };
  if (/(?:^| )(?:in |into )?each other(?: s)?(?: (?:place|places|position|positions|spot|spots|slot|slots))?(?= |$)/.test(text) && !amount) {
    const rest = text.replace(/(?:^| )(?:in |into )?each other(?: s)?(?: (?:place|places|position|positions|spot|spots|slot|slots))?(?= |$)/, " ");
    return { action: "swap", rest: rest.split(" ").filter((w) => w && !["put", "move", "place", "switch", "swap"].includes(w)).join(" "), exact: true };
  }
  if (!amount) {
    for (const [re, aspect] of ASPECT_WORDS) {
      if (!re.test(text)) continue;
      const rest = text.replace(re, " ").split(" ").filter((w) => w && !["crop", "reframe", "recrop", "make", "put", "set", "turn", "convert", "format", "reformat", "change", "switch", "render"].includes(w)).join(" ");
      return { action: "crop", rest, exact: true, aspect };
    }
  }
  if (amount?.kind === "speed") {
    const rest = ws.filter((w) => !["speed", "speedup", "slowdown", "play", "make", "up", "down", "slow", "accelerate", "set", "run", "go"].includes(w)).join(" ");
    return { action: "speed", rest, exact: true };
  }
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const l = lemma(w);
    let action = VERBS[l] ?? VERBS[w];
    if (!action) continue;
    // "scene 2 has to go" is a removal; "go to scene 2", "go back to it" are not.
    if (l === "go" && ["to", "back", "into", "over", "through", "with", "for", "on"].includes(ws[i + 1] ?? "")) continue;
    // "the last 2 scenes", "last scene": a position, not the verb of "make it last 5 s".
    if (w === "last" && (ws[i - 1] === "the" || /^(?:\d+|scenes?|shots?|clips?|ones?|parts?)$/.test(ws[i + 1] ?? ""))) continue;
    if ((action === "fade" || action === "dissolve") && ws[i + 1] === "out") return null;
    if (amount && (SHORTEN_WITH_AMOUNT.has(l) || action === "remove")) action = "shorten";
    if (amount && action === "speed") action = "set";
    if (!amount && (action === "shorten" || action === "lengthen" || action === "set" || action === "speed")) {
      if (l === "cut" || l === "lose" || l === "take") action = "remove";
      else if (["speedup", "accelerate", "faster"].includes(l) || (l === "speed" && ws[i + 1] === "up")) action = "speed_up";
      else if (["slowdown", "slower"].includes(l) || (l === "slow" && ws.includes("down"))) action = "slow_down";
      else continue;
    }
    const particle = ["up", "down", "out", "off", "away", "around", "over", "in"].includes(ws[i + 1] ?? "") ? 1 : 0;
    const rest = [...ws.slice(0, i), ...ws.slice(i + 1 + particle)].join(" ");
    return { action, rest, exact: true };
  }
  if (amount) return { action: "set", rest: text, exact: false };
  const verb = ws.findIndex((w) => ["move", "put", "place", "bring", "send", "shift", "push", "make", "have", "let", "start", "end", "finish", "lead", "open", "close", "begin"].includes(lemma(w)));
  if (START.test(text) || END.test(text)) {
    const action: Action = START.test(text) ? "move_start" : "move_end";
    const rest = text.replace(action === "move_start" ? START : END, " ").split(" ").filter((w, i, all) => w && !(verb >= 0 && i === 0 && lemma(w) === lemma(all[0]!) && ["move", "put", "place", "bring", "send", "shift", "push", "make", "have", "let"].includes(lemma(w)))).join(" ");
    return { action, rest, exact: verb >= 0 };
  }
  return null;
}
