import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { sha256Hex } from '../../ingest/checksum.js';
import { ArticleTable, ArticleTableBuilder, ArticleTableFormatError } from './articleTable.js';
import { CheckedFileReader, type CheckedRead } from './checkedFiles.js';
import { InvertedIndex, type IndexPart } from './invertedIndex.js';
import { QuantizedVectors, QuantizedVectorsBuilder } from './quantized.js';
import { readInvertedIndex } from './lexical.js';
import { FileAppender, fsyncDir, fsyncFile, LineWriter, readLines, replaceFileAtomically, sha256OfFile, writeFileDurably } from './files.js';
import {
  releaseGraph,
  Segment,
  SegmentBuilder,
  articleMetaSchema,
  storedArticleSchema,
  type ArticleTexts,
  type BuiltSegment,
  type GraphParams,
  type PassageTable,
  type SegmentInput,
  type StoredArticle,
  type StoredVectors,
} from './segment.js';

const { HierarchicalNSW } = hnswlib;

/**
 * A segment on disk is one folder, written once and never changed:
 *
 *   segment.json      counts, dimensions, byte size and sha256 of every other file (written last)
 *   articles.jsonl    one article per line (text and metadata), read on demand by offset
 *   articles.offsets  byte offset of each line (f64, articles + 1 values)
 *   meta.bin          the articles' metadata (no text) as columns (articleTable.ts): what is kept in memory
 *   passages.bin      u32 columns: article number, ordinal, start, end (passage text is a slice of its article)
 *   vectors.f32       the unit vectors, passage after passage
 *   codes.q8          their int8 codes, scales and error radii (quantized.ts), what exact scans read
 *   graph.hnsw        hnswlib's HNSW graph (label = passage number)
 *   lexical.bin       the inverted index (document number = passage number)
 *
 * Format 1 (still read, no longer written) kept the metadata as meta.jsonl, one JSON line per
 * article, parsed at every load; format 2 replaced it with meta.bin. Code that knows only format 1
 * refuses a format 2 segment by its segment.json rather than looking for a file it lacks.
 */

export const SEGMENT_FORMAT_VERSION = 2;
/** The format whose metadata is meta.jsonl. */
const JSONL_META_FORMAT = 1;
const FILES = {
  manifest: 'segment.json',
  articles: 'articles.jsonl',
  offsets: 'articles.offsets',
  meta: 'meta.jsonl',
  table: 'meta.bin',
  passages: 'passages.bin',
  vectors: 'vectors.f32',
  codes: 'codes.q8',
  graph: 'graph.hnsw',
  lexical: 'lexical.bin',
} as const;
/** The files `writeSegment` writes and records in segment.json. */
const CHECKED = [FILES.articles, FILES.offsets, FILES.table, FILES.passages, FILES.vectors, FILES.codes, FILES.graph, FILES.lexical];
/** Articles whose parsed form is kept per segment, for passages read again by the next queries. */
const ARTICLES_CACHED = 256;

const segmentManifestSchema = z.object({
  formatVersion: z.union([z.literal(JSONL_META_FORMAT), z.literal(SEGMENT_FORMAT_VERSION)]),
  articles: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  dimensions: z.number().int().positive(),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string() })),
});

