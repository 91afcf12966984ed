/**
 * Data for the learned not-found decision, and how well a model separates: each question asked
 * twice, once with its gold passage indexed (it is answerable) and once with the gold passage left
 * out of the search (it is not, as far as the index knows). Shared by the training script and the
 * evaluation, so both read features exactly as the answerer does.
 */
import { answerabilityProbability, type AnswerabilityModel } from '../answer/answerability.js';
import { extractiveAnswerabilityFeatures } from '../answer/extractive.js';
import { makeCachedPassageReader } from '../answer/passageSentences.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import type { HybridSearcher } from '../retrieval/hybrid.js';
import type { SearchResponse, SearchResult } from '../retrieval/types.js';
import { normalizeQuery } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';

export interface AnswerabilityRow {
  id: string;
  question: string;
  label: 0 | 1;
  features: number[];
}

export interface LabelledQuery {
  id: string;
  question: string;
  /** The gold document; null for a question the corpus cannot answer. */
  documentId: string | null;
  /** The gold answers' texts, when known: `withAnswerRemoved` cuts the sentences holding them. */
  answers?: readonly string[];
}

/**
 * The retrieved passages with every sentence that states one of `answers` cut out of the gold
 * document's passages: the search found the right story, but it does not give the asked detail
 * (a fine, an opening time, a price), which is how a news archive most often fails a reader.
 */
export function withoutAnswerSentences(results: readonly SearchResult[], documentId: string, answers: readonly string[]): SearchResult[] {
  const states = statesAnAnswer(answers);
  return results.map((r) => {
    if (r.documentId !== documentId) return r;
    const kept = splitSentences(r.text).filter((s) => !states(s.text));
    return { ...r, text: kept.map((s) => s.text).join(' ') };
  });
}

/** Whether a text states one of `answers` (case and Unicode form aside). */
function statesAnAnswer(answers: readonly string[]): (text: string) => boolean {
  const wanted = answers.map((a) => normalizeQuery(a).toLowerCase()).filter((a) => a.length > 0);
  return (text) => {
    const lower = normalizeQuery(text).toLowerCase();
    return wanted.some((a) => lower.includes(a));
  };
}

/** The passages the extractive answerer reads (the chat service's pool without a language model). */
export const ANSWER_POOL = 10;

/**
 * One row per question as indexed (label 1 when it has a gold document, 0 otherwise) and, when
 * `withGoldRemoved`, one more per answerable question with its gold document left out (label 0).
 */
export async function answerabilityRows(
  searcher: HybridSearcher,
  embeddings: Pick<TransformersEmbeddings, 'embedQuery'>,
  queries: readonly LabelledQuery[],
  opts: { withGoldRemoved: boolean; withAnswerRemoved?: boolean; onProgress?: (done: number) => void },
): Promise<AnswerabilityRow[]> {
  const readPassage = makeCachedPassageReader(4000);
  // The asked fact is read from the tone-restored question, as the chat service does.
  const features = (question: string, response: SearchResponse) =>
    extractiveAnswerabilityFeatures(question, response.results, { readPassage, ...(response.restoredQuery ? { askedAs: response.restoredQuery } : {}) });
  const rows: AnswerabilityRow[] = [];
  for (const [i, q] of queries.entries()) {
    const queryVector = await embeddings.embedQuery(q.question);
    const asked = await searcher.trace(q.question, { k: ANSWER_POOL, queryVector });
    rows.push({ id: q.id, question: q.question, label: q.documentId === null ? 0 : 1, features: features(q.question, asked.response) });
    if (opts.withGoldRemoved && q.documentId !== null) {
      const absent = await searcher.trace(q.question, { k: ANSWER_POOL, queryVector, excludeDocuments: new Set([q.documentId]) });
      rows.push({ id: `${q.id}-gold-removed`, question: q.question, label: 0, features: features(q.question, absent.response) });
    }
    if (opts.withAnswerRemoved && q.documentId !== null && q.answers && q.answers.length > 0) {
      const cut = withoutAnswerSentences(asked.response.results, q.documentId, q.answers);
      // Only when the answer was in the passages read, and nothing else of them states it.
      const changed = cut.some((r, j) => r.text !== asked.response.results[j]!.text);
      const states = statesAnAnswer(q.answers);
      const stillStated = cut.some((r) => states(r.text));
      if (changed && !stillStated) rows.push({ id: `${q.id}-answer-removed`, question: q.question, label: 0, features: features(q.question, { ...asked.response, results: cut }) });
    }
    if ((i + 1) % 200 === 0) opts.onProgress?.(i + 1);
  }
  return rows;
}

export interface Separation {
  answerable: number;
  unanswerable: number;
  /** Share of answerable rows the model answers. */
  answerableKept: number;
  /** Share of unanswerable rows it declines. */
  unanswerableRejected: number;
}

export function separationAt(probabilities: readonly number[], labels: readonly (0 | 1)[], threshold: number): Separation {
  let pos = 0;
  let neg = 0;
  let kept = 0;
  let rejected = 0;
  probabilities.forEach((p, i) => {
    if (labels[i] === 1) {
      pos++;
      if (p >= threshold) kept++;
    } else {
      neg++;
      if (p < threshold) rejected++;
    }
  });
  return { answerable: pos, unanswerable: neg, answerableKept: pos ? kept / pos : 0, unanswerableRejected: neg ? rejected / neg : 0 };
}

export function modelSeparation(model: AnswerabilityModel, rows: readonly AnswerabilityRow[]): Separation {
  return separationAt(
    rows.map((r) => answerabilityProbability(model, r.features)),
    rows.map((r) => r.label),
    model.threshold,
  );
}

/**
 * The threshold: the highest one that still answers at least `minKept` of the answerable rows
 * (wrongly saying "not found" costs a reader more than a weak answer, so the answerable side is
 * the constraint and the rest goes to rejecting).
 */
export function chooseThreshold(probabilities: readonly number[], labels: readonly (0 | 1)[], minKept: number): number {
  const positives = probabilities.filter((_, i) => labels[i] === 1).sort((a, b) => a - b);
  if (positives.length === 0) return 0.5;
  const allowedMisses = Math.floor((1 - minKept) * positives.length);
  // Answering every positive from index `allowedMisses` on: the threshold sits just below it.
  const t = positives[allowedMisses]!;
  return Math.max(0, Math.floor(t * 1e4) / 1e4);
}
