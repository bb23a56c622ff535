import type { ResolveContext } from "./resolve.js";
import { stem } from "./lexicon.js";
import { contentMatches, resolveScenes } from "./resolve.js";

/** A phrase that names the whole video rather than a scene ("it", "everything", "the whole ad"). */
export const WHOLE_VIDEO = /^(?:(?:the )?(?:whole |entire )?(?:video|ad|film|edit|thing|timeline|spot|promo|commercial|reel)|everything|all|all (?:the )?scenes|every scene|each scene|it|a|an|the)$/;

/**
 * What an edit applies to, beyond one named scene: the whole video ("make it 20 s"), every
 * scene ("each scene", "all the shots"), a pattern ("every other scene", "the odd-numbered
 * scenes"), or scenes named by position, id, range, list or content ("only the bonfire").
 */

export type Target = { kind: "video" } | { kind: "scenes"; ids: string[]; all: boolean };
export type TargetResolution = Target | { error: string } | null;

const NOUN = "(?:scenes?|shots?|clips?|ones?|parts?)";
const VIDEO =
  /^(?:(?:the )?(?:whole |entire |full |complete |overall |total )?(?:music )?(?:video|ad|spot|film|edit|promo|reel|commercial|cut|thing|piece|runtime|length|duration|version)(?: (?:length|duration|runtime))?|everything|it|total|(?:the )?(?:length|duration|runtime) of (?:the )?(?:whole |entire )?(?:video|ad|spot|thing|promo))$/;
const ALL = new RegExp(`^(?:all|every|each|all of|all the|all of the|each of the|every single|each and every)(?: the)?(?: ${NOUN})?$|^${NOUN}$|^all of them$|^them all$|^everywhere$|^throughout$|^(?:between|on|for|into) (?:all|every|each)(?: (?:the|of the))?(?: ${NOUN})?$`);
const EVERY_OTHER = new RegExp(`^(?:every (?:other|2nd|alternate)|alternate|alternating|even(?: numbered)?|(?:the )?(?:2nd|4th) and (?:4th|6th))(?: ${NOUN})?$`);
const ODD = new RegExp(`^(?:odd(?: numbered)?)(?: ${NOUN})?$`);

/** Strips words that narrow but do not name ("only", "just", "alone") and a trailing "of the video". */
function bare(phrase: string): string {
  return phrase
    .replace(/^(?:only|just|solely) /, "")
    .replace(/ (?:only|alone|by itself|on its own)$/, "")
    .replace(/^(?:the|both|a|an) /, "")
    .replace(/ (?:of|from|in) (?:the )?(?:video|ad|timeline|edit|spot)$/, "")
    .trim();
}

/** True when `phrase` names the whole video rather than scenes. */
export function isVideo(phrase: string, ctx: ResolveContext, opts: { pronoun?: boolean } = {}): boolean {
  const p = bare(phrase);
  if (p === "it" && (ctx.lastRefs.length || opts.pronoun === false)) return false;
  return VIDEO.test(p);
}

/** Resolves a target phrase to the video, all scenes, a pattern or named scenes. */
export function resolveTarget(phrase: string, ctx: ResolveContext): TargetResolution {
  const p = bare(phrase);
  if (!p) return null;
  if (isVideo(p, ctx)) return { kind: "video" };
  const scenes = ctx.original.scenes;
  if (ALL.test(p)) return { kind: "scenes", ids: ctx.working.scenes.map((s) => s.id), all: true };
  if (EVERY_OTHER.test(p)) return { kind: "scenes", ids: scenes.filter((_, i) => i % 2 === 1).map((s) => s.id), all: false };
  if (ODD.test(p)) return { kind: "scenes", ids: scenes.filter((_, i) => i % 2 === 0).map((s) => s.id), all: false };
  // "every chorus", "all the beach shots": every scene that shows it, never every scene.
  const quantified = /^(?:every|each|all(?: of)?(?: the)?|each of the)\s+(.+)$/.exec(p);
  if (
    quantified &&
    !/^(?:other|2nd|alternate|single|and)\b/.test(quantified[1]!) &&
    !new RegExp(`^${NOUN}(?: |$)`).test(quantified[1]!) &&
    !/(?:^| )(?:except|but|other than|apart from|besides|excluding|save for|minus|not)(?= |$)/.test(quantified[1]!)
  ) {
    const matches = contentMatches(quantified[1]!, scenes);
    if (matches.length) return { kind: "scenes", ids: matches.map((s) => s.id), all: false };
    return { error: `no scene matches "${quantified[1]}"` };
  }
  const group = /^(?:(?:both(?: the)?|the 2|2|all(?: the| of the)?|the) )?(.+?)$/.exec(phrase.trim().replace(/^the (?=both|2 )/, ""));
  const noun = group?.[1]!.split(" ").pop() ?? "";
  // "the beach scenes": every scene about beaches — but "the opening 2 scenes" is a position, not content.
  if (group && /^[a-z]+s$/.test(noun) && stem(noun) !== noun && !/(?:^| )(?:\d+(?:st|nd|rd|th)?|last|opening|closing|final|initial|middle)(?= |$)/.test(group[1]!)) {
    const matches = contentMatches(group[1]!, scenes);
    if (matches.length >= 2) return { kind: "scenes", ids: matches.map((s) => s.id), all: false };
  }
  const r = resolveScenes(p, ctx);
  if (!r) return null;
  if ("error" in r) return r;
  return { kind: "scenes", ids: r.ids, all: false };
}
