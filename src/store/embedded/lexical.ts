import type { Chunk } from '../../ingest/types.js';
import { normalizeQuery } from '../../text/normalize.js';
import { expandAbbreviations, type AbbreviationExpander } from '../../text/abbreviations.js';
import { DocumentTable, IndexFormatError, InvertedIndex, type DocumentScores, type TermQuery } from './invertedIndex.js';
import { FOLDED_PREFIX, indexTerms, queryTerms, type WeightedTerm } from '../../text/tokenize.js';

/**
 * BM25 keyword index over chunks, with the Vietnamese analysis of `tokenize.ts` (generic
 * tokenizers, like the one of LangChain's community BM25Retriever, split on ASCII word characters
 * and would cut "Việt" into "vi" and "t"). Scores are those of MiniSearch 7's BM25+, which this
 * index replaced: on a 38,000-passage archive MiniSearch took 26 s and 3 GB to load, and tens of
 * milliseconds per query.
 */

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

/**
 * The first `limit` items in the order `before` defines (a strict total order), without sorting
 * them all: a common query matches tens of thousands of passages of a large archive, and only the
 * best few dozen are needed. `accept` is asked only of items that would make the cut.
 */
export function bestOf<T>(items: Iterable<T>, limit: number, before: (a: T, b: T) => boolean, accept?: (item: T) => boolean): T[] {
  const best: T[] = [];
  if (limit <= 0) return best;
  for (const item of items) {
    if (best.length === limit && !before(item, best[limit - 1]!)) continue;
    if (accept && !accept(item)) continue;
    if (best.length === limit) best.pop();
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(best[mid]!, item)) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, item);
  }
  return best;
}

/**
 * Bumped when the analysis or the saved layout changes: an index saved with another version is
 * rebuilt from the stored chunks, not misread. (1 was MiniSearch's JSON.)
 */
export const LEXICAL_FORMAT_VERSION = 2;

/** A title word says more about a passage than a body word. */
const TITLE_BOOST = 1.5;
/** Fields in scoring order: title, then body. */
const FIELD_BOOSTS = [TITLE_BOOST, 1];
/** Abbreviation expansions count less than what the user typed. */
const EXPANSION_WEIGHT = 0.5;

const BM25 = { k: 1.2, b: 0.75, d: 0.5 };

/** From this many passages on, the commonest query terms are dropped from the lexical search. */
const LARGE_INDEX_PASSAGES = 2000;
/** Share of passages above which a term counts as common. */
const COMMON_TERM_SHARE = 0.05;

/** The saved bytes are not a lexical index this version can read. */
export class LexicalFormatError extends Error {
  override readonly name = 'LexicalFormatError';
}

export class LexicalIndex {
  /**
   * Exactly one form is current: the frozen index (searchable, saveable) or, after a change
   * and until the next search or save, the editable table.
   */
  private frozen: InvertedIndex | null;
  private table: DocumentTable | null;

  private constructor(
    source: InvertedIndex | DocumentTable,
    private readonly expand: AbbreviationExpander,
  ) {
    this.frozen = source instanceof InvertedIndex ? source : null;
    this.table = source instanceof DocumentTable ? source : null;
  }

  static create(opts: { expand?: AbbreviationExpander } = {}): LexicalIndex {
    return new LexicalIndex(new DocumentTable(FIELD_BOOSTS.length, LEXICAL_FORMAT_VERSION), opts.expand ?? expandAbbreviations);
  }

  private get searchable(): InvertedIndex {
    if (this.table !== null) {
      this.frozen = this.table.freeze();
      this.table = null;
    }
    return this.frozen!;
  }

  private get editable(): DocumentTable {
    if (this.table === null) {
      this.table = DocumentTable.thaw(this.frozen!);
      this.frozen = null;
    }
    return this.table;
  }

  /** Adds chunks; a chunk id already present is replaced (re-ingesting an article is idempotent). */
  add(chunks: Chunk[]): void {
    const table = this.editable;
    for (const c of chunks) table.add(c.chunkId, [indexTerms(c.title), indexTerms(c.text)]);
  }

  /** Removes chunks by id; unknown ids are ignored. */
  remove(chunkIds: string[]): void {
    if (!chunkIds.some((id) => this.has(id))) return;
    const table = this.editable;
    for (const id of chunkIds) table.remove(id);
  }

  has(chunkId: string): boolean {
    return this.table !== null ? this.table.has(chunkId) : this.frozen!.docNumber(chunkId) >= 0;
  }

