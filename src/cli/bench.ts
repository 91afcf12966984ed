/**
 * `npm run bench`: ingestion throughput against the model alone, retrieval latency, the HTTP
 * answer path one at a time and under load, a soak with memory sampled, and cold start.
 * Writes docs/benchmarks.json and docs/BENCHMARKS.md (each figure once, with this command).
 *
 *   npm run bench -- [--sizes 1000,10000] [--only ingest,retrieval,http,soak,scale]
 *                    [--load-seconds 20] [--soak-seconds 180] [--connections 8]
 *                    [--scale-articles 100000] [--scale-commit-every 10000] [--scale-sample 10000]
 *                    [--scale-vectors-from DIR] [--scale-reuse]
 *
 * `scale` (not in the default run: it takes long) writes a synthetic archive of
 * `--scale-articles` articles and serves it (src/bench/scaleBench.ts). It needs the real
 * embeddings of the 10k VNTC sample: embedded once and cached in the work folder (pass `--work`
 * to reuse them), or read from an existing archive of that sample built with the same settings
 * (`--scale-vectors-from`). `--scale-reuse` serves and updates the archive an earlier run wrote
 * in the work folder (its build figures are that run's; each run adds 100 new articles and
 * removes the 100 oldest).
 */
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, loadConfigFromProcess, type Config } from '../config/config.js';
import { ingestCorpus } from '../ingest/ingest.js';
import { openArchive } from '../app/product.js';
import type { IngestBenchResult } from '../bench/ingestWorker.js';
import { measureChatSequential, measureLoad, measureSoak, measureStream } from '../bench/httpBench.js';
import { renderBenchmarksMarkdown, type BenchReport } from '../bench/report.js';
import { startServerProcess } from '../bench/serverProcess.js';
import { round, summarize } from '../bench/stats.js';
import { writeVntcSlice } from '../bench/vntc.js';
import { loadSample } from '../bench/sampleVectors.js';
import { measureArchiveColdStart, measureScale } from '../bench/scaleBench.js';
import { TransformersEmbeddings } from '../ingest/embeddings.js';
import { makeArchiveStore, storeSettings } from '../store/index.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const FALLBACK_SEED_QUESTIONS = [
  'ASEAN và UNDP lập quan hệ đối tác năm nào?',
  'Nghị quyết về hợp tác ASEAN-LHQ có bao nhiêu nước đồng bảo trợ?',
  'OSCE có bao nhiêu quốc gia thành viên?',
  'Ai phát biểu khai mạc Đối thoại ASEAN – Liên Hợp Quốc?',
  'Bản ghi nhớ về hợp tác ASEAN – Liên Hợp Quốc gồm bao nhiêu điều?',
  'asean va lhq to chuc bao nhieu hoi nghi cap cao',
  'Giá vàng hôm nay là bao nhiêu?',
];

async function readSeedQuestions(): Promise<string[]> {
  try {
    const lines = (await fsp.readFile(path.join(REPO_ROOT, 'eval/seed-questions.jsonl'), 'utf8')).split('\n');
    const questions = lines
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { question?: unknown }).question)
      .filter((q): q is string => typeof q === 'string');
    return questions.length > 0 ? questions : FALLBACK_SEED_QUESTIONS;
  } catch {
    return FALLBACK_SEED_QUESTIONS;
  }
}

/** Headlines of the benchmark articles, as realistic queries against the large index. */
async function readHeadlines(jsonlFile: string, count: number): Promise<string[]> {
  const text = await fsp.readFile(jsonlFile, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim());
  const step = Math.max(1, Math.floor(lines.length / count));
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < count; i += step) {
    const article = JSON.parse(lines[i]!) as { text?: string };
    const headline = article.text?.split('\n')[0]?.trim();
    if (headline) out.push(headline);
  }
  return out;
}

function runIngestWorker(corpusDir: string, indexDir: string, env: NodeJS.ProcessEnv): Promise<IngestBenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/bench/ingestWorker.ts'), corpusDir, indexDir, '400'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) reject(new Error(`ingest worker failed (exit ${code})`));
      else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as IngestBenchResult);
    });
  });
}

