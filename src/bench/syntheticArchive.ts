import type { Article } from '../corpus/types.js';
import type { ArticleEntry, Chunk } from '../ingest/types.js';

/**
 * A synthetic archive of any size for the scale benchmark, made from a real sample: the sample's
 * articles are cycled, each copy with a new id and a new date (outlet kept), its passages cut by
 * the real chunker once per sample article, and its vectors the real embeddings of those passages
 * with a little Gaussian noise, renormalised. Real vectors keep the structure an HNSW graph and a
 * filter meet in a real archive (clusters by topic, near duplicates); uniform random vectors have
 * none. Everything is derived from the position in the archive and a seed, so two runs write the
 * same archive and an article can be made again without keeping it.
 */

/** One article of the real sample with its passages and their real unit vectors. */
export interface SampleArticle {
  article: Article;
  passages: Chunk[];
  vectors: Float32Array[];
}

export interface SyntheticArchiveOptions {
  /** First and last day a synthetic article may be dated (YYYY-MM-DD, inclusive). */
  firstDay: string;
  lastDay: string;
  /**
   * Standard deviation of the noise added to each vector component before renormalising. With
   * 384 dimensions, 0.01 keeps a copy at cosine ≈ 0.98 from its original.
   */
  noise: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC_OPTIONS: SyntheticArchiveOptions = {
  firstDay: '2005-01-01',
  lastDay: '2024-12-31',
  noise: 0.01,
  seed: 20261130,
};

/** mulberry32: a small, fast, seedable generator (Math.random cannot be seeded). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller) from a uniform generator. */
function gaussian(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(random(), Number.EPSILON);
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * random();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** `vector` plus N(0, sigma²) per component, scaled back to unit length. */
export function perturbedUnitVector(vector: Float32Array, sigma: number, normal: () => number): Float32Array {
  const out = new Float32Array(vector.length);
  let squares = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]! + sigma * normal();
    out[i] = x;
    squares += x * x;
  }
  const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  return out;
}

const DAY_MS = 86_400_000;

function dayNumber(isoDay: string): number {
  return Math.floor(Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS);
}

/** The id of the `index`-th synthetic article (copy `cycle` of a sample article). */
export function syntheticArticleId(sample: readonly SampleArticle[], index: number): string {
  const source = sample[index % sample.length]!.article;
  return `${source.id}-s${Math.floor(index / sample.length)}`;
}

/**
 * The synthetic archive's article number `index` (0-based): copy number ⌊index / sample size⌋ of
 * sample article `index mod sample size`. Its date and noise depend only on `index` and the seed.
 * `contentHash` is given by the caller (it depends on the configuration).
 */
export function syntheticEntry(
  sample: readonly SampleArticle[],
  index: number,
  opts: SyntheticArchiveOptions,
  contentHash: (article: Article) => string,
): ArticleEntry {
  if (sample.length === 0) throw new Error('The synthetic archive needs a non-empty sample.');
  const source = sample[index % sample.length]!;
  const random = seededRandom(opts.seed ^ Math.imul(index + 1, 0x9e3779b1));
  const first = dayNumber(opts.firstDay);
  const span = dayNumber(opts.lastDay) - first + 1;
  const publishedAt = new Date((first + Math.floor(random() * span)) * DAY_MS).toISOString().slice(0, 10);
  const id = syntheticArticleId(sample, index);
  const article: Article = { ...source.article, id, publishedAt, sourceFile: `synthetic/${id}`, originalFile: null, url: null };
  const passages = source.passages.map((p) => ({ ...p, chunkId: `${id}#${p.ordinal}`, documentId: id, publishedAt }));
  const normal = gaussian(random);
  const vectors = source.vectors.map((v) => perturbedUnitVector(v, opts.noise, normal));
  return { article, passages, vectors, contentHash: contentHash(article) };
}

/** Articles `from` … `from + count - 1` of the synthetic archive, made one at a time. */
export function* syntheticEntries(
  sample: readonly SampleArticle[],
  from: number,
  count: number,
  opts: SyntheticArchiveOptions,
  contentHash: (article: Article) => string,
): Generator<ArticleEntry> {
  for (let i = from; i < from + count; i++) yield syntheticEntry(sample, i, opts, contentHash);
}
