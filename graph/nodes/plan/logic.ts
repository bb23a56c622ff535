import type { Analysis } from "../../../core/schemas/analysis.js";
import type { AudioAnalysis } from "../../../core/schemas/audio.js";
import type { GenerationRequest } from "../../../core/schemas/request.js";
import type { Shot, ShotType, Storyboard, StoryboardScene } from "../../../core/schemas/storyboard.js";
import { roundS } from "../../../core/timeline/invariants.js";
import { colorName, detectSetting, productProfile, type ProductProfile } from "../../../core/vocabulary/lexicon.js";
import { settingFor, subjectOf, withoutName } from "../../../core/vocabulary/words.js";

/**
 * The offline planner: ads get 3–5 scenes of 4–7 s shots whose lengths add up exactly to the
 * analysed duration; music videos get words and shots for the bar-aligned timings the bar
 * planner chose. Deterministic and pure.
 */

/** Scene timings from the bar planner (graph/nodes/plan/music.ts). */
export interface MusicTimings {
  scenes: { start_s: number; duration_s: number; bars?: number }[];
  timing: "bars" | "duration_fallback";
  warnings: string[];
  /** Where in the song the video starts, when the planner skipped a lead-in. */
  offset_s?: number;
}

/** Shot length bounds for ads, in seconds. */
export const AD_SHOT_MIN_S = 4;
export const AD_SHOT_MAX_S = 7;

const FRAMING: Record<ShotType, string> = {
  extreme_wide: "Extreme wide shot of",
  wide: "Wide shot of",
  medium: "Medium shot of",
  close_up: "Close-up of",
  extreme_close_up: "Extreme close-up of",
  overhead: "Overhead shot of",
  pov: "Point-of-view shot:",
  tracking: "Tracking shot following",
};

const AD_SHOTS: Record<string, ShotType[]> = {
  hook: ["extreme_close_up", "tracking", "pov", "close_up"],
  problem: ["medium", "pov", "wide", "close_up"],
  benefit: ["close_up", "tracking", "medium", "extreme_close_up"],
  proof: ["wide", "medium", "overhead", "close_up"],
  cta: ["medium", "wide", "close_up"],
  close: ["wide", "medium", "close_up"],
};
const MUSIC_SHOTS: Record<string, ShotType[]> = {
  intro: ["extreme_wide", "overhead", "wide"],
  verse: ["medium", "wide", "pov", "tracking"],
  "pre-chorus": ["tracking", "medium", "close_up"],
  chorus: ["close_up", "tracking", "extreme_close_up", "pov"],
  bridge: ["overhead", "pov", "extreme_wide"],
  outro: ["wide", "extreme_wide", "medium"],
};
const CAMERA: Record<Analysis["pacing"], string[]> = {
  fast: ["whip pan", "handheld push-in", "snap zoom", "fast tracking move"],
  medium: ["slow push-in", "smooth dolly left", "gentle pan right", "gimbal follow"],
  slow: ["static, locked-off", "slow dolly in", "slow crane down", "gentle drift"],
};



/** Picks a framing for the purpose that differs from the previous scene's. */
function pickShotType(options: ShotType[], previous: ShotType | null, offset = 0): ShotType {
  for (let i = 0; i < options.length; i++) {
    const t = options[(i + offset) % options.length]!;
    if (t !== previous) return t;
  }
  return options[0] === previous ? "wide" : options[0]!;
}

/** Splits a length into parts proportional to the weights that add up exactly (to the millisecond). */
export function splitLength(duration_s: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const ms = Math.round(duration_s * 1000);
  const out = weights.slice(0, -1).map((w) => Math.floor((ms * w) / total));
  out.push(ms - out.reduce((a, b) => a + b, 0));
  return out.map((x) => x / 1000);
}

