import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, testConfig } from '../../../tests/helpers/config.js';
import { TEST_SETTINGS, articleEntry, storedHashMap, testWriterOptions } from '../../../tests/helpers/storeEntries.js';
import type { StoreReader } from '../types.js';
import { readCommit, readPointer, type SegmentRef } from './commitLog.js';
import { makeEmbeddedStore } from './index.js';
import { EmbeddedWriter, MergeFailedError, type WriterOptions } from './writer.js';

const dirs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

const news = (i: number, version = 1) =>
  articleEntry(`n${i}`, [`Tin ${i} bản ${version} về Hà Nội.`, `Câu hai của tin ${i} về kinh tế.`], { outlet: 'VOV', publishedAt: '2020-05-01' }, 8, version);

/** A promise resolved from outside. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function newIndexDir(): Promise<string> {
  const root = await makeTempDir('vnrag-bgmerge-');
  dirs.push(root);
  return path.join(root, 'index');
}

/** A writer whose bottom tier merges at three segments. */
async function openWriter(indexDir: string, hooks: Partial<WriterOptions> = {}): Promise<EmbeddedWriter> {
  const w = await EmbeddedWriter.open(
    testWriterOptions(indexDir, { mergePolicy: { mergeFactor: 3, floorPassages: 2000, maxPassages: 500_000, maxDeletedShare: 0.3 }, ...hooks }),
  );
  open.push(w);
  return w;
}

async function openReader(indexDir: string): Promise<StoreReader> {
  const r = await makeEmbeddedStore(testConfig({ INDEX_DIR: indexDir }), TEST_SETTINGS).openReader();
  open.push(r);
  return r;
}

async function currentSegments(indexDir: string): Promise<SegmentRef[]> {
  const pointer = await readPointer(indexDir);
  if (pointer.kind !== 'commit') throw new Error('no commit');
  return (await readCommit(indexDir, pointer.file)).segments;
}

const segmentFolders = async (indexDir: string) => (await fs.readdir(indexDir)).filter((e) => e.startsWith('seg-')).sort();

/** Three commits of two articles each (n0…n5): the third fills the bottom tier and starts a merge. */
async function fillBottomTier(w: EmbeddedWriter): Promise<void> {
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 2; i++) await w.upsert(news(c * 2 + i));
    await w.commit();
  }
}

