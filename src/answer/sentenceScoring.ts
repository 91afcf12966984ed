import { expandAbbreviations, type AbbreviationExpander } from '../text/abbreviations.js';
import { contentSyllables, indexTerms, queryTerms, type WeightedTerm } from '../text/tokenize.js';

/**
 * Lexical overlap between a question and candidate sentences, shared by the extractive answerer
 * and the citation checker. Terms come from the retrieval tokenizer (syllables, in-phrase
 * bigrams, diacritic-folded twins, stopwords dropped) so that answering and search agree on
 * what "the same word" means.
 */

export interface QuestionTerms {
  /** Terms of the question itself; their total weight is the denominator of coverage. */
  own: WeightedTerm[];
  /** Terms of each other name for what the question mentions (LHQ → Liên Hợp Quốc), per name. */
  expansions: WeightedTerm[][];
}

/** Weight of a term coming from an abbreviation expansion, relative to the question's own. */
const EXPANSION_SCALE = 0.8;

/**
 * The words that ask for a figure: "bao nhiêu", and "phần trăm" after it. An answer gives the figure
 * ("95%"), not these words; a sentence that repeats them ("chẳng ai tính phần trăm bao nhiêu")
 * would otherwise cover the question best. Typed without tones, "bao" is also "báo" and is kept
 * as a word by the tokenizer, so the phrase is taken out here, where it is known to ask.
 */
const ASKING_FOR_A_FIGURE = /(?<![\p{L}\p{M}])(?:bao\s+nhi[eê]u(?:\s+ph[aầ]n\s+tr[aă]m)?|mấy\s+phần\s+trăm)(?![\p{L}\p{M}])/giu;

/**
 * The question without the words that ask for a figure: what the answering sentence must talk
 * about. A comma stands where they were, so the words around them ("tổ chức", "hội nghị") do not
 * join into a two-word term no sentence holds.
 */
export const withoutFigureQuestion = (text: string) => text.replace(ASKING_FOR_A_FIGURE, ',');

/**
 * Builds the weighted terms of a question. `context` (the previous question of a follow-up) adds
 * its terms at `contextWeight`, so the follow-up's own words still decide.
 */
export function makeQuestionTerms(
  question: string,
  opts: { context?: string; contextWeight?: number; expand?: AbbreviationExpander } = {},
): QuestionTerms {
  const expand = opts.expand ?? expandAbbreviations;
  const own = new Map<string, number>();
  const add = (terms: WeightedTerm[], into: Map<string, number>) => {
    for (const t of terms) into.set(t.term, Math.max(into.get(t.term) ?? 0, t.weight));
  };
  add(queryTerms(question), own);
  if (opts.context) {
    add(queryTerms(opts.context, { scale: opts.contextWeight ?? 0.4 }), own);
  }
  const sources = opts.context ? [question, opts.context] : [question];
  const expansions = sources
    .flatMap((text) => expand(text))
    .map((form) => queryTerms(form, { scale: EXPANSION_SCALE }))
    .filter((terms) => terms.length > 0);
  return { own: [...own].map(([term, weight]) => ({ term, weight })), expansions };
}

/** The set of terms a text contains, to test question terms against. */
export function termSetOf(text: string): Set<string> {
  return new Set(indexTerms(text));
}

/**
 * Inverse document frequency of each question term over a set of candidate texts, so a term that
 * every candidate shares ("Liên Hợp Quốc" in a corpus about the UN) counts less than a rare one.
 */
export function termIdf(terms: QuestionTerms, candidates: ReadonlyArray<ReadonlySet<string>>): Map<string, number> {
  const n = candidates.length;
  const idf = new Map<string, number>();
  for (const { term } of [...terms.own, ...terms.expansions.flat()]) {
    if (idf.has(term)) continue;
    let df = 0;
    for (const c of candidates) if (c.has(term)) df++;
    idf.set(term, Math.log(1 + (n + 1) / (df + 0.5)));
  }
  return idf;
}

/**
 * Share of the question's (idf-weighted) terms a candidate contains, in [0, 1]. A name from an
 * expansion stands in for the question's own terms: it adds to the matched weight, never to the
 * total.
 */
export function coverage(terms: QuestionTerms, candidate: ReadonlySet<string>, idf?: ReadonlyMap<string, number>): number {
  return makeCoverage(terms, idf)(candidate);
}

/** `coverage` with the question's weights worked out once, for scoring many candidates. */
export function makeCoverage(terms: QuestionTerms, idf?: ReadonlyMap<string, number>): (candidate: ReadonlySet<string>) => number {
  const weigh = (list: readonly WeightedTerm[]) => list.map((t) => ({ term: t.term, w: t.weight * (idf?.get(t.term) ?? 1) }));
  const own = weigh(terms.own);
  const forms = terms.expansions.map(weigh).map((form) => ({ form, total: form.reduce((sum, t) => sum + t.w, 0) }));
  const total = own.reduce((sum, t) => sum + t.w, 0);
  // One name stands in for about one question word (and its folded twin), never for several.
  const perForm = 1.25 * Math.max(...own.map((t) => t.w));
  return (candidate) => {
    if (total === 0) return 0;
    let matched = 0;
    for (const t of own) if (candidate.has(t.term)) matched += t.w;
    let expanded = 0;
    for (const { form, total: formTotal } of forms) {
      let formMatched = 0;
      for (const t of form) if (candidate.has(t.term)) formMatched += t.w;
      // A name counts only when the candidate spells (nearly) all of it, not one shared syllable.
      if (formTotal > 0 && formMatched / formTotal >= 0.8) expanded += Math.min(formMatched, perForm);
    }
    // Another name can only make up for words the candidate lacks, never outweigh the question.
    return Math.min(1, (matched + Math.min(expanded, total - matched)) / total);
  };
}

/**
 * Share of a candidate's own content words that the question asks about, in [0, 1]. Coverage
 * alone favours long sentences, which mention many question words in passing; this favours the
 * sentence that is about the question.
 */
export function density(questionSyllables: ReadonlySet<string>, candidateSyllables: readonly string[]): number {
  const own = candidateSyllables;
  if (own.length === 0) return 0;
  return own.filter((s) => questionSyllables.has(s)).length / own.length;
}

/** Folded content syllables of the question (and its context), for `density`. */
export function questionSyllables(question: string, context?: string): Set<string> {
  return new Set([...contentSyllables(question), ...(context ? contentSyllables(context) : [])]);
}