/** A segment's folder is missing, damaged or inconsistent. */
export class SegmentCorruptError extends Error {
  override readonly name = 'SegmentCorruptError';
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** What writing a segment keeps in memory: the articles' metadata and the passage count (the rest is on disk). */
export interface WrittenSegment {
  name: string;
  articles: ArticleTable;
  passageCount: number;
  /** Nothing left to release (the graph is freed once written); kept so callers may close it like a segment. */
  close(): Promise<void>;
}

/**
 * Writes a segment from `inputs` into the new folder `dir` and fsyncs everything. Streamed:
 * each article's text and each passage's float vector go to disk as they come (the graph keeps
 * its own copy of the vectors while it is built), and files are hashed as they are written, so
 * a merge holds no float vectors of its own and never reads a whole file back.
 */
export async function writeSegment(
  dir: string,
  dimensions: number,
  params: GraphParams,
  capacity: number,
  inputs: Iterable<SegmentInput> | AsyncIterable<SegmentInput>,
  /** The passages' lexical index when it is already made (merged from the sources'); built from the texts otherwise. */
  lexical: InvertedIndex | null = null,
): Promise<WrittenSegment> {
  await fs.mkdir(dir);
  const hash = new Map<string, string>();
  const articles = await LineWriter.create(path.join(dir, FILES.articles));
  const vectors = await FileAppender.create(path.join(dir, FILES.vectors));
  let built: BuiltSegment;
  try {
    const builder = new SegmentBuilder(dimensions, params, capacity, {
      article: (a) => articles.appendLine(JSON.stringify(a)),
      vector: (v) => vectors.append(bytesOf(v)),
    }, lexical);
    for await (const input of inputs) await builder.add(input);
    built = builder.finish();
  } finally {
    hash.set(FILES.articles, await articles.close());
    hash.set(FILES.vectors, await vectors.close());
  }
  try {
    const offsets = Float64Array.from([...articles.offsets, articles.length]);
    const binaries: Array<[string, Uint8Array]> = [
      [FILES.offsets, bytesOf(offsets)],
      [FILES.table, built.articles.toBytes()],
      [FILES.passages, passageBytes(built.passages)],
      [FILES.lexical, built.lexical.toBytes()],
      [FILES.codes, built.codes.toBytes()],
    ];
    for (const [name, bytes] of binaries) {
      await writeFileDurably(path.join(dir, name), [bytes]);
      hash.set(name, sha256Hex(bytes));
    }
    const graphFile = path.join(dir, FILES.graph);
    await built.graph.writeIndex(graphFile);
    await fsyncFile(graphFile);
    hash.set(FILES.graph, await sha256OfFile(graphFile));
  } finally {
    releaseGraph(built.graph);
  }

  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const name of CHECKED) files[name] = { bytes: (await fs.stat(path.join(dir, name))).size, sha256: hash.get(name)! };
  const manifest: z.infer<typeof segmentManifestSchema> = {
    formatVersion: SEGMENT_FORMAT_VERSION,
    articles: built.articles.length,
    passages: built.passages.article.length,
    dimensions,
    files,
  };
  // segment.json goes last: a folder without it was never finished.
  await writeFileDurably(path.join(dir, FILES.manifest), [JSON.stringify(manifest, null, 1)]);
  await fsyncDir(dir);
  return { name: path.basename(dir), articles: built.articles, passageCount: built.passages.article.length, close: async () => {} };
}

/** A segment to merge: its folder and its tombstones (per article number, 1 = deleted; null = none). */
export interface MergeSource {
  dir: string;
  deleted: Uint8Array | null;
}

/**
 * Writes the live articles of `sources`, in order, as one new segment in the new folder `dir`.
 * The lexical index is merged from the sources' saved indexes (no text is tokenised again, and
 * no table of every term is held); the graph is built again from the stored vectors, streamed
 * article by article.
 * @throws SegmentCorruptError
 */
export async function mergeSegments(
  dir: string,
  dimensions: number,
  params: GraphParams,
  sources: readonly MergeSource[],
  /**
   * Called before each article is written, with how many were (a test throws here to fail a
   * merge midway, or returns a promise that never settles to hold it midway).
   */
  beforeArticle?: (written: number) => void | Promise<void>,
): Promise<WrittenSegment> {
  const live = (s: MergeSource) => (n: number) => s.deleted === null || s.deleted[n] === 0;
  const parts: IndexPart[] = [];
  let capacity = 0;
  for (const source of sources) {
    const { articles, lexical } = await readSegmentLexical(source.dir);
    const keep = new Uint8Array(lexical.size);
    let p = 0;
    articles.passageCounts.forEach((count, n) => {
      if (live(source)(n)) {
        keep.fill(1, p, p + count);
        capacity += count;
      }
      p += count;
    });
    parts.push({ index: lexical, keep });
  }
  const lexical = parts.length > 0 ? InvertedIndex.merge(parts) : null;
  parts.length = 0; // the sources' indexes are not needed any more
  async function* inputs(): AsyncGenerator<SegmentInput> {
    let written = 0;
    for (const source of sources) {
      for await (const input of segmentArticles(source.dir, dimensions, live(source))) {
        const held = beforeArticle?.(written++);
        if (held) await held;
        yield input;
      }
    }
  }
  return writeSegment(dir, dimensions, params, capacity, inputs(), lexical);
}