  get size(): number {
    return this.table !== null ? this.table.size : this.frozen!.size;
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

  /** BM25 scores (higher is better, unbounded) of the best `limit` chunks. */
  search(query: string, limit: number): LexicalHit[] {
    return this.match(query, limit).top;
  }

  /**
   * Like `search`, with the BM25 of every matching passage too (hybrid search gives dense
   * candidates their real BM25). `keep` leaves passages out before the best are chosen.
   */
  match(query: string, limit: number, keep?: (chunkId: string) => boolean): LexicalMatches {
    const index = this.searchable;
    const terms = this.withoutCommonTerms(index, this.analyzeQuery(query));
    const known: TermQuery[] = [];
    for (const t of terms) {
      const termId = index.termId(t.term);
      if (termId >= 0) known.push({ termId, boost: t.weight });
    }
    if (known.length === 0) return { scores: new Map(), top: [] };
    const found = index.score(known, FIELD_BOOSTS, BM25);
    // MiniSearch multiplied each sum by the number of query terms matched, and the previous
    // version divided that back out; the same round trip keeps every score bit-identical.
    for (const doc of found.matched) {
      const q = found.matchedTerms[doc]!;
      found.scores[doc] = (found.scores[doc]! * q) / q;
    }
    const scores = new MatchScores(index, found, keep);
    return { scores, top: scores.best(limit) };
  }

  /**
   * Inverse document frequency of a folded syllable (BM25's formula), over both fields. Used
   * to weight query-term coverage: a rare name missing from a passage matters more than "năm".
   */
  idf(foldedSyllable: string): number {
    const index = this.searchable;
    const n = index.size;
    const df = index.documentFrequency(FOLDED_PREFIX + foldedSyllable);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * In a large archive, terms that occur in a large share of all passages carry almost no BM25
   * weight but dominate the cost of the search (their postings are merged for every query), so
   * they are left out; the relevance estimate still counts them. Small collections keep every
   * term: there a "common" word may be the one that matters.
   */
  private withoutCommonTerms(index: InvertedIndex, terms: WeightedTerm[]): WeightedTerm[] {
    const n = index.size;
    if (n < LARGE_INDEX_PASSAGES) return terms;
    const kept = terms.filter((t) => index.documentFrequency(t.term) <= COMMON_TERM_SHARE * n);
    return kept.length > 0 ? kept : terms;
  }

  /** The saved form: a binary image that `fromBytes` maps back without parsing. */
  toBytes(): Uint8Array {
    return this.searchable.toBytes();
  }

  /**
   * Restores an index saved by `toBytes`.
   * @throws LexicalFormatError for anything else, including an index saved by another version
   */
  static fromBytes(bytes: Uint8Array, opts: { expand?: AbbreviationExpander } = {}): LexicalIndex {
    let index: InvertedIndex;
    try {
      index = InvertedIndex.fromBytes(bytes, { formatVersion: LEXICAL_FORMAT_VERSION, fieldCount: FIELD_BOOSTS.length });
    } catch (err) {
      if (!(err instanceof IndexFormatError)) throw err;
      throw new LexicalFormatError(`Lexical index: ${err.message}; rebuild it with \`npm run ingest\`.`, { cause: err });
    }
    return new LexicalIndex(index, opts.expand ?? expandAbbreviations);
  }
}

/**
 * The scores of one query's matches as a read-only map by chunk id, read straight from the
 * score array: a common query matches tens of thousands of passages, and hybrid search looks up
 * a few dozen. `keep` is applied on access, so refused passages are never seen.
 */
class MatchScores implements ReadonlyMap<string, number> {
  private counted: number | null = null;

  constructor(
    private readonly index: InvertedIndex,
    private readonly found: DocumentScores,
    private readonly keep: ((chunkId: string) => boolean) | undefined,
  ) {}

  private kept(doc: number): boolean {
    return this.keep === undefined || this.keep(this.index.docId(doc));
  }

  get(chunkId: string): number | undefined {
    const doc = this.index.docNumber(chunkId);
    if (doc < 0 || this.found.matchedTerms[doc] === 0 || !this.kept(doc)) return undefined;
    return this.found.scores[doc];
  }

  has(chunkId: string): boolean {
    return this.get(chunkId) !== undefined;
  }

  get size(): number {
    if (this.counted === null) {
      let n = 0;
      for (const doc of this.found.matched) if (this.kept(doc)) n++;
      this.counted = n;
    }
    return this.counted;
  }

  *entries(): MapIterator<[string, number]> {
    for (const doc of this.found.matched) {
      if (this.kept(doc)) yield [this.index.docId(doc), this.found.scores[doc]!];
    }
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<number> {
    for (const [, score] of this.entries()) yield score;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [id, score] of this.entries()) fn(score, id, this);
  }

  /** The best `limit` kept matches, best first; `keep` is asked only of contenders. */
  best(limit: number): LexicalHit[] {
    const { scores } = this.found;
    const ids = this.index;
    // Code-unit order of ids breaks ties: localeCompare over many matches costs more than the search.
    const before = (a: number, b: number) =>
      scores[a]! > scores[b]! || (scores[a] === scores[b] && ids.docId(a) < ids.docId(b));
    return bestOf(this.found.matched, limit, before, (doc) => this.kept(doc)).map((doc) => ({
      chunkId: ids.docId(doc),
      score: scores[doc]!,
    }));
  }
}
