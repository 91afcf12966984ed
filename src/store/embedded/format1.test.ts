import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, testConfig } from '../../../tests/helpers/config.js';
import { FORMAT1_ARCHIVE, FORMAT1_COMMITS, FORMAT1_POLICY } from '../../../tests/helpers/format1Archive.js';
import { articleEntry, TEST_SETTINGS, testWriterOptions, unit } from '../../../tests/helpers/storeEntries.js';
import type { SearchScope, StoreReader, StoreSnapshot } from '../types.js';
import { readCommit, readPointer } from './commitLog.js';
import { makeEmbeddedStore } from './index.js';
import { mergeSegments, readSegmentManifest } from './segmentFiles.js';
import { EmbeddedWriter } from './writer.js';

const dirs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('vnrag-format1-');
  dirs.push(dir);
  return dir;
}

/** A copy of the format 1 fixture (a writer changes the archive it opens). */
async function format1Copy(): Promise<string> {
  const dir = path.join(await tempDir(), 'index');
  await fs.cp(FORMAT1_ARCHIVE, dir, { recursive: true });
  return dir;
}

/** The fixture's commits written by this code, into a new archive. */
async function writtenAfresh(extra: (w: EmbeddedWriter) => Promise<void> = async () => {}, mergePolicy = FORMAT1_POLICY): Promise<string> {
  const dir = path.join(await tempDir(), 'index');
  const w = await EmbeddedWriter.open(testWriterOptions(dir, { mergePolicy }));
  for (const { upserts, removals } of FORMAT1_COMMITS) {
    for (const e of upserts) await w.upsert(e);
    for (const id of removals) await w.remove(id);
    await w.commit();
  }
  await extra(w);
  await w.settle();
  await w.close();
  return dir;
}

async function reader(indexDir: string): Promise<StoreReader> {
  const r = await makeEmbeddedStore(testConfig({ INDEX_DIR: indexDir, STORE_FILE_GRACE_SECONDS: '0' }), TEST_SETTINGS).openReader();
  open.push(r);
  return r;
}

async function segmentNames(indexDir: string): Promise<string[]> {
  const pointer = await readPointer(indexDir);
  if (pointer.kind !== 'commit') throw new Error('no commit');
  return (await readCommit(indexDir, pointer.file)).segments.map((s) => s.name);
}

async function segmentFormats(indexDir: string): Promise<number[]> {
  return Promise.all((await segmentNames(indexDir)).map(async (name) => (await readSegmentManifest(path.join(indexDir, name))).formatVersion));
}

const SCOPES: Array<SearchScope | undefined> = [
  undefined,
  { filter: { outlets: ['vov'] } },
  { filter: { sections: ['the gioi', 'Kinh tế'] } },
  { filter: { from: '2020-05-01', to: '2021-12-31' } },
  { filter: { documentIds: ['a1', 'bài-😀', 'bài-\uE000', 'a3'] } },
  { excludeDocumentIds: new Set(['a0', 'a8']) },
];

/** What a reader answers about every article and to searches under varied scopes. */
async function answers(snapshot: StoreSnapshot) {
  const ids = [...new Set(FORMAT1_COMMITS.flatMap((c) => c.upserts.map((e) => e.article.id))), 'a9'];
  return {
    articles: await Promise.all(ids.map((id) => snapshot.article(id))),
    facets: await snapshot.facets(),
    dense: await Promise.all(SCOPES.map((scope) => snapshot.denseSearch(Array.from(unit(3, TEST_SETTINGS.dimensions)), 20, scope))),
    lexical: await Promise.all(SCOPES.map(async (scope) => (await snapshot.lexicalSearch('kinh tế Việt Nam', 20, scope)).top)),
  };
}

