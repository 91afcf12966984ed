import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { mergeSegments } from './segmentFiles.js';

/**
 * A merge: the live articles of some immutable segment folders rewritten as one new segment
 * folder (HNSW graph and postings rebuilt from the stored vectors, nothing re-embedded). It only
 * reads the chosen folders and writes the new one, so it runs on a worker thread while the writer
 * goes on committing; the writer publishes the result (see writer.ts).
 */
export const mergeJobSchema = z.object({
  indexDir: z.string(),
  /** Name of the new segment folder (created by the job, must not exist). */
  output: z.string().regex(/^seg-[A-Za-z0-9-]+$/),
  dimensions: z.number().int().positive(),
  graph: z.object({ m: z.number().int().positive(), efConstruction: z.number().int().positive(), efSearch: z.number().int().positive() }),
  segments: z.array(
    z.object({
      name: z.string().regex(/^seg-[A-Za-z0-9-]+$/),
      passages: z.number().int().nonnegative(),
      /** Tombstones when the merge was chosen (1 = deleted, left out); null: none. */
      deleted: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'a Uint8Array').nullable(),
    }),
  ),
  /** Test hook: throw after this many articles were written (a failure in the middle of a merge). */
  failAfterArticles: z.number().int().nonnegative().optional(),
});

export type MergeJob = z.infer<typeof mergeJobSchema>;

/** Runs the job on this thread: writes the merged segment folder. */
export async function writeMergedSegment(job: MergeJob): Promise<void> {
  const sources = job.segments.map((s) => ({ dir: path.join(job.indexDir, s.name), deleted: s.deleted }));
  const failAt = job.failAfterArticles;
  const stopForTest = failAt === undefined ? undefined : (written: number) => {
    if (written >= failAt) throw new Error(`merge stopped by a test after ${written} articles`);
  };
  await mergeSegments(path.join(job.indexDir, job.output), job.dimensions, job.graph, sources, stopForTest);
}

/**
 * The worker's bootstrap, plain CommonJS given inline: it imports the entry module, registering
 * tsx first when the entry is TypeScript (under `tsx` and vitest the sources run as .ts; a worker
 * started from vitest has no loader for them, and `execArgv: ['--import', 'tsx']` is not honoured
 * for workers here; registering again under the tsx CLI was tried and works). From the compiled
 * dist/ the entry is .js and needs nothing.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})().catch((err) => setImmediate(() => { throw err; }));
`;

/** The worker's entry module beside this one, with the extension this module runs with (.ts or .js). */
function workerEntry(): { entry: string; tsxApi: string | null } {
  const here = new URL(import.meta.url);
  const extension = path.extname(here.pathname);
  const entry = new URL(`./mergeWorker${extension}`, here).href;
  if (extension !== '.ts') return { entry, tsxApi: null };
  return { entry, tsxApi: import.meta.resolve('tsx/esm/api') };
}

const replySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done') }),
  z.object({ kind: z.literal('failed'), message: z.string() }),
]);
export type MergeReply = z.infer<typeof replySchema>;

/**
 * A worker thread that runs merge jobs one at a time, started on the first job and kept for the
 * next (starting one costs about 0.2–0.6 s compiled, 1.6 s under tsx on this machine). An idle
 * thread does not keep the process alive; a thread that dies is replaced by the next job.
 */
export class MergeThread {
  private worker: Worker | null = null;
  private job: { resolve: () => void; reject: (err: Error) => void } | null = null;

  /**
   * Writes the job's segment folder; resolves once it is complete (fsynced, its segment.json
   * written last). Rejects with the job's error, or when the thread dies; the folder may then be
   * partly written (the caller removes it).
   */
  run(job: MergeJob): Promise<void> {
    if (this.job) return Promise.reject(new Error('a merge is already running on this thread'));
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      this.job = { resolve, reject };
      worker.ref();
      worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: workerEntry() });
    worker.unref();
    const settle = (outcome: Error | null) => {
      const job = this.job;
      this.job = null;
      worker.unref();
      if (outcome) job?.reject(outcome);
      else job?.resolve();
    };
    worker.on('message', (message: unknown) => {
      const reply = replySchema.safeParse(message);
      if (!reply.success) settle(new Error('the merge thread sent an unknown reply'));
      else settle(reply.data.kind === 'done' ? null : new Error(reply.data.message));
    });
    const lost = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      settle(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the merge thread stopped (exit code ${code})`)));
    return worker;
  }
}
