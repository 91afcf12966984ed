import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { mergeSegments } from './segmentFiles.js';

/**
 * A merge: the live articles of some immutable segment folders rewritten as one new segment
 * folder (HNSW graph and postings rebuilt from the stored vectors, nothing re-embedded). It only
 * reads the chosen folders and writes the new one, so it runs in a child process while the writer
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
  /** Test hook: stop, never to go on, after this many articles were written (a merge to kill midway). */
  holdAfterArticles: z.number().int().nonnegative().optional(),
});

export type MergeJob = z.infer<typeof mergeJobSchema>;

/** Runs the job in this process: writes the merged segment folder. */
export async function writeMergedSegment(job: MergeJob): Promise<void> {
  const sources = job.segments.map((s) => ({ dir: path.join(job.indexDir, s.name), deleted: s.deleted }));
  const { failAfterArticles: failAt, holdAfterArticles: holdAt } = job;
  const stopForTest = failAt === undefined && holdAt === undefined ? undefined : (written: number) => {
    if (failAt !== undefined && written >= failAt) throw new Error(`merge stopped by a test after ${written} articles`);
    // Held as a long merge would be: the process busy (a timer keeps it alive), the job unanswered.
    if (holdAt !== undefined && written >= holdAt) return new Promise<void>(() => setInterval(() => undefined, 1000));
  };
  await mergeSegments(path.join(job.indexDir, job.output), job.dimensions, job.graph, sources, stopForTest);
}

const replySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done') }),
  z.object({ kind: z.literal('failed'), message: z.string() }),
]);
export type MergeReply = z.infer<typeof replySchema>;

/**
 * A young generation of 1 MiB semi-spaces (16 MiB by default) in the merge process: its garbage
 * is short-lived (article lines parsed one by one), and the smaller nursery lowered a merge's
 * peak RSS, measured under tsx on the 10k archive: 241/216 → 204/187 MiB rewriting a 2,880-article
 * segment (two runs each), 339 → 324 MiB merging the whole archive; times within the noise of a
 * loaded machine (77 → 83 s for the whole archive).
 */
const CHILD_V8_FLAGS = ['--max-semi-space-size=1'];

/**
 * How to start the child's entry module (mergeProcess.ts, beside this one, with the extension this
 * module runs with): under tsx and vitest the sources are .ts and the child registers tsx first
 * (resolved from here, whatever the working directory); from the compiled dist/ it is .js and
 * needs nothing.
 */
function childEntry(): { modulePath: string; execArgv: string[] } {
  const here = new URL(import.meta.url);
  const extension = path.extname(here.pathname);
  const modulePath = fileURLToPath(new URL(`./mergeProcess${extension}`, here));
  const loader = extension === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  return { modulePath, execArgv: [...CHILD_V8_FLAGS, ...loader] };
}

/**
 * Runs merge jobs one at a time, each in a child process of its own that exits once its job is
 * answered. A process rather than a worker thread: what a merge allocates (the HNSW graph being
 * built, postings, malloc's arenas) was kept by the ingest after a merge on a thread, on top of
 * the embedding's memory; a process's memory goes back to the system when it exits. One process
 * per job rather than one kept for the next: a process kept idle keeps much of its peak (merging
 * the whole 10k archive, 8 segments, in one process under tsx: 95 MiB before, 335 MiB peak,
 * 205 MiB after a full GC and 3 s idle), and starting one costs little beside a merge (measured
 * on this machine: 0.4 s and 60 MiB compiled, 0.9–1.2 s and 90 MiB under tsx; that merge took
 * 90 s).
 * A child that dies (killed, out of memory) rejects its job; the next job starts a new one. The
 * child exits by itself when its channel to this process closes, so an ingest killed with
 * SIGKILL leaves no merge running behind it.
 */
export class MergeProcess {
  /** The child of the running job, if any. */
  private current: { child: ChildProcess; fail: (err: Error) => void } | null = null;
  /** Children not yet exited (the last one may still be exiting after its answer). */
  private readonly children = new Set<ChildProcess>();

  /** Process id of the child running the current job (tests kill it). */
  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  /**
   * Writes the job's segment folder; resolves once it is complete (fsynced, its segment.json
   * written last). Rejects with the job's error, or when the child dies; the folder may then be
   * partly written (the caller removes it).
   */
  run(job: MergeJob): Promise<void> {
    if (this.current) return Promise.reject(new Error('a merge is already running'));
    const { modulePath, execArgv } = childEntry();
    const child = fork(modulePath, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return new Promise<void>((resolve, reject) => {
      const settle = (outcome: Error | null) => {
        if (this.current?.child !== child) return; // settled already
        this.current = null;
        // Closing the channel ends the child (see mergeProcess.ts).
        if (child.connected) child.disconnect();
        if (outcome) reject(outcome);
        else resolve();
      };
      this.current = { child, fail: settle };
      child.on('message', (message: unknown) => {
        const reply = replySchema.safeParse(message);
        if (!reply.success) settle(new Error('the merge process sent an unknown reply'));
        else settle(reply.data.kind === 'done' ? null : new Error(reply.data.message));
      });
      child.on('error', (err) => {
        if (child.pid === undefined) this.children.delete(child); // never started: no exit to wait for
        settle(err);
      });
      child.once('exit', (code, signal) => settle(new Error(`the merge process stopped (${signal ? `signal ${signal}` : `exit code ${code}`})`)));
      child.send(job, (err) => {
        if (err) settle(err);
      });
    });
  }

  /** Ends the child of a running job (which rejects) and waits until every child has exited. */
  async close(): Promise<void> {
    const running = this.current;
    if (running) {
      running.child.kill('SIGKILL');
      running.fail(new Error('the merge process was closed'));
    }
    await Promise.all([...this.children].map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
  }
}
