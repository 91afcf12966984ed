import { randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { Article, LoadedCorpus } from '../corpus/types.js';
import { LEXICAL_FORMAT_VERSION, LexicalIndex } from '../store/embedded/lexical.js';
import { NORMALIZATION_VERSION } from '../text/clean.js';
import { sha256Hex } from './checksum.js';
import type { TransformersEmbeddings } from './embeddings.js';
import { HnswVectorStore, VECTORS_FILE, VECTORS_META_FILE, VectorStoreCorruptError } from '../store/embedded/hnswStore.js';
import type { Chunk } from './types.js';
import { IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError } from '../store/errors.js';
import type { SettingDifference } from '../store/settings.js';

/**
 * The persisted index: `<indexDir>/CURRENT` names the live generation folder
 * (`gen-<time>-<rand>/`), which holds every file of one complete, consistent index. A new
 * generation is written and fsynced in full before CURRENT is swapped by rename, so a crash at
 * any point leaves the previous generation loadable; stray folders are removed by the next ingest.
 */

export const INDEX_FORMAT_VERSION = 1;
export const CURRENT_FILE = 'CURRENT';
export const MANIFEST_FILE = 'manifest.json';
export const ARTICLES_FILE = 'articles.jsonl';
export const CHUNKS_FILE = 'chunks.jsonl';
export const LEXICAL_FILE = 'lexical.bin';
/** Where format 1 (MiniSearch's JSON) kept the lexical index. */
const LEGACY_LEXICAL_FILE = 'lexical.json';
const LOCK_FILE = '.ingest.lock';
const GENERATION_PREFIX = 'gen-';
const GENERATION_NAME = /^gen-[A-Za-z0-9-]+$/;

/**
 * Part of every article's content hash: bump it when the text that is embedded for a chunk
 * changes (now `${title}\n${chunk.text}`), so the next ingest re-embeds everything.
 */
export const EMBEDDING_TEXT_VERSION = 1;

const manifestSchema = z.object({
  formatVersion: z.number().int(),
  model: z.string(),
  dimensions: z.number().int().positive(),
  dtype: z.string(),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  normalizationVersion: z.number().int(),
  chunking: z.object({ maxChars: z.number().int(), overlapSentences: z.number().int() }),
  articles: z.record(
    z.string(),
    z.object({ contentHash: z.string(), chunkIds: z.array(z.string()), sourceFile: z.string() }),
  ),
  chunkCount: z.number().int().nonnegative(),
  /**
   * The lexical index file: its format and checksum. Absent in indexes written before format 2
   * (whose lexical.json is rebuilt by the next ingest, without re-embedding).
   */
  lexical: z.object({ formatVersion: z.number().int(), sha256: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type IndexManifest = z.infer<typeof manifestSchema>;
export type ManifestArticle = IndexManifest['articles'][string];

const articleSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  outlet: z.string().nullable(),
  publishedAt: z.string().nullable(),
  text: z.string(),
  sourceFile: z.string(),
  originalFile: z.string().nullable(),
  url: z.string().nullable(),
});

const chunkSchema = z.object({
  chunkId: z.string().min(1),
  documentId: z.string().min(1),
  ordinal: z.number().int().nonnegative(),
  text: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  title: z.string(),
  outlet: z.string().nullable(),
  publishedAt: z.string().nullable(),
});

export interface LoadedIndex {
  /** The generation folder the index was read from. */
  dir: string;
  manifest: IndexManifest;
  articles: Map<string, Article>;
  chunks: Map<string, Chunk>;
  vectors: HnswVectorStore;
  lexical: LexicalIndex;
}

export { IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError } from '../store/errors.js';
export type { SettingDifference } from '../store/settings.js';

/** Settings an index's vectors and chunks depend on; any difference makes the index unusable. */
export type IndexSettings = Pick<
  IndexManifest,
  'formatVersion' | 'model' | 'dimensions' | 'dtype' | 'queryPrefix' | 'passagePrefix' | 'normalizationVersion' | 'chunking'
>;

/**
 * The model as recorded in the manifest: a local folder by its name, not its absolute path, so an
 * index stays valid when the checkout moves (tests, CI and servers use different roots).
 */
export function modelIdentity(config: Config): string {
  return config.embedding.isLocal ? path.basename(config.embedding.model) : config.embedding.model;
}

export function expectedSettings(config: Config, dimensions: number): IndexSettings {
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    model: modelIdentity(config),
    dimensions,
    dtype: config.embedding.dtype,
    queryPrefix: config.embedding.queryPrefix,
    passagePrefix: config.embedding.passagePrefix,
    normalizationVersion: NORMALIZATION_VERSION,
    chunking: { ...config.chunking },
  };
}

export function settingDifferences(manifest: IndexSettings, expected: IndexSettings): SettingDifference[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['index format version', manifest.formatVersion, expected.formatVersion],
    ['EMBEDDING_MODEL', manifest.model, expected.model],
    ['EMBEDDING_DTYPE', manifest.dtype, expected.dtype],
    ['embedding dimensions', manifest.dimensions, expected.dimensions],
    ['EMBEDDING_QUERY_PREFIX', manifest.queryPrefix, expected.queryPrefix],
    ['EMBEDDING_PASSAGE_PREFIX', manifest.passagePrefix, expected.passagePrefix],
    ['text normalisation version', manifest.normalizationVersion, expected.normalizationVersion],
    ['CHUNK_MAX_CHARS', manifest.chunking.maxChars, expected.chunking.maxChars],
    ['CHUNK_OVERLAP_SENTENCES', manifest.chunking.overlapSentences, expected.chunking.overlapSentences],
  ];
  return pairs
    .filter(([, a, b]) => a !== b)
    .map(([setting, a, b]) => ({ setting, inIndex: String(a), inConfig: String(b) }));
}

/**
 * Hash of everything an article's stored chunks and vectors depend on besides the global
 * settings: the cleaned article with its metadata, the chunking settings and the recipe of the
 * embedded text. Equal hash ⇒ its chunks and vectors can be kept.
 */
export function articleContentHash(article: Article, config: Config): string {
  const payload = JSON.stringify([
    EMBEDDING_TEXT_VERSION,
    config.chunking.maxChars,
    config.chunking.overlapSentences,
    article.id,
    article.title,
    article.outlet,
    article.publishedAt,
    article.url,
    article.sourceFile,
    article.originalFile,
    article.text,
  ]);
  return sha256Hex(payload);
}

export interface Staleness {
  stale: boolean;
  added: string[];
  changed: string[];
  removed: string[];
}

/** What an ingest of `corpus` would change in the index described by `manifest`. */
export function checkIndexStaleness(config: Config, corpus: LoadedCorpus, manifest: IndexManifest): Staleness {
  const added: string[] = [];
  const changed: string[] = [];
  const seen = new Set<string>();
  for (const article of corpus.articles) {
    seen.add(article.id);
    const known = manifest.articles[article.id];
    if (!known) added.push(article.id);
    else if (known.contentHash !== articleContentHash(article, config)) changed.push(article.id);
  }
  const removed = Object.keys(manifest.articles).filter((id) => !seen.has(id));
  return { stale: added.length + changed.length + removed.length > 0, added, changed, removed };
}

/**
 * Whether the index's lexical part was written in an older format. It is rebuilt from the
 * stored chunks by any ingest, even one with no article changes (no re-embedding).
 */
export function lexicalIndexOutdated(manifest: IndexManifest): boolean {
  return manifest.lexical?.formatVersion !== LEXICAL_FORMAT_VERSION;
}

/** A one-line summary for CLIs and logs. */
export function describeIndex(index: Pick<LoadedIndex, 'dir' | 'manifest'>): string {
  const m = index.manifest;
  return (
    `Index ${index.dir}: ${Object.keys(m.articles).length} articles, ${m.chunkCount} chunks; ` +
    `model ${m.model} (${m.dtype}, ${m.dimensions} dims); updated ${m.updatedAt}`
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The live generation folder, or null when there is no CURRENT pointer. */
export async function currentGenerationDir(indexDir: string): Promise<string | null> {
  let name: string;
  try {
    name = (await fs.readFile(path.join(indexDir, CURRENT_FILE), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw corrupt(indexDir, `${CURRENT_FILE} is unreadable (${(err as Error).message})`);
  }
  if (!GENERATION_NAME.test(name)) throw corrupt(indexDir, `${CURRENT_FILE} does not name a generation folder`);
  return path.join(indexDir, name);
}

/** Reads and validates only the manifest of the live generation (cheap; no vectors). */
export async function readManifest(indexDir: string): Promise<{ dir: string; manifest: IndexManifest }> {
  const dir = await currentGenerationDir(indexDir);
  if (dir === null) throw new IndexMissingError(`No index in ${indexDir}. Run \`npm run ingest\`.`);
  const file = path.join(dir, MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw corrupt(indexDir, `${file} is unreadable (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(indexDir, `${file} is invalid (${issue?.path.join('.')}: ${issue?.message})`);
  }
  return { dir, manifest: parsed.data };
}

export interface LoadIndexOptions {
  /**
   * Skip reading the lexical index (ingest rebuilds it anyway). The returned `lexical` is then
   * an empty index.
   */
  skipLexical?: boolean;
}

/**
 * Loads the live generation and checks it against the configuration and itself.
 * @throws IndexMissingError, IndexCorruptError, IndexMismatchError
 */
export async function loadIndex(
  config: Config,
  embeddings: TransformersEmbeddings,
  opts: LoadIndexOptions = {},
): Promise<LoadedIndex> {
  const indexDir = config.paths.indexDir;
  try {
    return await loadGeneration(config, embeddings, opts);
  } catch (err) {
    // A concurrent ingest may have swapped CURRENT and removed the folder we were reading:
    // one retry on the new generation covers that.
    if (!(err instanceof IndexCorruptError)) throw err;
    const firstDir = err.generationDir;
    const nowDir = await currentGenerationDir(indexDir).catch(() => null);
    if (firstDir === undefined || nowDir === null || nowDir === firstDir) throw err;
    return loadGeneration(config, embeddings, opts);
  }
}

async function loadGeneration(
  config: Config,
  embeddings: TransformersEmbeddings,
  opts: LoadIndexOptions,
): Promise<LoadedIndex> {
  const indexDir = config.paths.indexDir;
  const { dir, manifest } = await readManifest(indexDir);
  const differences = settingDifferences(manifest, expectedSettings(config, embeddings.dimensions));
  if (differences.length > 0) throw new IndexMismatchError(indexDir, differences);

  try {
    const articleList = await readJsonl(path.join(dir, ARTICLES_FILE), articleSchema);
    const chunkList = await readJsonl(path.join(dir, CHUNKS_FILE), chunkSchema);
    const articles = new Map(articleList.map((a) => [a.id, a]));
    const chunks = new Map(chunkList.map((c) => [c.chunkId, c]));
    checkConsistency(manifest, articles, chunks);

    let vectors: HnswVectorStore;
    try {
      vectors = await HnswVectorStore.load(dir, embeddings, { efSearch: config.hnsw.efSearch });
    } catch (err) {
      throw new ConsistencyError(err instanceof VectorStoreCorruptError ? err.message : String(err));
    }
    if (vectors.dimensions !== manifest.dimensions) {
      throw new ConsistencyError(`the vectors have ${vectors.dimensions} dimensions, the manifest says ${manifest.dimensions}`);
    }
    if (vectors.size !== chunks.size || chunkList.some((c) => !vectors.has(c.chunkId))) {
      throw new ConsistencyError(`${vectors.size} vectors for ${chunks.size} chunks`);
    }

    let lexical = LexicalIndex.create();
    if (!opts.skipLexical) {
      lexical = await readLexical(indexDir, dir, manifest);
      if (lexical.size !== chunks.size || chunkList.some((c) => !lexical.has(c.chunkId))) {
        throw new ConsistencyError(`the lexical index holds ${lexical.size} chunks, not the ${chunks.size} of ${CHUNKS_FILE}`);
      }
    }
    return { dir, manifest, articles, chunks, vectors, lexical };
  } catch (err) {
    if (err instanceof ConsistencyError) throw corrupt(indexDir, err.message, dir);
    throw err;
  }
}

async function readLexical(indexDir: string, dir: string, manifest: IndexManifest): Promise<LexicalIndex> {
  if (lexicalIndexOutdated(manifest)) {
    const found = manifest.lexical ? `format ${manifest.lexical.formatVersion}` : `the ${LEGACY_LEXICAL_FILE} of format 1`;
    throw new IndexCorruptError(
      `The keyword index in ${indexDir} was written by an older version (${found}; this version reads format ` +
        `${LEXICAL_FORMAT_VERSION}). Run \`npm run ingest\` to rebuild it from the stored chunks (nothing is re-embedded).`,
      dir,
    );
  }
  const file = path.join(dir, LEXICAL_FILE);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new ConsistencyError(`${file} is unreadable (${(err as Error).message})`);
  }
  // Like the vectors: a damaged file must be refused, not searched.
  if (sha256Hex(bytes) !== manifest.lexical?.sha256) throw new ConsistencyError(`${file} does not match its checksum (the file is damaged)`);
  try {
    return LexicalIndex.fromBytes(bytes);
  } catch (err) {
    throw new ConsistencyError(`${file}: ${(err as Error).message}`);
  }
}

/** Internal: a reason the generation cannot be used, turned into IndexCorruptError by the caller. */
class ConsistencyError extends Error {}

function corrupt(indexDir: string, reason: string, generationDir?: string): IndexCorruptError {
  return new IndexCorruptError(
    `The index in ${indexDir} is damaged or incomplete: ${reason}. Run \`npm run ingest -- --rebuild\`.`,
    generationDir,
  );
}

function checkConsistency(manifest: IndexManifest, articles: Map<string, Article>, chunks: Map<string, Chunk>): void {
  let listed = 0;
  for (const [id, entry] of Object.entries(manifest.articles)) {
    const article = articles.get(id);
    if (!article) throw new ConsistencyError(`article ${id} is in the manifest but not in ${ARTICLES_FILE}`);
    for (const chunkId of entry.chunkIds) {
      const chunk = chunks.get(chunkId);
      if (!chunk) throw new ConsistencyError(`chunk ${chunkId} is in the manifest but not in ${CHUNKS_FILE}`);
      if (article.text.slice(chunk.start, chunk.end) !== chunk.text) {
        throw new ConsistencyError(`chunk ${chunkId} does not match its article's text`);
      }
      listed++;
    }
  }
  if (listed !== chunks.size || manifest.chunkCount !== chunks.size || articles.size !== Object.keys(manifest.articles).length) {
    throw new ConsistencyError(
      `the manifest lists ${listed} chunks (chunkCount ${manifest.chunkCount}), ${CHUNKS_FILE} holds ${chunks.size}`,
    );
  }
}

async function readJsonl<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ConsistencyError(`${file} is unreadable (${(err as Error).message})`);
  }
  const rows: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ConsistencyError(`${file} line ${i + 1} is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ConsistencyError(`${file} line ${i + 1} has the wrong shape`);
    rows.push(parsed.data);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface IndexContent {
  manifest: IndexManifest;
  articles: Article[];
  chunks: Chunk[];
  vectors: HnswVectorStore;
  lexical: LexicalIndex;
}

/**
 * Writes `content` as a new generation, makes it live, and removes every other generation
 * (older ones and partial leftovers of crashed runs). Returns the new generation folder.
 */
export async function writeIndexGeneration(indexDir: string, content: IndexContent): Promise<string> {
  await fs.mkdir(indexDir, { recursive: true });
  const name = `${GENERATION_PREFIX}${Date.now()}-${randomBytes(4).toString('hex')}`;
  const dir = path.join(indexDir, name);
  await fs.mkdir(dir);

  await writeDurably(path.join(dir, ARTICLES_FILE), jsonLines(content.articles));
  await writeDurably(path.join(dir, CHUNKS_FILE), jsonLines(content.chunks));
  const lexicalBytes = content.lexical.toBytes();
  await writeDurably(path.join(dir, LEXICAL_FILE), [lexicalBytes]);
  await content.vectors.save(dir);
  await fsyncPath(path.join(dir, VECTORS_FILE));
  await fsyncPath(path.join(dir, VECTORS_META_FILE));
  // The manifest goes last: a generation without one was never finished.
  const manifest: IndexManifest = {
    ...content.manifest,
    lexical: { formatVersion: LEXICAL_FORMAT_VERSION, sha256: sha256Hex(lexicalBytes) },
  };
  await writeDurably(path.join(dir, MANIFEST_FILE), [JSON.stringify(manifest, null, 1)]);
  await fsyncDir(dir);

  const tmp = path.join(indexDir, `${CURRENT_FILE}.tmp-${randomBytes(4).toString('hex')}`);
  await writeDurably(tmp, [name + '\n']);
  await fs.rename(tmp, path.join(indexDir, CURRENT_FILE));
  await fsyncDir(indexDir);

  await removeOtherGenerations(indexDir, name);
  return dir;
}

/** Deletes every generation folder but `keep`, and temp pointer files of interrupted swaps. */
export async function removeOtherGenerations(indexDir: string, keep: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await fs.readdir(indexDir)) {
    const stray = (entry.startsWith(GENERATION_PREFIX) && entry !== keep) || entry.startsWith(`${CURRENT_FILE}.tmp-`);
    if (!stray) continue;
    // Best effort: the new generation is already live, a leftover only costs disk space.
    await fs.rm(path.join(indexDir, entry), { recursive: true, force: true }).catch(() => undefined);
    removed.push(entry);
  }
  return removed;
}

/**
 * Takes `<indexDir>/.ingest.lock` for the duration of `work`, so two ingests cannot delete each
 * other's generation. A lock left by a process that no longer runs is taken over.
 */
export async function withIngestLock<T>(indexDir: string, work: () => Promise<T>): Promise<T> {
  await fs.mkdir(indexDir, { recursive: true });
  const lockPath = path.join(indexDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new IndexBusyError(
          `Another ingest (pid ${holder}) is writing ${indexDir}. Wait for it to finish, or delete ${lockPath} if that process is gone.`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function* jsonLines(rows: readonly unknown[]): Generator<string> {
  // Joined in slices: one string for a large corpus could exceed V8's string limit.
  const SLICE = 1000;
  for (let from = 0; from < rows.length; from += SLICE) {
    yield rows
      .slice(from, from + SLICE)
      .map((r) => JSON.stringify(r) + '\n')
      .join('');
  }
}

async function writeDurably(file: string, parts: Iterable<string | Uint8Array>): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    for (const part of parts) await handle.writeFile(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes created/renamed entries durable; some platforms (Windows) cannot open folders: skip. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here; rename is still atomic, only durability across power loss is weaker.
  } finally {
    await handle?.close();
  }
}
