import fs, { type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { IndexBusyError } from '../errors.js';

/** Writes a file from parts and fsyncs it (streamed: no part is joined with another). */
export async function writeFileDurably(file: string, parts: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    for await (const part of parts) await handle.writeFile(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes created/renamed entries durable; some platforms (Windows) cannot open folders: skip. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here; rename is still atomic, only durability across power loss is weaker.
  } finally {
    await handle?.close();
  }
}

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` atomically: written beside it, fsynced, renamed over it, folder fsynced. */
export async function replaceFileAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFileDurably(tmp, [content]);
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/** Appends bytes to a file through a buffer, hashing them (sha256) as they go. */
export class FileAppender {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private written = 0;
  private readonly hash = createHash('sha256');

  protected constructor(private readonly handle: FileHandle) {}

  static async create(file: string): Promise<FileAppender> {
    return new FileAppender(await fs.open(file, 'w'));
  }

  /** Appends `bytes`, kept until the next flush: the caller must not change them afterwards. */
  async append(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  /** Byte length of everything appended. */
  get length(): number {
    return this.written + this.buffered;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    await this.handle.write(Buffer.concat(this.chunks, this.buffered));
    this.written += this.buffered;
    this.chunks = [];
    this.buffered = 0;
  }

  /** Flushes, fsyncs and closes; returns the hex sha256 of everything appended. */
  async close(): Promise<string> {
    try {
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    return this.hash.digest('hex');
  }
}

/** Appends lines to a file through a buffer, remembering where each line starts (byte offset). */
export class LineWriter extends FileAppender {
  readonly offsets: number[] = [];

  static override async create(file: string): Promise<LineWriter> {
    return new LineWriter(await fs.open(file, 'w'));
  }

  async appendLine(line: string): Promise<void> {
    this.offsets.push(this.length);
    await this.append(Buffer.from(`${line}\n`, 'utf8'));
  }
}

/** The hex sha256 of a file, read as a stream (a graph file can be larger than is worth holding). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The lines of a file, read as a stream (never the whole file as one string). */
export async function* readLines(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.length > 0) yield line;
  } finally {
    lines.close();
  }
}

async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still answers signal 0.
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || !/^\d+ \(.*\) Z/s.test(stat);
}

/**
 * Takes `lockPath` (creating it with our pid) and returns its release. A lock left by a
 * process that no longer runs is taken over; one held by a live process is an IndexBusyError.
 */
export async function acquireLock(lockPath: string, what: string): Promise<() => Promise<void>> {
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
      // Our own pid counts as a live holder: two writers in one process would corrupt each other too.
      if (Number.isInteger(holder) && (await isRunning(holder))) {
        throw new IndexBusyError(
          `Another ingest (pid ${holder}) is writing ${what}. Wait for it to finish, or delete ${lockPath} if that process is gone.`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  return () => fs.rm(lockPath, { force: true });
}
