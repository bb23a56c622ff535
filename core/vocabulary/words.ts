import type { Analysis } from "../schemas/analysis.js";
import { detectSetting, productProfile } from "./lexicon.js";

/**
 * Words every node uses about the brief: the product without its brand name, the article
 * before a word, what the video shows everywhere, where it is set. Pure.
 */

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function withoutName(text: string, name: string | null | undefined): string {
  return name ? text.replace(new RegExp(escapeRe(name), "giu"), " ") : text;
}

/** "a" or "an" for the word that follows. */
export const article = (word: string) => (/^[aeiou]/i.test(word) && !/^(?:uni|use|eu|one)/i.test(word) ? "an" : "a");

/** What the video shows everywhere: brand and product together ("Oatly Chill oat-milk cold brew"). */
export function subjectOf(analysis: Analysis): string {
  const name = analysis.brand.name;
  if (!name) return /^(?:the|a|an|our|my)\s/i.test(analysis.product) ? analysis.product : `the ${analysis.product}`;
  if (analysis.product.toLowerCase().includes(name.toLowerCase())) return analysis.product;
  return name.toLowerCase().includes(analysis.product.toLowerCase()) ? name : `${name} ${analysis.product}`;
}

/** The brief's setting: named in the prompt, else the analyst's assumption, else the category default. */
export function settingFor(prompt: string, analysis: Analysis): string {
  const named = detectSetting(withoutName(prompt, analysis.brand.name));
  if (named) return named;
  const assumed = analysis.assumptions.find((a) => a.topic === "setting")?.assumption;
  if (assumed) return assumed.includes(":") ? assumed.slice(assumed.indexOf(":") + 1).trim() : assumed;
  return productProfile(analysis.product, prompt).setting;
}
