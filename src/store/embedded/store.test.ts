import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, testConfig } from '../../../tests/helpers/config.js';
import { TEST_SETTINGS, articleEntry, testWriterOptions, storedHashMap, unit } from '../../../tests/helpers/storeEntries.js';
import { IndexBusyError, IndexCorruptError, IndexMismatchError } from '../errors.js';
import { makeMemorySnapshot } from '../memory.js';
import type { ArchiveStore, StoreReader, StoreWriter } from '../types.js';
import { makeEmbeddedStore } from './index.js';
import { readCommit, readPointer } from './commitLog.js';
import { EmbeddedWriter, type CommitStep } from './writer.js';

/** The background checksum checks start a thread: generous on a loaded machine. */
const WAIT_FOR_CHECKS = { timeout: 60_000, interval: 50 };

const dirs: string[] = [];
const open: Array<StoreReader | StoreWriter> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function newStore(overrides: Record<string, string> = {}): Promise<{ store: ArchiveStore; indexDir: string }> {
  const root = await makeTempDir('vnrag-store-');
  dirs.push(root);
  const indexDir = path.join(root, 'index');
  const config = testConfig({ INDEX_DIR: indexDir, STORE_FILE_GRACE_SECONDS: '0', ...overrides });
  return { store: makeEmbeddedStore(config, TEST_SETTINGS), indexDir };
}

async function writer(store: ArchiveStore, rebuild = false): Promise<StoreWriter> {
  const w = await store.openWriter({ rebuild });
  open.push(w);
  return w;
}

async function reader(store: ArchiveStore): Promise<StoreReader> {
  const r = await store.openReader();
  open.push(r);
  return r;
}

const news = (i: number, version = 1, outlet = 'VOV') =>
  articleEntry(`n${i}`, [`Tin ${i} bản ${version} về Hà Nội.`, `Câu hai của tin ${i} về kinh tế.`], { outlet, publishedAt: '2020-05-01' }, 8, version);

