import { z } from 'zod';
import type { SearchResult } from '../retrieval/types.js';
import { expandAbbreviations } from '../text/abbreviations.js';
import { hasDiacritics, normalizeQuery } from '../text/normalize.js';
import { foldedWordsOf } from '../text/words.js';
import { isAcronym } from './anchors.js';
import { FACT, type AskedFact } from './askedFact.js';
import { LogisticModelSchema, predictProbability } from './logistic.js';
import modelJson from './answerability.model.json' with { type: 'json' };

/**
 * Whether the retrieved passages answer the question: the not-found decision. A raw retrieval
 * score is a poor judge in a large archive (more text always holds more of the question's
 * words), so the decision reads evidence whose scale does not grow with the archive: does the
 * best sentence hold the kind of fact asked for, how much of the question's rare content it
 * covers, do the dense and lexical rankings agree on the top passage. A logistic regression over
 * these features, fitted by `npm run train:answerability` (src/cli/train-answerability.ts),
 * turns them into a probability; below the model's threshold the answer is "not found".
 */

/** What the answerer knows about one scored candidate sentence. */
export interface ScoredSentence {
  /** Idf-weighted share of the question's terms the sentence holds (0..1). */
  coverage: number;
  /** How strongly it holds the fact asked for (a FACT value). */
  fact: number;
  /** The answerer's ranking score. */
  score: number;
  /** Rank of its passage among the retrieved ones (0 = first). */
  rank: number;
  text: string;
  result: SearchResult;
}

export const ANSWERABILITY_FEATURES = [
  'bestCoverage',
  'bestScore',
  'bestFact',
  'askedFact',
  'askedButMissing',
  'factNearKeyTerms',
  'exactFact',
  'secondCoverage',
  'topRelevance',
  'topWordCoverage',
  'topPhraseCoverage',
  'topCosine',
  'untoned',
  'inverseDenseRank',
  'inverseLexicalRank',
  'ranksAgree',
  'bestFromTopPassage',
  'questionTerms',
  'namesMissingFromPassage',
  'namesMissingFromSentence',
  'numbersMissingFromPassage',
] as const;

export type AnswerabilityFeature = (typeof ANSWERABILITY_FEATURES)[number];

/** A sentence within this share of the best coverage still counts as "next to the key terms". */
const NEAR_COVERAGE = 0.8;
/** Dense and lexical agree when both rank the top passage within this many places. */
const AGREEMENT_RANK = 3;

const foldedWords = (text: string) => new Set(foldedWordsOf(text));

/**
 * The names a question gives: acronyms ("NATO") and runs of two or more capitalised words
 * ("Liên Hợp Quốc", "Ban Ki-moon"). A passage that names none of a name's forms is about
 * something else, however many other words it shares.
 */
export function questionNames(question: string): string[] {
  const words = [...normalizeQuery(question).matchAll(/[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}-]*/gu)];
  const names: string[] = [];
  let run: string[] = [];
  // One capitalised syllable alone is mostly a question's first word or half of a title.
  const flush = () => {
    if (run.length >= 2 || (run.length === 1 && isAcronym(run[0]!))) names.push(run.join(' '));
    run = [];
  };
  for (const m of words) {
    if (/^\p{Lu}/u.test(m[0])) run.push(m[0]);
    else flush();
  }
  flush();
  return names;
}

/** Share of the names that a text names in no form (the name itself, or another name for it). */
function missingShare(names: readonly string[], have: ReadonlySet<string>): number {
  if (names.length === 0) return 0;
  const present = (form: string) => [...foldedWords(form)].every((w) => have.has(w));
  const missing = names.filter((n) => !present(n) && !expandAbbreviations(n).some(present));
  return missing.length / names.length;
}

/**
 * The feature vector, in the order of ANSWERABILITY_FEATURES. `ranked` best first;
 * `questionTermCount` the number of the question's own weighted terms.
 */
