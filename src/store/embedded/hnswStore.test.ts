import fs from 'node:fs/promises';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/helpers/config.js';
import { HnswVectorStore, VECTORS_FILE, VECTORS_META_FILE, VectorStoreCorruptError } from './hnswStore.js';

const DIM = 32;
const PARAMS = { dimensions: DIM, m: 16, efConstruction: 200, efSearch: 64 };

/** Deterministic pseudo-random unit vectors, so failures reproduce. */
function randomUnitVectors(count: number, dim: number, seed = 1): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: dim }, next);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const docs = (n: number, prefix = 'doc') =>
  Array.from({ length: n }, (_, i) => new Document({ pageContent: `text ${i}`, metadata: { chunkId: `${prefix}#${i}`, n: i } }));

/** Embeddings are not used by these tests except addDocuments; a fixed mapping keeps them exact. */
const fixedEmbeddings = (vectors: Map<string, number[]>): EmbeddingsInterface => ({
  embedDocuments: async (texts) => texts.map((t) => vectors.get(t) ?? []),
  embedQuery: async (t) => vectors.get(t) ?? [],
});
const noEmbeddings = fixedEmbeddings(new Map());

function bruteForceTop(query: number[], vectors: number[][], k: number): number[] {
  return vectors
    .map((v, i) => ({ i, s: cosine(query, v) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.i);
}

describe('HnswVectorStore', () => {
  it('finds the nearest vectors with score = cosine similarity and chunkId metadata', async () => {
    const vectors = randomUnitVectors(50, DIM);
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await store.addVectors(vectors, docs(50));
    expect(store._vectorstoreType()).toBe('hnswlib-vi');
    const query = vectors[7]!;
    const results = await store.similaritySearchVectorWithScore(query, 5);
    expect(results).toHaveLength(5);
    expect(results[0]![0].metadata['chunkId']).toBe('doc#7');
    expect(results[0]![1]).toBeCloseTo(1, 5);
    const expected = bruteForceTop(query, vectors, 5).map((i) => `doc#${i}`);
    expect(results.map(([d]) => d.metadata['chunkId'])).toEqual(expected);
    for (const [doc, score] of results) {
      expect(score).toBeCloseTo(cosine(query, vectors[doc.metadata['n'] as number]!), 5);
    }
  });

  it('grows past its initial capacity and keeps high recall with the configured ef', async () => {
    const vectors = randomUnitVectors(1500, DIM, 7);
    const store = HnswVectorStore.create(noEmbeddings, PARAMS, 10);
    // Added in several calls so the index must resize more than once.
    for (let from = 0; from < vectors.length; from += 300) {
      await store.addVectors(vectors.slice(from, from + 300), docs(1500).slice(from, from + 300));
    }
    expect(store.size).toBe(1500);
    expect(store.getEf()).toBe(64);
    let hits = 0;
    const queries = randomUnitVectors(50, DIM, 99);
    for (const q of queries) {
      const truth = new Set(bruteForceTop(q, vectors, 10).map((i) => `doc#${i}`));
      const got = await store.similaritySearchVectorWithScore(q, 10);
      hits += got.filter(([d]) => truth.has(d.metadata['chunkId'] as string)).length;
    }
    expect(hits / (queries.length * 10)).toBeGreaterThan(0.95);
  });

  it('returns only what exists when k exceeds the live count, and nothing when empty', async () => {
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    expect(await store.similaritySearchVectorWithScore(randomUnitVectors(1, DIM)[0]!, 10)).toEqual([]);
    const vectors = randomUnitVectors(3, DIM);
    await store.addVectors(vectors, docs(3));
    store.deleteByChunkIds(['doc#1']);
    const results = await store.similaritySearchVectorWithScore(vectors[0]!, 100);
    expect(results.map(([d]) => d.metadata['chunkId']).sort()).toEqual(['doc#0', 'doc#2']);
  });

  it('deletes by chunk id, replaces a re-added chunk id, and applies a filter', async () => {
    const vectors = randomUnitVectors(20, DIM, 3);
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await store.addVectors(vectors, docs(20));
    expect(store.deleteByChunkIds(['doc#4', 'doc#5', 'missing'])).toBe(2);
    expect(store.size).toBe(18);
    expect(store.has('doc#4')).toBe(false);
    const hits = await store.similaritySearchVectorWithScore(vectors[4]!, 20);
    expect(hits.map(([d]) => d.metadata['chunkId'])).not.toContain('doc#4');

    // Re-adding doc#6 with doc#4's vector replaces it: one live entry, found by the new vector.
    await store.addVectors([vectors[4]!], [new Document({ pageContent: 'new', metadata: { chunkId: 'doc#6' } })]);
    expect(store.size).toBe(18);
    const [top] = await store.similaritySearchVectorWithScore(vectors[4]!, 1);
    expect(top![0].metadata['chunkId']).toBe('doc#6');
    expect(top![0].pageContent).toBe('new');

    const filtered = await store.similaritySearchVectorWithScore(vectors[0]!, 3, (d) => d.metadata['n'] === 9);
    expect(filtered.map(([d]) => d.metadata['chunkId'])).toEqual(['doc#9']);
  });

  it('refuses documents without a chunk id and vectors of the wrong width', async () => {
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await expect(store.addVectors([randomUnitVectors(1, DIM)[0]!], [new Document({ pageContent: 'x' })])).rejects.toThrow(
      /chunkId/,
    );
    await expect(store.addVectors([[1, 0]], docs(1))).rejects.toThrow(/dimensions/);
  });

  it('embeds through addDocuments and searches through similaritySearch', async () => {
    const [a, b] = randomUnitVectors(2, DIM, 11);
    const embeddings = fixedEmbeddings(new Map([['alpha', a!], ['beta', b!]]));
    const store = HnswVectorStore.create(embeddings, PARAMS);
    await store.addDocuments([
      new Document({ pageContent: 'alpha', metadata: { chunkId: 'a#0' } }),
      new Document({ pageContent: 'beta', metadata: { chunkId: 'b#0' } }),
    ]);
    const [best] = await store.similaritySearch('beta', 1);
    expect(best?.metadata['chunkId']).toBe('b#0');
  });

  it('saves and loads: same results, deletions kept, ef set from the caller', async () => {
    const vectors = randomUnitVectors(100, DIM, 5);
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await store.addVectors(vectors, docs(100));
    store.deleteByChunkIds(['doc#0', 'doc#1']);
    const dir = await makeTempDir();
    await store.save(dir);

    const loaded = await HnswVectorStore.load(dir, noEmbeddings, { efSearch: 123 });
    expect(loaded.getEf()).toBe(123);
    expect(loaded.size).toBe(98);
    expect(loaded.deletedCount).toBe(2);
    const before = await store.similaritySearchVectorWithScore(vectors[0]!, 10);
    const after = await loaded.similaritySearchVectorWithScore(vectors[0]!, 10);
    expect(after.map(([d]) => d.metadata['chunkId'])).toEqual(before.map(([d]) => d.metadata['chunkId']));
    expect(after.map(([d]) => d.metadata['chunkId'])).not.toContain('doc#0');
    expect(loaded.getVector('doc#5')!.map((x) => Math.round(x * 1e5))).toEqual(
      vectors[5]!.map((x) => Math.round(x * 1e5)),
    );
    // New labels after a load must not collide with saved ones.
    await loaded.addVectors([vectors[0]!], [new Document({ pageContent: 'z', metadata: { chunkId: 'new#0' } })]);
    expect(loaded.size).toBe(99);
    expect(loaded.getDocument('doc#2')?.pageContent).toBe('text 2');
  });

  it('compacts to a graph of only the live vectors with the same answers', async () => {
    const vectors = randomUnitVectors(60, DIM, 8);
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await store.addVectors(vectors, docs(60));
    store.deleteByChunkIds(docs(30).map((d) => d.metadata['chunkId'] as string));
    const compact = store.compacted();
    expect(compact.size).toBe(30);
    expect(compact.deletedCount).toBe(0);
    expect(compact.getEf()).toBe(64);
    const q = vectors[45]!;
    const a = await store.similaritySearchVectorWithScore(q, 5);
    const b = await compact.similaritySearchVectorWithScore(q, 5);
    expect(b.map(([d]) => d.metadata['chunkId'])).toEqual(a.map(([d]) => d.metadata['chunkId']));
  });

  it('refuses a damaged vectors file or metadata with VectorStoreCorruptError', async () => {
    const store = HnswVectorStore.create(noEmbeddings, PARAMS);
    await store.addVectors(randomUnitVectors(10, DIM), docs(10));
    const dir = await makeTempDir();
    await store.save(dir);
    const bin = path.join(dir, VECTORS_FILE);
    const bytes = await fs.readFile(bin);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5]! + 1) % 256;
    await fs.writeFile(bin, bytes);
    await expect(HnswVectorStore.load(dir, noEmbeddings, { efSearch: 50 })).rejects.toBeInstanceOf(
      VectorStoreCorruptError,
    );
    await fs.writeFile(path.join(dir, VECTORS_META_FILE), '{"formatVersion":1');
    await expect(HnswVectorStore.load(dir, noEmbeddings, { efSearch: 50 })).rejects.toBeInstanceOf(
      VectorStoreCorruptError,
    );
    await fs.rm(dir, { recursive: true });
    await fs.mkdir(dir);
    await expect(HnswVectorStore.load(dir, noEmbeddings, { efSearch: 50 })).rejects.toBeInstanceOf(
      VectorStoreCorruptError,
    );
  });
});
