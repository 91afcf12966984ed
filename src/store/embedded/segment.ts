import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import type { Article } from '../../corpus/types.js';
import { makePassage, passageId } from '../../ingest/passage.js';
import type { Chunk } from '../../ingest/types.js';
import { ArticleTableBuilder, U32Column, type ArticleTable } from './articleTable.js';
import type { InvertedIndex } from './invertedIndex.js';
import { newLexicalTable, passageFields } from './lexical.js';
import type { DocumentTable } from './invertedIndex.js';
import { exactTopOfScan, keptPassages, QuantizedVectors, QuantizedVectorsBuilder, type QuantizedHit, type ScanCandidates } from './quantized.js';

const { HierarchicalNSW } = hnswlib;
export type HnswGraph = InstanceType<typeof HierarchicalNSW>;

/**
 * A segment: an immutable set of articles with their passages, the passages' unit vectors, an
 * HNSW graph over them (label = passage number) and their lexical postings (document number =
 * passage number). An archive is a list of segments plus tombstones; segments are written once
 * and only ever replaced whole, by a merge.
 *
 * In memory the float vectors live once, in the graph (hnswlib keeps its own copy); exact scans
 * go through int8 codes (a quarter of the size) and rescore the few passages that need it from
 * the stored float vectors (the segment's vectors file, read by offset).
 */

/** HNSW build and search parameters. */
export interface GraphParams {
  m: number;
  efConstruction: number;
  efSearch: number;
}

/** An article as a segment stores it: the article and the hash its passages and vectors were made from. */
export interface StoredArticle extends Article {
  contentHash: string;
}

/** What a segment keeps in memory about each article (the text is read on demand). */
export interface ArticleMeta {
  id: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  section: string | null;
  url: string | null;
  sourceFile: string;
  originalFile: string | null;
  contentHash: string;
  passageCount: number;
}

export const articleMetaSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  outlet: z.string().nullable(),
  publishedAt: z.string().nullable(),
  section: z.string().nullable(),
  url: z.string().nullable(),
  sourceFile: z.string(),
  originalFile: z.string().nullable(),
  contentHash: z.string(),
  passageCount: z.number().int().nonnegative(),
});

export const storedArticleSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  outlet: z.string().nullable(),
  publishedAt: z.string().nullable(),
  section: z.string().nullable().optional(),
  text: z.string(),
  sourceFile: z.string(),
  originalFile: z.string().nullable(),
  url: z.string().nullable(),
  contentHash: z.string(),
});

/** Passages as columns: the article (number in the segment), ordinal and character offsets of each. */
export interface PassageTable {
  article: Uint32Array;
  ordinal: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
}

/** Where a segment's article texts live: in memory, or in its articles file (read on demand). */
export interface ArticleTexts {
  read(articleNumber: number): Promise<StoredArticle>;
  close(): Promise<void>;
}

