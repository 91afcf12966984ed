import type { SearchFilter } from '../store/filter.js';

/** One retrieved passage, in the JSON shape of `npm run search -- --json` and `POST /api/search`. */
export interface SearchResult {
  text: string;
  /** Fused relevance in [0, 1]; comparable across queries (used for the not-found decision). */
  score: number;
  documentId: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  chunkId: string;
  start: number;
  end: number;
}

export interface SearchOptions {
  k?: number;
  /** Only passages of the articles it keeps; applied inside the search, so k results still come back. */
  filter?: SearchFilter;
}

export interface SearchResponse {
  results: SearchResult[];
  /** True when the best result clears the calibrated relevance threshold. */
  relevant: boolean;
}

/** The retrieval contract that answering, the API and the CLI build on. */
export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
}
