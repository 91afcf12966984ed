import fs from 'node:fs/promises';
import path from 'node:path';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import hnswlib from 'hnswlib-node';
import { sha256Hex } from '../../ingest/checksum.js';

const { HierarchicalNSW } = hnswlib;
type HnswIndex = InstanceType<typeof HierarchicalNSW>;

export const VECTORS_FILE = 'vectors.hnsw';
export const VECTORS_META_FILE = 'vectors.meta.json';
const META_FORMAT_VERSION = 1;
const MIN_CAPACITY = 64;

export interface HnswParams {
  dimensions: number;
  m: number;
  efConstruction: number;
  efSearch: number;
}

export type ChunkMetadata = Record<string, unknown> & { chunkId: string };

interface StoredEntry {
  label: number;
  chunkId: string;
  pageContent: string;
  metadata: Record<string, unknown>;
}

interface VectorsMeta {
  formatVersion: number;
  space: 'cosine';
  dimensions: number;
  m: number;
  efConstruction: number;
  nextLabel: number;
  /** Labels still in the binary but marked deleted; needed to check the binary's element count. */
  deletedLabels: number;
  /** sha256 of vectors.hnsw: hnswlib reads raw memory from it and can crash on damaged bytes. */
  sha256: string;
  entries: StoredEntry[];
}

/** The saved vectors are missing, damaged or disagree with their metadata. */
export class VectorStoreCorruptError extends Error {
  override readonly name = 'VectorStoreCorruptError';
}

/**
 * A LangChain vector store over hnswlib's HNSW graph (cosine space), keyed by chunk id.
 *
 * We do not use the community HNSWLib wrapper because it leaves hnswlib's default ef=10, which
 * loses recall as soon as the index holds more than a few hundred vectors; here ef is set
 * explicitly after every build and load. hnswlib labels are integers, so each chunk gets a
 * label from a counter that only grows (a deleted label is never reused, which keeps saved
 * label↔chunk maps unambiguous).
 */
export class HnswVectorStore extends VectorStore {
  declare FilterType: (doc: DocumentInterface) => boolean;

  private readonly params: HnswParams;
  private readonly index: HnswIndex;
  private readonly entries = new Map<number, StoredEntry>();
  private readonly labelByChunk = new Map<string, number>();
  private nextLabel = 0;
  private deletedLabels = 0;

  private constructor(embeddings: EmbeddingsInterface, params: HnswParams, index: HnswIndex) {
    super(embeddings, {});
    this.params = params;
    this.index = index;
  }

  /** An empty store with room for `capacity` vectors (it grows when full). */
  static create(embeddings: EmbeddingsInterface, params: HnswParams, capacity = MIN_CAPACITY): HnswVectorStore {
    const index = new HierarchicalNSW('cosine', params.dimensions);
    index.initIndex({
      maxElements: Math.max(MIN_CAPACITY, capacity),
      m: params.m,
      efConstruction: params.efConstruction,
    });
    const store = new HnswVectorStore(embeddings, params, index);
    store.setEf(params.efSearch);
    return store;
  }

  _vectorstoreType(): string {
    return 'hnswlib-vi';
  }

  /** Live (not deleted) vectors. */
  get size(): number {
    return this.entries.size;
  }

  /** Vectors still in the graph but marked deleted (they cost memory and search time). */
  get deletedCount(): number {
    return this.deletedLabels;
  }

  get dimensions(): number {
    return this.params.dimensions;
  }

  setEf(ef: number): void {
    this.params.efSearch = ef;
    this.index.setEf(ef);
  }

  getEf(): number {
    return this.index.getEf();
  }

  has(chunkId: string): boolean {
    return this.labelByChunk.has(chunkId);
  }

  chunkIds(): string[] {
    return [...this.labelByChunk.keys()];
  }

  /** The stored (unit-length) vector of a chunk, to carry it into a new index without re-embedding. */
  getVector(chunkId: string): number[] | undefined {
    const label = this.labelByChunk.get(chunkId);
    return label === undefined ? undefined : this.index.getPoint(label);
  }

