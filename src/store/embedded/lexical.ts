import { LRUCache } from 'lru-cache';
import { findSorted, lowerBound } from './bisect.js';
import type { Chunk } from '../../ingest/types.js';
import { normalizeQuery } from '../../text/normalize.js';
import { expandAbbreviations, type AbbreviationExpander } from '../../text/abbreviations.js';
import {
  bm25Idf,
  DocumentTable,
  IndexFormatError,
  InvertedIndex,
  reportedScore,
  ScoreFloor,
  type CollectionStats,
  type DocumentScores,
  type TermQuery,
  type TopScores,
} from './invertedIndex.js';
import { FOLDED_PREFIX, indexTerms, queryTerms, type WeightedTerm } from '../../text/tokenize.js';
import { BoundedMinHeap } from './quantized.js';

/**
 * BM25 keyword index over chunks, with the Vietnamese analysis of `tokenize.ts` (generic
 * tokenizers, like the one of LangChain's community BM25Retriever, split on ASCII word characters
 * and would cut "Việt" into "vi" and "t"). Scores are those of MiniSearch 7's BM25+, which this
 * index replaced: on a 38,000-passage archive MiniSearch took 26 s and 3 GB to load, and tens of
 * milliseconds per query.
 */

import type { LexicalHit, LexicalMatches } from '../types.js';

export type { LexicalHit, LexicalMatches };

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
    best.splice(
      lowerBound(best.length, (i) => before(best[i]!, item)),
      0,
      item,
    );
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
/**
 * A query is searched with at most this many terms, its rarest: a pasted paragraph has hundreds
 * (syllables, their pairs, their unaccented twins), and each costs the merge of its postings
 * while the rare ones decide the ranking. Questions have fewer: at most 94 in the evaluation sets
 * (XQuAD-vi), 78 in ViQuAD-test, 88 in the news questions, before common terms are left out.
 */
export const MAX_QUERY_TERMS = 96;

/**
 * A query reads the postings of at most this many passages, summed over its terms (the rarest
 * first; the rarest term always). The commonest of a long query's terms are left out past it, so
 * a search costs about the same in an archive of a million articles as in one of a hundred
 * thousand. An archive of 10,000 articles never reaches it (96 terms of at most 5% of 40,000
 * passages). Chosen on the news development and tuning questions asked in the 1M synthetic
 * archive, where it left as many answer-bearing passages in the top 5 as no budget did; see
 * docs/BENCHMARKS.md. A server reads `STORE_POSTINGS_BUDGET` instead.
 */
export const POSTINGS_BUDGET = 600_000;

/** The saved bytes are not a lexical index this version can read. */
export class LexicalFormatError extends Error {
  override readonly name = 'LexicalFormatError';
}

/**
 * The weighted terms a query is searched with: typed terms, then abbreviation expansions (which
 * count less than what the user typed).
 */
