import MiniSearch, { type AsPlainObject, type Options, type SearchOptions } from 'minisearch';
import type { Chunk } from '../ingest/types.js';
import { normalizeQuery } from '../text/normalize.js';
import { expandAbbreviations, type AbbreviationExpander } from './abbreviations.js';
import { FOLDED_PREFIX, indexTerms, queryTerms, type WeightedTerm } from './tokenize.js';

/**
 * BM25 keyword index over chunks, with the Vietnamese analysis of `tokenize.ts` (MiniSearch's
 * default tokenizer, like LangChain's community BM25Retriever, splits on ASCII word characters
 * and would cut "Việt" into "vi" and "t").
 */

interface IndexedChunk {
  chunkId: string;
  title: string;
  text: string;
}

export interface LexicalHit {
  chunkId: string;
  score: number;
}

/** Every passage the query matches, and the best of them in order. */
export interface LexicalMatches {
  /** BM25 of every matching passage, by chunk id. */
  scores: ReadonlyMap<string, number>;
  /** The best `limit`, best first. */
  top: LexicalHit[];
}

/** Best first; code-unit order of ids breaks ties (localeCompare over many matches costs more than the search). */
function byRank(a: LexicalHit, b: LexicalHit): number {
  return b.score - a.score || (a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0);
}

/**
 * The first `limit` hits in `byRank` order, without sorting them all: a common query matches
 * tens of thousands of passages of a large archive, and only the best few dozen are needed.
 */
export function bestHits(hits: readonly LexicalHit[], limit: number): LexicalHit[] {
  if (limit <= 0) return [];
  if (hits.length <= limit * 4) return [...hits].sort(byRank).slice(0, limit);
  const best: LexicalHit[] = [];
  for (const h of hits) {
    if (best.length === limit) {
      if (byRank(h, best[limit - 1]!) >= 0) continue;
      best.pop();
    }
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byRank(best[mid]!, h) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, h);
  }
  return best;
}

/** Bumped when the analysis changes: an index saved with another version is rebuilt, not misread. */
export const LEXICAL_FORMAT_VERSION = 1;

/** A title word says more about a passage than a body word. */
const TITLE_BOOST = 1.5;
/** Abbreviation expansions count less than what the user typed. */
const EXPANSION_WEIGHT = 0.5;
/** Term separator for pre-analysed queries: no term contains a space. */
const TERM_SEPARATOR = ' ';

const BM25 = { k: 1.2, b: 0.75, d: 0.5 };

function miniSearchOptions(): Options<IndexedChunk> {
  return {
    idField: 'chunkId',
    fields: ['title', 'text'],
    storeFields: [],
    tokenize: (text: string) => indexTerms(text),
    // Analysis (lower-casing, folding) already happened in `tokenize`.
    processTerm: (term: string) => term,
    searchOptions: {
      tokenize: (text: string) => text.split(TERM_SEPARATOR).filter((t) => t.length > 0),
      processTerm: (term: string) => term,
      boost: { title: TITLE_BOOST },
      prefix: false,
      fuzzy: false,
      combineWith: 'OR',
      bm25: BM25,
    },
    autoVacuum: false,
  };
}

function isSerialized(json: unknown): json is { version: number; minisearch: AsPlainObject } {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  const ms = o.minisearch as Record<string, unknown> | undefined;
  return (
    typeof o.version === 'number' &&
    typeof ms === 'object' &&
    ms !== null &&
    typeof ms.documentCount === 'number' &&
    Array.isArray(ms.index) &&
    typeof ms.documentIds === 'object'
  );
}

/** From this many passages on, the commonest query terms are dropped from the lexical search. */
const LARGE_INDEX_PASSAGES = 2000;
/** Share of passages above which a term counts as common. */
const COMMON_TERM_SHARE = 0.05;

export class LexicalIndex {
  /**
   * Document frequencies asked so far. MiniSearch has no document-frequency lookup, so each one
   * costs a search over the term's postings: tens of milliseconds for a common syllable in a
   * large archive. Bounded by the vocabulary; emptied whenever the index changes.
   */
  private readonly dfCache = new Map<string, number>();

  private constructor(
    private readonly ms: MiniSearch<IndexedChunk>,
    private readonly expand: AbbreviationExpander,
  ) {}

  static create(opts: { expand?: AbbreviationExpander } = {}): LexicalIndex {
    return new LexicalIndex(new MiniSearch(miniSearchOptions()), opts.expand ?? expandAbbreviations);
  }

  /** Adds chunks; a chunk id already present is replaced (re-ingesting an article is idempotent). */
  add(chunks: Chunk[]): void {
    for (const c of chunks) {
      if (this.ms.has(c.chunkId)) this.ms.discard(c.chunkId);
      this.ms.add({ chunkId: c.chunkId, title: c.title, text: c.text });
    }
    this.dfCache.clear();
  }

