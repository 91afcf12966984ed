import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmAnswerer } from '../answer/llm.js';
import { makeChatService, type ChatLogger, type ChatService } from '../chat/chatService.js';
import { makeInMemoryConversationStore, type ConversationStore } from '../chat/conversations.js';
import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { hybridSettingsFromConfig, makeHybridSearch, type HybridSearcher } from '../retrieval/hybrid.js';
import { makeArchiveStore, recordedStoreSettings, storeSettings } from '../store/index.js';
import type { CommitInfo, StoreIntegrity, StoreReader, StoreSnapshot } from '../store/types.js';

/**
 * The composition root: the one place that builds the product from the configuration. The
 * server, the CLIs, the evaluation and the benchmarks get their model, archive, searcher and
 * chat service from here, and see the archive only through the store interface.
 */

/** What `/ready` and the CLIs say about the archive being served. */
export interface ArchiveStatus {
  model: string;
  commit: Pick<CommitInfo, 'id' | 'sequence' | 'committedAt'>;
  articles: number;
  chunks: number;
  /** The store's checks of the files it serves (a damaged archive is reported, not served as ready). */
  integrity: StoreIntegrity;
}

/** The archive as the product reads it: the model, the newest commit (followed), the searcher over it. */
export interface Archive {
  readonly embeddings: TransformersEmbeddings;
  readonly searcher: HybridSearcher;
  /** The commit reads go to: the one `readOneCommit` pinned for this request, else the newest seen. */
  snapshot(): StoreSnapshot;
  /**
   * Runs `work` with every read it makes (searches included, however many) pinned to the commit
   * that is newest now: one request never sees a mix of two commits.
   */
  readOneCommit<T>(work: () => T): T;
  article(id: string): Promise<Article | undefined>;
  status(): ArchiveStatus;
  /** Looks for a newer commit now (the reader also polls by itself when following). */
  refresh(): Promise<boolean>;
  /** Called after each newer commit is loaded; returns an unsubscribe function. */
  onCommit(listener: (commit: CommitInfo) => void): () => void;
  /** Closes the reader, and the model when the archive loaded it. */
  close(): Promise<void>;
}

export interface ArchiveOptions {
  /** A loaded model to share (left open by `close()`); otherwise loaded from the configuration. */
  embeddings?: TransformersEmbeddings;
  /** Follow new commits (a server does; a one-shot CLI does not). Default true. */
  follow?: boolean;
}

/** The archive over a reader: searches, article reads and status all go through one snapshot source. */
export function archiveOver(config: Config, reader: StoreReader, embeddings: TransformersEmbeddings, close: () => Promise<void>): Archive {
  const pinned = new AsyncLocalStorage<StoreSnapshot>();
  const snapshot = () => pinned.getStore() ?? reader.snapshot();
  const searcher = makeHybridSearch({ snapshot, embedQuery: (q) => embeddings.embedQuery(q) }, hybridSettingsFromConfig(config));
  let closing: Promise<void> | undefined;
  return {
    embeddings,
    searcher,
    snapshot,
    readOneCommit: (work) => pinned.run(reader.snapshot(), work),
    article: (id) => snapshot().article(id),
    status() {
      const { commit } = snapshot();
      return {
        model: embeddings.modelId,
        commit: { id: commit.id, sequence: commit.sequence, committedAt: commit.committedAt },
        articles: commit.articles,
        chunks: commit.passages,
        integrity: reader.integrity(),
      };
    },
    refresh: () => reader.refresh(),
    onCommit: (listener) => reader.onCommit(listener),
    close: () => (closing ??= close()),
  };
}

/** A reader that stays on one snapshot, for an archive that never changes (an in-memory evaluation set). */
export function fixedReader(snapshot: StoreSnapshot): StoreReader {
  return {
    snapshot: () => snapshot,
    integrity: () => ({ state: 'verified', problem: null }),
    refresh: async () => false,
    onCommit: () => () => undefined,
    close: async () => undefined,
  };
}

/**
 * Loads the model (unless given) and opens the configured archive for reading. Both take about
 * as long (the model's session and tokenizer; the archive's files, checksums, graph and postings),
 * so they are started together: the reader opens with the dimensions the archive records, and the
 * model's own are checked against them once it is loaded. Whatever goes wrong is reported as when
 * the model is loaded first and the reader opened with its dimensions (the same errors, the same
 * messages): a model that does not load, then whatever the store finds wrong with the archive.
 * @throws ModelLoadError, and the store's errors for a missing, damaged or mismatched archive
 */
