import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, testConfig } from '../../tests/helpers/config.js';
import type { Article } from '../corpus/types.js';
import {
  IndexBusyError,
  articleContentHash,
  checkIndexStaleness,
  currentGenerationDir,
  expectedSettings,
  IndexCorruptError,
  readManifest,
  IndexMissingError,
  settingDifferences,
  withIngestLock,
  type IndexManifest,
} from './indexStore.js';

const article = (id: string, text: string): Article => ({
  id,
  title: `Tiêu đề ${id}`,
  outlet: 'VOV',
  publishedAt: '2020-10-30',
  text,
  sourceFile: `${id}.md`,
  originalFile: null,
  url: null,
});

function manifestFor(articles: Article[], config = testConfig()): IndexManifest {
  return {
    ...expectedSettings(config, 384),
    articles: Object.fromEntries(
      articles.map((a) => [a.id, { contentHash: articleContentHash(a, config), chunkIds: [`${a.id}#0`], sourceFile: a.sourceFile }]),
    ),
    chunkCount: articles.length,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

describe('articleContentHash', () => {
  it('changes with the text, the metadata and the chunking settings, and only then', () => {
    const a = article('a', 'Hà Nội mưa lớn.');
    const config = testConfig();
    const h = articleContentHash(a, config);
    expect(articleContentHash({ ...a }, testConfig())).toBe(h);
    expect(articleContentHash({ ...a, text: 'Hà Nội mưa nhỏ.' }, config)).not.toBe(h);
    expect(articleContentHash({ ...a, title: 'Khác' }, config)).not.toBe(h);
    expect(articleContentHash({ ...a, publishedAt: null }, config)).not.toBe(h);
    expect(articleContentHash(a, testConfig({ CHUNK_MAX_CHARS: '500' }))).not.toBe(h);
  });
});

describe('checkIndexStaleness', () => {
  it('lists added, changed and removed articles', () => {
    const config = testConfig();
    const manifest = manifestFor([article('a', 'Một.'), article('b', 'Hai.'), article('c', 'Ba.')]);
    const corpus = { articles: [article('a', 'Một.'), article('b', 'Hai đã sửa.'), article('d', 'Bốn.')], problems: [] };
    expect(checkIndexStaleness(config, corpus, manifest)).toEqual({
      stale: true,
      added: ['d'],
      changed: ['b'],
      removed: ['c'],
    });
    const same = { articles: [article('a', 'Một.'), article('b', 'Hai.'), article('c', 'Ba.')], problems: [] };
    expect(checkIndexStaleness(config, same, manifest).stale).toBe(false);
  });
});

describe('settingDifferences', () => {
  it('names each differing setting with the index and configuration values', () => {
    const built = expectedSettings(testConfig(), 384);
    const now = expectedSettings(testConfig({ CHUNK_MAX_CHARS: '500', EMBEDDING_QUERY_PREFIX: 'q: ' }), 384);
    expect(settingDifferences(built, now)).toEqual([
      { setting: 'EMBEDDING_QUERY_PREFIX', inIndex: 'query: ', inConfig: 'q: ' },
      { setting: 'CHUNK_MAX_CHARS', inIndex: '900', inConfig: '500' },
    ]);
    expect(settingDifferences(built, expectedSettings(testConfig(), 384))).toEqual([]);
  });

  it('records a local model by folder name, so a moved checkout keeps its index', () => {
    const a = expectedSettings(testConfig({ EMBEDDING_MODEL: '/srv/a/models/vi-news-embed-small' }), 384);
    const b = expectedSettings(testConfig({ EMBEDDING_MODEL: '/home/x/models/vi-news-embed-small' }), 384);
    expect(a.model).toBe('vi-news-embed-small');
    expect(settingDifferences(a, b)).toEqual([]);
    const hub = expectedSettings(testConfig({ EMBEDDING_MODEL: 'Xenova/multilingual-e5-small' }), 384);
    expect(hub.model).toBe('Xenova/multilingual-e5-small');
  });
});

describe('the CURRENT pointer', () => {
  it('is missing, valid, or refused when it names no generation', async () => {
    const dir = await makeTempDir();
    expect(await currentGenerationDir(dir)).toBeNull();
    await expect(readManifest(dir)).rejects.toBeInstanceOf(IndexMissingError);
    await expect(readManifest(dir)).rejects.toThrow('Run `npm run ingest`');

    await fs.writeFile(path.join(dir, 'CURRENT'), '../../etc\n');
    await expect(currentGenerationDir(dir)).rejects.toBeInstanceOf(IndexCorruptError);

    await fs.writeFile(path.join(dir, 'CURRENT'), 'gen-1-abc\n');
    expect(await currentGenerationDir(dir)).toBe(path.join(dir, 'gen-1-abc'));
    // Pointer to a folder that is not there: damaged, with the rebuild advice.
    await expect(readManifest(dir)).rejects.toThrow(/--rebuild/);
    await fs.mkdir(path.join(dir, 'gen-1-abc'));
    await fs.writeFile(path.join(dir, 'gen-1-abc', 'manifest.json'), '{"formatVersion": 1}');
    await expect(readManifest(dir)).rejects.toBeInstanceOf(IndexCorruptError);
  });
});

describe('withIngestLock', () => {
  it('refuses a second ingest while a live process holds the lock', async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, '.ingest.lock'), String(process.ppid));
    await expect(withIngestLock(dir, async () => 1)).rejects.toBeInstanceOf(IndexBusyError);
  });

  it('takes over a lock left by a process that is gone, and releases it after', async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, '.ingest.lock'), '2147483646');
    expect(await withIngestLock(dir, async () => 42)).toBe(42);
    await expect(fs.access(path.join(dir, '.ingest.lock'))).rejects.toThrow();
    // Released even when the work fails.
    await expect(withIngestLock(dir, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withIngestLock(dir, async () => 'again')).toBe('again');
  });
});