async function measureRetrieval(config: Config, queries: readonly string[], rounds: number) {
  const archive = await openArchive(config, { follow: false });
  const { searcher } = archive;
  try {
    for (const q of queries.slice(0, 10)) await searcher.search(q); // warm-up
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of queries) {
        const t0 = performance.now();
        await searcher.search(q, { k: config.retrieval.k });
        samples.push(performance.now() - t0);
      }
    }
    const s = summarize(samples);
    return { queries: s.count, p50: round(s.p50, 2), p95: round(s.p95, 2), p99: round(s.p99, 2), mean: round(s.mean, 2) };
  } finally {
    await archive.close();
  }
}

/**
 * Sections not run this time keep the figures of the last run that measured them, and say which
 * command and date those came from, so a partial run never silently drops or mislabels figures.
 */
async function carryOverSkippedSections(report: BenchReport, file: string, only: Set<string>, args: string[]): Promise<void> {
  let previous: BenchReport;
  try {
    previous = JSON.parse(await fsp.readFile(file, 'utf8')) as BenchReport;
  } catch {
    return;
  }
  const origin = (section: string) => previous.origins?.[section] ?? { date: previous.date, command: 'npm run bench' };
  const here = { date: report.date, command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}` };
  report.origins = {};
  for (const [section, flag] of [['ingestion', 'ingest'], ['retrieval', 'retrieval'], ['http', 'http'], ['soak', 'soak'], ['scale', 'scale']] as const) {
    if (only.has(flag)) {
      report.origins[section] = here;
    } else if (section === 'soak' ? previous.soak : (previous[section]?.length ?? 0) > 0) {
      (report as unknown as Record<string, unknown>)[section] = previous[section];
      report.origins[section] = origin(section);
    }
  }
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      only: { type: 'string', default: 'ingest,retrieval,http,soak' },
      'load-seconds': { type: 'string', default: '20' },
      'soak-seconds': { type: 'string', default: '180' },
      connections: { type: 'string', default: '8' },
      work: { type: 'string' },
      'scale-articles': { type: 'string', default: '100000' },
      'scale-commit-every': { type: 'string', default: '10000' },
      'scale-sample': { type: 'string', default: '10000' },
      'scale-vectors-from': { type: 'string' },
      'scale-reuse': { type: 'boolean', default: false },
    },
  });
  const base = await loadConfigFromProcess(REPO_ROOT);
  const only = new Set(values.only.split(','));
  const sizes = values.sizes.split(',').map(Number).filter((n) => n > 0);
  const loadSeconds = Number(values['load-seconds']);
  const soakSeconds = Number(values['soak-seconds']);
  const connections = Number(values.connections);
  const benchCorpus = path.resolve(REPO_ROOT, process.env.BENCH_CORPUS ?? '../shared/corpora/vntc-sample-10k.jsonl.xz');
  const work = values.work ? path.resolve(values.work) : await fsp.mkdtemp(path.join(os.tmpdir(), 'vnrag-bench-'));
  // The rate limiter protects a public server; the benchmark measures the answer path itself.
  const env = { ...process.env, EMBEDDING_MODEL: base.embedding.model, EMBEDDING_DTYPE: base.embedding.dtype, RATE_LIMIT_PER_MINUTE: '1000000' };
  const configFor = (corpusDir: string, indexDir: string) => loadConfig({ ...env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' }, REPO_ROOT);

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    model: { id: path.basename(base.embedding.model), dtype: base.embedding.dtype },
    ingestion: [],
    retrieval: [],
    http: [],
    soak: null,
  };

  if (only.has('scale')) {
    report.scale = [await runScale(REPO_ROOT, work, benchCorpus, env, values)];
  }

  const docs = path.join(REPO_ROOT, 'docs');
  if (['ingest', 'retrieval', 'http', 'soak'].some((s) => only.has(s))) await runProductSections(report, work, benchCorpus, env, { only, sizes, loadSeconds, soakSeconds, connections, base, configFor });

  await fsp.mkdir(docs, { recursive: true });
  await carryOverSkippedSections(report, path.join(docs, 'benchmarks.json'), only, process.argv.slice(2));
  await fsp.writeFile(path.join(docs, 'benchmarks.json'), JSON.stringify(report, null, 2) + '\n');
  // The reading of the figures is written by hand (docs/benchmarks-notes.md) and kept across runs.
  const notes = await fsp.readFile(path.join(docs, 'benchmarks-notes.md'), 'utf8').catch(() => '');
  await fsp.writeFile(path.join(docs, 'BENCHMARKS.md'), renderBenchmarksMarkdown(report, process.argv.slice(2), notes));
  log(`wrote docs/BENCHMARKS.md and docs/benchmarks.json (work folder ${work})`);
}

/**
 * An existing archive of the sample, read for its vectors. It is copied into the work folder
 * first: opening a writer converts an index of the previous format (nothing re-embedded), and the
 * archive named on the command line is never written to. The store refuses an archive built with
 * other settings, so the vectors are this model's.
 */
async function openVectorSource(from: string, copy: string, env: NodeJS.ProcessEnv, repoRoot: string, dimensions: number) {
  await fsp.rm(copy, { recursive: true, force: true });
  await fsp.cp(from, copy, { recursive: true });
  const config = loadConfig({ ...env, INDEX_DIR: copy, LOG_LEVEL: 'silent' }, repoRoot);
  const store = makeArchiveStore(config, storeSettings(config, dimensions));
  await (await store.openWriter()).close();
  return store.openReader({ follow: false });
}

/**
 * The scale section: the real sample with its real vectors (cached in the work folder after the
 * first run), then the synthetic archive written, served and updated.
 */
async function runScale(repoRoot: string, work: string, benchCorpus: string, env: NodeJS.ProcessEnv, values: { 'scale-articles': string; 'scale-commit-every': string; 'scale-sample': string; 'scale-vectors-from'?: string; 'scale-reuse': boolean }) {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' }, repoRoot);
  const embeddings = await TransformersEmbeddings.create(config.embedding);
  try {
    const from = values['scale-vectors-from'];
    const reader = from ? await openVectorSource(path.resolve(from), path.join(work, 'vectors-source'), env, repoRoot, embeddings.dimensions) : null;
    try {
      const snapshot = reader?.snapshot();
      const sampleSize = Number(values['scale-sample']);
      const sample = await loadSample(config, benchCorpus, sampleSize, work, embeddings.dimensions, {
        ...(snapshot ? { stored: (ids: readonly string[]) => snapshot.vectors(ids) } : {}),
        embeddings: async () => embeddings,
        log,
      });
      const sampleFile = path.join(work, `sample-${sampleSize}`, `vntc-${sampleSize}.jsonl`);
      const result = await measureScale({
        repoRoot,
        workDir: work,
        benchCorpusXz: benchCorpus,
        sample,
        dimensions: embeddings.dimensions,
        articles: Number(values['scale-articles']),
        commitEvery: Number(values['scale-commit-every']),
        reuse: values['scale-reuse'],
        queries: await readHeadlines(sampleFile, 200),
        env,
        log,
      });
      if (!from) return result;
      // The real archive too (the cold-start target at 10k is for it), once its reader is closed.
      await reader?.close();
      const sourceArchive = await measureArchiveColdStart(repoRoot, env, path.join(work, 'vectors-source'));
      log(`scale: the archive the vectors came from: ${JSON.stringify(sourceArchive)}`);
      return { ...result, sourceArchive };
    } finally {
      await reader?.close();
    }
  } finally {
    await embeddings.dispose();
  }
}

interface ProductSectionOptions {
  only: Set<string>;
  sizes: number[];
  loadSeconds: number;
  soakSeconds: number;
  connections: number;
  base: Config;
  configFor: (corpusDir: string, indexDir: string) => Config;
}

/** Ingestion, retrieval, HTTP and soak on the seed corpus and VNTC slices. */
async function runProductSections(report: BenchReport, work: string, benchCorpus: string, env: NodeJS.ProcessEnv, o: ProductSectionOptions): Promise<void> {
  const { only, sizes, loadSeconds, soakSeconds, connections, base, configFor } = o;
  const seedIndex = path.join(work, 'index-seed');
  const seedConfig = configFor(base.paths.corpusDir, seedIndex);
  log(`work folder ${work}; ingesting the seed corpus`);
  await ingestCorpus(seedConfig, { rebuild: true });
  const seedQuestions = await readSeedQuestions();
  const corpora: Array<{ label: string; config: Config; questions: string[]; corpusDir: string }> = [
    { label: `seed corpus (${base.paths.corpusDir === path.join(REPO_ROOT, 'corpus') ? 'corpus/' : base.paths.corpusDir})`, config: seedConfig, questions: seedQuestions, corpusDir: base.paths.corpusDir },
  ];

  for (const size of sizes) {
    const corpusDir = path.join(work, `corpus-${size}`);
    const indexDir = path.join(work, `index-${size}`);
    const file = await writeVntcSlice(benchCorpus, size, corpusDir);
    if (only.has('ingest')) {
      log(`ingesting ${size} VNTC articles (model alone first, on a sample)`);
      const result = await runIngestWorker(corpusDir, indexDir, env);
      report.ingestion.push({ label: `${size} VNTC articles`, ...result });
      log(JSON.stringify(result));
    } else {
      // Incremental: a work folder from an earlier run (--work) is reused without re-embedding.
      await ingestCorpus(configFor(corpusDir, indexDir));
    }
    corpora.push({ label: `${size} VNTC articles`, config: configFor(corpusDir, indexDir), questions: await readHeadlines(file, 200), corpusDir });
  }

  for (const c of only.has('retrieval') ? corpora : []) {
    log(`retrieval latency: ${c.label}`);
    report.retrieval.push({ label: c.label, ...(await measureRetrieval(c.config, c.questions, 5)) });
  }

  const largestFirstAndSeed = [corpora[0]!, ...(corpora.length > 1 ? [corpora[corpora.length - 1]!] : [])];
  for (const c of only.has('http') ? largestFirstAndSeed : []) {
    log(`HTTP: ${c.label}`);
    const server = await startServerProcess(REPO_ROOT, { ...env, CORPUS_DIR: c.corpusDir, INDEX_DIR: c.config.paths.indexDir } as Record<string, string>);
    try {
      const chat = await measureChatSequential(server.url, c.questions, 200);
      const stream = await measureStream(server.url, c.questions, 100);
      const load = await measureLoad(server.url, c.questions, connections, loadSeconds);
      report.http.push({
        label: c.label,
        coldStartMs: round(server.coldStartMs, 0),
        chat: { p50: round(chat.p50, 1), p95: round(chat.p95, 1), p99: round(chat.p99, 1), errors: chat.errors, count: chat.count },
        firstEvent: { p50: round(stream.firstEvent.p50, 1), p95: round(stream.firstEvent.p95, 1) },
        streamComplete: { p50: round(stream.complete.p50, 1), p95: round(stream.complete.p95, 1) },
        streamErrors: stream.errors,
        load,
      });
      log(JSON.stringify(report.http[report.http.length - 1]));
    } finally {
      await server.stop();
    }
  }

  if (only.has('soak')) {
    const c = corpora[0]!;
    log(`soak: ${soakSeconds} s on ${c.label}`);
    const server = await startServerProcess(REPO_ROOT, { ...env, CORPUS_DIR: c.corpusDir, INDEX_DIR: c.config.paths.indexDir } as Record<string, string>);
    try {
      report.soak = { label: c.label, ...(await measureSoak(server.url, server.pid, c.questions, Math.max(2, connections / 2), soakSeconds)) };
    } finally {
      await server.stop();
    }
  }

}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