describe('embedded writer: background merges', () => {
  it('commit returns while a merge runs; deletes and replacements made meanwhile are tombstones of the merged segment', async () => {
    const indexDir = await newIndexDir();
    const release = gate();
    const written = gate();
    let waits = 0;
    const events: string[] = [];
    const w = await openWriter(indexDir, {
      // No rewrite of a segment for its deletions alone: the merged segment stays as published, to be looked at.
      mergePolicy: { mergeFactor: 3, floorPassages: 2000, maxPassages: 500_000, maxDeletedShare: 1 },
      beforeMergePublish: async () => {
        waits++;
        events.push('merged segment written');
        written.open();
        await release.promise;
      },
    });
    await fillBottomTier(w); // returned: the merge it started cannot publish before `release`
    events.push('commit returned');
    await written.promise; // the merged segment is written, not published
    expect(events).toEqual(['commit returned', 'merged segment written']);
    const chosen = await currentSegments(indexDir);
    expect(chosen).toHaveLength(3);

    // The writer goes on while the merge waits: a replacement, removals (the whole third segment
    // among them) and a new article.
    await w.upsert(news(1, 2));
    await w.remove('n2');
    await w.remove('n4');
    await w.remove('n5');
    await w.upsert(news(9));
    expect(await w.commit()).toMatchObject({ articles: 4, passages: 8 });
    const beforePublish = await currentSegments(indexDir);
    expect(beforePublish).toHaveLength(3);
    expect(beforePublish.filter((s) => chosen.some((c) => c.name === s.name))).toHaveLength(2); // the third was dropped, all deleted
    // Three segments fill the bottom tier again, but two are being merged: no second merge.
    expect(waits).toBe(1);

    expect(w.hasBackgroundWork()).toBe(true);
    release.open();
    await w.settle();
    expect(w.hasBackgroundWork()).toBe(false);
    const after = await currentSegments(indexDir);
    expect(after.some((s) => chosen.some((c) => c.name === s.name))).toBe(false);
    const merged = after.find((s) => !beforePublish.some((b) => b.name === s.name))!;
    // The merge read n0…n5 as they were chosen; n1 (replaced), n2, n4 and n5 (removed) are tombstones.
    expect(after).toHaveLength(2);
    expect(merged).toMatchObject({ articles: 6, passages: 12, deletes: { articles: 4 } });
    expect(await segmentFolders(indexDir)).toEqual(after.map((s) => s.name).sort());

    const snap = (await openReader(indexDir)).snapshot();
    expect(snap.commit).toMatchObject({ articles: 4, passages: 8 });
    for (const id of ['n2', 'n4', 'n5']) expect(await snap.article(id)).toBeUndefined();
    expect((await snap.article('n1'))?.text).toContain('Tin 1 bản 2');
    expect((await snap.article('n0'))?.text).toContain('Tin 0 bản 1');
    expect((await snap.article('n9'))?.id).toBe('n9');
    expect((await snap.passages(['n1#0'])).get('n1#0')?.text).toBe('Tin 1 bản 2 về Hà Nội.');
    const oldN1 = await snap.denseSearch(Array.from(news(1).vectors[0]!), 1);
    expect(oldN1[0]!.score).toBeLessThan(0.999); // the replaced passage's vector is not searched any more
    const dense = await snap.denseSearch(Array.from(news(2).vectors[0]!), 20);
    expect(dense.some((h) => h.chunkId.startsWith('n2#'))).toBe(false);

    // A later writer reads the archive the merge left and removes the merged articles by id.
    await w.close();
    const next = await openWriter(indexDir);
    await next.remove('n0');
    expect(await next.commit()).toMatchObject({ articles: 3 });
    expect(await storedHashMap(next)).toEqual(new Map([['n1', 'n1-v2'], ['n3', 'n3-v1'], ['n9', 'n9-v1']]));
  });

  it('close and compact wait for a running merge', async () => {
    for (const end of ['close', 'compact'] as const) {
      const indexDir = await newIndexDir();
      const release = gate();
      const written = gate();
      const w = await openWriter(indexDir, {
        beforeMergePublish: async () => {
          written.open();
          await release.promise;
        },
      });
      await fillBottomTier(w);
      await written.promise;
      const order: string[] = [];
      const ended = (end === 'close' ? w.close() : w.compact()).then(() => order.push(end));
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('merge released');
      release.open();
      await ended;
      expect(order).toEqual(['merge released', end]);
      const segments = await currentSegments(indexDir);
      expect(segments).toHaveLength(1);
      expect(segments[0]).toMatchObject({ articles: 6, deletes: null });
      expect(await segmentFolders(indexDir)).toEqual([segments[0]!.name]);
      if (end === 'close') {
        const again = await openWriter(indexDir); // the lock was released
        expect((await storedHashMap(again)).size).toBe(6);
      }
    }
  });

  it('a failed merge leaves the archive as it was, removes its folder, and is reported by the next commit', async () => {
    const indexDir = await newIndexDir();
    const w = await openWriter(indexDir, { failMergeAfterArticles: 3 });
    await fillBottomTier(w);
    await w.mergesSettled();
    const segments = await currentSegments(indexDir);
    expect(segments).toHaveLength(3); // nothing published
    expect(await segmentFolders(indexDir)).toEqual(segments.map((s) => s.name).sort()); // the half-written folder is gone

    await w.upsert(news(7));
    const err = await w.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MergeFailedError);
    expect((err as Error).message).toContain('merge stopped by a test after 3 articles');
    // That commit was published all the same, and the archive reads.
    const snap = (await openReader(indexDir)).snapshot();
    expect(snap.commit).toMatchObject({ articles: 7, passages: 14 });
    expect((await snap.article('n7'))?.id).toBe('n7');
    // Reported once: closing (no merge started since) does not throw it again.
    await w.close();

    // A writer without the failure merges the full tier.
    const next = await openWriter(indexDir);
    await next.upsert(news(8));
    await next.commit();
    await next.mergesSettled();
    expect((await currentSegments(indexDir)).length).toBeLessThan(3);
    await next.close();
    expect((await openReader(indexDir)).snapshot().commit).toMatchObject({ articles: 8 });
  });

  it('settle() waits for a failing merge and throws its failure once', async () => {
    const w = await openWriter(await newIndexDir(), { failMergeAfterArticles: 2 });
    await fillBottomTier(w);
    const settled = await w.settle().catch((e: unknown) => e);
    expect(settled).toBeInstanceOf(MergeFailedError);
    expect(w.hasBackgroundWork()).toBe(false);
    await w.settle();
    await w.close();
  });

  it('a writer killed during a merge leaves the last commit usable; the next writer deletes the merge folder', async () => {
    const indexDir = await newIndexDir();
    const w = await openWriter(indexDir);
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 2; i++) await w.upsert(news(c * 2 + i));
      await w.commit();
    }
    await w.close();
    // A process that commits a third segment, starts the merge and is killed with the merged
    // folder written but not published.
    const script = path.join(path.dirname(indexDir), 'crash.mts');
    await fs.writeFile(
      script,
      `import { EmbeddedWriter } from ${JSON.stringify(path.join(REPO_ROOT, 'src/store/embedded/writer.ts'))};
import { articleEntry, TEST_SETTINGS } from ${JSON.stringify(path.join(REPO_ROOT, 'tests/helpers/storeEntries.ts'))};
const w = await EmbeddedWriter.open({
  indexDir: ${JSON.stringify(indexDir)}, settings: TEST_SETTINGS, graph: { m: 16, efConstruction: 100, efSearch: 64 }, rebuild: false,
  mergePolicy: { mergeFactor: 3, floorPassages: 2000, maxPassages: 500000, maxDeletedShare: 0.3 }, graceMs: 0,
  beforeMergePublish: () => { process.stdout.write('MERGE_WRITTEN\\n'); return new Promise(() => {}); },
});
for (const i of [4, 5]) await w.upsert(articleEntry('n' + i, ['Tin ' + i + ' về Hà Nội.', 'Câu hai của tin ' + i + '.'], {}, 8));
await w.commit();
process.stdout.write('COMMITTED\\n');
setInterval(() => undefined, 1000); // alive until killed
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('MERGE_WRITTEN')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the writer process exited (${code}) before its merge was written: ${out}`)));
    });
    child.kill('SIGKILL');
    await exited;
    expect(out).toContain('COMMITTED');
    const segments = await currentSegments(indexDir);
    expect(segments).toHaveLength(3);
    expect(await segmentFolders(indexDir)).toHaveLength(4); // the three, and the merge no commit names

    expect((await openReader(indexDir)).snapshot().commit).toMatchObject({ articles: 6 });
    const next = await openWriter(indexDir);
    expect(await segmentFolders(indexDir)).toEqual(segments.map((s) => s.name).sort());
    expect((await storedHashMap(next)).size).toBe(6);
  });
});
