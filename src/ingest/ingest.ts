import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { readCorpus, type CorpusItem } from '../corpus/load.js';
import type { Article, CorpusProblem, LoadedCorpus } from '../corpus/types.js';
import { IndexCorruptError } from '../store/errors.js';
import { makeArchiveStore } from '../store/index.js';
import { storeSettings } from '../store/settings.js';
import type { ArchiveStore, CompactionReport, StoreWriter } from '../store/types.js';
import { chunkArticle } from './chunk.js';
import { EmptyCorpusError } from './errors.js';
import { articleContentHash, articleTextHash, compareStoredHash } from './contentHash.js';
import { TransformersEmbeddings } from './embeddings.js';
import { IdDigests } from './idDigests.js';
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
  /** Articles the archive already held as the corpus has them: counted, not listed (most of a large archive). */
  unchanged: number;
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
  /**
   * Add and update the corpus folder's articles and keep the archive's others (`npm run ingest --
   * --add`): a folder of new articles (an hour's news) is filed without the whole archive's corpus
   * being read again, in time that grows with the folder, not with the archive.
   */
  keepAbsent?: boolean;
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

/** Where an ingest reads its articles: read anew for each pass, so the corpus is never held whole. */
type CorpusSource = () => AsyncIterable<CorpusItem>;

function corpusSource(config: Config, corpus: LoadedCorpus | undefined): CorpusSource {
  if (!corpus) return () => readCorpus(config.paths.corpusDir, { skipDirs: [config.paths.indexDir] });
  return async function* () {
    for (const article of corpus.articles) yield { article, where: article.sourceFile };
    for (const problem of corpus.problems) yield { problem };
  };
}

/**
 * Brings the archive in line with the corpus: embeds only new and changed articles, removes
 * the others' absent ones, and commits every `INGEST_COMMIT_ARTICLES` articles or
 * `INGEST_COMMIT_SECONDS` seconds, so a run killed half-way and started again redoes only the
 * batch that was in flight (committed articles have their hashes in the archive). The corpus is
 * read twice, an article at a time: once to plan (ids and hashes), once to embed what changed;
 * memory does not grow with its size.
 * @throws IndexMismatchError when the existing archive was built with other settings (unless `rebuild`)
 */
