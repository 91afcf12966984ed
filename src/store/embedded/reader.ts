import path from 'node:path';
import { IndexCorruptError, IndexMissingError } from '../errors.js';
import type { CommitInfo, StoreIntegrity, StoreReader, StoreSettings } from '../types.js';
import { checkSettings, commitInfo, corrupt, readCommit, readDeletes, readPointer, type CommitManifest } from './commitLog.js';
import { CheckedFileReader } from './checkedFiles.js';
import type { Segment } from './segment.js';
import { readSegment, SegmentCorruptError, verifyFile, type FileCheck } from './segmentFiles.js';
import { EmbeddedSnapshot, type SegmentView } from './snapshot.js';

/** A loaded segment's file whose checksum the reader verifies in the background. */
type PendingCheck = FileCheck & { segment: string };

export interface ReaderOptions {
  indexDir: string;
  settings: StoreSettings;
  efSearch: number;
  /** Poll the commit pointer and load new commits by itself. */
  follow: boolean;
  pollMs: number;
  /**
   * How long a segment dropped by a newer commit stays open for snapshots still in use (a
   * request in flight). The writer keeps the files of superseded commits at least this long.
   */
  graceMs: number;
  /** The lexical searches' budget of postings (see `POSTINGS_BUDGET`). */
  postingsBudget: number;
}

/**
 * Reads an embedded archive and follows its commits. Segments are loaded once and shared by
 * every snapshot that includes them; a refresh loads only new segments and new tombstones.
 * Loaded segments live in memory (their article files stay open), so the writer may delete
 * superseded files after its grace period without breaking a snapshot still in use.
 */
export class EmbeddedReader implements StoreReader {
  private readonly segments = new Map<string, Segment>();
  private readonly deletes = new Map<string, Uint8Array>();
  /** Segments no longer in the current commit, still open for older snapshots until their grace ends. */
  private readonly retiring = new Set<Segment>();
  private current: EmbeddedSnapshot;
  private currentFile: string;
  private readonly listeners = new Set<(commit: CommitInfo) => void>();
  private refreshing: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The last error a background refresh met (the previous commit stays in use). */
  lastError: Error | null = null;
  /** Checksums of loaded segments' large files, verified one after the other in the background. */
  private readonly unchecked: PendingCheck[] = [];
  private checking: Promise<void> | null = null;
  private damage: string | null = null;

  private constructor(private readonly opts: ReaderOptions) {
    this.current = null as unknown as EmbeddedSnapshot;
    this.currentFile = '';
  }

  /**
   * @throws IndexMissingError, IndexCorruptError, IndexMismatchError
   */
  static async open(opts: ReaderOptions): Promise<EmbeddedReader> {
    const reader = new EmbeddedReader(opts);
    const pointer = await readPointer(opts.indexDir);
    if (pointer.kind === 'none') throw new IndexMissingError(`No index in ${opts.indexDir}. Run \`npm run ingest\`.`);
    if (pointer.kind === 'legacy') {
      throw new IndexCorruptError(
        `The index in ${opts.indexDir} was written by an older version of this program. Run \`npm run ingest\` ` +
          'to convert it (nothing is re-embedded).',
      );
    }
    await reader.load(pointer.file);
    if (opts.follow) reader.startPolling();
    return reader;
  }

  snapshot(): EmbeddedSnapshot {
    return this.current;
  }

  integrity(): StoreIntegrity {
    if (this.damage !== null) return { state: 'damaged', problem: this.damage };
    return { state: this.checking === null ? 'verified' : 'checking', problem: null };
  }

  /** Verifies the files waiting for it, one at a time on one thread, until none is left or the reader closes. */
  private checkInBackground(): void {
    if (this.checking !== null || this.unchecked.length === 0 || this.closed) return;
    this.checking = (async () => {
      const files = CheckedFileReader.start();
      try {
        for (let check = this.unchecked.shift(); check && !this.closed; check = this.unchecked.shift()) {
          const found = await verifyFile(files, check);
          // A segment a newer commit dropped may lose its files meanwhile: that is no damage.
          const stillServed = this.segments.has(check.segment);
          if (found.kind === 'damaged' || (found.kind === 'unreadable' && stillServed && !this.closed)) this.damage ??= found.message;
        }
      } finally {
        await files.close();
        this.checking = null;
      }
      this.checkInBackground(); // a commit loaded meanwhile may have queued more
    })();
  }