  getDocument(chunkId: string): Document | undefined {
    const label = this.labelByChunk.get(chunkId);
    const entry = label === undefined ? undefined : this.entries.get(label);
    return entry && toDocument(entry);
  }

  /**
   * Adds one vector per document; the chunk id comes from `options.ids` or `metadata.chunkId`.
   * A chunk id already present is replaced.
   */
  async addVectors(
    vectors: ArrayLike<number>[],
    documents: DocumentInterface[],
    options?: { ids?: string[] },
  ): Promise<string[]> {
    return this.insert(vectors, documents, options?.ids);
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Score = cosine similarity (1 − cosine distance), higher is better. */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: this['FilterType'],
  ): Promise<[Document, number][]> {
    // hnswlib refuses k above its capacity and returns short lists anyway: ask for what exists.
    const want = Math.min(k, this.entries.size);
    if (want <= 0) return [];
    const labelFilter = filter
      ? (label: number) => {
          const entry = this.entries.get(label);
          return entry !== undefined && filter(toDocument(entry));
        }
      : undefined;
    const { neighbors, distances } = this.index.searchKnn(query, want, labelFilter);
    const results: [Document, number][] = [];
    neighbors.forEach((label, i) => {
      const entry = this.entries.get(label);
      if (entry) results.push([toDocument(entry), 1 - (distances[i] ?? 1)]);
    });
    return results;
  }

  /** Removes chunks from search results (hnswlib markDelete); returns how many were present. */
  deleteByChunkIds(chunkIds: Iterable<string>): number {
    let removed = 0;
    for (const chunkId of chunkIds) {
      const label = this.labelByChunk.get(chunkId);
      if (label === undefined) continue;
      this.index.markDelete(label);
      this.labelByChunk.delete(chunkId);
      this.entries.delete(label);
      this.deletedLabels++;
      removed++;
    }
    return removed;
  }

  override async delete(params?: { ids?: string[] }): Promise<void> {
    this.deleteByChunkIds(params?.ids ?? []);
  }

  /**
   * A fresh graph holding only the live vectors. Deleted nodes stay in an HNSW graph as routing
   * nodes; once they are a large share, rebuilding is cheaper than searching around them.
   */
  compacted(): HnswVectorStore {
    const fresh = HnswVectorStore.create(this.embeddings, { ...this.params }, this.entries.size);
    const live = [...this.entries.values()];
    fresh.insert(
      live.map((e) => this.index.getPoint(e.label)),
      live.map(toDocument),
    );
    return fresh;
  }

  /** Writes `vectors.hnsw` and `vectors.meta.json` into `dir` (which must exist). */
  async save(dir: string): Promise<void> {
    const binPath = path.join(dir, VECTORS_FILE);
    await this.index.writeIndex(binPath);
    const meta: VectorsMeta = {
      formatVersion: META_FORMAT_VERSION,
      space: 'cosine',
      dimensions: this.params.dimensions,
      m: this.params.m,
      efConstruction: this.params.efConstruction,
      nextLabel: this.nextLabel,
      deletedLabels: this.deletedLabels,
      sha256: await sha256File(binPath),
      entries: [...this.entries.values()],
    };
    await fs.writeFile(path.join(dir, VECTORS_META_FILE), JSON.stringify(meta));
  }

