import { LRUCache } from 'lru-cache';
import type { Config } from '../config/config.js';
import type { Chunk, SearchScope, StoreSnapshot } from '../store/types.js';
import { foldDiacritics, normalizeQuery } from '../text/normalize.js';
import { findAbbreviations } from '../text/abbreviations.js';
import {
  DEFAULT_RELEVANCE,
  fuseCandidates,
  liftBySentence,
  mergeOverlapping,
  monotoneScores,
  relevanceOf,
  termCoverage,
  type Candidate,
  type FusedCandidate,
  type FusionOptions,
  type RelevanceParams,
  type WeightedSyllable,
  type Coverage,
} from './fusion.js';
import { restoreTones } from './toneRestoration.js';
import {
  FOLDED_PREFIX,
  contentBigrams,
  contentSyllables,
  foldedTermSet,
  forEachSentenceSyllable,
  isTonedQuery,
  splitPhrases,
} from '../text/tokenize.js';
import type { SearchOptions, SearchResponse, SearchResult, Searcher } from './types.js';

/** What the hybrid search reads: the archive (one commit per search) and the query's embedding. */
export interface HybridDeps {
  /**
   * The commit to read, asked once at the start of every search: a search never mixes two
   * commits, and the next search sees the newest one.
   */
  snapshot(): StoreSnapshot;
  embedQuery(text: string): Promise<number[]>;
}

export interface HybridSettings {
  k: number;
  /** How many chunks each of the dense and lexical lists contributes before fusion. */
  candidates: number;
  fusion: FusionOptions;
  /** Weight of the best sentence's coverage of the question in the ranking (see `liftBySentence`). */
  sentenceWeight: number;
  /** Embed a question typed without diacritics with them put back from the archive's words. */
  restoreTones: boolean;
  /**
   * Multiplies the dense weight for queries typed without accents: the embedding model reads
   * "lap quan he" as different words from "lập quan hệ" (on XQuAD-vi, dense recall@5 falls from
   * 0.84 to 0.20 when accents are stripped), while the folded lexical terms still match.
   */
  untonedDenseFactor: number;
  relevanceThreshold: number;
  relevance: RelevanceParams;
}

export const DEFAULT_UNTONED_DENSE_FACTOR = 0.25;

export function hybridSettingsFromConfig(config: Config): HybridSettings {
  return {
    k: config.retrieval.k,
    candidates: config.retrieval.candidates,
    fusion: {
      method: 'weighted',
      denseWeight: config.retrieval.denseWeight,
      lexicalWeight: config.retrieval.lexicalWeight,
    },
    sentenceWeight: config.retrieval.sentenceWeight,
    restoreTones: config.retrieval.restoreTones,
    untonedDenseFactor: DEFAULT_UNTONED_DENSE_FACTOR,
    relevanceThreshold: config.retrieval.relevanceThreshold,
    relevance: DEFAULT_RELEVANCE,
  };
}

/** Everything one query produced, for evaluation and debugging. */
export interface HybridTrace {
  /** Dense ranking (chunk ids, best first), `candidates` long. */
  dense: string[];
  /** Lexical ranking (chunk ids, best first), `candidates` long. */
  lexical: string[];
  /** Fused and de-duplicated ranking with the evidence of each chunk. */
  fused: FusedCandidate[];
  /** Evidence behind each returned result's relevance, in result order. */
  evidence: Array<{ chunkId: string; cosine: number | null; coverage: number; phraseCoverage: number; relevance: number }>;
  response: SearchResponse;
}

export interface TraceOptions extends SearchOptions {
  /** A precomputed query embedding (evaluation embeds all questions in one go). */
  queryVector?: number[];
  /** Documents to leave out, as if absent from the corpus (evaluation of "not found"). */
  excludeDocuments?: ReadonlySet<string>;
}

export interface HybridSearcher extends Searcher {
  /** Like `search`, with the intermediate rankings. */
  trace(query: string, options?: TraceOptions): Promise<HybridTrace>;
}

