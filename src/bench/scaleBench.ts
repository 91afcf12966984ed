import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { SearchFilter } from '../store/filter.js';
import type { ScaleBuildResult, ScaleUpdateResult } from './scaleWorker.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';
import { folderBytes, readRssMiB, round, summarize } from './stats.js';
import { DEFAULT_SYNTHETIC_OPTIONS, syntheticArticleId, type SampleArticle } from './syntheticArchive.js';

/**
 * The scale section of `npm run bench`: a synthetic archive of `articles` articles (see
 * syntheticArchive.ts) written through the store's writer, then served by a real server process.
 */
export interface ScaleResult {
  articles: number;
  passages: number;
  sampleArticles: number;
  /** Standard deviation of the noise added to each vector component. */
  noise: number;
  build: ScaleBuildResult & { passagesPerSecond: number };
  /** When the archive was written by an earlier run (`--scale-reuse`): that run's date; the build figures are its own. */
  builtAt?: string;
  diskMiB: number;
  /** Figures of the server process; null when it could not be started (`servingError` says why). */
  serving: {
    coldStartMs: number;
    rssMiB: number | null;
    search: { unfiltered: SearchLatency; filtered: SearchLatency & { filter: SearchFilter } };
  } | null;
  servingError?: string;
  /** 1-minute load average of the machine when the build started and when the run ended (it is shared). */
  loadAverage: { start: number; end: number };
  /** Seconds from the writer's exit until the running server answers from the change (null without a server). */
  add: ScaleUpdateResult & { visibleSeconds: number | null };
  remove: ScaleUpdateResult & { goneSeconds: number | null };
  /** The real archive the sample's vectors were read from (`--scale-vectors-from`), served as it is. */
  sourceArchive?: ArchiveColdStart;
}

/** A server started on an existing archive: time to the first 200 from `/ready`, and what it reports. */
export interface ArchiveColdStart {
  articles: number;
  passages: number;
  coldStartMs: number;
  rssMiB: number | null;
}

export interface SearchLatency {
  queries: number;
  p50: number;
  p95: number;
  p99: number;
  /** Mean number of results returned (k asked). */
  meanResults: number;
}

