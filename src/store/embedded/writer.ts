import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Article } from '../../corpus/types.js';
import type { ArticleEntry, CommitSummary } from '../../ingest/types.js';
import type { CompactionReport, StoreSettings, StoreWriter } from '../types.js';
import {
  ARCHIVE_FORMAT_VERSION,
  checkSettings,
  commitInfo,
  corrupt,
  listCommits,
  publishCommit,
  readCommit,
  readDeletes,
  readPointer,
  writeDeletes,
  type CommitManifest,
  type SegmentRef,
} from './commitLog.js';
import { acquireLock } from './files.js';
import { MergeProcess } from './mergeJob.js';
import { chooseMerge, type MergePolicy, type SegmentSize } from './mergePolicy.js';
import { migrateLegacyIndex } from './migrate.js';
import type { ArticleTable } from './articleTable.js';
import type { GraphParams, SegmentInput } from './segment.js';
import { readSegmentArticle, readSegmentArticles, upgradeSegment, writeSegment } from './segmentFiles.js';

export interface WriterOptions {
  indexDir: string;
  settings: StoreSettings;
  graph: GraphParams;
  /** Start an empty archive, ignoring what the folder holds (its files go once superseded). */
  rebuild: boolean;
  /** Which segments a commit merges by itself (size tiers; see mergePolicy.ts). */
  mergePolicy: MergePolicy;
  /** Files of a superseded commit are deleted no sooner than this after it was superseded. */
  graceMs: number;
  /** Test hook: called before each durable step of a commit (throw to simulate a crash there). */
  beforeStep?: (step: CommitStep) => void;
  /** Test hook: awaited once a merge's segment is written, before the writer publishes it. */
  beforeMergePublish?: () => Promise<void>;
  /** Test hook: the merge process throws after writing this many articles. */
  failMergeAfterArticles?: number;
}

export type CommitStep = 'segment' | 'tombstones' | 'commit-file' | 'pointer';

const LOCK_FILE = '.writer.lock';
/** Ids handed to an ingest's plan at a time by `storedIds`. */
const ID_BATCH = 4096;

/** A committed segment as the writer tracks it: which articles it holds, which of them are deleted. */
interface WriterSegment {
  ref: SegmentRef;
  articles: ArticleTable;
  deleted: Uint8Array | null;
}

/** The merge under way: the segments it reads, the folder it writes, and its end (published or failed). */
interface RunningMerge {
  chosen: ReadonlySet<string>;
  output: string;
  done: Promise<void>;
  /** Once true, the current commit names `output` instead of `chosen`. */
  published: boolean;
}

/** A merge that failed; reported by the writer's next commit, compaction or close. */
export class MergeFailedError extends Error {
  override readonly name = 'MergeFailedError';
}

/**
 * The one writer of an embedded archive folder (a lock file keeps others out). Upserts and
 * removals are staged in memory; `commit` writes the upserts as a new segment, the removals and
 * replacements as tombstones of older segments, and publishes a commit naming them. Merges
 * rebuild segments from their stored vectors (never re-embedding): the ones the size-tiered
 * `mergePolicy` asks for after a commit (bounded by a tier's size, not the archive's) run in the
 * background, and all at once with `compact()`.
 *
 * A background merge is written by a child process (`MergeProcess`, mergeJob.ts) from the chosen
 * segments' immutable folders while `commit()` returns and the writer goes on staging and
 * committing; once the new folder is complete the writer publishes a commit that replaces the
 * chosen segments with it. Articles
 * deleted or replaced in the chosen segments meanwhile become tombstones of the merged segment
 * (by article id), so nothing deleted comes back. One merge runs at a time and a segment being
 * merged is merged with nothing else; `compact()` and `close()` wait for it. A merge that fails
 * publishes nothing (its folder is removed) and its error is thrown by the next `commit()` (after
 * that commit is published), `compact()` or `close()`. A crash during a merge leaves the last
 * commit as it was; the unfinished folder is named by no commit and the next writer deletes it.
 *
 * Files no longer named by the current commit are deleted only once the commit that dropped
 * them is `graceMs` old: readers load segment binaries into memory and keep article files open,
 * and a reader switches to a new commit within its poll interval, so a grace period well above
 * the poll interval plus the longest request keeps every reader's files in place.
 */