function dot(a: readonly number[], b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Which sentences of a passage hold each folded syllable (sentence numbers ascending). */
interface SentenceSyllables {
  count: number;
  sentencesOf: ReadonlyMap<string, readonly number[]>;
}

/**
 * Passages whose sentences' syllables are kept between queries: the top passages of one question
 * are often those of the next, and reading them costs more than the rest of the query's scoring.
 */
const PASSAGES_KEPT = 4000;
/** Distinct syllables whose folds are remembered (news text uses ~10k); past that, forgotten at once. */
const FOLDS_KEPT = 50_000;

/**
 * `foldDiacritics`, remembered: a passage's syllables are mostly the same few thousand. A plain map
 * emptied when full rather than an LRUCache: this runs for every syllable of every candidate
 * passage, the vocabulary fits well under the bound, so recency bookkeeping would only cost time.
 */
function makeFold(): (syllable: string) => string {
  const folds = new Map<string, string>();
  return (syllable) => {
    let folded = folds.get(syllable);
    if (folded === undefined) {
      if (folds.size >= FOLDS_KEPT) folds.clear();
      folded = foldDiacritics(syllable);
      folds.set(syllable, folded);
    }
    return folded;
  };
}

function indexSentences(text: string, fold: (syllable: string) => string): SentenceSyllables {
  const sentencesOf = new Map<string, number[]>();
  const count = forEachSentenceSyllable(
    text,
    (syllable, i) => {
      const list = sentencesOf.get(syllable);
      if (list === undefined) sentencesOf.set(syllable, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    },
    fold,
  );
  return { count, sentencesOf };
}

/**
 * The syllables of each sentence of passages, remembered by their text: the archive changes under
 * a running searcher (a corrected article keeps its id and maybe its offsets), and the text is
 * what is read. Only syllables: a sentence is scored by the query's syllables alone (`wordsIn`).
 */
function makeSentenceSyllables(): (passage: Chunk) => SentenceSyllables {
  const cache = new LRUCache<string, SentenceSyllables>({ max: PASSAGES_KEPT });
  const fold = makeFold();
  return (passage) => {
    const known = cache.get(passage.text);
    if (known) return known;
    const index = indexSentences(passage.text, fold);
    cache.set(passage.text, index);
    return index;
  };
}

/** Returned passages whose folded terms (title included) are kept: a repeated question finds them. */
const RETURNED_KEPT = 500;

function makePassageTerms(): (passage: Chunk) => ReadonlySet<string> {
  const cache = new LRUCache<string, ReadonlySet<string>>({ max: RETURNED_KEPT });
  return (passage) => {
    const key = `${passage.title}\n${passage.text}`;
    let terms = cache.get(key);
    if (!terms) cache.set(key, (terms = foldedTermSet(key)));
    return terms;
  };
}

/** How a query is covered by a passage's terms, and by its best sentence. */
interface QueryCoverage {
  /** Coverage by a passage's folded terms (syllables, compounds, bigrams). */
  of(terms: ReadonlySet<string>): Coverage;
  /** Word coverage by the passage's sentence that covers most (0 for a passage without one). */
  bestSentence(passage: SentenceSyllables): number;
}

/**
 * IDF-weighted coverage of the query's content syllables and of its content bigrams by a set of
 * folded terms (a passage with its title, or one sentence); an abbreviation counts as present
 * when the terms hold its full form.
 */
async function coverageOf(query: string, snapshot: StoreSnapshot): Promise<QueryCoverage> {
  const syllables = contentSyllables(query);
  const bigrams = contentBigrams(query);
  // Folded syllables and bigrams are indexed under the folded prefix; passages are compared folded.
  const idf = await snapshot.termIdf([...syllables, ...bigrams].map((t) => FOLDED_PREFIX + t));
  const weigh = (terms: string[]): WeightedSyllable[] =>
    terms.map((t) => ({ syllable: t, idf: idf.get(FOLDED_PREFIX + t) ?? 0 }));
  const words = weigh(syllables);
  const phrases = weigh(bigrams);
  const abbreviations = findAbbreviations(query);
  const withImplied = (has: (term: string) => boolean): ((term: string) => boolean) => {
    if (abbreviations.length === 0) return has;
    const implied = new Set(
      abbreviations.filter((a) => a.alternatives.some((alt) => alt.every(has))).flatMap((a) => a.matched),
    );
    return implied.size === 0 ? has : (t) => has(t) || implied.has(t);
  };
  // The query's syllables and an abbreviation's forms are single syllables (never a compound or
  // a bigram, which hold a joiner): a sentence's syllables alone decide its word coverage.
  const wordsIn = (has: (term: string) => boolean) => termCoverage(words, { has: withImplied(has) });
  return {
    of(terms) {
      const has = withImplied((t) => terms.has(t));
      return { words: termCoverage(words, { has }), phrases: termCoverage(phrases, { has }) };
    },
    bestSentence({ count, sentencesOf }) {
      const coverages: number[] = [];
      for (let i = 0; i < count; i++) coverages.push(wordsIn((t) => sentencesOf.get(t)?.includes(i) === true));
      return Math.max(0, ...coverages);
    },
  };
}

const NO_COVERAGE = { words: 0, phrases: 0 };

/** Overlapping neighbours are joined into one passage up to this size (about two chunks). */
const MERGED_PASSAGE_MAX_CHARS = 2000;

/**
 * The results of several searches as one list, best first, where passages of an article that
 * overlap become one, as within a search: the same chunk is found with its neighbour joined by one
 * search and alone by another, and keeping either whole would drop the text only the other holds
 * (often the sentence that answers a follow-up). Each search's passage is at most one joined
 * passage, so two of them together may reach twice its size.
 */
export function joinSearchResults(lists: ReadonlyArray<readonly SearchResult[]>): SearchResult[] {
  const ranked = lists.flat().sort((a, b) => b.score - a.score);
  return mergeOverlapping(ranked, (r) => r, 2 * MERGED_PASSAGE_MAX_CHARS).map(({ item, passage }) => ({
    ...item,
    start: passage.start,
    end: passage.end,
    text: passage.text,
  }));
}

function toResult(chunk: Chunk, score: number): SearchResult {
  return {
    text: chunk.text,
    score,
    documentId: chunk.documentId,
    title: chunk.title,
    outlet: chunk.outlet,
    publishedAt: chunk.publishedAt,
    chunkId: chunk.chunkId,
    start: chunk.start,
    end: chunk.end,
  };
}

function scopeOf(options: TraceOptions): SearchScope {
  return {
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.excludeDocuments ? { excludeDocumentIds: options.excludeDocuments } : {}),
  };
}

/**
 * Dense top-N and lexical top-N, fused by weighted normalised scores, overlapping chunks
 * removed, top k returned with a relevance score that is comparable across queries. Each search
 * reads one snapshot of the archive, taken at its start.
 */
export function makeHybridSearch(deps: HybridDeps, settings: HybridSettings): HybridSearcher {
  const sentenceSyllables = makeSentenceSyllables();
  const passageTerms = makePassageTerms();
  /** The query with its diacritics put back from the archive's words, when it was typed without them. */
  async function tonedForm(q: string, snapshot: StoreSnapshot): Promise<string> {
    if (!settings.restoreTones || isTonedQuery(splitPhrases(q))) return q;
    return restoreTones(q, (terms) => snapshot.termIdf(terms));
  }

  async function trace(query: string, options: TraceOptions = {}): Promise<HybridTrace> {
    const snapshot = deps.snapshot();
    const k = options.k ?? settings.k;
    const q = normalizeQuery(query);
    if (q.length === 0) return { dense: [], lexical: [], fused: [], evidence: [], response: { results: [], relevant: false } };
    const toned = isTonedQuery(splitPhrases(q));
    const denseQuery = toned ? q : await tonedForm(q, snapshot);
    const vector = options.queryVector ?? (await deps.embedQuery(denseQuery));
    // Enough candidates that de-duplication and k > candidates never leave the list short.
    const n = Math.max(settings.candidates, k * 3);
    const scope = scopeOf(options);
    const [dense, coverage] = await Promise.all([snapshot.denseSearch(vector, n, scope), coverageOf(q, snapshot)]);
    // The dense candidates get their real BM25 from the same lexical search.
    const { scores: bm25, top: lexical } = await snapshot.lexicalSearch(
      q,
      n,
      scope,
      dense.map((h) => h.chunkId),
    );
    const cosine = new Map(dense.map((h) => [h.chunkId, h.score]));
    const ids = [...new Set([...dense.map((h) => h.chunkId), ...lexical.map((h) => h.chunkId)])];
    // Lexical-only candidates get their exact cosine from the stored vectors.
    const [stored, passages] = await Promise.all([
      snapshot.vectors(ids.filter((id) => !cosine.has(id))),
      snapshot.passages(ids),
    ]);
    const cands: Candidate[] = ids.map((id) => {
      let cos = cosine.get(id) ?? null;
      if (cos === null) {
        const v = stored.get(id);
        cos = v ? dot(vector, v) : null;
      }
      return { chunkId: id, cosine: cos, bm25: bm25.get(id) ?? 0 };
    });
    const fusion = toned
      ? settings.fusion
      : { ...settings.fusion, denseWeight: settings.fusion.denseWeight * settings.untonedDenseFactor };
    const bestSentence = (id: string): number => {
      const passage = passages.get(id);
      if (!passage) return 0;
      return coverage.bestSentence(sentenceSyllables(passage));
    };
    const ranked = liftBySentence(fuseCandidates(cands, fusion), bestSentence, settings.sentenceWeight, fusion);
    const merged = mergeOverlapping(ranked, (c) => passages.get(c.chunkId), MERGED_PASSAGE_MAX_CHARS);
    const fused = merged.map((m) => m.item);
    const top = fused.slice(0, k);
    const chunks = merged.slice(0, k).map((m) => m.passage);
    const coverages = chunks.map((c) => coverage.of(passageTerms(c)));
    const relevances = top.map((c, i) =>
      relevanceOf(toned ? c.cosine : null, coverages[i] ?? NO_COVERAGE, settings.relevance),
    );
    const scores = monotoneScores(relevances);
    const rankIn = (list: readonly { chunkId: string }[], id: string) => {
      const i = list.findIndex((h) => h.chunkId === id);
      return i < 0 ? null : i + 1;
    };
    const results = chunks.map((chunk, i) => ({
      ...toResult(chunk, scores[i] ?? 0),
      evidence: {
        cosine: top[i]?.cosine ?? null,
        coverage: coverages[i]?.words ?? 0,
        phraseCoverage: coverages[i]?.phrases ?? 0,
        denseRank: rankIn(dense, top[i]?.chunkId ?? ''),
        lexicalRank: rankIn(lexical, top[i]?.chunkId ?? ''),
      },
    }));
    const relevant = (scores[0] ?? 0) >= settings.relevanceThreshold;
    return {
      dense: dense.map((h) => h.chunkId),
      lexical: lexical.map((h) => h.chunkId),
      fused,
      evidence: top.map((c, i) => ({
        chunkId: c.chunkId,
        cosine: c.cosine,
        coverage: coverages[i]?.words ?? 0,
        phraseCoverage: coverages[i]?.phrases ?? 0,
        relevance: relevances[i] ?? 0,
      })),
      response: { results, relevant, ...(denseQuery !== q ? { restoredQuery: denseQuery } : {}) },
    };
  }
  return {
    trace,
    async search(query, options) {
      return (await trace(query, options)).response;
    },
    async restoreTones(query) {
      const q = normalizeQuery(query);
      return q.length === 0 ? q : tonedForm(q, deps.snapshot());
    },
  };
}