export function answerabilityFeatures(input: {
  question: string;
  ranked: readonly ScoredSentence[];
  results: readonly SearchResult[];
  asked: AskedFact;
  questionTermCount: number;
}): number[] {
  const { ranked, results, asked } = input;
  const best = ranked[0];
  const top = results[0];
  const ev = top?.evidence;
  const askedFact = asked.kind !== 'other';
  const bestCoverage = best?.coverage ?? 0;
  const near = ranked.filter((c) => c.coverage >= NEAR_COVERAGE * bestCoverage && c.coverage > 0);
  const factNear = askedFact ? Math.max(0, ...near.map((c) => Math.min(c.fact, FACT.strong))) : 0;
  const secondCoverage = Math.max(0, ...ranked.filter((c) => c.result.chunkId !== best?.result.chunkId).map((c) => c.coverage));
  const inv = (r: number | null | undefined) => (r === null || r === undefined ? 0 : 1 / r);
  const names = questionNames(input.question);
  const passageWords = best ? foldedWords(`${best.result.title}\n${best.result.text}`) : new Set<string>();
  const sentenceWords = best ? foldedWords(best.text) : new Set<string>();
  const numbers = asked.numbers.map((n) => n.value);
  const numbersMissing = numbers.length === 0 ? 0 : numbers.filter((n) => !passageWords.has(n)).length / numbers.length;
  const values: Record<AnswerabilityFeature, number> = {
    bestCoverage,
    bestScore: best?.score ?? 0,
    bestFact: askedFact ? (best?.fact ?? 0) : 0,
    askedFact: askedFact ? 1 : 0,
    askedButMissing: askedFact && (best?.fact ?? 0) === FACT.none ? 1 : 0,
    factNearKeyTerms: factNear,
    exactFact: askedFact && near.some((c) => c.fact >= FACT.exact) ? 1 : 0,
    secondCoverage,
    topRelevance: top?.score ?? 0,
    topWordCoverage: ev?.coverage ?? top?.score ?? 0,
    topPhraseCoverage: ev?.phraseCoverage ?? top?.score ?? 0,
    topCosine: ev?.cosine ?? 0,
    untoned: hasDiacritics(input.question) ? 0 : 1,
    inverseDenseRank: inv(ev?.denseRank),
    inverseLexicalRank: inv(ev?.lexicalRank),
    ranksAgree: ev && ev.denseRank !== null && ev.lexicalRank !== null && ev.denseRank <= AGREEMENT_RANK && ev.lexicalRank <= AGREEMENT_RANK ? 1 : 0,
    bestFromTopPassage: best?.rank === 0 ? 1 : 0,
    questionTerms: Math.log1p(input.questionTermCount),
    namesMissingFromPassage: missingShare(names, passageWords),
    namesMissingFromSentence: missingShare(names, sentenceWords),
    numbersMissingFromPassage: numbersMissing,
  };
  return ANSWERABILITY_FEATURES.map((f) => values[f]);
}

export const AnswerabilityModelSchema = LogisticModelSchema.extend({
  /** At or above this probability the question is answered. */
  threshold: z.number().min(0).max(1),
  /**
   * The same for a question whose sentences next to its key terms all come from reference texts
   * (no outlet, no date: an encyclopedia's articles), which state what they are asked far more
   * often than news states a reader's detail; absent, `threshold`.
   */
  referenceThreshold: z.number().min(0).max(1).optional(),
  /** How it was fitted: data, sizes, date (for the reader of the JSON file). */
  trainedOn: z.string(),
});

export type AnswerabilityModel = z.infer<typeof AnswerabilityModelSchema>;

/** The committed model (src/answer/answerability.model.json), checked against the features this code computes. */
export function loadCommittedAnswerabilityModel(): AnswerabilityModel {
  const model = AnswerabilityModelSchema.parse(modelJson);
  const expected = ANSWERABILITY_FEATURES.join(',');
  if (model.features.join(',') !== expected) {
    throw new Error(`answerability.model.json was fitted on other features (${model.features.join(',')}); run npm run train:answerability`);
  }
  return model;
}

export function answerabilityProbability(model: AnswerabilityModel, features: readonly number[]): number {
  return predictProbability(model, features);
}