/** On-screen words: the phrase before a relative clause, at most ~42 characters. */
function headline(s: string): string {
  const core = s.split(/\s+(?:that|which|who|so)\s/i)[0]!.trim();
  if (core.length <= 42) return core;
  const cut = core.slice(0, 42).replace(/[\s,;:]+\S*$/, "");
  return (cut.length >= 10 ? cut : core.slice(0, 35)) + "…";
}
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const audienceShort = (a: Analysis) => a.audience.split(/[(,;]/)[0]!.trim();
/** Messages the brief itself made; assumed ones are not worth a scene of their own. */
const explicitMessages = (a: Analysis) =>
  a.assumptions.some((x) => x.topic === "key_messages") ? [] : a.key_messages.filter((m) => !/^introducing\s/i.test(m));

interface Beats {
  name: string | null;
  product: string;
  subject: string;
  setting: string;
  audience: string;
  profile: ProductProfile;
  messages: string[];
  cta: string | null;
  colours: string;
}

function beatsFor(request: GenerationRequest, analysis: Analysis): Beats {
  const profile = productProfile(analysis.product, withoutName(request.prompt, analysis.brand.name));
  const c = analysis.brand.colors.slice(0, 2).map(colorName);
  return {
    name: analysis.brand.name,
    product: analysis.product,
    subject: subjectOf(analysis),
    setting: settingFor(request.prompt, analysis),
    audience: audienceShort(analysis),
    profile,
    messages: explicitMessages(analysis),
    cta: analysis.brand.cta?.text ?? null,
    colours: c.length ? ` in ${[...new Set(c)].join(" and ")}` : "",
  };
}

/** What each ad scene shows: a scene line and a beat per shot. */
function adBeats(purpose: string, b: Beats, hasProof: boolean): { description: string; shots: string[]; text?: string } {
  // Without a proof scene the benefit scene carries the first two messages.
  const m0 = (hasProof ? b.messages.slice(0, 1) : b.messages.slice(0, 2)).join(" and ") || b.profile.benefit;
  const m1 = b.messages[1] ?? b.profile.proof;
  switch (purpose) {
    case "hook":
      return {
        description: `Hook: ${b.profile.hero} ${b.subject} in ${b.setting}, grabbing ${b.audience} in the first second.`,
        shots: [`${b.profile.hero} ${b.subject}`, `${b.audience} turning towards ${b.subject}`, `${b.subject} caught mid-motion in ${b.setting}`],
        text: b.name ?? headline(capitalise(b.product)),
      };
    case "problem":
      return {
        description: `Problem: ${b.profile.problem} — ${b.audience} in ${b.setting}, still without ${b.subject}.`,
        shots: [`${b.audience} stuck in ${b.profile.problem}`, `a telling detail of ${b.profile.problem}`, `a sigh in ${b.setting}`],
      };
    case "benefit":
      return {
        description: `Benefit: ${m0}, thanks to ${b.subject}.`,
        shots: [`${b.subject} in use, showing ${b.messages[0] ?? m0}`, `a smile: ${(hasProof ? undefined : b.messages[1]) ?? m0}`, `${b.subject} in hand in ${b.setting}`],
        text: headline(b.messages[0] ?? m0),
      };
    case "proof":
      return {
        description: `Proof: ${m1}, with ${b.subject} at the centre.`,
        shots: [`${m1}`, `${b.audience} sharing ${b.subject}`, `${b.subject} as part of everyday life`],
        text: b.messages[1] ? headline(b.messages[1]) : undefined,
      };
    case "cta":
      return {
        description: `Call to action: a hero shot of ${b.subject}${b.colours} with "${b.cta}" on screen.`,
        shots: [`${b.subject} hero pack shot${b.colours}`, `the "${b.cta}" line beside ${b.subject}`],
        text: b.cta ?? undefined,
      };
    default:
      return {
        description: `Close: ${b.subject} end card${b.colours}, held long enough to remember.`,
        shots: [`${b.subject} end card${b.colours}`, `${b.subject} settling into frame in ${b.setting}`],
        text: b.name ?? headline(capitalise(b.product)),
      };
  }
}

/**
 * Which of the brief's requested shots each scene shows: shot i on scene `sceneOf(i)` among the
 * first `scenes`; shots past them go to the last of those scenes (a scene may show several).
 */
function askedOnScenes(asked: string[], scenes: number, sceneOf: (i: number) => number): string[][] {
  const out: string[][] = Array.from({ length: scenes }, () => []);
  if (scenes === 0) return out;
  asked.forEach((shot, i) => out[i < scenes ? Math.min(scenes - 1, sceneOf(i)) : scenes - 1]!.push(shot));
  return out;
}

/** A requested shot that belongs at the end of an ad: the logo, an end card, a packshot. */
const CLOSING_SHOT = /(?<![\p{L}])(?:logos?|end[\s-]?card|pack[\s-]?shot|final (?:shot|frame)|closing (?:shot|frame)|logotipo|logotype|marca final)(?![\p{L}])/iu;

/** A scene's beats with the brief's requested shots first: named in its description, each a shot of its own. */
function withAsked<B extends { description: string; shots: string[] }>(beat: B, asked: string[] | undefined, subject: string): B {
  if (!asked?.length) return beat;
  const [label, ...rest] = beat.description.split(": ");
  const description = rest.length ? `${label}: ${asked.join(", then ")} — ${rest.join(": ")}` : `${asked.join(", then ")} — ${beat.description}`;
  return { ...beat, description, shots: [...asked.map((a) => `${a}, ${subject} in frame`), ...beat.shots] };
}

/** Scene count for an ad: by length and pace, 3–5, never so many that a shot drops below 4 s. */
export function adSceneCount(duration_s: number, pacing: Analysis["pacing"]): number {
  const target = pacing === "fast" ? 5.5 : pacing === "slow" ? 10 : 7.5;
  return Math.max(3, Math.min(5, Math.round(duration_s / target), Math.floor(duration_s / AD_SHOT_MIN_S)));
}

const AD_PURPOSES: Record<number, string[]> = { 3: ["hook", "benefit"], 4: ["hook", "problem", "benefit"], 5: ["hook", "problem", "benefit", "proof"] };
const WEIGHTS: Record<string, number> = { hook: 0.8, problem: 1, benefit: 1.3, proof: 1, cta: 1, close: 0.9 };

/**
 * Scene lengths that add up exactly to the total: whole seconds for every scene but the last,
 * which takes the remainder and is kept out of the 7–8 s gap no split into 4–7 s shots can fill.
 */
export function adSceneLengths(total_s: number, weights: number[], lastMin_s = AD_SHOT_MIN_S): number[] {
  const n = weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const d = weights.slice(0, -1).map((w) => Math.max(AD_SHOT_MIN_S, Math.round((total_s * w) / sum)));
  const last = () => roundS(total_s - d.reduce((a, b) => a + b, 0));
  const inGap = (x: number) => x > AD_SHOT_MAX_S + 1e-9 && x < AD_SHOT_MAX_S + 1 - 1e-9;
  const minLast = (n - 1) * AD_SHOT_MIN_S + lastMin_s <= total_s ? lastMin_s : AD_SHOT_MIN_S;
  const largest = () => d.reduce((best, x, i) => (x > d[best]! ? i : best), 0);
  const smallest = () => d.reduce((best, x, i) => (x < d[best]! ? i : best), 0);
  for (let guard = 0; guard < 100 && (last() < minLast - 1e-9 || inGap(last())); guard++) {
    const canTake = d[largest()]! - 1 >= AD_SHOT_MIN_S;
    const wantTake = last() < minLast - 1e-9 || last() - AD_SHOT_MAX_S > AD_SHOT_MAX_S + 1 - last();
    if (wantTake && canTake) d[largest()]! -= 1;
    else if (last() - 1 >= minLast - 1e-9) d[smallest()]! += 1;
    else break;
  }
  if ((last() < AD_SHOT_MIN_S - 1e-9 || inGap(last())) && lastMin_s > AD_SHOT_MIN_S) return adSceneLengths(total_s, weights, AD_SHOT_MIN_S);
  return [...d, last()];
}

/** Splits a scene into 4–7 s shots, more of them when the pace is fast. */
function adShotCount(duration_s: number, pacing: Analysis["pacing"]): number {
  const target = pacing === "fast" ? 4.5 : pacing === "slow" ? 6.5 : 5.5;
  const lo = Math.ceil(duration_s / AD_SHOT_MAX_S - 1e-9);
  const hi = Math.max(lo, Math.floor(duration_s / AD_SHOT_MIN_S + 1e-9));
  return Math.min(hi, Math.max(lo, Math.round(duration_s / target)));
}

function makeShots(sceneId: string, sceneIndex: number, type: ShotType, alternatives: ShotType[], lengths: number[], beats: string[], pacing: Analysis["pacing"]): Shot[] {
  let previous: ShotType | null = null;
  return lengths.map((duration_s, j) => {
    const shotType: ShotType = j === 0 ? type : pickShotType(alternatives, previous, j);
    previous = shotType;
    const camera = CAMERA[pacing];
    return {
      id: `${sceneId}_shot_${j + 1}`,
      description: `${FRAMING[shotType]} ${beats[j % beats.length]}`,
      shot_type: shotType,
      camera_move: shotType === "extreme_close_up" && pacing !== "fast" ? "static, locked-off" : camera[(sceneIndex + j) % camera.length]!,
      duration_s,
    };
  });
}

/** The ad storyboard without a model: 3–5 scenes, 4–7 s shots, exact total, CTA at the end. */
export function planOffline(request: GenerationRequest, analysis: Analysis, _audio: AudioAnalysis | null): Storyboard {
  const warnings: string[] = [];
  let total = roundS(analysis.duration_s);
  if (total < 15 || total > 60) {
    const clamped = Math.min(60, Math.max(15, total));
    warnings.push(`an ad lasts 15–60 s; the analysis asked for ${total} s: planned ${clamped} s`);
    total = clamped;
  }
  const brandCta = analysis.brand.cta;
  let ctaLength = brandCta ? roundS(brandCta.duration_s) : 0;
  if (brandCta && ctaLength > total / 2) {
    warnings.push(`the CTA asked for ${ctaLength} s of a ${total} s ad: shortened to ${roundS(total / 2)} s`);
    ctaLength = roundS(total / 2);
  }
  // A logo, end card or packshot the brief lists is what the closing scene shows; the rest get a scene each
  // where the length allows (4 s at least, 5 scenes at most).
  const closing = (analysis.requested_shots ?? []).filter((a) => CLOSING_SHOT.test(a));
  const asked = (analysis.requested_shots ?? []).filter((a) => !CLOSING_SHOT.test(a));
  const n = Math.max(adSceneCount(total, analysis.pacing), Math.min(5, asked.length + 1, Math.floor(total / AD_SHOT_MIN_S + 1e-9)));
  const purposes = [...AD_PURPOSES[n]!, brandCta ? "cta" : "close"];
  const onScene = [...askedOnScenes(asked, purposes.length - 1, (i) => i), closing];
  const weights = purposes.map((p, i) => WEIGHTS[p]! * (i === 0 && analysis.pacing === "fast" ? 0.85 : 1));
  const lengths = adSceneLengths(total, weights, Math.min(AD_SHOT_MAX_S, Math.max(AD_SHOT_MIN_S, ctaLength)));
  const b = beatsFor(request, analysis);
  const hints = new Set(analysis.style_hints);

  let start = 0;
  let previous: ShotType | null = null;
  const scenes: StoryboardScene[] = purposes.map((purpose, i) => {
    const id = `scene_${i + 1}`;
    let options = AD_SHOTS[purpose]!;
    if (hints.has("aerial") && (purpose === "proof" || purpose === "close")) options = ["extreme_wide", ...options];
    if (hints.has("macro") && purpose === "benefit") options = ["extreme_close_up", ...options];
    if ((hints.has("ugc") || hints.has("handheld")) && purpose === "problem") options = ["pov", ...options];
    const shotType = pickShotType(options, previous);
    previous = shotType;
    const beat = withAsked(adBeats(purpose, b, purposes.includes("proof")), onScene[i], b.subject);
    const count = adShotCount(lengths[i]!, analysis.pacing);
    const shots = makeShots(id, i, shotType, options, splitLength(lengths[i]!, Array(count).fill(1)), beat.shots, analysis.pacing);
    if (purpose === "cta" && b.cta) shots[shots.length - 1]!.text = b.cta;
    const scene: StoryboardScene = { id, purpose, description: beat.description, start_s: roundS(start), duration_s: lengths[i]!, shot_type: shotType, shots };
    if (beat.text) scene.text = beat.text;
    start += lengths[i]!;
    return scene;
  });

  return {
    overview:
      `A ${total}-second ${analysis.tone} ad for ${b.subject}, aimed at ${analysis.audience}: ${n} scenes (${purposes.join(" → ")}) ` +
      `at a ${analysis.pacing} pace in ${b.setting}${asked.length ? `, showing ${asked.join("; ")}` : ""}${brandCta ? `, ending on "${brandCta.text}"` : ""}.`,
    duration_s: total,
    scenes,
    cta: brandCta ? { text: brandCta.text, start_s: roundS(total - ctaLength), duration_s: ctaLength } : null,
    timing: "heuristic",
    warnings,
  };
}

/** Narrative roles for music scenes: from loudness per bar when measured, else from song form. */
export function musicPurposes(count: number, energies: number[] | null): string[] {
  if (count === 1) return ["verse"];
  const out = Array<string>(count).fill("verse");
  if (energies && energies.length === count && Math.max(...energies) - Math.min(...energies) > 0.05) {
    const inner = energies.map((e, i) => ({ e, i })).slice(1, -1).sort((a, b) => b.e - a.e || a.i - b.i);
    for (const { i } of inner.slice(0, Math.max(1, Math.round(count * 0.35)))) out[i] = "chorus";
  } else {
    for (let i = 1; i < count - 1; i++) {
      const p = i / (count - 1);
      if ((p >= 0.28 && p < 0.45) || (p >= 0.72 && p < 0.95)) out[i] = "chorus";
    }
  }
  if (count >= 8) {
    const bridge = [...Array(count).keys()].slice(Math.floor(count * 0.55), Math.ceil(count * 0.8)).find((i) => out[i] === "verse" && i < count - 1);
    if (bridge !== undefined) out[bridge] = "bridge";
  }
  for (let i = 1; i < count - 1; i++) if (out[i] === "verse" && out[i + 1] === "chorus" && out[i - 1] === "verse") out[i] = "pre-chorus";
  out[0] = "intro";
  out[count - 1] = "outro";
  return out;
}

const CHORUS_LINES = [
  (s: string) => `${s} at full energy, bursts of motion and colour cut on the bar`,
  (s: string) => `the chorus hits — ${s} in a rush of movement and light`,
  (s: string) => `faces and hands in rhythm, ${s} at its peak`,
  (s: string) => `a kaleidoscope of colour around ${s}, cut on every bar`,
];

function musicBeats(purpose: string, verse: number, occurrence: number, b: Beats, mood: string): { description: string; shots: string[] } {
  const told = b.messages.length ? b.messages[verse % b.messages.length]! : [`a lone figure moving through ${b.setting}`, `small details of ${b.subject} in passing`, `the story of ${b.subject} unfolding`][verse % 3]!;
  const story = told.toLowerCase().includes(b.subject.toLowerCase()) ? told : `${told} — ${b.subject}`;
  switch (purpose) {
    case "intro":
      return { description: `Intro: ${b.setting} revealed slowly, setting up the ${mood} world of ${b.subject}.`, shots: [`${b.setting} at first light`, `the first hint of ${b.subject}`] };
    case "chorus":
      return { description: `Chorus: ${CHORUS_LINES[occurrence % CHORUS_LINES.length]!(b.subject)}.`, shots: [`${b.subject} at full energy`, `hands, light and motion in rhythm`, `a burst of colour across ${b.setting}`, `faces lit up by the music`] };
    case "pre-chorus":
      return { description: `Pre-chorus: tension builds towards the chorus — ${story}.`, shots: [`${story}, gathering speed`, `a breath before the drop`] };
    case "bridge":
      return { description: `Bridge: a change of perspective — ${b.setting} from above, time slowing down around ${b.subject}.`, shots: [`${b.setting} from above`, `a quiet, reflective moment with ${b.subject}`] };
    case "outro":
      return { description: `Outro: the energy settles on a last lingering image of ${b.subject} in ${b.setting}.`, shots: [`${b.subject} in ${b.setting} as the music fades`, `the final frame, held`] };
    default:
      return { description: `Verse ${verse + 1}: ${story}.`, shots: [`${story}`, `a closer look: ${story}`, `${b.setting} in passing`] };
  }
}

/** Loudness of each scene: the mean of the bars it spans, when the analyser measured them. */
function sceneEnergies(audio: AudioAnalysis | null, timings: MusicTimings): number[] | null {
  const energy = audio?.energy;
  if (!audio || !energy?.length || !audio.downbeats_s.length) return null;
  const offset = timings.offset_s ?? 0;
  return timings.scenes.map((s) => {
    const from = s.start_s + offset - 0.01;
    const to = s.start_s + s.duration_s + offset - 0.01;
    const bars = audio.downbeats_s.map((d, i) => ({ d, i })).filter(({ d }) => d >= from && d < to).map(({ i }) => energy[i] ?? 0);
    return bars.length ? bars.reduce((a, x) => a + x, 0) / bars.length : 0;
  });
}

/**
 * The music storyboard for bar-aligned timings: purposes (intro, verse, chorus, bridge, outro),
 * descriptions and shots. Shots may be shorter than 4 s; they follow the bars when known.
 */
export function planMusicOffline(request: GenerationRequest, analysis: Analysis, audio: AudioAnalysis | null, timings: MusicTimings): Storyboard {
  const warnings = [...timings.warnings];
  const b = beatsFor(request, analysis);
  const purposes = musicPurposes(timings.scenes.length, sceneEnergies(audio, timings));
  // The shots the brief lists, spread over the video in their order.
  const asked = analysis.requested_shots ?? [];
  const sceneCount = timings.scenes.length;
  const onScene = askedOnScenes(asked, sceneCount, (i) => Math.floor((i * sceneCount) / Math.max(1, asked.length)));
  const barSeconds = audio?.bpm ? (60 / audio.bpm) * audio.beats_per_bar : null;
  let start = 0;
  let previous: ShotType | null = null;
  const seen: Record<string, number> = {};
  const scenes = timings.scenes.map((t, i): StoryboardScene => {
    const id = `scene_${i + 1}`;
    const purpose = purposes[i]!;
    const occurrence = (seen[purpose] = (seen[purpose] ?? -1) + 1);
    const options = MUSIC_SHOTS[purpose]!;
    const shotType = pickShotType(options, previous, occurrence);
    previous = shotType;
    const duration_s = roundS(t.duration_s);
    if (Math.abs(t.start_s - start) > 0.002) warnings.push(`${id} was timed to start at ${roundS(t.start_s)} s; scenes run back to back, so it starts at ${roundS(start)} s`);
    const bars = t.bars ?? (barSeconds ? Math.max(1, Math.round(duration_s / barSeconds)) : 0);
    const barsPerShot = purpose === "chorus" ? 1 : 2;
    const count = bars ? Math.max(1, Math.min(4, Math.round(bars / barsPerShot))) : Math.max(1, Math.min(4, Math.round(duration_s / (purpose === "chorus" ? 2.5 : 4))));
    const weights = bars && bars >= count ? Array.from({ length: count }, (_, j) => Math.floor(((j + 1) * bars) / count) - Math.floor((j * bars) / count)) : Array(count).fill(1);
    const beat = withAsked(musicBeats(purpose, seen.verse ?? 0, occurrence, b, analysis.tone.split(",")[0]!.trim()), onScene[i], b.subject);
    const pacing = purpose === "chorus" ? "fast" : purpose === "intro" || purpose === "outro" || purpose === "bridge" ? "slow" : analysis.pacing;
    const shots = makeShots(id, i, shotType, options, splitLength(duration_s, weights), beat.shots, pacing);
    const scene: StoryboardScene = { id, purpose, description: beat.description, start_s: roundS(start), duration_s, shot_type: shotType, shots };
    if (t.bars) scene.bars = t.bars;
    start += duration_s;
    return scene;
  });
  const total = roundS(start);
  if (Math.abs(total - analysis.duration_s) > 0.05) warnings.push(`the timed scenes last ${total} s; the analysis asked for ${analysis.duration_s} s`);
  const brandCta = analysis.brand.cta;
  const ctaLength = brandCta ? roundS(Math.min(brandCta.duration_s, total / 4)) : 0;
  return {
    overview:
      `A ${total}-second ${analysis.tone} music video about ${b.subject}: ${scenes.length} scenes cut on the song's ${timings.timing === "bars" ? "bars" : "length"} ` +
      `(${[...new Set(purposes)].join(", ")}), set in ${b.setting}.`,
    duration_s: total,
    scenes,
    cta: brandCta ? { text: brandCta.text, start_s: roundS(total - ctaLength), duration_s: ctaLength } : null,
    timing: timings.timing,
    warnings,
  };
}
