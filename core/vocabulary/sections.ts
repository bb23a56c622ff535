import { foldCase, isLetter } from "./lexicon.js";

/**
 * What the headings of a structured brief mean, in the brief languages (en, es, fr, de, pt,
 * it, nl, ja): "Mandatories", "Obligatorios", "Pflichtelemente", "必須事項" all open the section
 * of things the film must carry. Pure data and matching; no I/O.
 */

/** The role of a section in a brief. */
export type SectionKind =
  | "cta" | "brand" | "product" | "mandatories" | "deliverables" | "messages" | "tone" | "audience" | "objective"
  | "story" | "background" | "research" | "competition" | "production" | "admin";

/**
 * Sections that tell the story around the product rather than state its facts: a colour, a
 * quote or a length mentioned there is mentioned in passing.
 */
export const NARRATIVE_KINDS: ReadonlySet<SectionKind> = new Set(["story", "background", "research", "competition", "production", "audience", "objective", "admin"]);

// Checked in order: the first kind whose term occurs in the heading wins ("Brand identity" is
// brand, "Story idea" story, "Call to action and logo" cta).
export const HEADING_TERMS: readonly [SectionKind, readonly string[]][] = [
  ["cta", ["call to action", "call-to-action", "cta", "llamada a la acción", "llamado a la acción", "appel à l'action", "appel à l’action", "handlungsaufforderung", "chamada para ação", "chamada à ação", "invito all'azione", "invito all’azione", "oproep tot actie", "行動喚起"]],
  ["mandatories", ["mandatories", "mandatory", "must include", "must show", "must feature", "must-haves", "must haves", "must have", "requirements", "obligatorios", "obligatorio", "imprescindibles", "obligatoires", "obligatoire", "éléments imposés", "pflichtelemente", "pflichtangaben", "pflicht", "obrigatórios", "obrigatório", "obbligatori", "obbligatorio", "verplichte elementen", "verplicht", "必須事項", "必須", "マスト"]],
  ["brand", ["brand", "branding", "visual identity", "identity", "guidelines", "colours", "colors", "palette", "marca", "identidad", "colores", "marque", "identité", "charte", "couleurs", "marke", "markenrichtlinien", "farben", "identidade", "cores", "marchio", "identità", "colori", "merk", "huisstijl", "kleuren", "ブランド", "カラー", "トンマナ"]],
  ["deliverables", ["deliverables", "deliverable", "format", "length", "duration", "specs", "entregables", "formato", "duración", "livrables", "durée", "lieferumfang", "format und länge", "länge", "dauer", "entregáveis", "duração", "consegne", "durata", "opleveringen", "lengte", "duur", "納品物", "尺", "フォーマット"]],
  ["product", ["product", "the offer", "producto", "produit", "produkt", "produto", "prodotto", "商品", "製品", "プロダクト"]],
  ["messages", ["key message", "proposition", "support", "reasons to believe", "mensajes clave", "mensaje", "messages clés", "message clé", "kernbotschaft", "botschaft", "mensagens-chave", "mensagem", "messaggi chiave", "messaggio", "kernboodschap", "boodschap", "キーメッセージ", "メッセージ"]],
  ["tone", ["tone", "voice", "mood", "vibe", "feel", "tono", "ton", "tonalität", "stimmung", "ambiance", "tom", "toon", "sfeer", "トーン"]],
  ["audience", ["audience", "who it is for", "target", "público", "publico", "cible", "zielgruppe", "público-alvo", "pubblico", "target", "doelgroep", "ターゲット"]],
  ["objective", ["objective", "goal", "what we want", "think and feel", "objetivo", "objectif", "ziel", "obiettivo", "doel", "目的", "ゴール"]],
  ["story", ["story", "creative idea", "idea", "concept", "script", "scenario", "historia", "idea creativa", "guion", "histoire", "idée", "scénario", "geschichte", "idee", "drehbuch", "história", "ideia", "roteiro", "storia", "sceneggiatura", "verhaal", "ストーリー", "アイデア", "コンセプト", "シナリオ"]],
  ["research", ["research", "insight", "insights", "the problem", "problem", "investigación", "recherche", "étude", "forschung", "marktforschung", "pesquisa", "ricerca", "onderzoek", "調査", "インサイト", "課題"]],
  ["competition", ["competition", "competitors", "market", "competencia", "mercado", "concurrence", "marché", "wettbewerb", "markt", "concorrência", "concorrenza", "mercato", "concurrentie", "競合", "市場"]],
  ["background", ["background", "context", "about us", "company", "antecedentes", "contexto", "contexte", "historique", "hintergrund", "kontext", "contesto", "achtergrond", "背景", "概要"]],
  ["production", ["production", "shoot", "music", "sound", "casting", "budget", "timing", "timeline", "producción", "rodaje", "música", "presupuesto", "tournage", "musique", "produktion", "dreh", "musik", "produção", "filmagem", "orçamento", "produzione", "riprese", "musica", "productie", "opnames", "muziek", "制作", "撮影", "音楽", "予算"]],
  ["admin", ["contact", "approvals", "approval", "measurement", "kpi", "kpis", "contacto", "aprobación", "medición", "mesure", "kontakt", "freigabe", "contato", "aprovação", "contatto", "approvazione", "contactpersoon", "goedkeuring", "連絡先", "承認", "効果測定"]],
];

const cjk = (s: string) => /[\u3040-\u30ff\u3400-\u9fff]/u.test(s);
const MATCHERS: [SectionKind, { term: string; anywhere: boolean }[]][] = HEADING_TERMS.map(([kind, terms]) => [kind, terms.map((t) => ({ term: foldCase(t), anywhere: cjk(t) }))]);

/** The code point before i / at i is not a letter (or there is none). */
const noLetterBefore = (text: string, i: number) => i === 0 || !isLetter(String.fromCodePoint(text.codePointAt(i - 1 - (i >= 2 && /[\udc00-\udfff]/.test(text[i - 1]!) ? 1 : 0))!));
const noLetterAt = (text: string, i: number) => i >= text.length || !isLetter(String.fromCodePoint(text.codePointAt(i)!));

/**
 * A term occurs in the heading, in any case: as a word of its own, plural "s"/"es" allowed
 * (Japanese terms anywhere). Plain searches, not one Unicode regex per kind: V8 compiled those
 * on first use, ~20 ms of a CLI start.
 */
function occurs(heading: string, folded: string, { term, anywhere }: { term: string; anywhere: boolean }): boolean {
  for (let i = folded.indexOf(term); i >= 0; i = folded.indexOf(term, i + 1)) {
    if (anywhere) return true;
    if (!noLetterBefore(heading, i)) continue;
    const end = i + term.length;
    if (noLetterAt(heading, end) || (folded[end] === "s" && noLetterAt(heading, end + 1)) || (folded.startsWith("es", end) && noLetterAt(heading, end + 2))) return true;
  }
  return false;
}

/** The kind of section a heading opens, or null when the heading is not one a brief uses. */
export function headingKind(heading: string): SectionKind | null {
  const folded = foldCase(heading);
  for (const [kind, terms] of MATCHERS) if (terms.some((t) => occurs(heading, folded, t))) return kind;
  return null;
}
