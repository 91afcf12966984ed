import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import type { TransformersEmbeddings } from '../ingest/embeddings.js';
import { articleContentHash } from '../ingest/contentHash.js';
import { embeddingText } from '../ingest/ingest.js';
import type { ArticleEntry, Chunk, ChunkArticle } from '../ingest/types.js';
import { dedupeOverlapping, type Span } from '../retrieval/fusion.js';
import { hybridSettingsFromConfig, makeHybridSearch, type HybridSearcher, type HybridSettings, type HybridTrace } from '../retrieval/hybrid.js';
import { makeMemorySnapshot, storeSettings } from '../store/index.js';
import type { StoreSnapshot } from '../store/types.js';
import { foldDiacritics } from '../text/normalize.js';

/**
 * Retrieval evaluation: recall@k and MRR of the gold document for the dense list, the lexical
 * list and the hybrid result, and how well the relevance score separates questions the corpus
 * answers from questions it does not.
 */

export interface RankMetrics {
  n: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

/** Metrics from the 1-based rank of the gold item per question (null = not in the list). */
export function metricsFromRanks(ranks: ReadonlyArray<number | null>): RankMetrics {
  const n = ranks.length;
  const within = (k: number) => (n === 0 ? 0 : ranks.filter((r) => r !== null && r <= k).length / n);
  const mrr = n === 0 ? 0 : ranks.reduce<number>((s, r) => s + (r === null ? 0 : 1 / r), 0) / n;
  return { n, recallAt1: within(1), recallAt5: within(5), recallAt10: within(10), mrr };
}

/** 1-based rank of the first chunk of `documentId` after overlapping chunks are removed. */
export function documentRank(
  chunkIds: readonly string[],
  documentId: string,
  getChunk: (id: string) => Span | undefined,
): number | null {
  const deduped = dedupeOverlapping(chunkIds, getChunk);
  const i = deduped.findIndex((id) => getChunk(id)?.documentId === documentId);
  return i < 0 ? null : i + 1;
}

export interface MemoryIndex {
  /** The passages by chunk id: documents are ranked from the raw candidate lists of the trace. */
  chunks: Map<string, Chunk>;
  /** The same articles as an in-memory archive, searched exactly as a stored one. */
  snapshot: StoreSnapshot;
}

/** Chunks, embeds and indexes articles in memory (no disk), as ingest would. */
export async function buildMemoryIndex(
  articles: readonly Article[],
  chunk: ChunkArticle,
  embeddings: TransformersEmbeddings,
  config: Config,
): Promise<MemoryIndex> {
  const passages = articles.map((a) => chunk(a));
  const all = passages.flat();
  // The same text ingest embeds (title + passage), so the numbers describe the product.
  const embedded = await embeddings.embedPassagesRaw(all.map(embeddingText));
  let next = 0;
  const entries: ArticleEntry[] = articles.map((article, i) => {
    const own = passages[i]!;
    const vectors = embedded.slice(next, (next += own.length));
    return { article, passages: own, vectors, contentHash: articleContentHash(article, config) };
  });
  const snapshot = await makeMemorySnapshot(storeSettings(config, embeddings.dimensions), entries, { graph: config.hnsw });
  return { chunks: new Map(all.map((c) => [c.chunkId, c])), snapshot };
}

/** A searcher over an in-memory index with explicit settings (for tuning fusion and relevance). */
export function searcherOver(index: MemoryIndex, embeddings: TransformersEmbeddings, settings: HybridSettings): HybridSearcher {
  return makeHybridSearch({ snapshot: () => index.snapshot, embedQuery: (q) => embeddings.embedQuery(q) }, settings);
}

// ---------- XQuAD-vi ----------

export interface XquadPassage {
  passage_id: string;
  title: string;
  text: string;
}

export interface XquadQuestion {
  qid: string;
  question: string;
  gold_passage_id: string;
  answers: string[];
}

/** Reads a JSON-lines file whose every line must pass `check`; errors name file and line. */
export async function readJsonl<T>(file: string, check: (x: unknown) => x is T): Promise<T[]> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((line, i) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
      if (!check(parsed)) throw new Error(`${file}:${i + 1}: unexpected shape`);
      return parsed;
    });
}

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isPassage = (x: unknown): x is XquadPassage =>
  isRecord(x) && typeof x.passage_id === 'string' && typeof x.title === 'string' && typeof x.text === 'string';