  /** Removes chunks by id; unknown ids are ignored. */
  remove(chunkIds: string[]): void {
    for (const id of chunkIds) {
      if (this.ms.has(id)) this.ms.discard(id);
    }
    this.dfCache.clear();
  }

  has(chunkId: string): boolean {
    return this.ms.has(chunkId);
  }

  get size(): number {
    return this.ms.documentCount;
  }

  /** The weighted terms a query is searched with (typed terms, then abbreviation expansions). */
  analyzeQuery(query: string): WeightedTerm[] {
    const normalized = normalizeQuery(query);
    const weights = new Map<string, number>();
    const merge = (terms: WeightedTerm[]) => {
      for (const { term, weight } of terms) {
        if (weight > (weights.get(term) ?? 0)) weights.set(term, weight);
      }
    };
    merge(queryTerms(normalized));
    for (const form of this.expand(normalized)) merge(queryTerms(form, { scale: EXPANSION_WEIGHT, phrasesOnly: true }));
    return [...weights].map(([term, weight]) => ({ term, weight }));
  }

  /**
   * BM25 scores (higher is better, unbounded) of the best `limit` chunks. MiniSearch multiplies
   * each score by the number of matched query terms; we divide that back out to keep plain BM25,
   * which fuses better with dense scores.
   */
  search(query: string, limit: number): LexicalHit[] {
    return this.match(query, limit).top;
  }

  /**
   * Like `search`, with the BM25 of every matching passage too (hybrid search gives dense
   * candidates their real BM25). `keep` leaves passages out before the best are chosen.
   */
  match(query: string, limit: number, keep?: (chunkId: string) => boolean): LexicalMatches {
    const terms = this.withoutCommonTerms(this.analyzeQuery(query));
    if (terms.length === 0) return { scores: new Map(), top: [] };
    const weightOf = new Map(terms.map((t) => [t.term, t.weight]));
    const opts: SearchOptions = { boostTerm: (term) => weightOf.get(term) ?? 1 };
    const raw = this.ms.search(terms.map((t) => t.term).join(TERM_SEPARATOR), opts);
    const hits: LexicalHit[] = [];
    const scores = new Map<string, number>();
    for (const r of raw) {
      const chunkId = String(r.id);
      if (keep && !keep(chunkId)) continue;
      const score = r.score / Math.max(1, r.queryTerms.length);
      hits.push({ chunkId, score });
      scores.set(chunkId, score);
    }
    return { scores, top: bestHits(hits, limit) };
  }

  /**
   * Inverse document frequency of a folded syllable (BM25's formula), over the body field. Used
   * to weight query-term coverage: a rare name missing from a passage matters more than "năm".
   */
  idf(foldedSyllable: string): number {
    const n = this.ms.documentCount;
    const df = this.documentFrequency(FOLDED_PREFIX + foldedSyllable);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** In how many passages an indexed term (exact, folded or bigram form) occurs. */
  private documentFrequency(term: string): number {
    let df = this.dfCache.get(term);
    if (df === undefined) {
      df = this.ms.search(term, { fields: ['text', 'title'] }).length;
      this.dfCache.set(term, df);
    }
    return df;
  }

  /**
   * In a large archive, terms that occur in a large share of all passages carry almost no BM25
   * weight but dominate the cost of the search (their postings are merged for every query), so
   * they are left out; the relevance estimate still counts them. Small collections keep every
   * term: there a "common" word may be the one that matters.
   */
  private withoutCommonTerms(terms: WeightedTerm[]): WeightedTerm[] {
    const n = this.ms.documentCount;
    if (n < LARGE_INDEX_PASSAGES) return terms;
    const kept = terms.filter((t) => this.documentFrequency(t.term) <= COMMON_TERM_SHARE * n);
    return kept.length > 0 ? kept : terms;
  }

  toJSON(): unknown {
    return { version: LEXICAL_FORMAT_VERSION, minisearch: this.ms.toJSON() };
  }

  /** Restores an index saved by `toJSON`; throws on anything else (including another version). */
  static fromJSON(json: unknown, opts: { expand?: AbbreviationExpander } = {}): LexicalIndex {
    if (!isSerialized(json)) {
      throw new Error('Lexical index: not a saved LexicalIndex (expected {version, minisearch}); rebuild the index.');
    }
    if (json.version !== LEXICAL_FORMAT_VERSION) {
      throw new Error(
        `Lexical index: saved with format ${json.version}, this version reads ${LEXICAL_FORMAT_VERSION}; rebuild the index.`,
      );
    }
    let ms: MiniSearch<IndexedChunk>;
    try {
      ms = MiniSearch.loadJS(json.minisearch, miniSearchOptions());
    } catch (err) {
      throw new Error(`Lexical index: cannot load (${(err as Error).message}); rebuild the index.`, { cause: err });
    }
    return new LexicalIndex(ms, opts.expand ?? expandAbbreviations);
  }
}
