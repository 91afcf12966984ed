/**
 * Entry of a merge process (`MergeProcess` in mergeJob.ts): receives one job over its IPC
 * channel, writes the merged segment the job names, then answers `done`, or `failed` with the
 * error's message. It exits when the channel closes: the parent closes it once it has the answer,
 * and it closes by itself when the parent dies (an ingest killed with SIGKILL), whether the merge
 * is finished or not: nobody would publish it.
 */
import { mergeJobSchema, writeMergedSegment, type MergeReply } from './mergeJob.js';

const send = process.send?.bind(process);
if (!send) throw new Error('mergeProcess.ts runs as a child process with an IPC channel (see MergeProcess in mergeJob.ts)');
process.on('disconnect', () => process.exit(0));
process.once('message', (message: unknown) => {
  const reply = (r: MergeReply) => send(r);
  const job = mergeJobSchema.safeParse(message);
  if (!job.success) return reply({ kind: 'failed', message: `an invalid merge job (${job.error.issues[0]?.message})` });
  writeMergedSegment(job.data).then(
    () => reply({ kind: 'done' }),
    (err: unknown) => reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
