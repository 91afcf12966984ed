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
  /**
   * What the relevance was computed from, for the answerer's not-found decision (absent when a
   * searcher does not report it): the cosine (null for a query typed without accents), the
   * idf-weighted share of the query's words and two-word phrases the passage holds, and the
   * passage's rank in the dense and in the lexical list (null when absent from it).
   */
  evidence?: RetrievalEvidence;
}

export interface RetrievalEvidence {
  cosine: number | null;
  coverage: number;
  phraseCoverage: number;
  denseRank: number | null;
  lexicalRank: number | null;
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
  /**
   * The query with its diacritics put back from the archive's words, when it was typed without
   * them ("muc phat bao nhieu" → "mức phạt bao nhiêu"): what the question asks is read from it.
   */
  restoredQuery?: string;
}

/** The retrieval contract that answering, the API and the CLI build on. */
export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
  /**
   * The query with its diacritics put back as `search` reads it (the query itself when typed with
   * them): a follow-up's own words are read this way before they are joined to the conversation.
   */
  restoreTones?(query: string): Promise<string>;
}