/** A segment's metadata and lexical index, checked against its checksums. */
async function readSegmentLexical(dir: string): Promise<{ articles: ArticleTable; lexical: InvertedIndex }> {
  const manifest = await readSegmentManifest(dir);
  const files = CheckedFileReader.start();
  try {
    const [articles, bytes] = await Promise.all([readArticleTable(files, dir, manifest), readChecked(files, dir, manifest, FILES.lexical)]);
    let lexical: InvertedIndex;
    try {
      lexical = readInvertedIndex(bytes);
    } catch (err) {
      throw new SegmentCorruptError(`${dir}: ${(err as Error).message}`);
    }
    if (lexical.size !== manifest.passages || sum(articles.passageCounts) !== manifest.passages) {
      throw new SegmentCorruptError(`${dir}: its files disagree on the number of passages`);
    }
    return { articles, lexical };
  } finally {
    await files.close();
  }
}

/** A file whose checksum is still to be verified: its size was, at load. */
export interface FileCheck {
  file: string;
  bytes: number;
  sha256: string;
}

/** The large files a reader may check after loading (graph, lexical index, codes, metadata): most of a start's reading. */
const CHECKED_LATER = new Set<string>([FILES.graph, FILES.lexical, FILES.codes, FILES.table]);

/**
 * Loads a segment folder: binaries are read whole and checked against their checksums (hnswlib
 * reads raw memory from the graph file and can crash on damaged bytes), or only against their
 * sizes when `later` takes their checksums; article texts stay on disk behind an open file handle.
 * @throws SegmentCorruptError
 */
export async function readSegment(
  dir: string,
  dimensions: number,
  efSearch: number,
  /** A checking thread to use (a reader loading many segments starts one per queue, not one per segment). */
  shared?: CheckedFileReader,
  /**
   * Given, the large files are loaded after a check of their size only, and their checksums are
   * handed here to be verified later (`verifyFile`); otherwise every file is verified first.
   */
  later?: (check: FileCheck) => void,
): Promise<Segment> {
  const manifest = await readSegmentManifest(dir);
  if (manifest.dimensions !== dimensions) {
    throw new SegmentCorruptError(`${dir} holds vectors of ${manifest.dimensions} dimensions, the archive ${dimensions}`);
  }
  // The files are independent: asked for at once, so the reading and hashing (a worker thread)
  // and hnswlib's parse (its own thread) overlap with the parses on this thread.
  const files = shared ?? CheckedFileReader.start();
  const deferred = (name: string) => later !== undefined && CHECKED_LATER.has(name);
  /** Checks a deferred file's size now and hands its checksum to `later`. */
  const checkLater = async (name: string) => {
    await checkSize(dir, manifest, name);
    later!(fileCheck(dir, manifest, name));
  };
  const read = async (name: string) => {
    if (!deferred(name)) return readChecked(files, dir, manifest, name);
    await checkLater(name);
    return fs.readFile(path.join(dir, name)).catch((err: Error) => {
      throw new SegmentCorruptError(`${path.join(dir, name)} is unreadable (${err.message})`);
    });
  };
  const loadGraph = async () => {
    // Checked before hnswlib parses it (it reads the file itself), unless the caller checks it later.
    await (deferred(FILES.graph) ? checkLater(FILES.graph) : checkFile(files, dir, manifest, FILES.graph));
    const graph = new HierarchicalNSW('cosine', dimensions);
    await graph.readIndex(path.join(dir, FILES.graph));
    graph.setEf(efSearch);
    return graph;
  };
  const loadArticles = async () => {
    if (manifest.formatVersion === JSONL_META_FORMAT) return readMeta(files, dir, manifest);
    return articleTableOf(dir, await read(FILES.table));
  };
  const loadLexical = async () => {
    const bytes = await read(FILES.lexical);
    try {
      return readInvertedIndex(bytes);
    } catch (err) {
      throw new SegmentCorruptError(`${dir}: ${(err as Error).message}`);
    }
  };
  // Files read by offset (texts, float vectors) are checked for their size here and whole when
  // a merge reads them; reading them through at every start would cost more than the rest.
  const loadCodes = async () => {
    if (!manifest.files[FILES.codes]) {
      // Written before the codes had a file: made from the float vectors, checked whole first.
      await checkFile(files, dir, manifest, FILES.vectors);
      return encodeVectorsFile(path.join(dir, FILES.vectors), dimensions);
    }
    await checkSize(dir, manifest, FILES.vectors);
    const bytes = await read(FILES.codes);
    try {
      return QuantizedVectors.fromBytes(bytes, dimensions);
    } catch (err) {
      throw new SegmentCorruptError(`${dir}: ${(err as Error).message}`);
    }
  };
  let loaded;
  try {
    // The worker serves requests in this order: first what this thread then parses (metadata) or
    // hnswlib parses on its own thread (the graph), so both overlap with the hashing that follows.
    loaded = await Promise.all([
      loadArticles(),
      read(FILES.offsets).then(toF64),
      read(FILES.passages).then(passageTable),
      loadGraph(),
      loadLexical(),
      loadCodes(),
      checkSize(dir, manifest, FILES.articles),
    ]);
  } finally {
    if (!shared) await files.close();
  }
  const [articles, offsets, passages, graph, lexical, codes] = loaded;
  const n = passages.article.length;
  if (
    articles.length !== manifest.articles ||
    offsets.length !== manifest.articles + 1 ||
    n !== manifest.passages ||
    codes.count !== n ||
    lexical.size !== n ||
    graph.getCurrentCount() !== n ||
    sum(articles.passageCounts) !== n
  ) {
    throw new SegmentCorruptError(`${dir}: its files disagree on the number of articles or passages`);
  }
  const texts = await fileTexts(path.join(dir, FILES.articles), offsets);
  const floats = await fileVectors(path.join(dir, FILES.vectors), dimensions, n);
  return new Segment(path.basename(dir), articles, passages, codes, dimensions, graph, lexical, texts, floats);
}