  /** Reads a store written by `save`; throws VectorStoreCorruptError when the files disagree. */
  static async load(
    dir: string,
    embeddings: EmbeddingsInterface,
    opts: { efSearch: number },
  ): Promise<HnswVectorStore> {
    const binPath = path.join(dir, VECTORS_FILE);
    const meta = await readMeta(path.join(dir, VECTORS_META_FILE));
    const actualSha = await sha256File(binPath).catch((err: unknown) => {
      throw new VectorStoreCorruptError(`${binPath} is unreadable: ${(err as Error).message}`);
    });
    if (actualSha !== meta.sha256) {
      throw new VectorStoreCorruptError(`${binPath} does not match its checksum (the file is damaged).`);
    }
    const index = new HierarchicalNSW('cosine', meta.dimensions);
    try {
      await index.readIndex(binPath);
    } catch (err) {
      throw new VectorStoreCorruptError(`${binPath} could not be read: ${(err as Error).message}`);
    }
    if (index.getCurrentCount() !== meta.entries.length + meta.deletedLabels) {
      throw new VectorStoreCorruptError(
        `${binPath} holds ${index.getCurrentCount()} vectors, its metadata lists ` +
          `${meta.entries.length} live + ${meta.deletedLabels} deleted.`,
      );
    }
    const params: HnswParams = {
      dimensions: meta.dimensions,
      m: meta.m,
      efConstruction: meta.efConstruction,
      efSearch: opts.efSearch,
    };
    const store = new HnswVectorStore(embeddings, params, index);
    for (const entry of meta.entries) {
      store.entries.set(entry.label, entry);
      store.labelByChunk.set(entry.chunkId, entry.label);
    }
    store.nextLabel = meta.nextLabel;
    store.deletedLabels = meta.deletedLabels;
    store.setEf(opts.efSearch);
    return store;
  }

  private insert(vectors: ArrayLike<number>[], documents: DocumentInterface[], explicitIds?: string[]): string[] {
    if (vectors.length !== documents.length) {
      throw new Error(`addVectors: ${vectors.length} vectors for ${documents.length} documents.`);
    }
    const ids = documents.map((doc, i) => chunkIdOf(doc, explicitIds?.[i]));
    if (new Set(ids).size !== ids.length) throw new Error('addVectors: the same chunk id appears twice.');
    vectors.forEach((vector, i) => {
      if (vector.length !== this.params.dimensions) {
        throw new Error(
          `addVectors: vector ${i} has ${vector.length} dimensions, the store holds ${this.params.dimensions}.`,
        );
      }
    });
    this.deleteByChunkIds(ids.filter((id) => this.labelByChunk.has(id)));
    this.ensureCapacity(this.index.getCurrentCount() + vectors.length);
    vectors.forEach((vector, i) => {
      const doc = documents[i]!;
      const chunkId = ids[i]!;
      const label = this.nextLabel++;
      this.index.addPoint(Array.from(vector), label);
      this.entries.set(label, { label, chunkId, pageContent: doc.pageContent, metadata: { ...doc.metadata, chunkId } });
      this.labelByChunk.set(chunkId, label);
    });
    return ids;
  }

  private ensureCapacity(needed: number): void {
    const capacity = this.index.getMaxElements();
    if (needed > capacity) this.index.resizeIndex(Math.max(needed, capacity * 2));
  }
}

function chunkIdOf(doc: DocumentInterface, explicit: string | undefined): string {
  const id = explicit ?? doc.metadata['chunkId'] ?? doc.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw new Error('HnswVectorStore: every document needs metadata.chunkId (or an id).');
  }
  return id;
}

function toDocument(entry: StoredEntry): Document {
  return new Document({ pageContent: entry.pageContent, metadata: entry.metadata, id: entry.chunkId });
}

async function sha256File(file: string): Promise<string> {
  return sha256Hex(await fs.readFile(file));
}

async function readMeta(file: string): Promise<VectorsMeta> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new VectorStoreCorruptError(`${file} is unreadable: ${(err as Error).message}`);
  }
  if (!isVectorsMeta(parsed)) {
    throw new VectorStoreCorruptError(`${file} is not a vector-store metadata file of format ${META_FORMAT_VERSION}.`);
  }
  return parsed;
}

function isVectorsMeta(x: unknown): x is VectorsMeta {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Partial<VectorsMeta>;
  return (
    m.formatVersion === META_FORMAT_VERSION &&
    m.space === 'cosine' &&
    typeof m.dimensions === 'number' &&
    typeof m.m === 'number' &&
    typeof m.efConstruction === 'number' &&
    typeof m.nextLabel === 'number' &&
    typeof m.deletedLabels === 'number' &&
    typeof m.sha256 === 'string' &&
    Array.isArray(m.entries) &&
    m.entries.every(
      (e) => typeof e?.label === 'number' && typeof e.chunkId === 'string' && typeof e.pageContent === 'string',
    )
  );
}
