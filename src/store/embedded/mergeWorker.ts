/**
 * Entry of the merge thread (`MergeThread` in mergeJob.ts): for each job it receives, writes the
 * merged segment the job names, then answers `done`, or `failed` with the error's message.
 */
import { parentPort } from 'node:worker_threads';
import { mergeJobSchema, writeMergedSegment, type MergeReply } from './mergeJob.js';

if (!parentPort) throw new Error('mergeWorker.ts runs as a worker thread (see MergeThread in mergeJob.ts)');
const port = parentPort;
port.on('message', (message: unknown) => {
  const reply = (r: MergeReply) => port.postMessage(r);
  const job = mergeJobSchema.safeParse(message);
  if (!job.success) return reply({ kind: 'failed', message: `an invalid merge job (${job.error.issues[0]?.message})` });
  writeMergedSegment(job.data).then(
    () => reply({ kind: 'done' }),
    (err: unknown) => reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
