import { createHash } from 'node:crypto';
import type { ArticleEntry } from '../ingest/types.js';
import { EmbeddedSnapshot } from './embedded/snapshot.js';
import { SegmentBuilder, builtSegment, memoryTexts, memoryVectors, type GraphParams, type StoredArticle } from './embedded/segment.js';
import type { StoreSettings, StoreSnapshot } from './types.js';

/** HNSW parameters of the product's defaults (`HNSW_M`, `HNSW_EF_CONSTRUCTION`, `HNSW_EF_SEARCH`). */
export const DEFAULT_GRAPH_PARAMS: GraphParams = { m: 16, efConstruction: 200, efSearch: 128 };

/**
 * An archive held entirely in memory, as one segment and no files: for evaluation sets indexed
 * on the fly (XQuAD, ViQuAD) and tests. It answers exactly as a persisted archive of the same
 * articles would (same segment code, same scores).
 */
export async function makeMemorySnapshot(
  settings: StoreSettings,
  entries: readonly ArticleEntry[],
  opts: { graph?: GraphParams } = {},
): Promise<StoreSnapshot> {
  const stored: StoredArticle[] = [];
  const passageCount = entries.reduce((n, e) => n + e.passages.length, 0);
  const vectors = new Float32Array(passageCount * settings.dimensions);
  let added = 0;
  const builder = new SegmentBuilder(settings.dimensions, opts.graph ?? DEFAULT_GRAPH_PARAMS, passageCount, {
    article: (a) => void stored.push(a),
    vector: (v) => void vectors.set(v, added++ * settings.dimensions),
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.article.id)) throw new Error(`makeMemorySnapshot: article ${e.article.id} appears twice.`);
    seen.add(e.article.id);
    await builder.add({
      article: { ...e.article, contentHash: e.contentHash },
      passages: e.passages,
      vectors: e.vectors,
    });
  }
  const segment = builtSegment('memory', builder.finish(), settings.dimensions, memoryTexts(stored), memoryVectors(vectors, settings.dimensions));
  const id = createHash('sha256')
    .update(entries.map((e) => `${e.article.id}:${e.contentHash}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const commit = {
    id: `memory-${id}`,
    sequence: 1,
    committedAt: new Date().toISOString(),
    articles: entries.length,
    passages: passageCount,
  };
  return new EmbeddedSnapshot(commit, settings, [{ segment, deleted: null }]);
}
