/**
 * Runs in a child process of `npm run bench`, so that its peak memory (VmHWM) is the ingestion's
 * own. Measures the embedding model alone on a sample of the chunks, then a full ingestion of
 * the same corpus, and prints one JSON line.
 */
import { loadConfig } from '../config/config.js';
import { loadCorpus } from '../corpus/load.js';
import { chunkArticle } from '../ingest/chunk.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import { embeddingText, ingestCorpus } from '../ingest/ingest.js';
import { folderBytes, readRssMiB, round } from './stats.js';

export interface IngestBenchResult {
  articles: number;
  chunks: number;
  meanChunkChars: number;
  loadSeconds: number;
  raw: { sampleChunks: number; seconds: number; chunksPerSecond: number };
  ingest: { seconds: number; embedSeconds: number; chunksPerSecond: number; articlesPerSecond: number };
  ratioToRaw: number;
  indexBytes: number;
  peakRssMiB: number | null;
}

/** Every n-th chunk, so the sample has the corpus' length distribution. */
function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)]!);
}

async function main(): Promise<void> {
  const [corpusDir, indexDir, sampleArg] = process.argv.slice(2);
  if (!corpusDir || !indexDir) throw new Error('usage: ingestWorker <corpusDir> <indexDir> [rawSample]');
  const config = loadConfig({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' });
  const embeddings = await TransformersEmbeddings.create(config.embedding);

  const loadStarted = performance.now();
  const corpus = await loadCorpus(config.paths.corpusDir);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const chunks = corpus.articles.flatMap((a) => chunkArticle(a, config.chunking));
  const texts = chunks.map(embeddingText);

  const sample = evenSample(texts, Number(sampleArg ?? 400));
  const rawStarted = performance.now();
  await embeddings.embedPassagesRaw(sample);
  const rawSeconds = (performance.now() - rawStarted) / 1000;

  const report = await ingestCorpus(config, { rebuild: true, embeddings, corpus });
  const result: IngestBenchResult = {
    articles: corpus.articles.length,
    chunks: chunks.length,
    meanChunkChars: Math.round(chunks.reduce((s, c) => s + c.text.length, 0) / Math.max(1, chunks.length)),
    loadSeconds: round(loadSeconds, 2),
    raw: { sampleChunks: sample.length, seconds: round(rawSeconds, 2), chunksPerSecond: round(sample.length / rawSeconds) },
    ingest: {
      seconds: round(report.seconds, 1),
      embedSeconds: round(report.embedSeconds, 1),
      chunksPerSecond: round(report.chunksEmbedded / report.seconds),
      articlesPerSecond: round(report.articlesTotal / report.seconds, 2),
    },
    ratioToRaw: round(report.chunksEmbedded / report.seconds / (sample.length / rawSeconds), 3),
    indexBytes: await folderBytes(report.indexDir),
    peakRssMiB: await readRssMiB('self', 'VmHWM'),
  };
  await embeddings.dispose();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