describe('embedded store: commits, tombstones, refresh', () => {
  it('a reader sees an added, a changed and a removed article after refresh; old snapshots stay as they were', async () => {
    const { store } = await newStore({ STORE_FILE_GRACE_SECONDS: '3600' });
    const w = await writer(store);
    for (let i = 0; i < 5; i++) await w.upsert(news(i));
    const first = await w.commit();
    expect(first).toMatchObject({ articles: 5, passages: 10 });
    const r = await reader(store);
    const before = r.snapshot();
    expect(before.commit.id).toBe(first.id);

    await w.upsert(news(9)); // added
    await w.upsert(news(2, 2)); // changed
    await w.remove('n3'); // removed
    const second = await w.commit();
    expect(second).toMatchObject({ articles: 5, passages: 10 });
    expect(await r.refresh()).toBe(true);
    expect(await r.refresh()).toBe(false);
    const after = r.snapshot();
    expect(after.commit.id).toBe(second.id);
    expect(after.commit.sequence).toBeGreaterThan(before.commit.sequence);

    expect((await after.article('n9'))?.text).toContain('Tin 9 bản 1');
    expect((await after.article('n2'))?.text).toContain('Tin 2 bản 2');
    expect(await after.article('n3')).toBeUndefined();
    const hits = await after.lexicalSearch('Tin 3', 50);
    expect(hits.top.some((h) => h.chunkId.startsWith('n3#'))).toBe(false);
    const dense = await after.denseSearch(Array.from(news(3).vectors[0]!), 10);
    expect(dense.some((h) => h.chunkId.startsWith('n3#'))).toBe(false);
    // The old passage of n2 is gone, the new one is found by its own vector.
    const n2 = await after.denseSearch(Array.from(news(2, 2).vectors[0]!), 1);
    expect(n2[0]).toMatchObject({ chunkId: 'n2#0' });
    expect(n2[0]!.score).toBeCloseTo(1, 5);
    expect((await after.passages(['n2#0'])).get('n2#0')?.text).toBe('Tin 2 bản 2 về Hà Nội.');

    // The earlier snapshot still reads its own commit.
    expect((await before.article('n3'))?.text).toContain('Tin 3');
    expect((await before.article('n2'))?.text).toContain('Tin 2 bản 1');
  });

  it('follows commits by itself and calls onCommit', async () => {
    const { store } = await newStore({ STORE_POLL_MS: '100' });
    const w = await writer(store);
    await w.upsert(news(1));
    await w.commit();
    const r = await store.openReader({ follow: true });
    open.push(r);
    const seen = new Promise<string>((resolve) => r.onCommit((c) => resolve(c.id)));
    await w.upsert(news(2));
    const { id } = await w.commit();
    expect(await seen).toBe(id);
    expect(r.snapshot().commit.articles).toBe(2);
  });

  it('reads at most STORE_POSTINGS_BUDGET postings per lexical search: past it, the commonest query terms are left out', async () => {
    const found = async (budget: string) => {
      const { store } = await newStore({ STORE_POSTINGS_BUDGET: budget });
      const w = await writer(store);
      for (let i = 0; i < 30; i++) await w.upsert(news(i));
      await w.commit();
      return (await (await reader(store)).snapshot().lexicalSearch('tin 7 về kinh tế', 50)).top.map((h) => h.chunkId);
    };
    expect((await found('0')).length).toBeGreaterThan(30); // every posting: every article's passages match
    const few = await found('3');
    expect(few.length).toBeGreaterThan(0);
    expect(few.every((id) => id.startsWith('n7#'))).toBe(true);
  });

  it('keeps BM25 archive-wide: an article scores the same in a later segment as in one segment', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => news(i, 1, i % 2 ? 'VOV' : 'TTXVN'));
    const { store } = await newStore();
    const w = await writer(store);
    for (const e of entries.slice(0, 25)) await w.upsert(e);
    await w.commit();
    for (const e of entries.slice(25)) await w.upsert(e);
    await w.commit();
    const r = await reader(store);
    expect(r.snapshot()).toMatchObject({ commit: { articles: 40 } });
    const single = await makeMemorySnapshot(TEST_SETTINGS, entries);
    for (const q of ['Tin 30 kinh tế', 'Hà Nội', 'tin 7']) {
      const a = await r.snapshot().lexicalSearch(q, 20);
      const b = await single.lexicalSearch(q, 20);
      expect(a.top.map((h) => h.chunkId)).toEqual(b.top.map((h) => h.chunkId));
      a.top.forEach((h, i) => expect(h.score).toBeCloseTo(b.top[i]!.score, 9));
    }
    expect([...(await r.snapshot().termIdf(['~ha']))]).toEqual([...(await single.termIdf(['~ha']))]);
  });

  it('compacts segments into one without re-embedding, dropping deleted articles, and merges a full tier by itself', async () => {
    const { store, indexDir } = await newStore({ STORE_MERGE_FACTOR: '4' });
    const w = await writer(store);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 3; i++) await w.upsert(news(c * 3 + i));
      await w.commit();
    }
    await w.remove('n0');
    await w.commit();
    const segs = async () => (await fs.readdir(indexDir)).filter((e) => e.startsWith('seg-')).length;
    expect(await segs()).toBe(3);
    await w.upsert(news(100));
    await w.commit(); // a fourth small segment fills the bottom tier: the four are merged into one, in the background
    await (w as EmbeddedWriter).mergesSettled();
    expect(await segs()).toBe(1);
    expect((await fs.readdir(indexDir)).filter((e) => e.startsWith('del-'))).toEqual([]);
    for (let i = 9; i < 12; i++) await w.upsert(news(i));
    await w.remove('n100');
    await w.commit();
    expect(await segs()).toBe(2);
    const report = await w.compact();
    expect(report).toMatchObject({ segmentsBefore: 2, segmentsAfter: 1 });
    expect(await segs()).toBe(1);
    expect((await fs.readdir(indexDir)).filter((e) => e.startsWith('del-'))).toEqual([]);
    const r = await reader(store);
    const snap = r.snapshot();
    expect(snap.commit).toMatchObject({ articles: 11, passages: 22 });
    expect(await snap.article('n0')).toBeUndefined();
    expect(await snap.article('n100')).toBeUndefined();
    const v = await snap.vectors(['n7#1']);
    expect(Array.from(v.get('n7#1')!)).toEqual(Array.from(news(7).vectors[1]!));
    const hit = await snap.denseSearch(Array.from(news(7).vectors[1]!), 1);
    expect(hit[0]?.chunkId).toBe('n7#1');
  });

  it('many small commits into a large archive keep the segment count bounded and never rewrite the large segment', async () => {
    // Tiers of live passages: [0, 4), [4, 12), [12, 36); above 30 a segment is full (merged with nothing).
    const { store, indexDir } = await newStore({ STORE_MERGE_FACTOR: '3', STORE_MERGE_FLOOR_PASSAGES: '4', STORE_MAX_SEGMENT_PASSAGES: '60' });
    const w = await writer(store);
    for (let i = 0; i < 40; i++) await w.upsert(news(i)); // 80 passages
    await w.commit();
    const current = async () => {
      const pointer = await readPointer(indexDir);
      if (pointer.kind !== 'commit') throw new Error('no commit');
      return (await readCommit(indexDir, pointer.file)).segments;
    };
    const [big] = await current();
    let largest = 0;
    for (let c = 0; c < 30; c++) {
      await w.upsert(news(1000 + c)); // one article, two passages, per commit
      await w.commit();
      await (w as EmbeddedWriter).mergesSettled();
      const segments = await current();
      expect(segments.filter((s) => s.name === big!.name)).toEqual([big]);
      for (const s of segments.filter((x) => x.name !== big!.name)) {
        expect(s.passages).toBeLessThanOrEqual(60);
        largest = Math.max(largest, s.passages);
      }
      // The big segment, at most three segments in each of the three tiers below the full size, at
      // most one full segment made of the 60 small passages: 11, where 30 commits alone make 31.
      expect(segments.length).toBeLessThanOrEqual(1 + 3 * 3 + 1);
    }
    expect(largest).toBeGreaterThan(2); // small segments were merged, into something other than the big one
    const r = await reader(store);
    expect(r.snapshot().commit).toMatchObject({ articles: 70, passages: 140 });
    expect((await r.snapshot().article('n1029'))?.id).toBe('n1029');
    // Deleting 60% of the big segment gets it rewritten alone, with its live articles only.
    for (let i = 0; i < 24; i++) await w.remove(`n${i}`);
    const before = await current();
    await w.commit();
    await (w as EmbeddedWriter).mergesSettled();
    const after = await current();
    expect(after.some((s) => s.name === big!.name)).toBe(false);
    const rewritten = after.filter((s) => !before.some((b) => b.name === s.name));
    expect(rewritten).toHaveLength(1);
    expect(rewritten[0]).toMatchObject({ articles: 16, passages: 32, deletes: null });
    expect(after).toHaveLength(before.length);
  });

  it('reports hashes of committed and staged articles for planning', async () => {
    const { store } = await newStore();
    const w = await writer(store);
    await w.upsert(news(1));
    await w.upsert(news(2));
    await w.commit();
    await w.upsert(news(2, 2));
    await w.remove('n1');
    await w.upsert(news(3));
    expect(await storedHashMap(w)).toEqual(new Map([['n2', 'n2-v2'], ['n3', 'n3-v1']]));
    expect(await w.storedHashes(['n1', 'n2', 'n9'])).toEqual(new Map([['n2', 'n2-v2']]));
  });

  it('hands out the stored ids in batches, each live article once, across segments and tombstones', async () => {
    const { store } = await newStore();
    const w = await writer(store);
    const total = 4500; // more than one batch of ids
    for (let i = 0; i < total; i++) {
      await w.upsert(news(i));
      if (i % 1500 === 1499) await w.commit();
    }
    await w.remove('n5');
    await w.upsert(news(7, 2));
    await w.commit();
    await w.remove('n8');
    const batches: string[][] = [];
    for await (const ids of w.storedIds()) batches.push([...ids]);
    const ids = batches.flat();
    expect(batches.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(total - 2);
    expect(ids).not.toContain('n5');
    expect(ids).not.toContain('n8');
    expect((await w.storedHashes(['n7'])).get('n7')).toBe('n7-v2');
  });
});