const isQuestion = (x: unknown): x is XquadQuestion =>
  isRecord(x) &&
  typeof x.qid === 'string' &&
  typeof x.question === 'string' &&
  typeof x.gold_passage_id === 'string' &&
  Array.isArray(x.answers) &&
  x.answers.every((a) => typeof a === 'string');

/**
 * Reads a question-answering set in XQuAD-vi's shape: `NAME.passages.jsonl` and
 * `NAME.questions.jsonl` in `dir` (NAME defaults to the folder's name: xquad-vi, viquad-test).
 */
export async function loadQaSet(dir: string, name = path.basename(path.resolve(dir))): Promise<{ passages: XquadPassage[]; questions: XquadQuestion[] }> {
  const passages = await readJsonl(path.join(dir, `${name}.passages.jsonl`), isPassage);
  const questions = await readJsonl(path.join(dir, `${name}.questions.jsonl`), isQuestion);
  return { passages, questions };
}

export async function loadXquad(dir: string): Promise<{ passages: XquadPassage[]; questions: XquadQuestion[] }> {
  return loadQaSet(dir, 'xquad-vi');
}

/** An XQuAD passage as an article, so it goes through the product's own chunker. */
export function passageAsArticle(p: XquadPassage): Article {
  return {
    id: p.passage_id,
    title: p.title.replace(/_/g, ' '),
    outlet: null,
    publishedAt: null,
    text: p.text,
    sourceFile: 'xquad-vi.passages.jsonl',
    originalFile: null,
    url: null,
  };
}

export interface MethodMetrics {
  dense: RankMetrics;
  lexical: RankMetrics;
  hybrid: RankMetrics;
}

export interface GoldQuery {
  id: string;
  question: string;
  documentId: string;
}

/**
 * Runs every query once, as the product does (the searcher embeds it, after restoring the
 * diacritics of a question typed without them), and keeps the traces.
 */
export async function traceQueries(searcher: HybridSearcher, queries: readonly GoldQuery[], opts: { k: number; excludeGold?: boolean }): Promise<HybridTrace[]> {
  const out: HybridTrace[] = [];
  for (const q of queries) {
    out.push(await searcher.trace(q.question, { k: opts.k, excludeDocuments: opts.excludeGold ? new Set([q.documentId]) : undefined }));
  }
  return out;
}

export function methodMetrics(
  queries: readonly GoldQuery[],
  traces: readonly HybridTrace[],
  getChunk: (id: string) => Chunk | undefined,
): MethodMetrics {
  const rank = (pick: (t: HybridTrace) => string[]) =>
    queries.map((q, i) => documentRank(pick(traces[i]!), q.documentId, getChunk));
  return {
    dense: metricsFromRanks(rank((t) => t.dense)),
    lexical: metricsFromRanks(rank((t) => t.lexical)),
    hybrid: metricsFromRanks(rank((t) => t.response.results.map((r) => r.chunkId))),
  };
}

export interface ThresholdPoint {
  threshold: number;
  /** Share of answerable questions judged relevant. */
  answerableKept: number;
  /** Share of unanswerable questions judged not relevant. */
  unanswerableRejected: number;
  /** Mean of the two (balanced accuracy). */
  balancedAccuracy: number;
}

/** Sweeps thresholds over the top scores of answerable and unanswerable questions. */
export function thresholdSweep(answerable: readonly number[], unanswerable: readonly number[]): ThresholdPoint[] {
  const points: ThresholdPoint[] = [];
  for (let t = 0; t <= 1.0001; t += 0.01) {
    const threshold = Math.round(t * 100) / 100;
    const kept = answerable.length === 0 ? 0 : answerable.filter((s) => s >= threshold).length / answerable.length;
    const rejected =
      unanswerable.length === 0 ? 0 : unanswerable.filter((s) => s < threshold).length / unanswerable.length;
    points.push({ threshold, answerableKept: kept, unanswerableRejected: rejected, balancedAccuracy: (kept + rejected) / 2 });
  }
  return points;
}

