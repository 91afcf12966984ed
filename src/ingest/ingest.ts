import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { loadCorpus } from '../corpus/load.js';
import type { Article, CorpusProblem, LoadedCorpus } from '../corpus/types.js';
import { IndexCorruptError } from '../store/errors.js';
import { makeArchiveStore } from '../store/index.js';
import { storeSettings } from '../store/settings.js';
import type { ArchiveStore, CompactionReport, StoreWriter } from '../store/types.js';
import { chunkArticle } from './chunk.js';
import { EmptyCorpusError } from './errors.js';
import { articleContentHash, articleTextHash, compareStoredHash } from './contentHash.js';
import { TransformersEmbeddings } from './embeddings.js';
import type { ArticleEntry, Chunk, CommitSummary, IngestSink } from './types.js';

/**
 * Articles embedded together: their chunks go through the model in length order (a batch is
 * padded to its longest text), then each article is handed to the store. Small enough that
 * memory stays flat and progress is frequent, large enough for length sorting to pay.
 */
const EMBED_ARTICLES = 64;

export interface IngestProgress {
  /** `settling`: everything is committed; the store is finishing background work (a merge) before the run ends. */
  phase: 'embedding' | 'writing' | 'settling' | 'done';
  /** Articles to write in this run (to embed, or to file again under new metadata), and how many are finished. */
  articlesDone: number;
  articlesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  chunksPerSecond: number;
  /** Seconds left for the embedding phase, when it can be estimated. */
  etaSeconds: number | null;
  /** Articles of this run already committed (safe from a crash), and embedded but not yet committed. */
  articlesCommitted: number;
  articlesPending: number;
}

export interface IngestReport {
  indexDir: string;
  /** The last commit of this run. */
  commit: CommitSummary;
  /** Commits this run made (each one durable). */
  commits: number;
  /** True when every article was embedded from scratch (no usable previous archive, or --rebuild). */
  rebuilt: boolean;
  /** Things worth telling the operator that are not file problems. */
  notes: string[];
  added: string[];
  changed: string[];
  /** Changed articles whose text was unchanged: filed again under their new metadata, nothing embedded. */
  metadataOnly: string[];
  removed: string[];
  unchanged: string[];
  articlesTotal: number;
  chunksEmbedded: number;
  chunksTotal: number;
  problems: CorpusProblem[];
  seconds: number;
  embedSeconds: number;
  chunksPerSecond: number;
  compaction: CompactionReport | null;
}

export interface IngestOptions {
  /** Ignore the existing archive (also one built with other settings) and embed everything. */
  rebuild?: boolean;
  /** Merge every segment into one at the end (`npm run ingest -- --compact`). */
  compact?: boolean;
  /** A loaded model to reuse; otherwise one is loaded from the configuration and disposed after. */
  embeddings?: TransformersEmbeddings;
  onProgress?: (p: IngestProgress) => void;
  /** An already loaded corpus; otherwise `config.paths.corpusDir` is read. */
  corpus?: LoadedCorpus;
  /** The archive to write; otherwise the one the configuration names. */
  store?: ArchiveStore;
}

export { EmptyCorpusError };

/** The text embedded for a chunk: the title gives short passages the context they lack. */
export function embeddingText(chunk: Chunk): string {
  return `${chunk.title}\n${chunk.text}`;
}

/**
 * Brings the archive in line with the corpus: embeds only new and changed articles, removes
 * the others' absent ones, and commits every `INGEST_COMMIT_ARTICLES` articles or
 * `INGEST_COMMIT_SECONDS` seconds, so a run killed half-way and started again redoes only the
 * batch that was in flight (committed articles have their hashes in the archive).
 * @throws IndexMismatchError when the existing archive was built with other settings (unless `rebuild`)
 */
