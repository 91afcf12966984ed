import type { Article } from '../corpus/types.js';

/** A passage of an article, the unit that is embedded, indexed and cited. */
export interface Chunk {
  /** `${documentId}#${ordinal}` */
  chunkId: string;
  documentId: string;
  ordinal: number;
  /** Exactly `article.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  /** The article's section, when known (stores fill it in from the article). */
  section?: string | null;
}

export type ChunkArticle = (article: Article) => Chunk[];

/** One article ready to be stored: its passages and their vectors, in the same order. */
export interface ArticleEntry {
  article: Article;
  passages: Chunk[];
  vectors: Float32Array[];
  /** `articleContentHash`: equal hash ⇒ passages and vectors can be kept as they are. */
  contentHash: string;
}

/** What a commit made visible (a store's full commit record extends it). */
export interface CommitSummary {
  /** Unique per commit; changes whenever the searchable content changes. */
  id: string;
  articles: number;
  passages: number;
}

/**
 * Where an ingest run writes. The store's writer implements it (ingest does not know how a
 * store keeps its data): changes are staged by `upsert`/`remove` and become visible, all of
 * them at once, with `commit`; a crash before `commit` loses only what was staged since the last one.
 */
export interface IngestSink {
  /**
   * Content hashes of those of `ids` the archive holds (committed or staged), by article id: an
   * ingest plans a batch of its corpus at a time instead of holding a map of the whole archive.
   */
  storedHashes(ids: readonly string[]): Promise<Map<string, string>>;
  /** Every article id the archive holds (committed or staged), a batch at a time: the ones the corpus lacks are removed. */
  storedIds(): AsyncIterable<readonly string[]>;
  /**
   * An article as the archive holds it (committed or staged), with its passages' vectors in
   * passage order: an article whose text is unchanged is filed again under new metadata from it.
   */
  storedArticle(documentId: string): Promise<{ article: Article; vectors: Float32Array[] } | undefined>;
  upsert(entry: ArticleEntry): Promise<void>;
  remove(documentId: string): Promise<void>;
  commit(): Promise<CommitSummary>;
}