export function analyzeQuery(query: string, expand: AbbreviationExpander = expandAbbreviations): WeightedTerm[] {
  const normalized = normalizeQuery(query);
  const weights = new Map<string, number>();
  const merge = (terms: WeightedTerm[]) => {
    for (const { term, weight } of terms) {
      if (weight > (weights.get(term) ?? 0)) weights.set(term, weight);
    }
  };
  merge(queryTerms(normalized));
  for (const form of expand(normalized)) merge(queryTerms(form, { scale: EXPANSION_WEIGHT, phrasesOnly: true }));
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/** One segment's inverted index (documents = its passages, ids = chunk ids) and which of them a search may return. */
export interface LexicalPart {
  index: InvertedIndex;
  /** Per document number: 0 = out of scope (deleted, filtered out); null = every document. */
  keep: Uint8Array | null;
}

/**
 * BM25 statistics of an archive made of several segments: document count and average field
 * lengths over all of them, so a passage scores the same whichever segment holds it. One
 * segment keeps its own numbers untouched (bit-identical scores).
 */
export function archiveStats(indexes: readonly InvertedIndex[]): CollectionStats {
  if (indexes.length === 1) return { documentCount: indexes[0]!.size, avgFieldLength: indexes[0]!.avgFieldLengths() };
  const documentCount = indexes.reduce((n, ix) => n + ix.size, 0);
  const avgFieldLength = FIELD_BOOSTS.map((_, f) =>
    documentCount === 0 ? 0 : indexes.reduce((sum, ix) => sum + ix.avgFieldLengths()[f]! * ix.size, 0) / documentCount,
  );
  return { documentCount, avgFieldLength };
}

/** A term's document frequencies summed over segments, and its id in each (-1 where absent). */
export interface ArchiveTerm {
  readonly union: number;
  readonly fields: readonly number[];
  readonly ids: readonly number[];
}

/** Terms looked up and remembered per archive: common query words come back query after query. */
const ARCHIVE_TERMS_KEPT = 20_000;
/** Enough for the terms of one query (a vocabulary made for a single search). */
const QUERY_TERMS_KEPT = 256;

/**
 * The vocabulary of an archive's segments (which never change once written): each term is looked
 * up in every segment once, then remembered, since a query asks for the same terms several times
 * (its BM25, the common-term cut, coverage weights) and the next queries ask for many of them again.
 */
export class ArchiveTerms {
  readonly documentCount: number;
  private readonly known: LRUCache<string, ArchiveTerm>;

  constructor(
    readonly indexes: readonly InvertedIndex[],
    kept = ARCHIVE_TERMS_KEPT,
  ) {
    this.documentCount = indexes.reduce((sum, ix) => sum + ix.size, 0);
    this.known = new LRUCache<string, ArchiveTerm>({ max: kept });
  }

  get(term: string): ArchiveTerm {
    let found = this.known.get(term);
    if (found === undefined) {
      found = lookUp(this.indexes, term);
      this.known.set(term, found);
    }
    return found;
  }

  /** Inverse document frequency over all segments (BM25's formula); equal to a single index's over the same passages. */
  idf(term: string): number {
    return bm25Idf(this.documentCount, this.get(term).union);
  }
}

function lookUp(indexes: readonly InvertedIndex[], term: string): ArchiveTerm {
  const fields = FIELD_BOOSTS.map(() => 0);
  let union = 0;
  const ids = indexes.map((ix) => {
    const id = ix.termId(term);
    if (id >= 0) {
      const df = ix.frequencies(id);
      union += df.union;
      df.fields.forEach((n, f) => (fields[f] = fields[f]! + n));
    }
    return id;
  });
  return { union, fields, ids };
}

/** What a search of several segments may be asked besides the query. */
export interface MatchOptions {
  /** Chunks whose BM25 is wanted too (hybrid search gives its dense candidates their real BM25). */
  also?: readonly string[];
  /** A per-chunk check applied on access, for callers that only have a predicate. */
  accept?: (chunkId: string) => boolean;
  /** Finds a chunk's segment and document number (default: each index's own id lookup, which builds an id map on first use). */
  locate?: ChunkLocator;
  /** The parts' vocabulary, when the caller keeps one between queries. */
  vocabulary?: ArchiveTerms;
  /** At most this many postings are read (the query's rarest terms): `POSTINGS_BUDGET` by default. */
  postingsBudget?: number;
  /** Told where each passage of the top is (its part and document number), so the caller need not look it up again. */
  found?: (chunkId: string, part: number, doc: number) => void;
}

/**
 * The best `limit` in-scope passages of all segments for the query (BM25 with archive-wide
 * statistics), and the scores of those and of the `also` chunks that match. Documents out of
 * scope are skipped while the postings are read, so a selective filter still yields `limit`
 * results when that many passages match. Each segment keeps only the passages that can still
 * make the top (a common query matches a large share of a large archive); a per-chunk `accept`
 * check needs every match, and takes the exhaustive path.
 */
export function matchSegments(parts: readonly LexicalPart[], query: WeightedTerm[], limit: number, opts: MatchOptions = {}): LexicalMatches {
  if (opts.accept !== undefined) return matchSegmentsExhaustively(parts, query, limit, opts);
  const { stats, perPart } = segmentQueries(parts, query, opts.vocabulary, opts.postingsBudget ?? POSTINGS_BUDGET);
  const also = opts.also ?? [];
  const wanted = alsoDocuments(parts, also, opts.locate);
  const floor = new ScoreFloor(limit);
  const found = parts.map((part, s): TopScores | null => {
    const known = perPart[s]!;
    return known.length === 0 ? null : part.index.top(known, FIELD_BOOSTS, BM25, { stats, keep: part.keep, floor, also: wanted[s]! });
  });
  const top = bestContenders(parts, found, floor.value, limit, opts.found);
  const scores = new Map(top.map((h) => [h.chunkId, h.score]));
  for (const id of also) {
    if (scores.has(id)) continue;
    const score = alsoScore(parts, found, wanted, id, opts.locate);
    if (score !== undefined) scores.set(id, score);
  }
  return { scores, top };
}

/**
 * `matchSegments` by the plain method: every match of every segment scored and kept, then the best
 * chosen. The reference the pruned path is tested against, and the path of a per-chunk `accept`.
 */
export function matchSegmentsExhaustively(
  parts: readonly LexicalPart[],
  query: WeightedTerm[],
  limit: number,
  opts: MatchOptions = {},
): LexicalMatches {
  const { stats, perPart } = segmentQueries(parts, query, opts.vocabulary, opts.postingsBudget ?? POSTINGS_BUDGET);
  const found = parts.map((part, s): DocumentScores | null => {
    const known = perPart[s]!;
    return known.length === 0 ? null : part.index.score(known, FIELD_BOOSTS, BM25, { stats, keep: part.keep });
  });
  try {
    const matches = new SegmentMatches(parts, found, opts.accept, opts.locate);
    const top = matches.best(limit);
    const scores = new Map(top.map((h) => [h.chunkId, h.score]));
    for (const id of opts.also ?? []) {
      if (scores.has(id)) continue;
      const score = matches.scoreOf(id);
      if (score !== undefined) scores.set(id, score);
    }
    return { scores, top };
  } finally {
    for (const f of found) f?.release();
  }
}

/** The archive's statistics, and per segment the query's terms it holds (by its term ids), rare terms only in a large archive. */
function segmentQueries(
  parts: readonly LexicalPart[],
  query: WeightedTerm[],
  known: ArchiveTerms | undefined,
  postingsBudget: number,
): { stats: CollectionStats; perPart: TermQuery[][] } {
  const indexes = parts.map((p) => p.index);
  const vocabulary = known ?? new ArchiveTerms(indexes, QUERY_TERMS_KEPT);
  const stats = archiveStats(indexes);
  const terms = rarest(withoutCommonTerms(vocabulary, query), vocabulary, MAX_QUERY_TERMS, postingsBudget).map((t) => ({ ...t, ...vocabulary.get(t.term) }));
  const perPart = parts.map((_, s) => {
    const inPart: TermQuery[] = [];
    for (const t of terms) {
      const termId = t.ids[s]!;
      if (termId >= 0) inPart.push({ termId, boost: t.weight, fieldDf: indexes.length === 1 ? undefined : t.fields });
    }
    return inPart;
  });
  return { stats, perPart };
}

/**
 * Per segment, the document numbers (ascending, distinct) of the `also` chunks: where `locate`
 * puts each, or without it every segment holding the id (the first one where it matches wins).
 */
function alsoDocuments(parts: readonly LexicalPart[], also: readonly string[], locate: ChunkLocator | undefined): Uint32Array[] {
  const perPart = parts.map(() => new Set<number>());
  for (const id of also) {
    if (locate) {
      const at = locate(id);
      if (at) perPart[at.part]!.add(at.doc);
      continue;
    }
    parts.forEach((part, s) => {
      const doc = part.index.docNumber(id);
      if (doc >= 0) perPart[s]!.add(doc);
    });
  }
  return perPart.map((docs) => Uint32Array.from(docs).sort());
}

/** The reported score of an `also` chunk that matches, found as `alsoDocuments` placed it; undefined otherwise. */
function alsoScore(
  parts: readonly LexicalPart[],
  found: ReadonlyArray<TopScores | null>,
  wanted: readonly Uint32Array[],
  chunkId: string,
  locate: ChunkLocator | undefined,
): number | undefined {
  const scoreIn = (s: number, doc: number): number | undefined => {
    const scores = found[s];
    const docs = wanted[s]!;
    const i = scores ? findSorted(docs.length, (j) => docs[j]! - doc) : -1;
    return i < 0 || Number.isNaN(scores!.alsoScores[i]) ? undefined : scores!.alsoScores[i];
  };
  if (locate) {
    const at = locate(chunkId);
    return at ? scoreIn(at.part, at.doc) : undefined;
  }
  for (let s = 0; s < parts.length; s++) {
    const doc = parts[s]!.index.docNumber(chunkId);
    const score = doc >= 0 ? scoreIn(s, doc) : undefined;
    if (score !== undefined) return score;
  }
  return undefined;
}

/**
 * The best `limit` of the segments' contenders, best first: those at or above the final floor
 * (every one below it is beaten by `limit` others), ties broken by chunk id in code-unit order
 * (localeCompare over many matches costs more than the search), segment by segment and in
 * document order as the exhaustive path meets them.
 */
function bestContenders(
  parts: readonly LexicalPart[],
  found: ReadonlyArray<TopScores | null>,
  floor: number,
  limit: number,
  located?: MatchOptions['found'],
): LexicalHit[] {
  const contenders: Array<LexicalHit & { part: number; doc: number }> = [];
  found.forEach((f, s) => {
    if (!f) return;
    for (let i = 0; i < f.docs.length; i++) {
      const doc = f.docs[i]!;
      if (f.scores[i]! >= floor) contenders.push({ chunkId: parts[s]!.index.docId(doc), score: f.scores[i]!, part: s, doc });
    }
  });
  const best = bestOf(contenders, limit, (a, b) => a.score > b.score || (a.score === b.score && a.chunkId < b.chunkId));
  return best.map(({ chunkId, score, part, doc }) => {
    located?.(chunkId, part, doc);
    return { chunkId, score };
  });
}

/** The score of a segment's `i`-th match as the previous versions gave it (see `reportedScore`). */
function finalScore(found: DocumentScores, i: number): number {
  return reportedScore(found.scores[i]!, found.matchedTerms[i]!);
}

/** The final scores of a segment's matches, in the order of its `docs`. */
function finalScores(found: DocumentScores): Float64Array {
  const scores = new Float64Array(found.docs.length);
  for (let i = 0; i < scores.length; i++) scores[i] = finalScore(found, i);
  return scores;
}

/** Where `doc` is in the ascending `docs`, or -1. */
function indexOfDoc(docs: Uint32Array, doc: number): number {
  return findSorted(docs.length, (i) => docs[i]! - doc);
}

/** The `limit`-th best of all scores (ties counted), or -Infinity when there are fewer. */
function limitthScore(segments: ReadonlyArray<Float64Array | null>, limit: number): number {
  if (limit <= 0) return Infinity;
  const best = new BoundedMinHeap(limit);
  for (const scores of segments) {
    if (!scores) continue;
    for (let i = 0; i < scores.length; i++) best.offer(scores[i]!);
  }
  return best.size < limit ? -Infinity : best.min;
}

/** Where a chunk is: its part (segment) and document number there, or null. */
export type ChunkLocator = (chunkId: string) => { part: number; doc: number } | null;

/**
 * In a large archive, terms that occur in a large share of all passages carry almost no BM25
 * weight but dominate the cost of the search (their postings are merged for every query), so
 * they are left out; the relevance estimate still counts them. Small collections keep every
 * term: there a "common" word may be the one that matters.
 */
function withoutCommonTerms(vocabulary: ArchiveTerms, terms: WeightedTerm[]): WeightedTerm[] {
  const n = vocabulary.documentCount;
  if (n < LARGE_INDEX_PASSAGES) return terms;
  // Terms no passage holds do not count as kept: a query of common words plus an unknown one
  // (an abbreviation's expansion, a typo) would otherwise match nothing at all.
  const kept = terms.filter((t) => {
    const df = vocabulary.get(t.term).union;
    return df > 0 && df <= COMMON_TERM_SHARE * n;
  });
  return kept.length > 0 ? kept : terms;
}

/**
 * The rarest of `terms` (held by the fewest passages, but by one at least), in the query's order
 * (the order scores are summed in): at most `maxTerms` of them, and past the rarest, only while
 * their passages add up to at most `maxPostings`. The cost of a search is the postings it reads,
 * and a long query's commoner terms hold most of them while adding little to the ranking.
 */
function rarest(terms: WeightedTerm[], vocabulary: ArchiveTerms, maxTerms: number, maxPostings: number): WeightedTerm[] {
  const df = terms.map((t) => vocabulary.get(t.term).union);
  if (terms.length <= maxTerms && df.reduce((a, b) => a + b, 0) <= maxPostings) return terms;
  // A term no passage holds costs nothing and ranks nothing: it must not take a rare term's place.
  const byRarity = terms.map((_, i) => i).sort((a, b) => (df[a]! || Infinity) - (df[b]! || Infinity) || a - b);
  const kept = new Set<number>();
  let postings = 0;
  for (const i of byRarity) {
    if (kept.size >= maxTerms || (kept.size > 0 && postings + df[i]! > maxPostings)) break;
    kept.add(i);
    postings += df[i]!;
  }
  return terms.filter((_, i) => kept.has(i));
}

/**
 * A single-segment lexical index that can be edited (add, remove) and saved; kept for callers
 * that build an index in memory. Archives search their segments with `matchSegments`.
 */
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

  /** The frozen inverted index (for a segment built from this table). */
  get searchable(): InvertedIndex {
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
  add(chunks: ReadonlyArray<Pick<Chunk, 'chunkId' | 'title' | 'text'>>): void {
    const table = this.editable;
    for (const c of chunks) table.add(c.chunkId, passageFields(c.title, c.text));
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
    return analyzeQuery(query, this.expand);
  }

  /** BM25 scores (higher is better, unbounded) of the best `limit` chunks. */
  search(query: string, limit: number): LexicalHit[] {
    return this.match(query, limit).top;
  }

  /**
   * Like `search`, with the BM25 of the `also` passages too (when they match). `keep` leaves
   * passages out before the best are chosen.
   */
  match(query: string, limit: number, opts: { keep?: (chunkId: string) => boolean; also?: readonly string[] } = {}): LexicalMatches {
    return matchSegments([{ index: this.searchable, keep: null }], this.analyzeQuery(query), limit, {
      ...(opts.keep ? { accept: opts.keep } : {}),
      ...(opts.also ? { also: opts.also } : {}),
    });
  }

  /**
   * Inverse document frequency of a folded syllable (BM25's formula), over both fields. Used
   * to weight query-term coverage: a rare name missing from a passage matters more than "năm".
   */
  idf(foldedSyllable: string): number {
    const index = this.searchable;
    return bm25Idf(index.size, index.documentFrequency(FOLDED_PREFIX + foldedSyllable));
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
    return new LexicalIndex(readInvertedIndex(bytes), opts.expand ?? expandAbbreviations);
  }
}

/** The indexed fields of a passage, in scoring order: title, then body. */
export function passageFields(title: string, text: string): string[][] {
  return [indexTerms(title), indexTerms(text)];
}

/** An empty table for a segment's passages (added in passage order, so document number = passage number). */
export function newLexicalTable(): DocumentTable {
  return new DocumentTable(FIELD_BOOSTS.length, LEXICAL_FORMAT_VERSION);
}

/**
 * Reads a saved inverted index of this version.
 * @throws LexicalFormatError for anything else
 */
export function readInvertedIndex(bytes: Uint8Array): InvertedIndex {
  try {
    return InvertedIndex.fromBytes(bytes, { formatVersion: LEXICAL_FORMAT_VERSION, fieldCount: FIELD_BOOSTS.length });
  } catch (err) {
    if (!(err instanceof IndexFormatError)) throw err;
    throw new LexicalFormatError(`Lexical index: ${err.message}; rebuild it with \`npm run ingest\`.`, { cause: err });
  }
}

/** One query's matches in every segment, read from the segments' score arrays before they are released. */
class SegmentMatches {
  constructor(
    private readonly parts: readonly LexicalPart[],
    private readonly found: ReadonlyArray<DocumentScores | null>,
    private readonly accept: ((chunkId: string) => boolean) | undefined,
    private readonly locate: ChunkLocator | undefined,
  ) {}

  private kept(s: number, doc: number): boolean {
    return this.accept === undefined || this.accept(this.parts[s]!.index.docId(doc));
  }

  /** A chunk's segment and its place among that segment's matches, or null when it does not match. */
  private where(chunkId: string): { part: number; doc: number; i: number } | null {
    const at = this.locate?.(chunkId);
    if (at) {
      const found = this.found[at.part];
      const i = found ? indexOfDoc(found.docs, at.doc) : -1;
      return i < 0 ? null : { ...at, i };
    }
    if (this.locate) return null;
    for (let s = 0; s < this.parts.length; s++) {
      const doc = this.parts[s]!.index.docNumber(chunkId);
      const found = this.found[s];
      const i = doc >= 0 && found ? indexOfDoc(found.docs, doc) : -1;
      if (i >= 0) return { part: s, doc, i };
    }
    return null;
  }

  /** The score of a kept, matching chunk; undefined otherwise. */
  scoreOf(chunkId: string): number | undefined {
    const at = this.where(chunkId);
    if (!at || !this.kept(at.part, at.doc)) return undefined;
    return finalScore(this.found[at.part]!, at.i);
  }

  /** The best `limit` kept matches over all segments, best first; `accept` is asked only of contenders. */
  best(limit: number): LexicalHit[] {
    type Match = { s: number; doc: number; score: number; id: string | null };
    const idOf = (m: Match) => (m.id ??= this.parts[m.s]!.index.docId(m.doc));
    // Code-unit order of ids breaks ties: localeCompare over many matches costs more than the search.
    const before = (a: Match, b: Match) => a.score > b.score || (a.score === b.score && idOf(a) < idOf(b));
    const found = this.found;
    const finals = found.map((f) => (f ? finalScores(f) : null));
    // Without a per-passage check, only matches scoring at least the limit-th best score can make
    // the cut: found first over the scores alone (a common query matches a large share of a
    // large archive, and an object per match cost more than the scoring).
    const floor = this.accept === undefined ? limitthScore(finals, limit) : -Infinity;
    function* contenders(): Generator<Match> {
      for (let s = 0; s < found.length; s++) {
        const scores = finals[s];
        if (!scores) continue;
        const { docs } = found[s]!;
        for (let i = 0; i < scores.length; i++) {
          if (scores[i]! >= floor) yield { s, doc: docs[i]!, score: scores[i]!, id: null };
        }
      }
    }
    return bestOf(contenders(), limit, before, (m) => this.kept(m.s, m.doc)).map((m) => ({ chunkId: idOf(m), score: m.score }));
  }
}
