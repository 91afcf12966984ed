import type { Article } from '../corpus/types.js';
import type { Chunk, CommitSummary, IngestSink } from '../ingest/types.js';
import type { SearchFilter } from './filter.js';

/** A stored passage (layers above the store take the type from here, not from ingest/). */
export type { Chunk } from '../ingest/types.js';

/**
 * The storage boundary. Everything persisted about the corpus (articles, passages, vectors, the
 * lexical index, commits) sits behind these interfaces; retrieval, answers, chat, server, eval,
 * bench and the CLIs see nothing else. The embedded store (hnswlib-node + our inverted index, on
 * local disk) is the first implementation; a PostgreSQL one (several servers and ingest workers
 * on one database) is the next, so nothing here may assume that the index lives in this
 * process's memory or on local disk: every read is async and takes the filter.
 */

/** One commit of the archive. */
export interface CommitInfo extends CommitSummary {
  /** Increases by one with every commit. */
  sequence: number;
  /** ISO 8601. */
  committedAt: string;
}

/** The settings vectors and passages depend on; an archive built with others is refused. */
export interface StoreSettings {
  model: string;
  dimensions: number;
  dtype: string;
  queryPrefix: string;
  passagePrefix: string;
  normalizationVersion: number;
  chunking: { maxChars: number; overlapSentences: number };
}

/** Which passages a search may return: the user's filter, and documents left out (evaluation). */
export interface SearchScope {
  filter?: SearchFilter;
  excludeDocumentIds?: ReadonlySet<string>;
}

export interface DenseHit {
  chunkId: string;
  /** Cosine similarity. */
  score: number;
}

export interface LexicalHit {
  chunkId: string;
  score: number;
}

/** The best passages the query matches within the scope, in order, and the BM25 of those asked for. */
export interface LexicalMatches {
  /**
   * BM25 by chunk id of the passages in `top` and of those named in `also` that match within the
   * scope. Not every match: a common query matches a large share of a large archive, and
   * carrying all their scores out of the search cost more than finding the best.
   */
  scores: ReadonlyMap<string, number>;
  /** The best `limit`, best first. */
  top: LexicalHit[];
}

/** What the archive holds, for choosers in the UI and for `/ready`. */
export interface ArchiveFacets {
  outlets: Array<{ name: string; articles: number }>;
  sections: Array<{ name: string; articles: number }>;
  /** Earliest and latest `publishedAt` day (YYYY-MM-DD), null when no article has a date. */
  firstPublished: string | null;
  lastPublished: string | null;
}

/**
 * One consistent commit. A request takes one snapshot and reads only from it, so it never sees a
 * mix of two commits; a snapshot stays readable while a newer commit is written.
 */
export interface StoreSnapshot {
  readonly commit: CommitInfo;
  readonly settings: StoreSettings;
  /** The `k` passages nearest to `vector` (unit length) within the scope, best first. */
  denseSearch(vector: readonly number[], k: number, scope?: SearchScope): Promise<DenseHit[]>;
  /**
   * BM25 over the Vietnamese analysis of `text/tokenize.ts`, within the scope: the best `limit`,
   * and the scores of the `also` passages (hybrid search scores its dense candidates with it).
   */
  lexicalSearch(query: string, limit: number, scope?: SearchScope, also?: readonly string[]): Promise<LexicalMatches>;
  /** Inverse document frequency of analysed terms over the whole archive (unknown terms: the maximum). */
  termIdf(terms: readonly string[]): Promise<Map<string, number>>;
  /** Stored unit vectors by chunk id (absent ids are left out). */
  vectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Passages by chunk id (absent or deleted ids are left out). */
  passages(chunkIds: readonly string[]): Promise<Map<string, Chunk>>;
  article(id: string): Promise<Article | undefined>;
  facets(): Promise<ArchiveFacets>;
}

/**
 * What the store's own checks found about the files it serves. An embedded archive verifies the
 * checksums of its large files after it opens (reading them all through first would make the
 * start of a large archive take minutes): until then it is `checking`.
 */
export interface StoreIntegrity {
  state: 'checking' | 'verified' | 'damaged';
  /** What is damaged (null unless `damaged`). */
  problem: string | null;
}

/** Reads the archive and follows its commits. */
export interface StoreReader {
  integrity(): StoreIntegrity;
  /** The newest commit seen so far. */
  snapshot(): StoreSnapshot;
  /** Looks for a newer commit now; true when one was loaded. Readers also poll by themselves. */
  refresh(): Promise<boolean>;
  /** Called after each newer commit is loaded; returns an unsubscribe function. */
  onCommit(listener: (commit: CommitInfo) => void): () => void;
  close(): Promise<void>;
}

export interface CompactionReport {
  segmentsBefore: number;
  segmentsAfter: number;
  seconds: number;
}

/** Writes the archive: one writer at a time per archive. */
export interface StoreWriter extends IngestSink {
  readonly settings: StoreSettings;
  /** Merges segments and drops deleted passages for good (no re-embedding). */
  compact(): Promise<CompactionReport>;
  /** Whether work the store does after a commit (a merge) is still running; what it commits is already served. */
  hasBackgroundWork(): boolean;
  /**
   * Waits for that work to finish (`close` waits too; this lets a caller say so first).
   * @throws what the work failed with
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A store implementation, opened from the configuration by the composition root. */
export interface ArchiveStore {
  openReader(opts?: { follow?: boolean }): Promise<StoreReader>;
  openWriter(opts?: { rebuild?: boolean }): Promise<StoreWriter>;
}
