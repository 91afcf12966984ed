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
}

export type ChunkArticle = (article: Article) => Chunk[];
