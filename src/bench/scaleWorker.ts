/**
 * Writes the synthetic archive of the scale benchmark through the store's writer, in a child
 * process of `npm run bench` so that its peak memory (VmHWM) is the writer's own. Two jobs:
 *
 *   build  <indexDir> <articles> <commitEvery>   a new archive of articles 0 … n-1
 *   update <indexDir> <addFrom> <add> <removeIds…>  adds articles addFrom … addFrom+add-1 and removes the given ids, one commit
 *
 * Prints one `SCALE_RESULT {json}` line. The sample (articles, passages, real vectors) is read
 * from the bench's work folder, where the parent process has cached it.
 */
import { loadConfig } from '../config/config.js';
import { articleContentHash } from '../ingest/contentHash.js';
import { makeArchiveStore, storeSettings } from '../store/index.js';
import type { StoreWriter } from '../store/types.js';
import { loadSample } from './sampleVectors.js';
import { readRssMiB, round } from './stats.js';
import { DEFAULT_SYNTHETIC_OPTIONS, syntheticEntries } from './syntheticArchive.js';

export interface ScaleBuildResult {
  articles: number;
  passages: number;
  commits: number;
  /** From the first upsert to the writer's close (which waits for a background merge the commits started). */
  seconds: number;
  /** Seconds of the last commit alone (its segment; a merge it triggers runs in the background). */
  lastCommitSeconds: number;
  /** The longest commit. */
  maxCommitSeconds: number;
  /** Seconds the writer's close waited (for a running background merge). */
  closeSeconds: number;
  peakRssMiB: number | null;
}

export interface ScaleUpdateResult {
  added: number;
  removed: number;
  /** From opening the writer to the end of the commit: what an incremental ingest costs besides embedding. */
  seconds: number;
  commitSeconds: number;
  peakRssMiB: number | null;
}

const say = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);

/** Writes the archive and closes the writer (closing waits for a background merge). */
async function build(writer: StoreWriter, sample: Parameters<typeof syntheticEntries>[0], count: number, commitEvery: number, hash: (a: Parameters<typeof articleContentHash>[0]) => string): Promise<ScaleBuildResult> {
  const started = performance.now();
  let passages = 0;
  let commits = 0;
  let lastCommitSeconds = 0;
  let maxCommitSeconds = 0;
  let done = 0;
  for (const entry of syntheticEntries(sample, 0, count, DEFAULT_SYNTHETIC_OPTIONS, hash)) {
    await writer.upsert(entry);
    passages += entry.passages.length;
    if (++done % commitEvery === 0 || done === count) {
      const t = performance.now();
      await writer.commit();
      lastCommitSeconds = (performance.now() - t) / 1000;
      maxCommitSeconds = Math.max(maxCommitSeconds, lastCommitSeconds);
      commits++;
      const seconds = (performance.now() - started) / 1000;
      say(`${done}/${count} articles, ${passages} passages, ${round(seconds, 0)} s (${round(passages / seconds, 0)} passages/s), RSS ${await readRssMiB('self')} MiB`);
    }
  }
  const closing = performance.now();
  await writer.close();
  return {
    articles: count,
    passages,
    commits,
    seconds: round((performance.now() - started) / 1000, 1),
    lastCommitSeconds: round(lastCommitSeconds, 2),
    maxCommitSeconds: round(maxCommitSeconds, 2),
    closeSeconds: round((performance.now() - closing) / 1000, 2),
    peakRssMiB: await readRssMiB('self', 'VmHWM'),
  };
}

async function main(): Promise<void> {
  const [job, indexDir, ...rest] = process.argv.slice(2);
  const workDir = process.env.SCALE_WORK_DIR;
  const benchCorpus = process.env.BENCH_CORPUS;
  const sampleSize = Number(process.env.SCALE_SAMPLE_ARTICLES ?? 10_000);
  const dimensions = Number(process.env.SCALE_DIMENSIONS ?? 0);
  if (!indexDir || !workDir || !benchCorpus || !dimensions || (job !== 'build' && job !== 'update')) {
    throw new Error('usage: SCALE_WORK_DIR=… BENCH_CORPUS=… SCALE_DIMENSIONS=… scaleWorker build|update <indexDir> …');
  }
  const config = loadConfig({ ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: 'silent' });
  const sample = await loadSample(config, benchCorpus, sampleSize, workDir, dimensions, {
    embeddings: () => Promise.reject(new Error('the sample vectors must be cached by the parent process first')),
    log: say,
  });
  const hash = (a: Parameters<typeof articleContentHash>[0]) => articleContentHash(a, config);
  const store = makeArchiveStore(config, storeSettings(config, dimensions));
  if (job === 'build') {
    const [count, commitEvery] = rest.map(Number);
    const writer = await store.openWriter({ rebuild: true });
    try {
      const result = await build(writer, sample, count!, commitEvery!, hash);
      process.stdout.write(`SCALE_RESULT ${JSON.stringify(result)}\n`);
    } finally {
      await writer.close();
    }
    return;
  }
  const [addFrom, add, ...removeIds] = rest;
  const started = performance.now();
  const writer = await store.openWriter();
  try {
    for (const entry of syntheticEntries(sample, Number(addFrom), Number(add), DEFAULT_SYNTHETIC_OPTIONS, hash)) await writer.upsert(entry);
    for (const id of removeIds) await writer.remove(id);
    const t = performance.now();
    await writer.commit();
    const result: ScaleUpdateResult = {
      added: Number(add),
      removed: removeIds.length,
      seconds: round((performance.now() - started) / 1000, 2),
      commitSeconds: round((performance.now() - t) / 1000, 2),
      peakRssMiB: await readRssMiB('self', 'VmHWM'),
    };
    process.stdout.write(`SCALE_RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await writer.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