type SegmentManifest = z.infer<typeof segmentManifestSchema>;

/** A segment file, read whole, when it has the size and checksum its manifest gives. */
async function readChecked(files: CheckedFileReader, dir: string, manifest: SegmentManifest, name: string): Promise<Buffer> {
  const read = await checkedRead(files, dir, manifest, name, true);
  return read.bytes!;
}

/** Checks a segment file against its manifest without keeping its bytes. */
async function checkFile(files: CheckedFileReader, dir: string, manifest: SegmentManifest, name: string): Promise<void> {
  await checkedRead(files, dir, manifest, name, false);
}

/** What the manifest records of a segment file: its path, size and checksum. */
function fileCheck(dir: string, manifest: SegmentManifest, name: string): FileCheck {
  const file = path.join(dir, name);
  const expected = manifest.files[name];
  if (!expected) throw new SegmentCorruptError(`${file} has no checksum in its segment.json`);
  return { file, bytes: expected.bytes, sha256: expected.sha256 };
}

type FileVerdict = { kind: 'ok'; read: Extract<CheckedRead, { kind: 'read' }> } | { kind: 'damaged' | 'unreadable'; message: string };

/** What a read of a file says about it against what its manifest records. */
function verdictOf(read: CheckedRead, check: FileCheck): FileVerdict {
  if (read.kind === 'error') return { kind: 'unreadable', message: `${check.file} is unreadable (${read.message})` };
  if (read.kind === 'size' || read.sha256 !== check.sha256) {
    return { kind: 'damaged', message: `${check.file} does not match its checksum (the file is damaged)` };
  }
  return { kind: 'ok', read };
}

/**
 * What is wrong with a file handed to `readSegment`'s `later` (`ok` when it matches its checksum).
 * A file that is gone is reported as unreadable (the caller knows whether its segment still counts).
 */
export async function verifyFile(files: CheckedFileReader, check: FileCheck): Promise<FileVerdict> {
  return verdictOf(await files.read(check.file, check.bytes, false), check);
}

/** Checks that a segment file has the size its manifest gives (the cheap part of `checkFile`). */
async function checkSize(dir: string, manifest: SegmentManifest, name: string): Promise<void> {
  const { file, bytes } = fileCheck(dir, manifest, name);
  const size = await fs.stat(file).then((s) => s.size, (err: Error) => err);
  if (size instanceof Error) throw new SegmentCorruptError(`${file} is unreadable (${size.message})`);
  if (size !== bytes) throw new SegmentCorruptError(`${file} does not match its checksum (the file is damaged)`);
}

