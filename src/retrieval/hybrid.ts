import { LRUCache } from 'lru-cache';
import type { Config } from '../config/config.js';
import type { Chunk, SearchScope, StoreSnapshot } from '../store/types.js';
import { normalizeQuery } from '../text/normalize.js';
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
import { splitSentences } from '../text/sentences.js';
import { restoreTones } from './toneRestoration.js';
import { FOLDED_PREFIX, contentBigrams, contentSyllables, foldedTermSet, isTonedQuery, splitPhrases } from '../text/tokenize.js';
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

/** A passage's folded terms (title included) and each of its sentences' (maybe shared from a cache: never mutate them). */
interface FoldedPassage {
  terms: ReadonlySet<string>;
  sentences: ReadonlyArray<ReadonlySet<string>>;
}
type PassageTerms = (passage: Chunk) => FoldedPassage;

/**
 * Passages whose folded terms are kept between queries: the top passages of one question are
 * often those of the next, and folding them costs more than the rest of the query's scoring.
 */
const PASSAGE_TERMS_KEPT = 4000;

/**
 * Terms of passages, remembered by their text: the archive changes under a running searcher
 * (a corrected article keeps its id and maybe its offsets), and the text is what is folded.
 */
function makePassageTerms(): PassageTerms {
  const cache = new LRUCache<string, FoldedPassage>({ max: PASSAGE_TERMS_KEPT });
  return (passage) => {
    const key = `${passage.title}\n${passage.text}`;
    const known = cache.get(key);
    if (known) return known;
    // The whole passage's terms are asked for only by the few passages returned: made when first asked.
    let terms: ReadonlySet<string> | undefined;
    const folded = {
      get terms() {
        return (terms ??= foldedTermSet(key));
      },
      sentences: splitSentences(passage.text).map((s) => foldedTermSet(s.text)),
    };
    cache.set(key, folded);
    return folded;
  };
}

/**
 * IDF-weighted coverage of the query's content syllables and of its content bigrams by a set of
 * folded terms (a passage with its title, or one sentence); an abbreviation counts as present
 * when the terms hold its full form.
 */
async function coverageOf(query: string, snapshot: StoreSnapshot): Promise<(terms: ReadonlySet<string>) => Coverage> {
  const syllables = contentSyllables(query);
  const bigrams = contentBigrams(query);
  // Folded syllables and bigrams are indexed under the folded prefix; passages are compared folded.
  const idf = await snapshot.termIdf([...syllables, ...bigrams].map((t) => FOLDED_PREFIX + t));
  const weigh = (terms: string[]): WeightedSyllable[] =>
    terms.map((t) => ({ syllable: t, idf: idf.get(FOLDED_PREFIX + t) ?? 0 }));
  const words = weigh(syllables);
  const phrases = weigh(bigrams);
  const abbreviations = findAbbreviations(query);
  return (terms) => {
    const implied = abbreviations
      .filter((a) => a.alternatives.some((alt) => alt.every((s) => terms.has(s))))
      .flatMap((a) => a.matched);
    const passage = implied.length === 0 ? terms : new Set([...terms, ...implied]);
    return { words: termCoverage(words, passage), phrases: termCoverage(phrases, passage) };
  };
}

const NO_COVERAGE = { words: 0, phrases: 0 };

/** Overlapping neighbours are joined into one passage up to this size (about two chunks). */
const MERGED_PASSAGE_MAX_CHARS = 2000;

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
  const passageTerms = makePassageTerms();
  async function trace(query: string, options: TraceOptions = {}): Promise<HybridTrace> {
    const snapshot = deps.snapshot();
    const k = options.k ?? settings.k;
    const q = normalizeQuery(query);
    if (q.length === 0) return { dense: [], lexical: [], fused: [], evidence: [], response: { results: [], relevant: false } };
    const toned = isTonedQuery(splitPhrases(q));
    const denseQuery = toned || !settings.restoreTones ? q : await restoreTones(q, (terms) => snapshot.termIdf(terms));
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
      return Math.max(0, ...passageTerms(passage).sentences.map((s) => coverage(s).words));
    };
    const ranked = liftBySentence(fuseCandidates(cands, fusion), bestSentence, settings.sentenceWeight, fusion);
    const merged = mergeOverlapping(ranked, (c) => passages.get(c.chunkId), MERGED_PASSAGE_MAX_CHARS);
    const fused = merged.map((m) => m.item);
    const top = fused.slice(0, k);
    const chunks = merged.slice(0, k).map((m) => m.passage);
    const coverages = chunks.map((c) => coverage(passageTerms(c).terms));
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
      response: { results, relevant },
    };
  }
  return {
    trace,
    async search(query, options) {
      return (await trace(query, options)).response;
    },
  };
}