export interface ScaleBenchOptions {
  repoRoot: string;
  workDir: string;
  benchCorpusXz: string;
  sample: readonly SampleArticle[];
  dimensions: number;
  articles: number;
  commitEvery: number;
  /** Serve and update the archive an earlier run wrote (its record says how) instead of writing it again. */
  reuse?: boolean;
  queries: readonly string[];
  /** Environment of the server and worker processes (model, dtype, …). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

function runScaleWorker<T>(opts: ScaleBenchOptions, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(opts.repoRoot, 'src/bench/scaleWorker.ts'), ...args], {
      cwd: opts.repoRoot,
      env: {
        ...process.env,
        ...opts.env,
        SCALE_WORK_DIR: opts.workDir,
        BENCH_CORPUS: opts.benchCorpusXz,
        SCALE_SAMPLE_ARTICLES: String(opts.sample.length),
        SCALE_DIMENSIONS: String(opts.dimensions),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('SCALE_RESULT '));
      if (code !== 0 || !line) reject(new Error(`scale worker ${args[0]} failed (exit ${code})`));
      else resolve(JSON.parse(line.slice('SCALE_RESULT '.length)) as T);
    });
  });
}

async function measureSearch(url: string, queries: readonly string[], filter: SearchFilter | undefined, rounds: number): Promise<SearchLatency> {
  const post = (query: string) =>
    fetch(`${url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 5, ...(filter ? { filter } : {}) }) });
  for (const q of queries.slice(0, 10)) await (await post(q)).arrayBuffer(); // warm-up
  const samples: number[] = [];
  let results = 0;
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      const res = await post(q);
      const body = (await res.json()) as { results?: unknown[] };
      samples.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`/api/search answered ${res.status}: ${JSON.stringify(body)}`);
      results += body.results?.length ?? 0;
    }
  }
  const s = summarize(samples);
  return { queries: s.count, p50: round(s.p50, 1), p95: round(s.p95, 1), p99: round(s.p99, 1), meanResults: round(results / Math.max(1, s.count), 2) };
}

/** Seconds until `check` holds, polling every 50 ms (the server follows commits by itself). */
async function secondsUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return round((performance.now() - started) / 1000, 2);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not seen by the server within ${timeoutMs / 1000} s`);
}

const documentStatus = async (url: string, id: string) => {
  const res = await fetch(`${url}/api/documents/${encodeURIComponent(id)}`);
  await res.arrayBuffer();
  return res.status;
};

/** The commonest outlet of the sample and one month in the middle of the dated span: a selective filter. */
function selectiveFilter(sample: readonly SampleArticle[]): SearchFilter {
  const counts = new Map<string, number>();
  for (const { article } of sample) if (article.outlet) counts.set(article.outlet, (counts.get(article.outlet) ?? 0) + 1);
  const outlet = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const first = Date.parse(DEFAULT_SYNTHETIC_OPTIONS.firstDay);
  const middle = new Date((first + Date.parse(DEFAULT_SYNTHETIC_OPTIONS.lastDay)) / 2);
  const month = middle.toISOString().slice(0, 7);
  const lastDay = new Date(Date.UTC(middle.getUTCFullYear(), middle.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  return { ...(outlet ? { outlets: [outlet] } : {}), from: `${month}-01`, to: lastDay };
}

async function startServing(opts: ScaleBenchOptions, indexDir: string): Promise<{ server: ServerProcess | null; error?: string }> {
  try {
    // The server serves the archive as it is: there is no corpus folder to bring it in line with.
    return { server: await startServerProcess(opts.repoRoot, { ...opts.env, INDEX_DIR: indexDir } as Record<string, string>, 600_000, ['--no-ingest']) };
  } catch (err) {
    const error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    opts.log(`scale: no server (${error}); build and update figures only`);
    return { server: null, error };
  }
}

/** Cold start of `src/cli/serve.ts --no-ingest` on the archive in `indexDir`, and its RSS once ready. */
export async function measureArchiveColdStart(repoRoot: string, env: NodeJS.ProcessEnv, indexDir: string): Promise<ArchiveColdStart> {
  const server = await startServerProcess(repoRoot, { ...env, INDEX_DIR: indexDir } as Record<string, string>, 600_000, ['--no-ingest']);
  try {
    const ready = z.object({ articles: z.number(), chunks: z.number() }).parse(await (await fetch(`${server.url}/ready`)).json());
    const rss = await readRssMiB(server.pid);
    return { articles: ready.articles, passages: ready.chunks, coldStartMs: round(server.coldStartMs, 0), rssMiB: rss === null ? null : round(rss, 0) };
  } finally {
    await server.stop();
  }
}

/**
 * What a run leaves beside the archive it wrote: its build figures, and the synthetic articles the
 * next run adds and removes (each run adds 100 new ones and removes the 100 oldest still there, so
 * that a re-run on the same archive measures real changes).
 */
const scaleRecordSchema = z.object({
  builtAt: z.string(),
  build: z.object({
    articles: z.number(),
    passages: z.number(),
    commits: z.number(),
    seconds: z.number(),
    lastCommitSeconds: z.number(),
    maxCommitSeconds: z.number(),
    closeSeconds: z.number(),
    peakRssMiB: z.number().nullable(),
  }),
  nextAdded: z.number().int().nonnegative(),
  nextRemoved: z.number().int().nonnegative(),
});
type ScaleRecord = z.infer<typeof scaleRecordSchema>;

const recordFile = (indexDir: string) => `${indexDir}.run.json`;

async function readScaleRecord(indexDir: string): Promise<ScaleRecord> {
  let text: string;
  try {
    text = await fsp.readFile(recordFile(indexDir), 'utf8');
  } catch {
    throw new Error(`--scale-reuse: no record of a run that wrote ${indexDir} (${recordFile(indexDir)}); run without --scale-reuse to write it.`);
  }
  return scaleRecordSchema.parse(JSON.parse(text));
}

/** The archive written now, or the one an earlier run wrote (with that run's record). */
async function buildOrReuse(opts: ScaleBenchOptions, indexDir: string): Promise<ScaleRecord> {
  if (opts.reuse) {
    const record = await readScaleRecord(indexDir);
    opts.log(`scale: serving the archive in ${indexDir} written on ${record.builtAt}`);
    return record;
  }
  opts.log(`scale: writing ${opts.articles} synthetic articles to ${indexDir}`);
  const builtAt = new Date().toISOString();
  const build = await runScaleWorker<ScaleBuildResult>(opts, ['build', indexDir, String(opts.articles), String(opts.commitEvery)]);
  const record: ScaleRecord = { builtAt, build, nextAdded: opts.articles, nextRemoved: 0 };
  await fsp.writeFile(recordFile(indexDir), JSON.stringify(record, null, 2) + '\n');
  return record;
}

export async function measureScale(opts: ScaleBenchOptions): Promise<ScaleResult> {
  const indexDir = path.join(opts.workDir, `scale-${opts.articles}`);
  const loadAtStart = os.loadavg()[0]!;
  const record = await buildOrReuse(opts, indexDir);
  const { build } = record;
  const diskMiB = round((await folderBytes(indexDir)) / 2 ** 20, 1);
  opts.log(`scale: built in ${build.seconds} s, ${diskMiB} MiB on disk; starting a server`);

  const { server, error } = await startServing(opts, indexDir);
  try {
    let serving: ScaleResult['serving'] = null;
    if (server) {
      const filter = selectiveFilter(opts.sample);
      const unfiltered = await measureSearch(server.url, opts.queries, undefined, 2);
      const filtered = await measureSearch(server.url, opts.queries, filter, 2);
      const rss = await readRssMiB(server.pid);
      serving = { coldStartMs: round(server.coldStartMs, 0), rssMiB: rss === null ? null : round(rss, 0), search: { unfiltered, filtered: { ...filtered, filter } } };
      opts.log(`scale: ${JSON.stringify(serving)}`);
    }

    const added = Array.from({ length: 100 }, (_, i) => syntheticArticleId(opts.sample, record.nextAdded + i));
    const addResult = await runScaleWorker<ScaleUpdateResult>(opts, ['update', indexDir, String(record.nextAdded), '100']);
    const visibleSeconds = server ? await secondsUntil(async () => (await documentStatus(server.url, added[added.length - 1]!)) === 200) : null;
    opts.log(`scale: add 100 ${JSON.stringify(addResult)}, visible after ${visibleSeconds} s`);

    // The oldest 100 still in the archive: written by the first commit, so the oldest segment.
    const removed = Array.from({ length: 100 }, (_, i) => syntheticArticleId(opts.sample, record.nextRemoved + i));
    const removeResult = await runScaleWorker<ScaleUpdateResult>(opts, ['update', indexDir, '0', '0', ...removed]);
    const goneSeconds = server ? await secondsUntil(async () => (await documentStatus(server.url, removed[removed.length - 1]!)) === 404) : null;
    opts.log(`scale: delete 100 ${JSON.stringify(removeResult)}, gone after ${goneSeconds} s`);
    const next: ScaleRecord = { ...record, nextAdded: record.nextAdded + added.length, nextRemoved: record.nextRemoved + removed.length };
    await fsp.writeFile(recordFile(indexDir), JSON.stringify(next, null, 2) + '\n');

    return {
      articles: opts.articles,
      passages: build.passages,
      sampleArticles: opts.sample.length,
      noise: DEFAULT_SYNTHETIC_OPTIONS.noise,
      build: { ...build, passagesPerSecond: round(build.passages / build.seconds, 0) },
      diskMiB,
      serving,
      ...(error ? { servingError: error } : {}),
      loadAverage: { start: round(loadAtStart, 1), end: round(os.loadavg()[0]!, 1) },
      add: { ...addResult, visibleSeconds },
      remove: { ...removeResult, goneSeconds },
      ...(opts.reuse ? { builtAt: record.builtAt } : {}),
    };
  } finally {
    await server?.stop();
  }
}