  refresh(): Promise<boolean> {
    this.refreshing ??= this.checkPointer().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  onCommit(listener: (commit: CommitInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing?.catch(() => undefined);
    this.unchecked.length = 0;
    await this.checking;
    await Promise.all([...this.segments.values(), ...this.retiring].map((s) => s.close().catch(() => undefined)));
    this.segments.clear();
    this.retiring.clear();
  }

  private startPolling(): void {
    this.timer = setInterval(() => {
      this.refresh().then(
        () => (this.lastError = null),
        (err: unknown) => (this.lastError = err instanceof Error ? err : new Error(String(err))),
      );
    }, this.opts.pollMs);
    this.timer.unref();
  }

  private async checkPointer(): Promise<boolean> {
    if (this.closed) return false;
    const pointer = await readPointer(this.opts.indexDir);
    if (pointer.kind !== 'commit' || pointer.file === this.currentFile) return false;
    await this.load(pointer.file);
    for (const listener of this.listeners) listener(this.current.commit);
    return true;
  }

  /**
   * Reads the segments of `manifest` not loaded yet, two at a time: one segment's files are read
   * and checked off the main thread while the other's are parsed on it. Each is added to `loaded`
   * as soon as it is read (closed by the caller if the commit fails to load).
   */
  private async readNewSegments(manifest: CommitManifest, loaded: Segment[], checks: PendingCheck[]): Promise<Map<string, Segment>> {
    const { indexDir, settings, efSearch } = this.opts;
    const queue = manifest.segments.filter((ref) => !this.segments.has(ref.name));
    const out = new Map<string, Segment>();
    const worker = async () => {
      if (queue.length === 0) return;
      const files = CheckedFileReader.start(); // one checking thread per queue, not per segment
      try {
        for (let ref = queue.shift(); ref; ref = queue.shift()) {
          const segment = await readSegment(path.join(indexDir, ref.name), settings.dimensions, efSearch, files, (check) =>
            checks.push({ ...check, segment: ref.name }),
          );
          loaded.push(segment);
          out.set(ref.name, segment);
        }
      } catch (err) {
        queue.length = 0; // the other stops after the segment it is reading
        throw err;
      } finally {
        await files.close();
      }
    };
    // Both settle before the caller sees a failure, so every segment read is in `loaded` to close.
    const [first, second] = await Promise.allSettled([worker(), worker()]);
    for (const r of [first, second]) if (r?.status === 'rejected') throw r.reason;
    return out;
  }

  private async load(file: string): Promise<void> {
    const { indexDir, settings } = this.opts;
    let manifest: CommitManifest;
    try {
      manifest = await readCommit(indexDir, file);
    } catch (err) {
      // The writer may have superseded and removed this commit between our two reads: retry once.
      const again = await readPointer(indexDir);
      if (again.kind !== 'commit' || again.file === file) throw err;
      return this.load(again.file);
    }
    checkSettings(indexDir, manifest.settings, settings);
    const views: SegmentView[] = [];
    const loaded: Segment[] = [];
    const checks: PendingCheck[] = [];
    try {
      const fresh = await this.readNewSegments(manifest, loaded, checks);
      for (const ref of manifest.segments) {
        const segment = this.segments.get(ref.name) ?? fresh.get(ref.name)!;
        if (segment.articles.length !== ref.articles || segment.passageCount !== ref.passages) {
          throw corrupt(indexDir, `segment ${ref.name} does not hold what ${file} says`);
        }
        let deleted: Uint8Array | null = null;
        if (ref.deletes) {
          deleted = this.deletes.get(ref.deletes.file) ?? (await readDeletes(indexDir, ref.deletes, ref.articles));
        }
        views.push({ segment, deleted });
      }
    } catch (err) {
      await Promise.all(loaded.map((s) => s.close().catch(() => undefined)));
      if (err instanceof SegmentCorruptError) throw corrupt(indexDir, err.message);
      throw err;
    }
    const dropped = [...this.segments.values()].filter((s) => !manifest.segments.some((r) => r.name === s.name));
    this.segments.clear();
    this.deletes.clear();
    views.forEach((v, i) => {
      this.segments.set(v.segment.name, v.segment);
      const ref = manifest.segments[i]!;
      if (ref.deletes && v.deleted) this.deletes.set(ref.deletes.file, v.deleted);
    });
    this.current = new EmbeddedSnapshot(commitInfo(manifest), manifest.settings, views, { postingsBudget: this.opts.postingsBudget });
    this.currentFile = file;
    this.unchecked.push(...checks);
    this.checkInBackground();
    // Snapshots taken before this commit may still read the dropped segments for a while.
    if (dropped.length > 0) {
      for (const s of dropped) this.retiring.add(s);
      const retire = () => {
        for (const s of dropped) {
          this.retiring.delete(s);
          void s.close().catch(() => undefined);
        }
      };
      setTimeout(retire, this.opts.graceMs).unref();
    }
  }
}
