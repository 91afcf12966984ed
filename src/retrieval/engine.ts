import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import { loadIndex, type LoadedIndex } from '../ingest/indexStore.js';
import { hybridSettingsFromConfig, makeHybridSearch, type HybridDeps, type HybridSearcher } from './hybrid.js';
import type { Searcher } from './types.js';

/** A searcher over a loaded index, with what callers need around it (articles, shutdown). */
export interface SearchEngine extends Searcher {
  index: LoadedIndex;
  embeddings: TransformersEmbeddings;
  getArticle(id: string): Article | undefined;
  close(): Promise<void>;
}

/** What hybrid search reads from an index (persisted, or built in memory by the evaluation). */
export function hybridDeps(
  index: Pick<LoadedIndex, 'chunks' | 'lexical' | 'vectors'>,
  embeddings: Pick<TransformersEmbeddings, 'embedQuery'>,
): HybridDeps {
  return {
    lexical: index.lexical,
    dense: index.vectors,
    getChunk: (id) => index.chunks.get(id),
    embedQuery: (q) => embeddings.embedQuery(q),
  };
}

/** The hybrid (dense + lexical) searcher over an index, configured from `config.retrieval`. */
export function makeHybridSearcher(
  index: Pick<LoadedIndex, 'chunks' | 'lexical' | 'vectors'>,
  embeddings: Pick<TransformersEmbeddings, 'embedQuery'>,
  config: Config,
): HybridSearcher {
  return makeHybridSearch(hybridDeps(index, embeddings), hybridSettingsFromConfig(config));
}

/**
 * Loads the model and the index and returns a ready search engine. An embeddings instance
 * passed in is shared, and left open by `close()` (its owner disposes it).
 * @throws ModelLoadError, IndexMissingError, IndexCorruptError, IndexMismatchError
 */
export async function openSearchEngine(
  config: Config,
  opts: { embeddings?: TransformersEmbeddings } = {},
): Promise<SearchEngine> {
  const ownsEmbeddings = opts.embeddings === undefined;
  const embeddings = opts.embeddings ?? (await TransformersEmbeddings.create(config.embedding));
  let index: LoadedIndex;
  try {
    index = await loadIndex(config, embeddings);
  } catch (err) {
    if (ownsEmbeddings) await embeddings.dispose();
    throw err;
  }
  const searcher = makeHybridSearcher(index, embeddings, config);
  let closed = false;
  return {
    index,
    embeddings,
    search: (query, options) => searcher.search(query, options),
    getArticle: (id) => index.articles.get(id),
    async close() {
      if (closed) return;
      closed = true;
      if (ownsEmbeddings) await embeddings.dispose();
    },
  };
}