async function checkedRead(files: CheckedFileReader, dir: string, manifest: SegmentManifest, name: string, keep: boolean) {
  const check = fileCheck(dir, manifest, name);
  const verdict = verdictOf(await files.read(check.file, check.bytes, keep), check);
  if (verdict.kind !== 'ok') throw new SegmentCorruptError(verdict.message);
  return verdict.read;
}

export async function readSegmentManifest(dir: string): Promise<SegmentManifest> {
  const file = path.join(dir, FILES.manifest);
  try {
    return segmentManifestSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch (err) {
    throw new SegmentCorruptError(`${file} is missing or invalid (${(err as Error).message})`);
  }
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The article table saved in `bytes` (a segment's meta.bin). */
function articleTableOf(dir: string, bytes: Uint8Array): ArticleTable {
  try {
    return ArticleTable.fromBytes(bytes);
  } catch (err) {
    if (err instanceof ArticleTableFormatError) throw new SegmentCorruptError(`${path.join(dir, FILES.table)} is invalid (${err.message})`);
    throw err;
  }
}

/** A segment's article table, checked against its checksum: meta.bin, or made from meta.jsonl in a format 1 segment. */
async function readArticleTable(files: CheckedFileReader, dir: string, manifest: SegmentManifest): Promise<ArticleTable> {
  if (manifest.formatVersion === JSONL_META_FORMAT) return readMeta(files, dir, manifest);
  return articleTableOf(dir, await readChecked(files, dir, manifest, FILES.table));
}

/**
 * The article table of a format 1 segment, from its metadata lines (one per article, no text:
 * about 330 bytes each), read whole and checked against the checksum off the main thread, then
 * parsed line by line into the table (no array of every article's object is held). Streaming
 * them through readline cost the server's start twice the parse, on the main thread.
 */
async function readMeta(files: CheckedFileReader, dir: string, manifest: SegmentManifest): Promise<ArticleTable> {
  const file = path.join(dir, FILES.meta);
  const lines = (await readChecked(files, dir, manifest, FILES.meta)).toString('utf8').split(/\r?\n/);
  const table = new ArticleTableBuilder();
  let line = 0;
  try {
    for (const text of lines) {
      if (text.length === 0) continue;
      line++;
      table.add(articleMetaSchema.parse(JSON.parse(text)));
    }
  } catch (err) {
    throw new SegmentCorruptError(`${file} line ${line} is invalid (${(err as Error).message})`);
  }
  return table.finish();
}

/**
 * The articles of a segment, in order, each with its passages and vectors: what a merge feeds to
 * `writeSegment`. Streamed: the files are checked against their checksums first (read in
 * pieces, not kept), then texts are read line by line and vectors article by article, so a merge
 * never holds a source segment's vectors whole.
 * @throws SegmentCorruptError
 */
export async function* segmentArticles(dir: string, dimensions: number, keep: (articleNumber: number) => boolean): AsyncGenerator<SegmentInput> {
  const manifest = await readSegmentManifest(dir);
  if (manifest.dimensions !== dimensions) {
    throw new SegmentCorruptError(`${dir} holds vectors of ${manifest.dimensions} dimensions, the archive ${dimensions}`);
  }
  const files = CheckedFileReader.start();
  let articles: ArticleTable;
  let passages: PassageTable;
  try {
    [articles, passages] = await Promise.all([
      readArticleTable(files, dir, manifest),
      readChecked(files, dir, manifest, FILES.passages).then(passageTable),
      checkFile(files, dir, manifest, FILES.articles),
      checkFile(files, dir, manifest, FILES.vectors),
    ]);
  } finally {
    await files.close();
  }
  const vectorBytes = dimensions * 4;
  const vectors = await fs.open(path.join(dir, FILES.vectors), 'r');
  try {
    let n = 0;
    let first = 0;
    for await (const line of readLines(path.join(dir, FILES.articles))) {
      const number = n++;
      if (number >= articles.length) throw new SegmentCorruptError(`${dir}: articles.jsonl holds more articles than its metadata`);
      const passageCount = articles.passageCounts[number]!;
      const from = first;
      first += passageCount;
      if (!keep(number)) continue;
      const article: StoredArticle = storedArticleSchema.parse(JSON.parse(line));
      const buffer = Buffer.alloc(passageCount * vectorBytes);
      const { bytesRead } = await vectors.read(buffer, 0, buffer.length, from * vectorBytes);
      if (bytesRead !== buffer.length) throw new SegmentCorruptError(`${dir}: vectors.f32 is shorter than its segment says`);
      const flat = toF32(buffer);
      const own = [];
      const vs = [];
      for (let i = 0; i < passageCount; i++) {
        const p = from + i;
        own.push({ ordinal: passages.ordinal[p]!, start: passages.start[p]!, end: passages.end[p]! });
        vs.push(flat.subarray(i * dimensions, (i + 1) * dimensions));
      }
      yield { article, passages: own, vectors: vs };
    }
    if (n !== articles.length) throw new SegmentCorruptError(`${dir}: articles.jsonl holds fewer articles than its metadata`);
  } finally {
    await vectors.close();
  }
}

/**
 * One article of a segment with its passages' vectors, read by offset without loading the
 * segment: what the writer needs to file an article again under new metadata.
 * @throws SegmentCorruptError
 */
export async function readSegmentArticle(
  dir: string,
  dimensions: number,
  at: { articleNumber: number; firstPassage: number; passageCount: number },
): Promise<{ article: StoredArticle; vectors: Float32Array[] }> {
  const readAt = async (name: string, position: number, length: number): Promise<Buffer> => {
    const handle = await fs.open(path.join(dir, name), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new SegmentCorruptError(`${path.join(dir, name)} is shorter than its segment says`);
      return buffer;
    } finally {
      await handle.close();
    }
  };
  const [from, to] = toF64(await readAt(FILES.offsets, at.articleNumber * 8, 16));
  const parsed = storedArticleSchema.safeParse(JSON.parse((await readAt(FILES.articles, from!, to! - from!)).toString('utf8')));
  if (!parsed.success) throw new SegmentCorruptError(`${dir}: article number ${at.articleNumber} is invalid`);
  const flat = toF32(await readAt(FILES.vectors, at.firstPassage * dimensions * 4, at.passageCount * dimensions * 4));
  const vectors = Array.from({ length: at.passageCount }, (_, i) => flat.subarray(i * dimensions, (i + 1) * dimensions));
  return { article: parsed.data, vectors };
}

/**
 * The int8 codes of a vectors file, read as a stream (checked against its checksum before): a
 * large segment's float vectors are never in memory whole, not even while it loads.
 */
async function encodeVectorsFile(file: string, dimensions: number): Promise<QuantizedVectors> {
  const bytes = dimensions * 4;
  const size = (await fs.stat(file)).size;
  if (size % bytes !== 0) throw new SegmentCorruptError(`${file} is not a whole number of vectors`);
  const codes = new QuantizedVectorsBuilder(dimensions, size / bytes);
  const handle = await fs.open(file, 'r');
  try {
    const chunk = Buffer.alloc(Math.max(1, Math.floor((4 << 20) / bytes)) * bytes);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
      if (bytesRead === 0 || bytesRead % bytes !== 0) throw new SegmentCorruptError(`${file} could not be read whole`);
      const floats = new Float32Array(chunk.buffer, chunk.byteOffset, bytesRead / 4);
      for (let v = 0; v < floats.length; v += dimensions) codes.push(floats.subarray(v, v + dimensions));
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return codes.finish();
}

/**
 * Float vectors read from the segment's vectors file by offset, through an open handle (the file
 * was checked whole when the segment was loaded; an open handle keeps it readable after the
 * writer deletes a superseded segment). Only the few passages an exact scan rescores, or hybrid
 * search scores, are read: the page cache, not this process, holds the rest.
 */
async function fileVectors(file: string, dimensions: number, count: number): Promise<StoredVectors> {
  const handle: FileHandle = await fs.open(file, 'r');
  const bytes = dimensions * 4;
  const readOne = async (p: number): Promise<Float32Array> => {
    if (!(Number.isInteger(p) && p >= 0 && p < count)) throw new SegmentCorruptError(`${file}: no passage number ${p}`);
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, p * bytes);
    if (bytesRead !== bytes) throw new SegmentCorruptError(`${file} is shorter than its segment says`);
    return toF32(buffer);
  };
  return { read: (passages) => Promise.all(passages.map(readOne)), close: () => handle.close() };
}

/** Article texts read from the segment's articles file by offset, through an open handle and a small cache. */
async function fileTexts(file: string, offsets: Float64Array): Promise<ArticleTexts> {
  const handle: FileHandle = await fs.open(file, 'r');
  // `fetch` reads an article once however many of its passages are asked for at the same time.
  const cache = new LRUCache<number, StoredArticle>({
    max: ARTICLES_CACHED,
    fetchMethod: async (n) => {
      const [from, to] = [offsets[n], offsets[n + 1]];
      if (from === undefined || to === undefined) throw new SegmentCorruptError(`${file}: no article number ${n}`);
      const buffer = Buffer.alloc(to - from);
      await handle.read(buffer, 0, buffer.length, from);
      const parsed = storedArticleSchema.safeParse(JSON.parse(buffer.toString('utf8')));
      if (!parsed.success) throw new SegmentCorruptError(`${file}: article number ${n} is invalid`);
      return parsed.data;
    },
  });
  return {
    async read(n) {
      const article = await cache.fetch(n);
      if (article === undefined) throw new SegmentCorruptError(`${file}: article number ${n} could not be read`);
      return article;
    },
    close: () => handle.close(),
  };
}

function passageBytes(t: PassageTable): Uint8Array {
  const n = t.article.length;
  const all = new Uint32Array(4 * n);
  [t.article, t.ordinal, t.start, t.end].forEach((col, i) => all.set(col, i * n));
  return bytesOf(all);
}

function passageTable(bytes: Buffer): PassageTable {
  const all = toU32(bytes);
  const n = all.length / 4;
  return { article: all.subarray(0, n), ordinal: all.subarray(n, 2 * n), start: all.subarray(2 * n, 3 * n), end: all.subarray(3 * n) };
}

/** The bytes as a buffer of their own (typed views need aligned memory; a pooled Buffer may not be). */
function aligned(bytes: Buffer, size: number): ArrayBuffer {
  if (bytes.byteLength % size !== 0) throw new SegmentCorruptError('a binary file has a size that is not a whole number of values');
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function toU32(bytes: Buffer): Uint32Array {
  return new Uint32Array(aligned(bytes, 4));
}

function toF32(bytes: Buffer): Float32Array {
  return new Float32Array(aligned(bytes, 4));
}

function toF64(bytes: Buffer): Float64Array {
  return new Float64Array(aligned(bytes, 8));
}

/**
 * Converts a format 1 segment to format 2 in place: its metadata written as meta.bin, then its
 * segment.json replaced (atomically) by one of format 2. Every other file is the same in both
 * formats. meta.jsonl stays until the segment is merged away: a reader that read the old
 * segment.json may be reading it. Only a writer (holding the archive's lock) may call this.
 * False when the segment was not of format 1.
 * @throws SegmentCorruptError
 */
export async function upgradeSegment(dir: string): Promise<boolean> {
  const manifest = await readSegmentManifest(dir);
  if (manifest.formatVersion !== JSONL_META_FORMAT) return false;
  const bytes = (await readSegmentArticles(dir)).toBytes();
  await writeFileDurably(path.join(dir, FILES.table), [bytes]);
  const { [FILES.meta]: _jsonl, ...kept } = manifest.files;
  const upgraded: SegmentManifest = {
    ...manifest,
    formatVersion: SEGMENT_FORMAT_VERSION,
    files: { ...kept, [FILES.table]: { bytes: bytes.length, sha256: sha256Hex(bytes) } },
  };
  await replaceFileAtomically(path.join(dir, FILES.manifest), JSON.stringify(upgraded, null, 1));
  return true;
}

/** Only the metadata of a segment (what the writer needs to know which articles it holds). */
export async function readSegmentArticles(dir: string): Promise<ArticleTable> {
  const manifest = await readSegmentManifest(dir);
  const files = CheckedFileReader.start();
  try {
    return await readArticleTable(files, dir, manifest);
  } finally {
    await files.close();
  }
}