export async function openArchive(config: Config, opts: ArchiveOptions = {}): Promise<Archive> {
  const follow = opts.follow ?? true;
  if (opts.embeddings) return archiveWithModel(config, opts.embeddings, { owned: false, follow });
  // Unknown (no commit yet, or a commit file the reader will complain about): no early reader.
  const recorded = await recordedStoreSettings(config).catch(() => undefined);
  // The reader first: its files are read and checked off this thread while transformers.js loads.
  const reader = recorded ? openReader(config, recorded.dimensions, follow) : Promise.resolve(undefined);
  const [early, model] = await Promise.allSettled([reader, loadModel(config)]);
  const earlyReader = early.status === 'fulfilled' ? early.value : undefined;
  if (model.status === 'rejected') {
    await earlyReader?.close();
    throw model.reason;
  }
  const embeddings = model.value;
  if (earlyReader && embeddings.dimensions === recorded?.dimensions) return archiveOver(config, earlyReader, embeddings, closer(earlyReader, embeddings, true));
  // The early reader failed, or read an archive of other dimensions than the model's: opened
  // again with the model's, the store reports every setting that differs.
  await earlyReader?.close();
  return archiveWithModel(config, embeddings, { owned: true, follow });
}

/** The configured model; transformers.js (a third of a second to import) is loaded here, when first needed. */
async function loadModel(config: Config): Promise<TransformersEmbeddings> {
  const { TransformersEmbeddings } = await import('../ingest/embeddings.js');
  return TransformersEmbeddings.create(config.embedding);
}

function openReader(config: Config, dimensions: number, follow: boolean): Promise<StoreReader> {
  return makeArchiveStore(config, storeSettings(config, dimensions)).openReader({ follow });
}

/** The archive read with a loaded model (`owned`: disposed with the archive, or when it fails to open). */
async function archiveWithModel(config: Config, embeddings: TransformersEmbeddings, opts: { owned: boolean; follow: boolean }): Promise<Archive> {
  let reader: StoreReader;
  try {
    reader = await openReader(config, embeddings.dimensions, opts.follow);
  } catch (err) {
    if (opts.owned) await embeddings.dispose();
    throw err;
  }
  return archiveOver(config, reader, embeddings, closer(reader, embeddings, opts.owned));
}

function closer(reader: StoreReader, embeddings: TransformersEmbeddings, ownsEmbeddings: boolean): () => Promise<void> {
  return async () => {
    await reader.close();
    if (ownsEmbeddings) await embeddings.dispose();
  };
}

/**
 * The answerer LLM_PROVIDER asks for; undefined for "none". The LLM client libraries are loaded
 * only when one is configured: importing them costs about a second of every server's start.
 */
export async function openLlmAnswerer(config: Config): Promise<LlmAnswerer | undefined> {
  if (config.llm.provider === 'none') return undefined;
  return (await import('../answer/llm.js')).makeLlmAnswererFromConfig(config);
}

/** The configured conversation store, and how to release it (the Redis client is loaded only for Redis). */
export async function openConversationStore(config: Config): Promise<{ store: ConversationStore; close(): Promise<void> }> {
  const c = config.conversations;
  if (c.store === 'redis' && c.redisUrl) {
    const { makeRedisConversationStore } = await import('../chat/redisConversationStore.js');
    const store = await makeRedisConversationStore({ url: c.redisUrl, prefix: c.redisPrefix, maxTurns: c.maxTurns, ttlMs: c.ttlMs });
    return { store, close: () => store.close() };
  }
  return { store: makeInMemoryConversationStore(c), close: async () => undefined };
}

/** Everything the server and the CLIs answer with. */
export interface Product {
  config: Config;
  archive: Archive;
  chat: ChatService;
  conversations: ConversationStore;
  /** Releases what `makeProduct` opened itself (not what it was given). */
  close(): Promise<void>;
}

export interface ProductOptions extends ArchiveOptions {
  /** An open archive to answer from (shared, left open by `close()`); otherwise opened from the configuration. */
  archive?: Archive;
  /** The answering model; undefined = from the configuration (LLM_PROVIDER), null = none. */
  llm?: LlmAnswerer | null;
  /** Conversations to keep turns in (left open by `close()`); otherwise the configured store. */
  conversations?: ConversationStore;
  logger?: ChatLogger;
}

/** Builds the product from the configuration: model, archive, searcher, answerer and chat service. */
export async function makeProduct(config: Config, opts: ProductOptions = {}): Promise<Product> {
  const owned: Array<() => Promise<void>> = [];
  const closeOwned = async () => {
    for (const close of owned.splice(0).reverse()) await close();
  };
  try {
    const llm = opts.llm === undefined ? await openLlmAnswerer(config) : (opts.llm ?? undefined);
    let conversations = opts.conversations;
    if (!conversations) {
      const opened = await openConversationStore(config);
      owned.push(() => opened.close());
      conversations = opened.store;
    }
    let archive = opts.archive;
    if (!archive) {
      const opened = await openArchive(config, { embeddings: opts.embeddings, follow: opts.follow });
      owned.push(() => opened.close());
      archive = opened;
    }
    const chat = makeChatService({
      config,
      searcher: archive.searcher,
      store: conversations,
      ...(llm ? { llm } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      facets: () => archive.snapshot().facets(),
    });
    let closing: Promise<void> | undefined;
    return { config, archive, chat, conversations, close: () => (closing ??= closeOwned()) };
  } catch (err) {
    await closeOwned();
    throw err;
  }
}