export class EmbeddedWriter implements StoreWriter {
  private segments: WriterSegment[] = [];
  private manifest: CommitManifest;
  private readonly staged = new Map<string, ArticleEntry>();
  private readonly removals = new Set<string>();
  private closed = false;
  /** First passage of each article, per segment (computed when an article is first read back). */
  private readonly passageStarts = new WeakMap<WriterSegment, Float64Array>();
  /** With `rebuild`, the first commit is published even when empty: it replaces the old archive. */
  private mustPublish: boolean;
  private merging: RunningMerge | null = null;
  private readonly mergeProcess = new MergeProcess();
  private mergeFailure: MergeFailedError | null = null;
  /**
   * Commits, merge publications and cleanups run one after another (each waits for the one
   * before): a merge finishing while a commit is being written publishes after it.
   */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly opts: WriterOptions,
    private readonly release: () => Promise<void>,
  ) {
    this.manifest = emptyManifest(opts.settings);
    this.mustPublish = opts.rebuild;
  }

  get settings(): StoreSettings {
    return this.opts.settings;
  }

  /** @throws IndexBusyError, IndexMismatchError, IndexCorruptError */
  static async open(opts: WriterOptions): Promise<EmbeddedWriter> {
    await fs.mkdir(opts.indexDir, { recursive: true });
    const release = await acquireLock(path.join(opts.indexDir, LOCK_FILE), opts.indexDir);
    const writer = new EmbeddedWriter(opts, release);
    try {
      await writer.load();
    } catch (err) {
      await release();
      throw err;
    }
    return writer;
  }

  private async load(): Promise<void> {
    const { indexDir, settings } = this.opts;
    if (this.opts.rebuild) {
      const pointer = await readPointer(indexDir).catch(() => ({ kind: 'none' as const }));
      if (pointer.kind === 'commit') {
        // Keep counting commits, so readers see the rebuild as newer.
        const last = await readCommit(indexDir, pointer.file).catch(() => null);
        if (last) this.manifest = { ...this.manifest, sequence: last.sequence };
      }
      return;
    }
    let pointer = await readPointer(indexDir);
    if (pointer.kind === 'legacy') {
      await migrateLegacyIndex(indexDir, pointer.generation, this.opts);
      pointer = await readPointer(indexDir);
    }
    if (pointer.kind !== 'commit') return;
    const manifest = await readCommit(indexDir, pointer.file);
    checkSettings(indexDir, manifest.settings, settings);
    for (const ref of manifest.segments) {
      const dir = path.join(indexDir, ref.name);
      // Segments of format 1 get their metadata file of format 2 (readers then open them without parsing it).
      const articles = await upgradeSegment(dir)
        .then(() => readSegmentArticles(dir))
        .catch((err: Error) => {
          throw corrupt(indexDir, err.message);
        });
      const deleted = ref.deletes ? await readDeletes(indexDir, ref.deletes, ref.articles) : null;
      this.segments.push({ ref, articles, deleted });
    }
    this.manifest = manifest;
    await this.cleanup();
  }

  /**
   * Where the live article `id` is: looked up in the segments' article tables (an article is live
   * in one segment at most) rather than kept in a map of every id, which at a million articles
   * held a few hundred megabytes of the writer's memory.
   */
  private locate(id: string): { segment: WriterSegment; article: number } | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      const n = liveNumber(s, id);
      if (n >= 0) return { segment: s, article: n };
    }
    return undefined;
  }

  async storedHashes(ids: readonly string[]): Promise<Map<string, string>> {
    this.assertOpen();
    const out = new Map<string, string>();
    for (const id of ids) {
      const staged = this.staged.get(id);
      const at = staged || this.removals.has(id) ? undefined : this.locate(id);
      if (staged) out.set(id, staged.contentHash);
      else if (at) out.set(id, at.segment.articles.contentHash(at.article));
    }
    return out;
  }

  async *storedIds(): AsyncIterable<readonly string[]> {
    this.assertOpen();
    // The segments of this moment: a merge publishing meanwhile holds the same live articles.
    const segments = [...this.segments];
    let batch: string[] = [];
    for (const s of segments) {
      for (let n = 0; n < s.articles.length; n++) {
        if (s.deleted !== null && s.deleted[n] !== 0) continue;
        const id = s.articles.id(n);
        if (this.removals.has(id) || this.staged.has(id)) continue;
        batch.push(id);
        if (batch.length >= ID_BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
    batch.push(...this.staged.keys());
    if (batch.length > 0) yield batch;
  }

  async storedArticle(documentId: string): Promise<{ article: Article; vectors: Float32Array[] } | undefined> {
    this.assertOpen();
    const staged = this.staged.get(documentId);
    if (staged) return { article: staged.article, vectors: staged.vectors };
    const at = this.removals.has(documentId) ? undefined : this.locate(documentId);
    if (!at) return undefined;
    const { segment } = at;
    const stored = await readSegmentArticle(path.join(this.opts.indexDir, segment.ref.name), this.opts.settings.dimensions, {
      articleNumber: at.article,
      firstPassage: this.firstPassage(segment, at.article),
      passageCount: segment.articles.passageCounts[at.article]!,
    });
    if (stored.article.id !== documentId) throw corrupt(this.opts.indexDir, `${segment.ref.name}: article number ${at.article} is not ${documentId}`);
    const { contentHash: _hash, ...article } = stored.article;
    return { article, vectors: stored.vectors };
  }

  private firstPassage(segment: WriterSegment, articleNumber: number): number {
    let starts = this.passageStarts.get(segment);
    if (!starts) {
      starts = new Float64Array(segment.articles.length + 1);
      segment.articles.passageCounts.forEach((count, n) => (starts![n + 1] = starts![n]! + count));
      this.passageStarts.set(segment, starts);
    }
    return starts[articleNumber]!;
  }

  async upsert(entry: ArticleEntry): Promise<void> {
    this.assertOpen();
    const { article, passages, vectors } = entry;
    if (passages.length !== vectors.length) throw new Error(`Article ${article.id}: ${passages.length} passages, ${vectors.length} vectors.`);
    for (const p of passages) {
      if (p.documentId !== article.id || article.text.slice(p.start, p.end) !== p.text) {
        throw new Error(`Article ${article.id}: passage ${p.chunkId} is not a slice of its text.`);
      }
    }
    this.removals.delete(article.id);
    this.staged.delete(article.id); // re-inserted last: staging order is commit order
    this.staged.set(article.id, entry);
  }

  async remove(documentId: string): Promise<void> {
    this.assertOpen();
    this.staged.delete(documentId);
    if (this.locate(documentId)) this.removals.add(documentId);
  }

  /** Articles staged and not yet committed. */
  get pending(): number {
    return this.staged.size + this.removals.size;
  }

  /**
   * Publishes the staged upserts and removals, then starts the merge the policy asks for, if any,
   * without waiting for it.
   * @throws MergeFailedError when a background merge failed since the last report (this commit is published)
   */
  async commit(): Promise<CommitSummary> {
    this.assertOpen();
    const committed = await this.inTurn(() => this.commitStaged());
    this.reportMergeFailure();
    this.startMergeIfNeeded();
    return committed;
  }

  private async commitStaged(): Promise<CommitSummary> {
    if (this.staged.size === 0 && this.removals.size === 0 && !this.mustPublish) return summary(this.manifest);
    const step = (s: CommitStep) => this.opts.beforeStep?.(s);
    const sequence = this.manifest.sequence + 1;
    const entries = [...this.staged.values()];
    let added: WriterSegment | null = null;
    if (entries.length > 0) {
      step('segment');
      const name = segmentName(sequence);
      const capacity = entries.reduce((n, e) => n + e.passages.length, 0);
      const segment = await writeSegment(path.join(this.opts.indexDir, name), this.opts.settings.dimensions, this.opts.graph, capacity, entries.map(toInput));
      await segment.close();
      added = {
        ref: { name, articles: segment.articles.length, passages: segment.passageCount, deletes: null },
        articles: segment.articles,
        deleted: null,
      };
    }
    // Replaced and removed articles become tombstones in the segments that hold them.
    const gone = [...this.removals, ...this.staged.keys()].filter((id) => this.locate(id) !== undefined);
    const next = await this.withTombstones(this.segments, gone, sequence, step);
    if (added) next.push(added);
    await this.publish(next, sequence, step);
    this.mustPublish = false;
    this.staged.clear();
    this.removals.clear();
    await this.cleanup();
    return summary(this.manifest);
  }

  /** Runs `task` after every task queued before it has settled. */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.turn.then(task, task);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** The segments with `ids` marked deleted (new tombstone files for the segments touched); fully deleted segments drop out. */
  private async withTombstones(
    segments: WriterSegment[],
    ids: string[],
    sequence: number,
    step: (s: CommitStep) => void,
  ): Promise<WriterSegment[]> {
    const byName = new Map<string, number[]>();
    for (const id of ids) {
      const at = this.locate(id)!;
      const name = at.segment.ref.name;
      byName.set(name, [...(byName.get(name) ?? []), at.article]);
    }
    if (byName.size > 0) step('tombstones');
    const out: WriterSegment[] = [];
    for (const s of segments) {
      const numbers = byName.get(s.ref.name);
      if (!numbers) {
        out.push(s);
        continue;
      }
      const deleted = s.deleted ? s.deleted.slice() : new Uint8Array(s.articles.length);
      for (const n of numbers) deleted[n] = 1;
      if (deleted.every((d) => d === 1)) continue;
      const deletes = await writeDeletes(this.opts.indexDir, s.ref.name, sequence, deleted);
      out.push({ ref: { ...s.ref, deletes }, articles: s.articles, deleted });
    }
    return out;
  }

  private async publish(segments: WriterSegment[], sequence: number, step: (s: CommitStep) => void): Promise<void> {
    let articles = 0;
    let passages = 0;
    for (const s of segments) {
      forLive(s, (n) => {
        articles++;
        passages += s.articles.passageCounts[n]!;
      });
    }
    const manifest: CommitManifest = {
      formatVersion: ARCHIVE_FORMAT_VERSION,
      settings: this.opts.settings,
      sequence,
      id: `${sequence}-${randomBytes(4).toString('hex')}`,
      committedAt: new Date().toISOString(),
      articles,
      passages,
      segments: segments.map((s) => s.ref),
    };
    step('commit-file');
    await publishCommit(this.opts.indexDir, manifest, () => step('pointer'));
    this.manifest = manifest;
    this.segments = segments;
  }

  /**
   * Commits what is staged, waits for a running merge, then merges every segment into one.
   * @throws MergeFailedError when a background merge or this compaction's merge failed
   */
  async compact(): Promise<CompactionReport> {
    this.assertOpen();
    const started = performance.now();
    if (this.pending > 0) await this.inTurn(() => this.commitStaged());
    // Checked again right before starting: a merge that publishes may start the next one.
    while (this.merging) await this.merging.done;
    this.reportMergeFailure();
    const before = this.segments.length;
    const dirty = this.segments.length > 1 || this.segments.some((s) => s.deleted !== null);
    if (dirty) {
      await this.startMerge(this.segments).done;
      this.reportMergeFailure();
    } else {
      await this.inTurn(() => this.cleanup());
    }
    return { segmentsBefore: before, segmentsAfter: this.segments.length, seconds: (performance.now() - started) / 1000 };
  }

  /** Resolves once no merge is running (published or failed; a failure is still reported by the next call). */
  async mergesSettled(): Promise<void> {
    while (this.merging) await this.merging.done;
  }

  hasBackgroundWork(): boolean {
    return this.merging !== null;
  }

  /**
   * Waits until no merge is running, the ones a published merge starts included.
   * @throws MergeFailedError when a background merge failed since the last report
   */
  async settle(): Promise<void> {
    this.assertOpen();
    await this.mergesSettled();
    this.reportMergeFailure();
  }

  /** Starts the merge the policy asks for, unless one is running (a later commit asks again). */
  private startMergeIfNeeded(): void {
    if (this.merging || this.closed) return;
    const names = new Set(chooseMerge(this.segments.map(segmentSize), this.opts.mergePolicy));
    if (names.size > 0) this.startMerge(this.segments.filter((s) => names.has(s.ref.name)));
  }

  /**
   * Rewrites `chosen` as one segment of their live articles in a child process, then publishes it
   * in turn with commits. A failure is kept for `reportMergeFailure`; the returned merge's `done`
   * never rejects.
   */
  private startMerge(chosen: WriterSegment[]): RunningMerge {
    const { indexDir, settings } = this.opts;
    const output = segmentName(this.manifest.sequence + 1);
    const names = new Set(chosen.map((s) => s.ref.name));
    const job = {
      indexDir,
      output,
      dimensions: settings.dimensions,
      graph: this.opts.graph,
      segments: chosen.map((s) => ({ name: s.ref.name, passages: s.ref.passages, deleted: s.deleted })),
      ...(this.opts.failMergeAfterArticles === undefined ? {} : { failAfterArticles: this.opts.failMergeAfterArticles }),
    };
    const merge: RunningMerge = { chosen: names, output, done: Promise.resolve(), published: false };
    const removeOutput = () => fs.rm(path.join(indexDir, output), { recursive: true, force: true }).catch(() => undefined);
    const run = async () => {
      try {
        await this.mergeProcess.run(job);
        await this.opts.beforeMergePublish?.();
        await this.inTurn(async () => {
          merge.published = await this.publishMerge(names, output);
          if (!merge.published) await removeOutput();
          await this.cleanup();
        });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        this.mergeFailure = new MergeFailedError(
          `The merge of ${chosen.length} segment(s) (${[...names].join(', ')}) failed; the archive keeps its segments as they were: ${error.message}`,
          { cause: error },
        );
        // A folder no commit names: nobody reads it.
        if (!merge.published) await removeOutput();
      }
    };
    this.merging = merge;
    merge.done = run().finally(() => {
      if (this.merging === merge) this.merging = null;
      // A tier a commit found full while this merge ran is merged now rather than at the next commit.
      if (merge.published) this.startMergeIfNeeded();
    });
    return merge;
  }

  /**
   * Publishes the merged segment `output` in place of the segments `chosen` (those of them still
   * in the archive). The merge read them as they were when it was chosen: an article of the
   * merged segment no longer live in one of them (removed, replaced by a later commit, or its
   * segment dropped) is a tombstone of the merged segment. False when there was nothing to publish.
   */
  private async publishMerge(chosen: ReadonlySet<string>, output: string): Promise<boolean> {
    const { indexDir } = this.opts;
    const articles = await readSegmentArticles(path.join(indexDir, output));
    const deleted = new Uint8Array(articles.length);
    let live = 0;
    // An article is live in one segment at most: only the chosen ones need looking at.
    const sources = this.segments.filter((s) => chosen.has(s.ref.name));
    for (let n = 0; n < articles.length; n++) {
      const id = articles.id(n);
      if (sources.some((s) => liveNumber(s, id) >= 0)) live++;
      else deleted[n] = 1;
    }
    const kept = this.segments.filter((s) => !chosen.has(s.ref.name));
    if (live === 0 && kept.length === this.segments.length) return false;
    const sequence = this.manifest.sequence + 1;
    const next = [...kept];
    if (live > 0) {
      const deletes = live < articles.length ? await writeDeletes(indexDir, output, sequence, deleted) : null;
      const passages = articles.passageCounts.reduce((n, count) => n + count, 0);
      next.push({ ref: { name: output, articles: articles.length, passages, deletes }, articles, deleted: deletes ? deleted : null });
    }
    await this.publish(next, sequence, () => undefined);
    return true;
  }

  /** Throws (once) the failure of a background merge. */
  private reportMergeFailure(): void {
    const failure = this.mergeFailure;
    this.mergeFailure = null;
    if (failure) throw failure;
  }

  /**
   * Deletes what no commit a reader may still use names: commit files superseded more than
   * `graceMs` ago, segment folders and tombstone files only they named, leftovers of
   * interrupted commits, and the previous format's generation folders once converted.
   */
  private async cleanup(): Promise<void> {
    const { indexDir, graceMs } = this.opts;
    const now = Date.now();
    const commits = await listCommits(indexDir);
    const current = commits.findIndex((c) => c.sequence === this.manifest.sequence);
    const kept: string[] = [];
    const referenced = new Set<string>();
    for (let i = 0; i < commits.length; i++) {
      const c = commits[i]!;
      let keep = i >= current;
      if (!keep) {
        const successor = commits[i + 1]!;
        const supersededAt = (await fs.stat(path.join(indexDir, successor.file)).catch(() => null))?.mtimeMs ?? now;
        keep = now - supersededAt < graceMs && graceMs > 0;
      }
      if (!keep) continue;
      kept.push(c.file);
      const m = await readCommit(indexDir, c.file).catch(() => null);
      for (const ref of m?.segments ?? []) {
        referenced.add(ref.name);
        if (ref.deletes) referenced.add(ref.deletes.file);
      }
    }
    // The running merge reads its segments and writes its folder whatever the commits say.
    if (this.merging && !this.merging.published) for (const name of [...this.merging.chosen, this.merging.output]) referenced.add(name);
    const oldestKept = kept.length > 0 ? (await fs.stat(path.join(indexDir, kept[0]!)).catch(() => null))?.mtimeMs ?? now : now;
    for (const entry of await fs.readdir(indexDir)) {
      const isCommit = /^commit-\d+\.json$/.test(entry);
      const stray =
        (isCommit && !kept.includes(entry)) ||
        ((entry.startsWith('seg-') || entry.startsWith('del-')) && !referenced.has(entry)) ||
        (entry.startsWith('gen-') && (graceMs === 0 || now - oldestKept >= graceMs)) ||
        (entry.includes('.tmp-') && now - ((await fs.stat(path.join(indexDir, entry)).catch(() => null))?.mtimeMs ?? now) >= graceMs);
      // Best effort: a leftover only costs disk space.
      if (stray) await fs.rm(path.join(indexDir, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * Waits for a running merge to be published (or to fail), then releases the folder. Waiting
   * rather than abandoning it: a merge abandoned at every close would be chosen again and
   * abandoned again by short ingests, and its tier would never be merged.
   * @throws MergeFailedError when a background merge failed since the last report
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.mergesSettled();
      await this.turn;
      await this.mergeProcess.close();
    } finally {
      await this.release();
    }
    this.reportMergeFailure();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The archive writer is closed.');
  }
}

function emptyManifest(settings: StoreSettings): CommitManifest {
  return {
    formatVersion: ARCHIVE_FORMAT_VERSION,
    settings,
    sequence: 0,
    id: 'empty',
    committedAt: new Date(0).toISOString(),
    articles: 0,
    passages: 0,
    segments: [],
  };
}

function summary(m: CommitManifest): CommitSummary {
  const { id, articles, passages } = commitInfo(m);
  return { id, articles, passages };
}

function segmentSize(s: WriterSegment): SegmentSize {
  let livePassages = 0;
  forLive(s, (n) => (livePassages += s.articles.passageCounts[n]!));
  return { name: s.ref.name, passages: s.ref.passages, livePassages };
}

/** The number of the article `id` in segment `s` when it is live there, else -1. */
function liveNumber(s: WriterSegment, id: string): number {
  const n = s.articles.numberOf(id);
  return n >= 0 && (s.deleted === null || s.deleted[n] === 0) ? n : -1;
}

/** Calls `fn` with the number of each article of `s` not deleted. */
function forLive(s: WriterSegment, fn: (n: number) => void): void {
  for (let n = 0; n < s.articles.length; n++) if (s.deleted === null || s.deleted[n] === 0) fn(n);
}

function segmentName(sequence: number): string {
  return `seg-${String(sequence).padStart(8, '0')}-${randomBytes(3).toString('hex')}`;
}

function toInput(entry: ArticleEntry): SegmentInput {
  return {
    article: { ...entry.article, section: entry.article.section ?? null, contentHash: entry.contentHash },
    passages: entry.passages,
    vectors: entry.vectors,
  };
}