export async function ingestCorpus(config: Config, opts: IngestOptions = {}): Promise<IngestReport> {
  const started = performance.now();
  const source = corpusSource(config, opts.corpus);
  const embeddings = opts.embeddings ?? (await TransformersEmbeddings.create(config.embedding));
  try {
    const store = opts.store ?? makeArchiveStore(config, storeSettings(config, embeddings.dimensions));
    const notes: string[] = [];
    const writer = await openWriter(store, opts.rebuild ?? false, notes);
    try {
      const plan = await planChanges(config, source, writer, opts.keepAbsent ?? false);
      if (plan.articles === 0) {
        const listed = plan.problems.length > 0 ? ` (${plan.problems.length} file(s) could not be read)` : '';
        throw new EmptyCorpusError(
          `No articles found in ${config.paths.corpusDir}${listed}. Set CORPUS_DIR (or --corpus) to a folder of .md, .txt or .jsonl articles.`,
        );
      }
      const report = await ingestInto(config, writer, embeddings, source, plan, opts, notes);
      return { ...report, problems: plan.problems, seconds: (performance.now() - started) / 1000 };
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

/** What the first pass over the corpus found: what to do with each article (by id). */
interface ChangePlan {
  articles: number;
  problems: CorpusProblem[];
  /**
   * The first pass's hash of each article to embed or file again: the second pass embeds one
   * whose file changed in between as it is then. Unchanged articles are only counted, so the
   * plan of a small update to a large archive stays small.
   */
  planned: Map<string, string>;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  /** Changed articles whose text may be what the archive holds: filed again without embedding if so. */
  maybeMetadataOnly: Set<string>;
  toEmbed: Set<string>;
  /** Passages of the articles to embed. */
  chunksToEmbed: number;
}

/** Articles looked up in the archive at a time while planning. */
const PLAN_BATCH = 512;

async function planChanges(config: Config, source: CorpusSource, sink: IngestSink, keepAbsent: boolean): Promise<ChangePlan> {
  const plan: ChangePlan = {
    articles: 0,
    problems: [],
    planned: new Map(),
    added: [],
    changed: [],
    removed: [],
    unchanged: 0,
    maybeMetadataOnly: new Set(),
    toEmbed: new Set(),
    chunksToEmbed: 0,
  };
  const inCorpus = new IdDigests();
  const embed = (article: Article, hash: string) => {
    plan.planned.set(article.id, hash);
    plan.toEmbed.add(article.id);
    plan.chunksToEmbed += chunkArticle(article, config.chunking).length;
  };
  let batch: Article[] = [];
  const classify = async () => {
    const stored = await sink.storedHashes(batch.map((a) => a.id));
    for (const article of batch) {
      const hash = articleContentHash(article, config);
      const known = stored.get(article.id);
      if (known === undefined) {
        plan.added.push(article.id);
        embed(article, hash);
        continue;
      }
      const change = compareStoredHash(known, article, config);
      if (change === 'unchanged') {
        plan.unchanged++;
        continue;
      }
      plan.changed.push(article.id);
      if (change === 'text') embed(article, hash);
      else {
        plan.planned.set(article.id, hash);
        plan.maybeMetadataOnly.add(article.id);
      }
    }
    batch = [];
  };
  for await (const item of source()) {
    if ('problem' in item) {
      plan.problems.push(item.problem);
      continue;
    }
    plan.articles++;
    inCorpus.add(item.article.id);
    batch.push(item.article);
    if (batch.length >= PLAN_BATCH) await classify();
  }
  await classify();
  if (keepAbsent) return plan;
  for await (const ids of sink.storedIds()) for (const id of ids) if (!inCorpus.has(id)) plan.removed.push(id);
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

/**
 * The second pass: the planned articles read again, one at a time. One whose hash differs from
 * the first pass's (its file changed in between) is embedded as it is now; the next run sees the rest.
 */
async function ingestInto(
  config: Config,
  writer: StoreWriter,
  embeddings: TransformersEmbeddings,
  source: CorpusSource,
  plan: ChangePlan,
  opts: IngestOptions,
  notes: string[],
): Promise<Omit<IngestReport, 'problems' | 'seconds'>> {
  // Removals are staged first: they go out with the first commit.
  for (const id of plan.removed) await writer.remove(id);

  const counts = { articlesDone: 0, chunksDone: 0, committed: 0, pending: 0, commits: 0, chunksTotal: plan.chunksToEmbed };
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
  const articlesTotal = plan.maybeMetadataOnly.size + plan.toEmbed.size;
  const report = (phase: IngestProgress['phase']) => {
    const rate = embedSeconds > 0 ? counts.chunksDone / embedSeconds : 0;
    opts.onProgress?.({
      phase,
      articlesDone: counts.articlesDone,
      articlesTotal,
      chunksDone: counts.chunksDone,
      chunksTotal: counts.chunksTotal,
      chunksPerSecond: rate,
      etaSeconds: rate > 0 ? (counts.chunksTotal - counts.chunksDone) / rate : null,
      articlesCommitted: counts.committed,
      articlesPending: counts.pending,
    });
  };
  const commitIfDue = async () => {
    const due =
      counts.pending >= config.ingest.commitArticles || performance.now() - lastCommit >= config.ingest.commitSeconds * 1000;
    if (due) await commitNow();
  };

  const metadataOnly: string[] = [];
  let embedded = 0;
  const batchSize = Math.min(EMBED_ARTICLES, config.ingest.commitArticles);
  let batch: Array<{ article: Article; chunks: Chunk[]; contentHash: string }> = [];
  const embedBatch = async () => {
    if (batch.length === 0) return;
    const t0 = performance.now();
    const vectors = await embedInLengthOrder(embeddings, batch.flatMap((w) => w.chunks));
    embedSeconds += (performance.now() - t0) / 1000;
    let at = 0;
    for (const { article, chunks, contentHash } of batch) {
      await writer.upsert({ article, passages: chunks, vectors: vectors.slice(at, at + chunks.length), contentHash });
      at += chunks.length;
      counts.articlesDone++;
      counts.chunksDone += chunks.length;
      counts.pending++;
      embedded += chunks.length;
    }
    batch = [];
    await commitIfDue();
    report('embedding');
  };

  report('embedding');
  for await (const item of source()) {
    if ('problem' in item) continue;
    const { article } = item;
    const planned = plan.planned.get(article.id);
    if (planned === undefined) continue;
    const metadata = plan.maybeMetadataOnly.has(article.id);
    const contentHash = articleContentHash(article, config);
    if (metadata && contentHash === planned) {
      // Metadata-only changes need no model: the article's record and filter fields are rewritten.
      const entry = await refiledEntry(config, writer, article, contentHash);
      if (entry) {
        await writer.upsert(entry);
        metadataOnly.push(article.id);
        counts.articlesDone++;
        counts.pending++;
        await commitIfDue();
        continue;
      }
    }
    const chunks = chunkArticle(article, config.chunking);
    if (metadata || contentHash !== planned) counts.chunksTotal += chunks.length;
    batch.push({ article, chunks, contentHash });
    if (batch.length >= batchSize) await embedBatch();
  }
  await embedBatch();
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
    // Nothing was in the archive: every article new, none to remove (which --add does not look for).
    rebuilt: opts.rebuild === true || (!opts.keepAbsent && plan.added.length === plan.articles && plan.removed.length === 0),
    notes,
    added: plan.added,
    changed: plan.changed,
    metadataOnly,
    removed: plan.removed,
    unchanged: plan.unchanged,
    articlesTotal: plan.articles,
    chunksEmbedded: embedded,
    chunksTotal: commit!.passages,
    embedSeconds,
    chunksPerSecond: embedSeconds > 0 ? embedded / embedSeconds : 0,
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
