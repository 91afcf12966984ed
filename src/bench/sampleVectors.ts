import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { loadCorpus } from '../corpus/load.js';
import { chunkArticle } from '../ingest/chunk.js';
import { sha256Hex } from '../ingest/checksum.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { embeddingText } from '../ingest/ingest.js';
import { modelIdentity } from '../store/settings.js';
import type { SampleArticle } from './syntheticArchive.js';
import { writeVntcSlice } from './vntc.js';

/**
 * The real sample behind the synthetic archive: the first `count` VNTC articles, cleaned and
 * chunked as the product does, with the real embeddings of their passages. Embedding 10,000
 * articles takes the better part of an hour on two cores, so the vectors are embedded once and
 * kept in the bench's work folder (`sample-<count>.vectors.bin`, raw little-endian float32 in
 * passage order, beside a small JSON header naming the model and a digest of the passages):
 * later runs read them back in a second. A header that does not match (other model, settings,
 * chunking or sample) means embedding again.
 */

const headerSchema = z.object({
  model: z.string(),
  dtype: z.string(),
  passagePrefix: z.string(),
  dimensions: z.number().int().positive(),
  passages: z.number().int().nonnegative(),
  /** sha256 of every passage's embedded text, in order. */
  digest: z.string(),
});
type VectorFileHeader = z.infer<typeof headerSchema>;

/** Where the passages' vectors come from when the cache does not hold them. */
export interface VectorSource {
  /** Vectors already stored for some of these chunk ids (e.g. an existing archive of the same sample). */
  stored?: (chunkIds: readonly string[]) => Promise<Map<string, Float32Array>>;
  /** The model, loaded on demand: only passages no other source has are embedded. */
  embeddings: () => Promise<TransformersEmbeddings>;
  log: (line: string) => void;
}

function passagesDigest(texts: readonly string[]): string {
  return sha256Hex(texts.join('\u0000'));
}

async function readCachedVectors(file: string, expected: VectorFileHeader): Promise<Float32Array[] | null> {
  let header: VectorFileHeader;
  try {
    header = headerSchema.parse(JSON.parse(await fsp.readFile(`${file}.json`, 'utf8')));
  } catch {
    return null;
  }
  if (JSON.stringify(header) !== JSON.stringify(expected)) return null;
  const bytes = await fsp.readFile(file).catch(() => null);
  if (!bytes || bytes.length !== expected.passages * expected.dimensions * 4) return null;
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return Array.from({ length: expected.passages }, (_, i) => all.subarray(i * expected.dimensions, (i + 1) * expected.dimensions));
}

/** Streams the vectors to disk (no one buffer of the whole), then the header: a torn write has no header. */
async function writeCachedVectors(file: string, header: VectorFileHeader, vectors: readonly Float32Array[]): Promise<void> {
  await fsp.rm(`${file}.json`, { force: true });
  const out = fs.createWriteStream(file);
  for (const v of vectors) {
    if (!out.write(Buffer.from(v.buffer, v.byteOffset, v.byteLength))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await fsp.writeFile(`${file}.json`, JSON.stringify(header) + '\n');
}

async function embedMissing(texts: readonly string[], vectors: Array<Float32Array | undefined>, source: VectorSource): Promise<void> {
  const missing = vectors.flatMap((v, i) => (v ? [] : [i]));
  if (missing.length === 0) return;
  const embeddings = await source.embeddings();
  source.log(`embedding ${missing.length} sample passages once (cached for later runs)`);
  const started = performance.now();
  const slice = 512;
  for (let from = 0; from < missing.length; from += slice) {
    const picked = missing.slice(from, from + slice);
    const out = await embeddings.embedPassagesRaw(picked.map((i) => texts[i]!));
    picked.forEach((i, j) => (vectors[i] = out[j]));
    const done = Math.min(from + slice, missing.length);
    const rate = done / ((performance.now() - started) / 1000);
    source.log(`  ${done}/${missing.length} passages, ${rate.toFixed(1)}/s`);
  }
}

/** The sample's articles with passages and real vectors, from the cache when it matches. */
export async function loadSample(
  config: Config,
  benchCorpusXz: string,
  count: number,
  workDir: string,
  dimensions: number,
  source: VectorSource,
): Promise<SampleArticle[]> {
  const corpusDir = path.join(workDir, `sample-${count}`);
  await writeVntcSlice(benchCorpusXz, count, corpusDir);
  const { articles } = await loadCorpus(corpusDir);
  const chunked = articles.map((article) => ({ article, passages: chunkArticle(article, config.chunking) }));
  const passages = chunked.flatMap((a) => a.passages);
  const texts = passages.map(embeddingText);
  const header: VectorFileHeader = {
    model: modelIdentity(config),
    dtype: config.embedding.dtype,
    passagePrefix: config.embedding.passagePrefix,
    dimensions,
    passages: passages.length,
    digest: passagesDigest(texts),
  };
  const file = path.join(workDir, `sample-${count}.vectors.bin`);
  let flat = await readCachedVectors(file, header);
  if (flat) {
    source.log(`sample vectors read from ${file}`);
  } else {
    const vectors: Array<Float32Array | undefined> = Array.from({ length: passages.length }, () => undefined);
    if (source.stored) {
      const found = await source.stored(passages.map((p) => p.chunkId));
      passages.forEach((p, i) => (vectors[i] = found.get(p.chunkId)));
      source.log(`sample vectors: ${found.size} of ${passages.length} read from the existing archive`);
    }
    await embedMissing(texts, vectors, source);
    flat = vectors as Float32Array[];
    await writeCachedVectors(file, header, flat);
  }
  let at = 0;
  return chunked.map(({ article, passages: own }) => ({ article, passages: own, vectors: own.map(() => flat[at++]!) }));
}