export async function ingestCorpus(config: Config, opts: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const corpus = opts.corpus ?? (await loadCorpus(config.paths.corpusDir));
  const { articles, problems } = corpus;
  if (articles.length === 0) {
    const listed = problems.length > 0 ? ` (${problems.length} file(s) could not be read)` : '';
    throw new EmptyCorpusError(
      `No articles found in ${config.paths.corpusDir}${listed}. Set CORPUS_DIR (or --corpus) to a folder of .md, .txt or .jsonl articles.`,
    );
  }
  const embeddings = opts.embeddings ?? (await TransformersEmbeddings.create(config.embedding));
  try {
    const store = opts.store ?? makeArchiveStore(config, storeSettings(config, embeddings.dimensions));
    const notes: string[] = [];
    const writer = await openWriter(store, opts.rebuild ?? false, notes);
    try {
      const report = await ingestInto(config, writer, embeddings, articles, opts, notes);
      return { ...report, problems, seconds: (performance.now() - started) / 1000 };
    } finally {
      await writer.close();
    }
  } finally {
    if (!opts.embeddings) await embeddings.dispose();
  }
}

/** A damaged archive holds nothing worth keeping: it is rebuilt, and the operator told. */
async function openWriter(store: ArchiveStore, rebuild: boolean, notes: string[]): Promise<StoreWriter> {
  try {
    return await store.openWriter({ rebuild });
  } catch (err) {
    if (rebuild || !(err instanceof IndexCorruptError)) throw err;
    notes.push(`The previous index could not be used and was rebuilt: ${err.message}`);
    return store.openWriter({ rebuild: true });
  }
}

interface ChangePlan {
  hashes: Map<string, string>;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  /** Changed articles whose text may be what the archive holds: filed again without embedding if so. */
  maybeMetadataOnly: Article[];
  toEmbed: Article[];
}

function planChanges(config: Config, articles: Article[], stored: Map<string, string>): ChangePlan {
  const plan: ChangePlan = { hashes: new Map(), added: [], changed: [], removed: [], unchanged: [], maybeMetadataOnly: [], toEmbed: [] };
  for (const article of articles) {
    plan.hashes.set(article.id, articleContentHash(article, config));
    const known = stored.get(article.id);
    if (known === undefined) {
      plan.added.push(article.id);
      plan.toEmbed.push(article);
      continue;
    }
    const change = compareStoredHash(known, article, config);
    if (change === 'unchanged') {
      plan.unchanged.push(article.id);
      continue;
    }
    plan.changed.push(article.id);
    (change === 'text' ? plan.toEmbed : plan.maybeMetadataOnly).push(article);
  }
  for (const id of stored.keys()) if (!plan.hashes.has(id)) plan.removed.push(id);
  return plan;
}

/**
 * The article filed again under its new metadata with the vectors the archive holds for it,
 * when its text is the stored one (same passages, same embedded texts); undefined when it must
 * be embedded.
 */
async function refiledEntry(config: Config, sink: IngestSink, article: Article, contentHash: string): Promise<ArticleEntry | undefined> {
  const stored = await sink.storedArticle(article.id);
  if (!stored || articleTextHash(stored.article, config) !== articleTextHash(article, config)) return undefined;
  const passages = chunkArticle(article, config.chunking);
  if (passages.length !== stored.vectors.length) return undefined;
  return { article, passages, vectors: stored.vectors, contentHash };
}