export function bestThreshold(points: readonly ThresholdPoint[]): ThresholdPoint | undefined {
  // Ties go to the middle of the best plateau, the choice least sensitive to drift.
  const best = Math.max(...points.map((p) => p.balancedAccuracy));
  const plateau = points.filter((p) => p.balancedAccuracy >= best - 1e-9);
  return plateau[Math.floor(plateau.length / 2)];
}

export const topScore = (t: HybridTrace): number => t.response.results[0]?.score ?? 0;

export interface XquadReport {
  passages: number;
  chunks: number;
  questions: number;
  toned: MethodMetrics;
  accentsStripped: MethodMetrics;
  /** The same metrics on the first questions only, when the rest were used to fit a setting. */
  heldOut?: { questions: number; toned: MethodMetrics; accentsStripped: MethodMetrics };
  /** Top relevance with the gold passage indexed vs left out. */
  relevance: { threshold: ThresholdPoint | undefined; atConfigured: ThresholdPoint | undefined };
  settings: HybridSettings;
}

export async function evaluateXquad(opts: {
  dir: string;
  config: Config;
  embeddings: TransformersEmbeddings;
  chunk: ChunkArticle;
  limit?: number;
  settings?: HybridSettings;
  /** The set already read (another set in XQuAD's shape, e.g. ViQuAD-test); default: XQuAD-vi from `dir`. */
  set?: { passages: XquadPassage[]; questions: XquadQuestion[] };
  /** An index of the XQuAD passages already built (shared with the answer evaluation). */
  index?: MemoryIndex;
  /** Also report the first this many questions on their own (the held-out part of a split set). */
  heldOutQuestions?: number;
  onProgress?: (message: string) => void;
}): Promise<XquadReport> {
  const { passages, questions } = opts.set ?? (await loadXquad(opts.dir));
  const picked = opts.limit ? questions.slice(0, opts.limit) : questions;
  if (!opts.index) opts.onProgress?.(`XQuAD: indexing ${passages.length} passages`);
  const index = opts.index ?? (await buildMemoryIndex(passages.map(passageAsArticle), opts.chunk, opts.embeddings, opts.config));
  const settings = opts.settings ?? hybridSettingsFromConfig(opts.config);
  const searcher = searcherOver(index, opts.embeddings, settings);
  const getChunk = (id: string) => index.chunks.get(id);
  const gold = picked.map((q) => ({ id: q.qid, question: q.question, documentId: q.gold_passage_id }));
  const stripped = gold.map((q) => ({ ...q, question: foldDiacritics(q.question) }));
  opts.onProgress?.(`XQuAD: ${gold.length} questions, with and without accents`);
  const k = 10;
  const tonedTraces = await traceQueries(searcher, gold, { k });
  const strippedTraces = await traceQueries(searcher, stripped, { k });
  opts.onProgress?.('XQuAD: the same questions with the gold passage left out');
  const absentTraces = await traceQueries(searcher, gold, { k, excludeGold: true });
  const sweep = thresholdSweep(tonedTraces.map(topScore), absentTraces.map(topScore));
  const held = Math.min(opts.heldOutQuestions ?? 0, gold.length);
  return {
    passages: passages.length,
    chunks: index.chunks.size,
    questions: gold.length,
    toned: methodMetrics(gold, tonedTraces, getChunk),
    accentsStripped: methodMetrics(stripped, strippedTraces, getChunk),
    ...(held > 0
      ? {
          heldOut: {
            questions: held,
            toned: methodMetrics(gold.slice(0, held), tonedTraces.slice(0, held), getChunk),
            accentsStripped: methodMetrics(stripped.slice(0, held), strippedTraces.slice(0, held), getChunk),
          },
        }
      : {}),
    relevance: {
      threshold: bestThreshold(sweep),
      atConfigured: sweep.find((p) => Math.abs(p.threshold - settings.relevanceThreshold) < 0.005),
    },
    settings,
  };
}

// ---------- seed questions over the real corpus ----------

