import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { SearchResult, Searcher } from './types.js';

/** Metadata of a retrieved Document: the search result without its text (that is `pageContent`). */
export type RetrievedMetadata = Omit<SearchResult, 'text'> & { relevant: boolean };

export interface HybridRetrieverInput extends BaseRetrieverInput {
  searcher: Searcher;
  /** Results per query; the searcher's default when left out. */
  k?: number;
}

/**
 * The hybrid searcher as a LangChain retriever, for chains that expect one. Each Document's
 * metadata is its SearchResult minus the text, plus whether the query's best result cleared the
 * relevance threshold (so a chain can decline to answer).
 */
export class HybridRetriever extends BaseRetriever<RetrievedMetadata> {
  lc_namespace = ['vn_news', 'retrieval'];

  private readonly searcher: Searcher;
  private readonly k: number | undefined;

  constructor(fields: HybridRetrieverInput) {
    super(fields);
    this.searcher = fields.searcher;
    this.k = fields.k;
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<RetrievedMetadata>[]> {
    const { results, relevant } = await this.searcher.search(query, this.k === undefined ? {} : { k: this.k });
    return results.map(({ text, ...rest }) => new Document({ pageContent: text, metadata: { ...rest, relevant } }));
  }
}