describe('segments of format 1 (metadata in meta.jsonl)', () => {
  it('are read as the same commits written by this code (format 2) are', async () => {
    const old = await format1Copy();
    const fresh = await writtenAfresh();
    expect(await segmentFormats(old)).toEqual([1, 1, 1]);
    expect(await segmentFormats(fresh)).toEqual([2, 2, 2]);
    const [a, b] = await Promise.all([reader(old), reader(fresh)]);
    const got = await answers(a.snapshot());
    expect(got).toEqual(await answers(b.snapshot()));
    expect(got.articles.filter((x) => x !== undefined)).toHaveLength(7);
    // Live passages: a0 2, a1 (second version) 2, a2 1, bài-😀 1, a5 1, bài-\uE000 1, a8 2. In scope: all;
    // outlet VOV: a0, a8, bài-\uE000; sections: a0, a1, bài-\uE000; the dates: a0, bài-\uE000; the ids: a1,
    // bài-😀, bài-\uE000 (a3 was removed); all but a0 and a8.
    expect(got.dense.map((hits) => hits.length)).toEqual([10, 5, 5, 3, 4, 6]);
  });

  it('are converted to format 2 when a writer opens the archive, and read the same afterwards', async () => {
    const old = await format1Copy();
    const before = await answers((await reader(old)).snapshot());
    const w = await EmbeddedWriter.open(testWriterOptions(old, { mergePolicy: FORMAT1_POLICY }));
    await w.close();
    expect(await segmentFormats(old)).toEqual([2, 2, 2]);
    // meta.jsonl stays for readers that read the old segment.json.
    for (const name of await segmentNames(old)) expect((await fs.readdir(path.join(old, name))).sort()).toContain('meta.jsonl');
    expect(await answers((await reader(old)).snapshot())).toEqual(before);
  });

  it('merge, as sources, into the same segment as the same articles written by this code', async () => {
    const [old, fresh] = [FORMAT1_ARCHIVE, await writtenAfresh()];
    const root = await tempDir();
    // The first segment's a1 (replaced) and a3 (removed) are tombstones; the others are whole.
    const deleted = [Uint8Array.from([0, 1, 0, 1, 0]), null, null];
    const merge = async (indexDir: string, into: string) => {
      const sources = (await segmentNames(indexDir)).map((name, i) => ({ dir: path.join(indexDir, name), deleted: deleted[i]! }));
      return mergeSegments(path.join(root, into), TEST_SETTINGS.dimensions, testWriterOptions(root).graph, sources);
    };
    const merged = await merge(old, 'from-format-1');
    await merge(fresh, 'from-format-2');
    expect(Array.from({ length: merged.articles.length }, (_, n) => merged.articles.id(n))).toEqual(['a0', 'a2', 'bài-😀', 'a1', 'a5', 'bài-\uE000', 'a8']);
    const [got, want] = await Promise.all([readSegmentManifest(path.join(root, 'from-format-1')), readSegmentManifest(path.join(root, 'from-format-2'))]);
    expect(got).toEqual(want); // every file's size and checksum
  });

  it('take new commits and merge into format 2 segments, with the same results as an archive written by this code', async () => {
    const later = async (w: EmbeddedWriter) => {
      await w.upsert(articleEntry('a10', ['Tin mới về kinh tế Việt Nam.'], { outlet: 'VOV', section: 'Kinh tế', publishedAt: '2024-01-01' }));
      await w.remove('a0');
      await w.commit();
    };
    const old = await format1Copy();
    // This policy merges the three segments of format 1 with the new one.
    const merging = { ...FORMAT1_POLICY, mergeFactor: 2 };
    const w = await EmbeddedWriter.open(testWriterOptions(old, { mergePolicy: merging }));
    open.push(w);
    await later(w);
    await w.settle();
    expect(await segmentFormats(old)).toEqual([2]);
    const fresh = await writtenAfresh(later, merging);
    expect(await segmentFormats(fresh)).toEqual([2]);
    const [a, b] = await Promise.all([reader(old), reader(fresh)]);
    expect(await answers(a.snapshot())).toEqual(await answers(b.snapshot()));
    expect((await a.snapshot().article('a10'))?.section).toBe('Kinh tế');
  });
});