export interface SeedAnswerable {
  id: string;
  question: string;
  documentId: string;
  /** Text the right passage must contain (checked in the top results). */
  mustContain?: string;
}

export interface SeedUnanswerable {
  id: string;
  question: string;
  answerable: false;
}

export type SeedQuestion = SeedAnswerable | SeedUnanswerable;

export const isUnanswerable = (q: SeedQuestion): q is SeedUnanswerable => 'answerable' in q && q.answerable === false;

const isSeedQuestion = (x: unknown): x is SeedQuestion =>
  isRecord(x) &&
  typeof x.id === 'string' &&
  typeof x.question === 'string' &&
  ((x.answerable === false && x.documentId === undefined) ||
    (x.answerable === undefined &&
      typeof x.documentId === 'string' &&
      (x.mustContain === undefined || typeof x.mustContain === 'string')));

/**
 * Reads the seed question set: `{id, question, documentId, mustContain?}` per answerable line,
 * `{id, question, answerable: false}` per question the corpus cannot answer.
 */
export async function loadSeedQuestions(file: string): Promise<SeedQuestion[]> {
  return readJsonl(file, isSeedQuestion);
}

export interface SeedQuestionResult {
  id: string;
  question: string;
  answerable: boolean;
  documentId: string | null;
  rank: number | null;
  /** Whether a passage among the top 5 contains `mustContain` (null when not given). */
  containsAnswer: boolean | null;
  topDocumentId: string | null;
  topScore: number;
  relevant: boolean;
}

export interface SeedReport {
  answerable: number;
  unanswerable: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  /** Share of answerable questions whose top-5 passages contain the expected text. */
  answerInTop5: number | null;
  threshold: number;
  /** At the configured threshold. */
  answerableKept: number;
  unanswerableRejected: number;
  notFoundAccuracy: number;
  bestThreshold: ThresholdPoint | undefined;
  questions: SeedQuestionResult[];
}

export async function evaluateSeed(opts: {
  searcher: HybridSearcher;
  questions: readonly SeedQuestion[];
  threshold: number;
}): Promise<SeedReport> {
  const k = 10;
  const rows: SeedQuestionResult[] = [];
  for (const q of opts.questions) {
    const trace = await opts.searcher.trace(q.question, { k });
    const results = trace.response.results;
    const gold = isUnanswerable(q) ? null : q;
    // Results never overlap (overlapping chunks are merged), so each is ranked by its own span.
    const spans = new Map(results.map((r) => [r.chunkId, r]));
    const rank = gold ? documentRank(results.map((r) => r.chunkId), gold.documentId, (id) => spans.get(id)) : null;
    const must = gold?.mustContain;
    rows.push({
      id: q.id,
      question: q.question,
      answerable: gold !== null,
      documentId: gold?.documentId ?? null,
      rank,
      containsAnswer: must === undefined ? null : results.slice(0, 5).some((r) => r.text.includes(must)),
      topDocumentId: results[0]?.documentId ?? null,
      topScore: topScore(trace),
      relevant: trace.response.relevant,
    });
  }
  const answerable = rows.filter((r) => r.answerable);
  const unanswerable = rows.filter((r) => !r.answerable);
  const m = metricsFromRanks(answerable.map((r) => r.rank));
  const checked = answerable.filter((r) => r.containsAnswer !== null);
  const kept = answerable.length === 0 ? 0 : answerable.filter((r) => r.relevant).length / answerable.length;
  const rejected = unanswerable.length === 0 ? 0 : unanswerable.filter((r) => !r.relevant).length / unanswerable.length;
  return {
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: m.recallAt1,
    recallAt5: m.recallAt5,
    mrr: m.mrr,
    answerInTop5: checked.length === 0 ? null : checked.filter((r) => r.containsAnswer).length / checked.length,
    threshold: opts.threshold,
    answerableKept: kept,
    unanswerableRejected: rejected,
    notFoundAccuracy: (kept + rejected) / 2,
    bestThreshold: bestThreshold(
      thresholdSweep(
        answerable.map((r) => r.topScore),
        unanswerable.map((r) => r.topScore),
      ),
    ),
    questions: rows,
  };
}
