import type { Article } from '../../src/corpus/types.js';
import type { ArticleEntry, Chunk, IngestSink } from '../../src/ingest/types.js';
import type { WriterOptions } from '../../src/store/embedded/writer.js';
import type { StoreSettings } from '../../src/store/types.js';

/** Settings for store tests that use small hand-made vectors (no model involved). */
export const TEST_SETTINGS: StoreSettings = {
  model: 'test-model',
  dimensions: 8,
  dtype: 'q8',
  queryPrefix: 'query: ',
  passagePrefix: 'passage: ',
  normalizationVersion: 1,
  chunking: { maxChars: 900, overlapSentences: 1 },
};

/**
 * Options of an embedded writer over test vectors: a small graph, no grace period, a policy whose
 * bottom tier merges at `mergeFactor` segments (10 unless overridden).
 */
export function testWriterOptions(indexDir: string, overrides: Partial<WriterOptions> = {}): WriterOptions {
  return {
    indexDir,
    settings: TEST_SETTINGS,
    graph: { m: 16, efConstruction: 100, efSearch: 64 },
    rebuild: false,
    mergePolicy: { mergeFactor: 10, floorPassages: 2000, maxPassages: 500_000, maxDeletedShare: 0.3 },
    graceMs: 0,
    ...overrides,
  };
}

/** A deterministic unit vector of `dims` dimensions, different for each seed. */
export function unit(seed: number, dims = 4): Float32Array {
  const v = new Float32Array(dims);
  // mulberry32: integer arithmetic only, so distinct seeds give distinct vectors.
  let a = (seed * 0x9e3779b1) >>> 0;
  for (let i = 0; i < dims; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    v[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  const norm = Math.hypot(...v);
  return v.map((c) => c / norm);
}

/** A small article with one passage per sentence, vectors from `unit`, and the given metadata. */
export function articleEntry(
  id: string,
  sentences: string[],
  meta: Partial<Pick<Article, 'title' | 'outlet' | 'publishedAt' | 'section'>> = {},
  dims = TEST_SETTINGS.dimensions,
  version = 1,
): ArticleEntry {
  const text = sentences.join(' ');
  const article: Article = {
    id,
    title: meta.title ?? `Bài ${id}`,
    outlet: meta.outlet ?? null,
    publishedAt: meta.publishedAt ?? null,
    section: meta.section ?? null,
    text,
    sourceFile: `${id}.md`,
    originalFile: null,
    url: null,
  };
  let at = 0;
  const passages: Chunk[] = sentences.map((s, ordinal) => {
    const start = text.indexOf(s, at);
    at = start + s.length;
    return {
      chunkId: `${id}#${ordinal}`,
      documentId: id,
      ordinal,
      text: s,
      start,
      end: start + s.length,
      title: article.title,
      outlet: article.outlet,
      publishedAt: article.publishedAt,
    };
  });
  const seed = [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, version);
  return {
    article,
    passages,
    vectors: passages.map((_, i) => unit(seed + i * 7919, dims)),
    contentHash: `${id}-v${version}`,
  };
}

/** Every article the sink holds with its content hash, read the way an ingest plans (ids in batches, then their hashes). */
export async function storedHashMap(sink: IngestSink): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const ids of sink.storedIds()) for (const [id, hash] of await sink.storedHashes(ids)) out.set(id, hash);
  return out;
}
