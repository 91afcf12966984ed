/**
 * Entry of the merge thread (started by `runMergeWorker` in mergeJob.ts): writes the merged
 * segment its job names, then says so. An error thrown here reaches the writer as the worker's
 * 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { mergeJobSchema, writeMergedSegment } from './mergeJob.js';

const { job } = z.object({ job: mergeJobSchema }).parse(workerData);
await writeMergedSegment(job);
parentPort?.postMessage({ kind: 'done' });
