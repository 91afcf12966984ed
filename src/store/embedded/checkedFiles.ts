import { Worker } from 'node:worker_threads';
import { z } from 'zod';

/**
 * Reads segment files whole and computes their sha256 on a worker thread. Loading an archive is
 * mostly this (a 10,000-article segment has 180 MB of binaries to check) and the server starts
 * the model and its own modules on the main thread meanwhile: hashing there made the two wait
 * for each other. The worker reads each file with one call into a buffer of its own and hands the
 * buffer back without a copy; requests are served in order.
 *
 * The worker's code is plain CommonJS given inline, so it runs the same from src/ (tsx, tests)
 * and from the compiled dist/.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const CHUNK = 4 << 20;
parentPort.on('message', ({ id, file, bytes, keep }) => {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).size !== bytes) return parentPort.postMessage({ id, kind: 'size' });
    const hash = createHash('sha256');
    const buffer = new Uint8Array(keep ? bytes : Math.min(bytes, CHUNK));
    for (let at = 0; at < bytes; ) {
      const into = keep ? at : 0;
      const n = fs.readSync(fd, buffer, into, Math.min(buffer.length - into, bytes - at), at);
      if (n === 0) return parentPort.postMessage({ id, kind: 'size' });
      if (!keep) hash.update(buffer.subarray(0, n));
      at += n;
    }
    if (keep) hash.update(buffer);
    const sha256 = hash.digest('hex');
    if (keep) parentPort.postMessage({ id, kind: 'read', sha256, bytes: buffer.buffer }, [buffer.buffer]);
    else parentPort.postMessage({ id, kind: 'read', sha256 });
  } catch (err) {
    parentPort.postMessage({ id, kind: 'error', message: err && err.message ? err.message : String(err) });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

const replySchema = z.discriminatedUnion('kind', [
  z.object({ id: z.number(), kind: z.literal('read'), sha256: z.string(), bytes: z.instanceof(ArrayBuffer).optional() }),
  z.object({ id: z.number(), kind: z.literal('size') }),
  z.object({ id: z.number(), kind: z.literal('error'), message: z.string() }),
]);

/** What a read found: the bytes (when kept) and their sha256; or a size other than expected; or an I/O error. */
export type CheckedRead =
  | { kind: 'read'; sha256: string; bytes: Buffer | null }
  | { kind: 'size' }
  | { kind: 'error'; message: string };

export class CheckedFileReader {
  private next = 0;
  private readonly waiting = new Map<number, (reply: CheckedRead) => void>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: unknown) => {
      const parsed = replySchema.safeParse(message);
      if (!parsed.success) return this.fail(new Error('the file checking thread sent an unknown reply'));
      const reply = parsed.data;
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.kind === 'read') resolve?.({ kind: 'read', sha256: reply.sha256, bytes: reply.bytes ? Buffer.from(reply.bytes) : null });
      else resolve?.(reply);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('the file checking thread stopped')));
  }

  /** Starts the thread; `close()` must follow (a running thread keeps the process alive). */
  static start(): CheckedFileReader {
    return new CheckedFileReader(new Worker(WORKER_SOURCE, { eval: true }));
  }

  /** The file's bytes (`keep`) or only its sha256, provided it holds exactly `bytes` bytes. */
  read(file: string, bytes: number, keep: boolean): Promise<CheckedRead> {
    if (this.failure) return Promise.resolve({ kind: 'error', message: this.failure.message });
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, file, bytes, keep });
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const resolve of this.waiting.values()) resolve({ kind: 'error', message: err.message });
    this.waiting.clear();
  }
}
