import { performance } from 'node:perf_hooks';
import { Document } from '@langchain/core/documents';
import type { Config } from '../config/config.js';
import { loadCorpus } from '../corpus/load.js';
import type { Article, CorpusProblem, LoadedCorpus } from '../corpus/types.js';
import { LexicalIndex } from '../store/embedded/lexical.js';
import { chunkArticle } from './chunk.js';
import { TransformersEmbeddings } from './embeddings.js';
import { HnswVectorStore } from '../store/embedded/hnswStore.js';
import {
  IndexCorruptError,
  IndexMissingError,
  articleContentHash,
  expectedSettings,
  loadIndex,
  withIngestLock,
  writeIndexGeneration,
  type IndexManifest,
  type LoadedIndex,
} from './indexStore.js';
import type { Chunk } from './types.js';

/**
 * Deleted HNSW nodes stay in the graph as routing nodes (markDelete), which keeps results right
 * and makes deleting cheap, but they cost memory and search time. Past this share of the graph
 * we rebuild it from the stored vectors (no re-embedding), which costs a fraction of a second per
 * thousand chunks.
 */
const COMPACT_WHEN_DELETED_SHARE = 0.25;

export interface IngestProgress {
  phase: 'embedding' | 'writing' | 'done';
  /** Articles to (re-)embed in this run, and how many are finished. */
  articlesDone: number;
  articlesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  chunksPerSecond: number;
  /** Seconds left for the embedding phase, when it can be estimated. */
  etaSeconds: number | null;
}

export interface IngestReport {
  indexDir: string;
  /** The generation folder written by this run. */
  generationDir: string;
  /** True when every article was embedded from scratch (no usable previous index, or --rebuild). */
  rebuilt: boolean;
  /** Things worth telling the operator that are not file problems. */
  notes: string[];
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  articlesTotal: number;
  chunksEmbedded: number;
  chunksTotal: number;
  problems: CorpusProblem[];
  seconds: number;
  embedSeconds: number;
  chunksPerSecond: number;
}

export interface IngestOptions {
  /** Ignore the existing index (also one built with other settings) and embed everything. */
  rebuild?: boolean;
  /** A loaded model to reuse; otherwise one is loaded from the configuration and disposed after. */
  embeddings?: TransformersEmbeddings;
  onProgress?: (p: IngestProgress) => void;
  /** An already loaded corpus; otherwise `config.paths.corpusDir` is read. */
  corpus?: LoadedCorpus;
}

/** The corpus folder yielded no article at all: nothing is written, the old index stays. */
export class EmptyCorpusError extends Error {
  override readonly name = 'EmptyCorpusError';
}

/**
 * Brings the index in line with the corpus: embeds only new and changed articles, drops removed
 * ones, keeps the vectors of unchanged ones, and writes the result as a new generation.
 * @throws IndexMismatchError when the existing index was built with other settings (unless `rebuild`)
 */
export async function ingestCorpus(config: Config, opts: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const corpus = opts.corpus ?? (await loadCorpus(config.paths.corpusDir));
  // loadCorpus has already dropped (and reported) duplicate ids.
  const { articles, problems } = corpus;
  if (articles.length === 0) {
    const listed = problems.length > 0 ? ` (${problems.length} file(s) could not be read)` : '';
    throw new EmptyCorpusError(
      `No articles found in ${config.paths.corpusDir}${listed}. Set CORPUS_DIR (or --corpus) to a folder of .md, .txt or .jsonl articles.`,
    );
  }
  const embeddings = opts.embeddings ?? (await TransformersEmbeddings.create(config.embedding));
  try {
    return await withIngestLock(config.paths.indexDir, async () => {
      const report = await ingestLocked(config, embeddings, articles, opts);
      const seconds = (performance.now() - started) / 1000;
      return { ...report, problems, seconds };
    });
  } finally {
    if (!opts.embeddings) await embeddings.dispose();
  }
}

type LockedReport = Omit<IngestReport, 'problems' | 'seconds'>;

