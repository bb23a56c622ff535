import type { ParseContext } from "./grammar.js";
import { resolveSingle } from "./resolve.js";
import { gradeOf } from "./rules-grade.js";
import { isVideo } from "./targets.js";

/**
 * Instructions with two readings that differ in what they destroy (delete or shorten, swap or
 * move over): these are never guessed. The interpreter rejects them and offers each reading
 * as a ready instruction the UI can show as a button.
 */

export interface Ambiguity {
  reason: string;
  /** Ready instructions, one per reading. */
  alternatives: string[];
}

const PUT = "(?:put|move|place|bring|stick|use)";

function position(id: string, ctx: ParseContext): number {
  return ctx.original.scenes.findIndex((s) => s.id === id) + 1;
}

function overPlace(a: string, b: string, ctx: ParseContext): Ambiguity | null {
  const x = resolveSingle(a, ctx);
  const y = resolveSingle(b, ctx);
  if (!x || !y || "error" in x || "error" in y || x.id === y.id) return null;
  const pa = position(x.id, ctx);
  const pb = position(y.id, ctx);
  return {
    reason: `“${a}” in the place of “${b}” can mean swapping the two scenes or moving scene ${pa} to position ${pb} (and, for a replacement, dropping scene ${pb}); say which`,
    alternatives: [`swap scenes ${pa} and ${pb}`, `move scene ${pa} to position ${pb}`, `remove scene ${pb} and move scene ${pa} to position ${pb > pa ? pb - 1 : pb}`],
  };
}

/** The ambiguity in a clause (canonical text), or null when it has one reading. */
export function findAmbiguity(text: string, ctx: ParseContext): Ambiguity | null {
  const t = text.replace(/ ?, ?/g, " ").trim();
  let m = new RegExp(`^${PUT} (.+?) (?:where|in place of|in the place of|instead of|in the spot of|in the slot of) (.+?)(?: is| was| sits| stands| used to be)?$`).exec(t);
  if (m) return overPlace(m[1]!, m[2]!, ctx);
  m = /^(?:replace|substitute) (.+?) (?:with|by|for) (.+)$/.exec(t);
  if (m && !/^(?:a|an|some|new) /.test(m[2]!)) return overPlace(m[2]!, m[1]!, ctx);
  m = /^(.+?) (?:in place of|instead of) (.+)$/.exec(t);
  if (m) return overPlace(m[1]!, m[2]!, ctx);
  m = /^(?:remove|delete|drop|cut|lose|kill|ditch|scrap|erase|get rid of|take out|take away) (?:the |all the |any )?(.+?) (?:from|in|on|of|off|out of) (?:the )?(.+)$/.exec(t);
  if (m && !/^(?:\d|a |an |half|one|(?:1st|last|opening|final|closing)\b|crops?|cropping|zoom|fades?|dissolves?|transitions?|crossfades?|slowmo|cta|call|end card|scenes?|shots?|clips?|(?:colou?r )?(?:grades?|grading|filters?|tints?))/.test(m[1]!) && gradeOf(m[1]!) === undefined) {
    const thing = m[1]!;
    const scene = resolveSingle(m[2]!, ctx);
    if (scene && "id" in scene) {
      // "the sparks from the bonfire scene" is part of that scene; "scene 2 from the edit" is a scene.
      const asScene = resolveSingle(thing, ctx);
      const namesAScene = !!asScene && "id" in asScene && (asScene.id !== scene.id || /(?:^| )(?:scenes?|shots?|clips?)(?= |$)/.test(thing));
      if (!namesAScene) {
        const n = position(scene.id, ctx);
        return {
          reason: `“${t}” asks to take ${thing} out of scene ${n}, which needs the scene made again without it; deleting the whole scene is a different edit. Say which`,
          alternatives: [`redo scene ${n} without the ${thing}`, `delete scene ${n}`],
        };
      }
    }
  }
  m = /^(?:cut|trim|chop|drop) (\d+)$/.exec(t);
  if (m && Number(m[1]) >= 1) {
    const n = Number(m[1]);
    const alts = [`make the video ${n} seconds shorter`];
    if (n <= ctx.original.scenes.length) alts.unshift(`delete scene ${n}`);
    return { reason: `“${t}” can mean deleting scene ${n} or cutting ${n} seconds; say which`, alternatives: alts };
  }
  m = /^(?:(?:make|have|get) (.+?) (?:a bit |a little |slightly |much )?(shorter|longer|tighter)|(shorten|trim|tighten|cut down|lengthen|extend) (.+?))$/.exec(t);
  if (m) {
    const phrase = (m[1] ?? m[4])!;
    if (!isVideo(phrase, ctx, { pronoun: false })) return null;
    const D = ctx.working.duration_s;
    const shorter = !/longer|lengthen|extend/.test(t);
    const step = Math.max(1, Math.round(D / 6));
    return shorter
      ? {
          reason: `“${t}” does not say how much shorter, nor whether to trim every scene or drop one; say how`,
          alternatives: [`make the video ${D - step} seconds`, "shorten every scene by 1 second", "delete the last scene"],
        }
      : { reason: `“${t}” does not say how much longer; say how`, alternatives: [`make the video ${D + step} seconds`, "lengthen every scene by 1 second"] };
  }
  return null;
}

/** Examples of what the offline interpreter reads, for a rejection. */
export const CAN_DO =
  "I can swap, move, reorder, remove, duplicate, trim (to a length, by an amount, a fraction, from the start or end), speed up or slow down, crop, add transitions, change the CTA or the whole video's length — e.g. “swap scenes 2 and 3”, “make scene 1 4 seconds”, “cut scene 4 in half”, “put the CTA in the last 5 seconds”, “make it 20 seconds”";