describe('embedded store: safety', () => {
  it('a writer failing at any step of a commit leaves the last commit readable, and the next writer goes on', async () => {
    const steps: CommitStep[] = ['segment', 'tombstones', 'commit-file', 'pointer'];
    for (const failing of steps) {
      const { store, indexDir } = await newStore();
      const w = await writer(store);
      for (let i = 0; i < 3; i++) await w.upsert(news(i));
      const good = await w.commit();
      await w.close();
      const crashing = await EmbeddedWriter.open(
        testWriterOptions(indexDir, {
          beforeStep: (s) => {
            if (s === failing) throw new Error(`crash before ${s}`);
          },
        }),
      );
      await crashing.upsert(news(1, 2));
      await crashing.upsert(news(7));
      await crashing.remove('n0');
      await expect(crashing.commit()).rejects.toThrow(`crash before ${failing}`);
      await crashing.close();

      const r = await reader(store);
      expect(r.snapshot().commit.id).toBe(good.id);
      expect((await r.snapshot().article('n1'))?.text).toContain('bản 1');
      expect(await r.snapshot().article('n7')).toBeUndefined();
      const w2 = await writer(store);
      await w2.upsert(news(7));
      const next = await w2.commit();
      expect(next.articles).toBe(4);
      expect(await r.refresh()).toBe(true);
      expect((await r.snapshot().article('n7'))?.id).toBe('n7');
    }
  });

  it('refuses a segment whose files were cut short, changed in size or removed, naming the file', async () => {
    const damages: Array<[string, (file: string) => Promise<void>, RegExp]> = [
      ['graph.hnsw', (f) => fs.appendFile(f, 'x'), /graph\.hnsw does not match its checksum/],
      ['vectors.f32', (f) => fs.truncate(f, 16), /vectors\.f32 does not match its checksum/],
      ['meta.bin', (f) => fs.truncate(f, 40), /meta\.bin does not match its checksum/],
      ['lexical.bin', (f) => fs.rm(f), /lexical\.bin is unreadable/],
    ];
    for (const [name, damage, message] of damages) {
      const { store, indexDir } = await newStore();
      const w = await writer(store);
      for (let i = 0; i < 3; i++) await w.upsert(news(i));
      await w.commit();
      const segment = (await fs.readdir(indexDir)).find((e) => e.startsWith('seg-'))!;
      await damage(path.join(indexDir, segment, name));
      const err = await store.openReader().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IndexCorruptError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('finds a large file changed in place after opening, and reports the archive damaged', async () => {
    for (const name of ['graph.hnsw', 'lexical.bin', 'codes.q8', 'meta.bin']) {
      const { store, indexDir } = await newStore();
      const w = await writer(store);
      for (let i = 0; i < 3; i++) await w.upsert(news(i));
      await w.commit();
      const segment = (await fs.readdir(indexDir)).find((e) => e.startsWith('seg-'))!;
      const healthy = await reader(store);
      await vi.waitFor(() => expect(healthy.integrity()).toEqual({ state: 'verified', problem: null }), WAIT_FOR_CHECKS);
      // Same size, one byte changed: only the checksum tells (verified after the reader opens).
      const file = path.join(indexDir, segment, name);
      const bytes = await fs.readFile(file);
      // In meta.bin, a byte of the ids' text: its layout (offsets, codes) is checked at open anyway.
      const at = name === 'meta.bin' ? bytes.indexOf('n0n1n2') : bytes.length >> 1;
      bytes[at] = bytes[at]! ^ 0x01;
      await fs.writeFile(file, bytes);
      const damaged = await reader(store);
      await vi.waitFor(() => expect(damaged.integrity().state).toBe('damaged'), WAIT_FOR_CHECKS);
      expect(damaged.integrity().problem).toMatch(new RegExp(`${name.replace('.', '\\.')} does not match its checksum`));
    }
  });

  it('refuses a second writer while one is open, and an archive built with other settings', async () => {
    const { store, indexDir } = await newStore();
    const w = await writer(store);
    await w.upsert(news(1));
    await w.commit();
    await expect(store.openWriter()).rejects.toBeInstanceOf(IndexBusyError);
    await w.close();
    const other = makeEmbeddedStore(testConfig({ INDEX_DIR: indexDir }), { ...TEST_SETTINGS, model: 'another-model', chunking: { maxChars: 500, overlapSentences: 1 } });
    const err = await other.openReader().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect((err as Error).message).toContain('another-model');
    expect((err as Error).message).toContain('CHUNK_MAX_CHARS');
    await expect(other.openWriter()).rejects.toBeInstanceOf(IndexMismatchError);
    // --rebuild replaces it.
    const rebuilt = await other.openWriter({ rebuild: true });
    open.push(rebuilt);
    expect((await rebuilt.commit()).articles).toBe(0);
  });

  it('keeps files of a superseded commit through the grace period, then deletes them', async () => {
    const { store, indexDir } = await newStore({ STORE_FILE_GRACE_SECONDS: '3600' });
    const w = await writer(store);
    await w.upsert(news(1));
    await w.commit();
    const r = await reader(store);
    const old = r.snapshot();
    await w.upsert(news(2));
    await w.commit();
    await w.compact(); // drops both segments from the current commit
    expect((await fs.readdir(indexDir)).filter((e) => e.startsWith('seg-'))).toHaveLength(3);
    expect((await old.article('n1'))?.id).toBe('n1');
    await w.close();
    open.splice(open.indexOf(w), 1);
    const { store: sameFolder } = { store: makeEmbeddedStore(testConfig({ INDEX_DIR: indexDir, STORE_FILE_GRACE_SECONDS: '0' }), TEST_SETTINGS) };
    const w2 = await writer(sameFolder);
    await w2.upsert(news(3));
    await w2.commit();
    expect((await fs.readdir(indexDir)).filter((e) => e.startsWith('seg-'))).toHaveLength(2);
    expect((await fs.readdir(indexDir)).filter((e) => e.startsWith('commit-'))).toHaveLength(1);
    // Readers that loaded the segment keep reading it after its files are gone.
    expect((await old.article('n1'))?.id).toBe('n1');
    const denseOld = await old.denseSearch(Array.from(unit(3, 8)), 1);
    expect(denseOld).toHaveLength(1);
  });
});