async function ingestLocked(
  config: Config,
  embeddings: TransformersEmbeddings,
  articles: Article[],
  opts: IngestOptions,
): Promise<LockedReport> {
  const notes: string[] = [];
  const previous = opts.rebuild ? null : await loadPrevious(config, embeddings, notes);
  const plan = planChanges(config, articles, previous?.manifest ?? null);

  const fresh = plan.toEmbed.map((article) => ({ article, chunks: chunkArticle(article, config.chunking) }));
  const freshChunks = fresh.flatMap((f) => f.chunks);
  const embedStarted = performance.now();
  const freshVectors = await embedChunks(embeddings, fresh, opts.onProgress);
  const embedSeconds = (performance.now() - embedStarted) / 1000;

  const vectors = await updateVectors(config, embeddings, previous, plan, freshChunks, freshVectors);
  // Unchanged articles keep their stored chunks (not re-chunked): those match their stored vectors.
  const chunksByArticle = new Map(fresh.map((f) => [f.article.id, f.chunks]));
  for (const id of plan.unchanged) chunksByArticle.set(id, keptChunks(previous, id));
  const allChunks = articles.flatMap((a) => chunksByArticle.get(a.id) ?? []);
  // Rebuilt rather than patched: BM25 statistics of an index with discarded documents drift,
  // and indexing text is fast next to embedding it.
  const lexical = LexicalIndex.create();
  lexical.add(allChunks);

  const finished = (phase: IngestProgress['phase']) => {
    const [articlesEmbedded, chunksEmbedded] = [plan.toEmbed.length, freshChunks.length];
    opts.onProgress?.(progress(phase, articlesEmbedded, articlesEmbedded, chunksEmbedded, chunksEmbedded, embedSeconds));
  };
  finished('writing');
  const now = new Date().toISOString();
  const manifest: IndexManifest = {
    ...expectedSettings(config, embeddings.dimensions),
    articles: Object.fromEntries(
      articles.map((a) => [
        a.id,
        {
          contentHash: plan.hashes.get(a.id)!,
          chunkIds: (chunksByArticle.get(a.id) ?? []).map((c) => c.chunkId),
          sourceFile: a.sourceFile,
        },
      ]),
    ),
    chunkCount: allChunks.length,
    createdAt: previous?.manifest.createdAt ?? now,
    updatedAt: now,
  };
  const generationDir = await writeIndexGeneration(config.paths.indexDir, {
    manifest,
    articles,
    chunks: allChunks,
    vectors,
    lexical,
  });
  finished('done');

  return {
    indexDir: config.paths.indexDir,
    generationDir,
    rebuilt: previous === null,
    notes,
    added: plan.added,
    changed: plan.changed,
    removed: plan.removed,
    unchanged: plan.unchanged,
    articlesTotal: articles.length,
    chunksEmbedded: freshChunks.length,
    chunksTotal: allChunks.length,
    embedSeconds,
    chunksPerSecond: embedSeconds > 0 ? freshChunks.length / embedSeconds : 0,
  };
}

/**
 * The current index, to build on. None yet, or a damaged one, means starting from scratch (a
 * damaged index holds nothing worth keeping); one built with other settings is refused, because
 * silently re-embedding everything can take long and may not be what the operator meant.
 */
async function loadPrevious(
  config: Config,
  embeddings: TransformersEmbeddings,
  notes: string[],
): Promise<LoadedIndex | null> {
  try {
    return await loadIndex(config, embeddings, { skipLexical: true });
  } catch (err) {
    if (err instanceof IndexMissingError) return null;
    if (err instanceof IndexCorruptError) {
      notes.push(`The previous index could not be used and was rebuilt: ${err.message}`);
      return null;
    }
    throw err;
  }
}

interface ChangePlan {
  hashes: Map<string, string>;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  toEmbed: Article[];
  /** Chunk ids of the previous index that must go (changed and removed articles). */
  obsoleteChunkIds: string[];
}