/** Where a segment's float vectors are read from when exact ones are needed: its vectors file, or memory. */
export interface StoredVectors {
  /** The vectors of `passages`, in that order. */
  read(passages: readonly number[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** Below this many in-scope passages, or this share of a segment, dense search is an exact scan. */
const EXACT_SCAN_MAX_PASSAGES = 20_000;
const EXACT_SCAN_MAX_SHARE = 0.05;

/** A passage of a segment and its cosine with the query. */
export type SegmentHit = QuantizedHit;

/** Which passages of a segment a search may return. */
export interface SegmentScope {
  /** Per passage: 1 = in scope; null = every passage. */
  keep: Uint8Array | null;
  kept: number;
  /** The passages in scope, ascending (null: every passage); asked only by a scan. */
  passages(): Uint32Array | null;
}

/** A scope of `kept` passages (`keep` per passage, null for all); its list is made when a scan first asks. */
export function segmentScope(keep: Uint8Array | null, kept: number): SegmentScope {
  let list: Uint32Array | null | undefined;
  return { keep, kept, passages: () => (list === undefined ? (list = keptPassages(keep)) : list) };
}

/** What a segment's dense search found: exact hits, or a scan's candidates to rescore. */
export type DenseFound = { hits: SegmentHit[] } | { candidates: ScanCandidates };

export class Segment {
  /** First passage of each article (passages are stored article by article). */
  private readonly firstPassage: Uint32Array;

  constructor(
    readonly name: string,
    readonly articles: ArticleTable,
    readonly passages: PassageTable,
    private readonly codes: QuantizedVectors,
    readonly dimensions: number,
    private readonly graph: HnswGraph,
    readonly lexical: InvertedIndex,
    private readonly texts: ArticleTexts,
    private readonly floats: StoredVectors,
  ) {
    this.firstPassage = new Uint32Array(articles.length + 1);
    const counts = articles.passageCounts;
    for (let i = 0; i < counts.length; i++) this.firstPassage[i + 1] = this.firstPassage[i]! + counts[i]!;
  }

  get passageCount(): number {
    return this.passages.article.length;
  }

  /** The article's number in this segment, or -1. */
  articleNumber(id: string): number {
    return this.articles.numberOf(id);
  }

  passagesOf(articleNumber: number): { from: number; to: number } {
    return { from: this.firstPassage[articleNumber]!, to: this.firstPassage[articleNumber + 1]! };
  }

  /** The passage number of a chunk id in this segment, or -1. */
  locate(chunkId: string): number {
    const hash = chunkId.lastIndexOf('#');
    if (hash < 0) return -1;
    const a = this.articleNumber(chunkId.slice(0, hash));
    if (a < 0) return -1;
    const ordinal = Number(chunkId.slice(hash + 1));
    const { from, to } = this.passagesOf(a);
    for (let p = from; p < to; p++) if (this.passages.ordinal[p] === ordinal) return p;
    return -1;
  }

  chunkId(passage: number): string {
    return passageId(this.articles.id(this.passages.article[passage]!), this.passages.ordinal[passage]!);
  }

  /** The passages' unit vectors, as stored. */
  vectors(passages: readonly number[]): Promise<Float32Array[]> {
    return this.floats.read(passages);
  }

  /** Bytes of the int8 codes the exact scans read (the graph's memory is hnswlib's own). */
  get codeBytes(): number {
    return this.codes.byteLength;
  }

  async article(articleNumber: number): Promise<StoredArticle> {
    return this.texts.read(articleNumber);
  }

  async passage(passage: number): Promise<Chunk> {
    const article = await this.texts.read(this.passages.article[passage]!);
    return makePassage(article, this.passages.ordinal[passage]!, this.passages.start[passage]!, this.passages.end[passage]!);
  }

  /**
   * The in-scope passages nearest to `query` (unit length), score = cosine: the `k` best as the
   * graph finds them (`hits`), or, for a selective scope, the candidates of an exact scan of the
   * int8 codes (`candidates`) for the caller to rescore with `rescore`, together with the other
   * segments' (`exactTop`). A selective scope is scanned (fast, and HNSW with a filter that rejects
   * most nodes misses results); a broad one goes through the graph with the filter, and falls back
   * to the scan if the graph returned fewer than `k` while more are in scope.
   */
  dense(query: Float32Array, k: number, scope: SegmentScope): DenseFound {
    const want = Math.min(k, scope.kept);
    if (want <= 0) return { hits: [] };
    const { keep, kept } = scope;
    const n = this.passageCount;
    if (keep !== null && (kept <= EXACT_SCAN_MAX_PASSAGES || kept <= EXACT_SCAN_MAX_SHARE * n)) {
      return { candidates: this.codes.candidates(query, want, scope.passages()) };
    }
    const q = Array.from(query);
    const filter = keep === null ? undefined : (label: number) => keep[label] === 1;
    const { neighbors, distances } = this.graph.searchKnn(q, Math.min(want, this.graph.getMaxElements()), filter);
    if (neighbors.length < want) return { candidates: this.codes.candidates(query, want, scope.passages()) };
    return { hits: neighbors.map((passage, i) => ({ passage, score: 1 - distances[i]! })) };
  }

  /** The exact `k` nearest passages in scope, best first: `dense` with a scan's candidates rescored. */
  async nearest(query: Float32Array, k: number, scope: SegmentScope): Promise<SegmentHit[]> {
    const found = this.dense(query, k, scope);
    if ('hits' in found) return found.hits;
    return exactTopOfScan(k, found.candidates, (passages) => this.rescore(query, passages));
  }

  /** The exact cosines of `passages` with `query`, from the stored float vectors. */
  async rescore(query: Float32Array, passages: number[]): Promise<number[]> {
    return (await this.floats.read(passages)).map((v) => dot(query, v));
  }

  async close(): Promise<void> {
    await Promise.all([this.texts.close(), this.floats.close()]);
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Frees a graph's memory now. hnswlib-node frees it only when the garbage collector finalises
 * the wrapper, which can be long after: V8 does not count that memory, so a writer that just
 * wrote a merged segment would keep its whole graph. Re-initialising to one element drops it.
 */
export function releaseGraph(graph: HnswGraph): void {
  graph.initIndex({ maxElements: 1 });
}

/** A segment in memory from a builder's parts. */
export function builtSegment(name: string, built: BuiltSegment, dimensions: number, texts: ArticleTexts, floats: StoredVectors): Segment {
  return new Segment(name, built.articles, built.passages, built.codes, dimensions, built.graph, built.lexical, texts, floats);
}

/** One article to add to a segment under construction. */
export interface SegmentInput {
  article: StoredArticle;
  passages: ReadonlyArray<{ ordinal: number; start: number; end: number }>;
  vectors: ReadonlyArray<ArrayLike<number>>;
}

/** The in-memory parts of a finished segment (its article texts and float vectors went to the builder's sinks). */
export interface BuiltSegment {
  articles: ArticleTable;
  passages: PassageTable;
  codes: QuantizedVectors;
  graph: HnswGraph;
  lexical: InvertedIndex;
}

/** Where a builder hands what it does not keep: each article, and each passage's float vector. */
export interface BuilderSinks {
  article(article: StoredArticle): Promise<void> | void;
  vector?(vector: Float32Array): Promise<void> | void;
}

/**
 * Builds a segment article by article: passages into columns, vectors into the HNSW graph and
 * int8 codes, terms into the lexical table. Article texts and float vectors are handed to the
 * sinks (kept in memory, or appended to the segment's files) and not retained here.
 */
export class SegmentBuilder {
  private readonly articles = new ArticleTableBuilder();
  private readonly passageArticle: U32Column;
  private readonly passageOrdinal: U32Column;
  private readonly passageStart: U32Column;
  private readonly passageEnd: U32Column;
  private readonly codes: QuantizedVectorsBuilder;
  private readonly graph: HnswGraph;
  private readonly table: DocumentTable | null;

  constructor(
    private readonly dimensions: number,
    private readonly params: GraphParams,
    capacity: number,
    private readonly sinks: BuilderSinks,
    /** The passages' lexical index when it is already made (a merge merges its sources' indexes): no table is built. */
    private readonly lexical: InvertedIndex | null = null,
  ) {
    const cap = Math.max(16, capacity);
    this.passageArticle = new U32Column(cap);
    this.passageOrdinal = new U32Column(cap);
    this.passageStart = new U32Column(cap);
    this.passageEnd = new U32Column(cap);
    this.codes = new QuantizedVectorsBuilder(dimensions, cap);
    this.table = lexical === null ? newLexicalTable() : null;
    this.graph = new HierarchicalNSW('cosine', dimensions);
    this.graph.initIndex({ maxElements: cap, m: params.m, efConstruction: params.efConstruction });
  }

  get passageCount(): number {
    return this.passageArticle.length;
  }

  get articleCount(): number {
    return this.articles.length;
  }

  async add({ article, passages, vectors }: SegmentInput): Promise<void> {
    if (passages.length !== vectors.length) {
      throw new Error(`Article ${article.id}: ${passages.length} passages but ${vectors.length} vectors.`);
    }
    const number = this.articles.length;
    for (let i = 0; i < passages.length; i++) {
      const { ordinal, start, end } = passages[i]!;
      const vector = vectors[i]!;
      if (vector.length !== this.dimensions) {
        throw new Error(`Article ${article.id}: a vector has ${vector.length} dimensions, the archive holds ${this.dimensions}.`);
      }
      if (!(start <= end && end <= article.text.length)) throw new Error(`Article ${article.id}: passage ${ordinal} is outside its text.`);
      const p = this.passageArticle.length;
      this.passageArticle.push(number);
      this.passageOrdinal.push(ordinal);
      this.passageStart.push(start);
      this.passageEnd.push(end);
      await this.addVector(p, vector);
      this.table?.add(passageId(article.id, ordinal), passageFields(article.title, article.text.slice(start, end)));
    }
    this.articles.add({
      id: article.id,
      title: article.title,
      outlet: article.outlet,
      publishedAt: article.publishedAt,
      section: article.section ?? null,
      url: article.url,
      sourceFile: article.sourceFile,
      originalFile: article.originalFile,
      contentHash: article.contentHash,
      passageCount: passages.length,
    });
    await this.sinks.article(article);
  }

  private async addVector(p: number, vector: ArrayLike<number>): Promise<void> {
    const floats = Float32Array.from(vector);
    this.codes.push(floats);
    if (p >= this.graph.getMaxElements()) this.graph.resizeIndex(this.graph.getMaxElements() * 2);
    this.graph.addPoint(Array.from(floats), p);
    await this.sinks.vector?.(floats);
  }

  private finishLexical(): InvertedIndex {
    if (this.table !== null) return this.table.freeze();
    if (this.lexical!.size !== this.passageCount) {
      throw new Error(`The lexical index given has ${this.lexical!.size} passages, the segment ${this.passageCount}.`);
    }
    return this.lexical!;
  }

  finish(): BuiltSegment {
    this.graph.setEf(this.params.efSearch);
    return {
      articles: this.articles.finish(),
      passages: {
        article: this.passageArticle.values.slice(),
        ordinal: this.passageOrdinal.values.slice(),
        start: this.passageStart.values.slice(),
        end: this.passageEnd.values.slice(),
      },
      codes: this.codes.finish(),
      graph: this.graph,
      lexical: this.finishLexical(),
    };
  }
}

/** Float vectors held in memory, passage after passage (segments built for evaluation and tests). */
export function memoryVectors(vectors: Float32Array, dimensions: number): StoredVectors {
  return {
    async read(passages) {
      return passages.map((p) => {
        if (!(p >= 0 && (p + 1) * dimensions <= vectors.length)) throw new Error(`No passage number ${p} in this segment.`);
        return vectors.slice(p * dimensions, (p + 1) * dimensions);
      });
    },
    async close() {},
  };
}

/** Article texts held in memory (segments built for evaluation and tests). */
export function memoryTexts(articles: readonly StoredArticle[]): ArticleTexts {
  return {
    async read(n) {
      const a = articles[n];
      if (!a) throw new Error(`No article number ${n} in this segment.`);
      return a;
    },
    async close() {},
  };
}