async function ingestInto(
  config: Config,
  writer: StoreWriter,
  embeddings: TransformersEmbeddings,
  articles: Article[],
  opts: IngestOptions,
  notes: string[],
): Promise<Omit<IngestReport, 'problems' | 'seconds'>> {
  const stored = await writer.articleHashes();
  const plan = planChanges(config, articles, stored);

  // Removals are staged first: they go out with the first commit.
  for (const id of plan.removed) await writer.remove(id);

  const counts = { articlesDone: 0, chunksDone: 0, committed: 0, pending: 0, commits: 0 };
  let embedSeconds = 0;
  let lastCommit = performance.now();
  let commit: CommitSummary | null = null;
  // Removals and a rebuild's replacement of the archive go out with the first commit.
  let removalsStaged = plan.removed.length > 0 || opts.rebuild === true;
  const commitNow = async () => {
    const changes = counts.pending > 0 || removalsStaged;
    commit = await writer.commit();
    if (changes) counts.commits++;
    removalsStaged = false;
    counts.committed += counts.pending;
    counts.pending = 0;
    lastCommit = performance.now();
  };

  // Metadata-only changes first: no model, just the article's record and filter fields rewritten.
  const metadataOnly: string[] = [];
  for (const article of plan.maybeMetadataOnly) {
    const entry = await refiledEntry(config, writer, article, plan.hashes.get(article.id)!);
    if (!entry) {
      plan.toEmbed.push(article);
      continue;
    }
    await writer.upsert(entry);
    metadataOnly.push(article.id);
    counts.articlesDone++;
    counts.pending++;
    if (counts.pending >= config.ingest.commitArticles) await commitNow();
  }
  const work = plan.toEmbed.map((article) => ({ article, chunks: chunkArticle(article, config.chunking) }));
  const chunksTotal = work.reduce((n, w) => n + w.chunks.length, 0);

  const report = (phase: IngestProgress['phase']) => {
    const rate = embedSeconds > 0 ? counts.chunksDone / embedSeconds : 0;
    opts.onProgress?.({
      phase,
      articlesDone: counts.articlesDone,
      articlesTotal: metadataOnly.length + work.length,
      chunksDone: counts.chunksDone,
      chunksTotal,
      chunksPerSecond: rate,
      etaSeconds: rate > 0 ? (chunksTotal - counts.chunksDone) / rate : null,
      articlesCommitted: counts.committed,
      articlesPending: counts.pending,
    });
  };
  report('embedding');
  const batchSize = Math.min(EMBED_ARTICLES, config.ingest.commitArticles);
  for (let from = 0; from < work.length; from += batchSize) {
    const batch = work.slice(from, from + batchSize);
    const t0 = performance.now();
    const vectors = await embedInLengthOrder(embeddings, batch.flatMap((w) => w.chunks));
    embedSeconds += (performance.now() - t0) / 1000;
    let at = 0;
    for (const { article, chunks } of batch) {
      const entry: ArticleEntry = {
        article,
        passages: chunks,
        vectors: vectors.slice(at, at + chunks.length),
        contentHash: plan.hashes.get(article.id)!,
      };
      at += chunks.length;
      await writer.upsert(entry);
      counts.articlesDone++;
      counts.chunksDone += chunks.length;
      counts.pending++;
    }
    const due =
      counts.pending >= config.ingest.commitArticles || performance.now() - lastCommit >= config.ingest.commitSeconds * 1000;
    if (due) await commitNow();
    report('embedding');
  }
  report('writing');
  if (counts.pending > 0 || removalsStaged || commit === null) await commitNow();
  const compaction = opts.compact ? await writer.compact() : null;
  if (compaction) commit = await writer.commit();
  if (writer.hasBackgroundWork()) report('settling');
  await writer.settle();
  report('done');

  return {
    indexDir: config.paths.indexDir,
    commit: commit!,
    commits: counts.commits,
    rebuilt: stored.size === 0,
    notes,
    added: plan.added,
    changed: plan.changed,
    metadataOnly,
    removed: plan.removed,
    unchanged: plan.unchanged,
    articlesTotal: articles.length,
    chunksEmbedded: chunksTotal,
    chunksTotal: commit!.passages,
    embedSeconds,
    chunksPerSecond: embedSeconds > 0 ? chunksTotal / embedSeconds : 0,
    compaction,
  };
}

/** Embeds passages sorted by length (similar lengths share a padded batch); vectors come back in passage order. */
async function embedInLengthOrder(embeddings: TransformersEmbeddings, chunks: Chunk[]): Promise<Float32Array[]> {
  const texts = chunks.map(embeddingText);
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const out = await embeddings.embedPassagesRaw(order.map((i) => texts[i]!));
  const vectors = new Array<Float32Array>(chunks.length);
  order.forEach((i, j) => (vectors[i] = out[j]!));
  return vectors;
}