function planChanges(config: Config, articles: Article[], previous: IndexManifest | null): ChangePlan {
  const plan: ChangePlan = {
    hashes: new Map(),
    added: [],
    changed: [],
    removed: [],
    unchanged: [],
    toEmbed: [],
    obsoleteChunkIds: [],
  };
  for (const article of articles) {
    const hash = articleContentHash(article, config);
    plan.hashes.set(article.id, hash);
    const known = previous?.articles[article.id];
    if (known?.contentHash === hash) {
      plan.unchanged.push(article.id);
      continue;
    }
    plan.toEmbed.push(article);
    if (known) {
      plan.changed.push(article.id);
      plan.obsoleteChunkIds.push(...known.chunkIds);
    } else {
      plan.added.push(article.id);
    }
  }
  for (const [id, entry] of Object.entries(previous?.articles ?? {})) {
    if (plan.hashes.has(id)) continue;
    plan.removed.push(id);
    plan.obsoleteChunkIds.push(...entry.chunkIds);
  }
  return plan;
}

function keptChunks(previous: LoadedIndex | null, articleId: string): Chunk[] {
  const ids = previous?.manifest.articles[articleId]?.chunkIds ?? [];
  // loadIndex has checked that every chunk the manifest lists is in the chunk store.
  return ids.map((id) => previous!.chunks.get(id)!);
}

/** The text embedded for a chunk: the title gives short passages the context they lack. */
export function embeddingText(chunk: Chunk): string {
  return `${chunk.title}\n${chunk.text}`;
}

async function embedChunks(
  embeddings: TransformersEmbeddings,
  work: Array<{ article: Article; chunks: Chunk[] }>,
  onProgress: IngestOptions['onProgress'],
): Promise<Float32Array[]> {
  const chunks = work.flatMap((w) => w.chunks);
  const texts = chunks.map(embeddingText);
  const articleOf = work.flatMap((w, a) => w.chunks.map(() => a));
  const chunksLeft = work.map((w) => w.chunks.length);

  // A batch is padded to its longest text, so the whole run goes in length order (similar
  // lengths share a batch); vectors are put back in chunk order.
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const vectors = new Array<Float32Array>(chunks.length);
  let chunksDone = 0;
  let articlesDone = work.filter((w) => w.chunks.length === 0).length;
  const started = performance.now();
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    onProgress?.(progress('embedding', articlesDone, work.length, chunksDone, chunks.length, seconds));
  };
  report();
  // Slices of a few batches, for frequent progress.
  const slice = Math.max(32, embeddings.batchSize * 4);
  for (let from = 0; from < order.length; from += slice) {
    const picked = order.slice(from, from + slice);
    const out = await embeddings.embedPassagesRaw(picked.map((i) => texts[i]!));
    picked.forEach((i, j) => {
      vectors[i] = out[j]!;
      if (--chunksLeft[articleOf[i]!]! === 0) articlesDone++;
    });
    chunksDone += picked.length;
    report();
  }
  return vectors;
}

function progress(
  phase: IngestProgress['phase'],
  articlesDone: number,
  articlesTotal: number,
  chunksDone: number,
  chunksTotal: number,
  seconds: number,
): IngestProgress {
  const rate = seconds > 0 ? chunksDone / seconds : 0;
  return {
    phase,
    articlesDone,
    articlesTotal,
    chunksDone,
    chunksTotal,
    chunksPerSecond: rate,
    etaSeconds: rate > 0 ? (chunksTotal - chunksDone) / rate : null,
  };
}

async function updateVectors(
  config: Config,
  embeddings: TransformersEmbeddings,
  previous: LoadedIndex | null,
  plan: ChangePlan,
  freshChunks: Chunk[],
  freshVectors: Float32Array[],
): Promise<HnswVectorStore> {
  let store =
    previous?.vectors ??
    HnswVectorStore.create(
      embeddings,
      { dimensions: embeddings.dimensions, ...config.hnsw },
      freshChunks.length,
    );
  store.deleteByChunkIds(plan.obsoleteChunkIds);
  await store.addVectors(
    freshVectors,
    freshChunks.map((c) => new Document({ pageContent: c.text, metadata: { chunkId: c.chunkId, documentId: c.documentId } })),
  );
  if (store.deletedCount > COMPACT_WHEN_DELETED_SHARE * (store.size + store.deletedCount)) {
    store = store.compacted();
  }
  store.setEf(config.hnsw.efSearch);
  return store;
}
