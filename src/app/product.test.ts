import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testConfig } from '../../tests/helpers/config.js';
import { articleEntry } from '../../tests/helpers/storeEntries.js';
import type { Config } from '../config/config.js';
import { ModelLoadError } from '../ingest/errors.js';
import { IndexMismatchError, IndexMissingError, makeArchiveStore, storeSettings } from '../store/index.js';
import { openArchive } from './product.js';

/**
 * openArchive starts the model and the archive's reader together (the reader with the dimensions
 * the archive records); what it reports when something is wrong must stay what the one-after-the-
 * other start reported: the model's error first, then the store's, with every differing setting.
 */

let root: string;

beforeAll(async () => {
  root = await makeTempDir('vnrag-product-');
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** An archive of two small articles written with `dimensions`-wide vectors and this configuration's other settings. */
async function archiveIn(name: string, dimensions: number): Promise<Config> {
  const config = testConfig({ INDEX_DIR: path.join(root, name) });
  const writer = await makeArchiveStore(config, storeSettings(config, dimensions)).openWriter();
  await writer.upsert(articleEntry('a1', ['Hà Nội mở rộng đường vành đai.', 'Công trình khởi công năm nay.'], {}, dimensions));
  await writer.upsert(articleEntry('a2', ['Giá lúa gạo tăng ở đồng bằng.'], {}, dimensions));
  await writer.commit();
  await writer.close();
  return config;
}

describe('openArchive (model and archive opened together)', () => {
  it('opens an archive of the model’s dimensions, searches it with the model, and closes both', async () => {
    const config = await archiveIn('ok', 384);
    const archive = await openArchive(config, { follow: false });
    try {
      expect(archive.status()).toMatchObject({ articles: 2, chunks: 3 });
      expect(archive.embeddings.dimensions).toBe(384);
      const hits = await archive.snapshot().denseSearch(Array.from(await archive.embeddings.embedQuery('đường vành đai')), 3);
      expect(hits).toHaveLength(3);
    } finally {
      await archive.close();
    }
    // The model was the archive's own: closing the archive disposed of it.
    await expect(archive.embeddings.embedQuery('x')).rejects.toThrow();
  });

  it('an archive of other dimensions than the model’s: the same IndexMismatchError as a reader opened with the model’s', async () => {
    const config = await archiveIn('dims', 8);
    const err = await openArchive(config, { follow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect((err as Error).message).toContain('embedding dimensions is "384" but the index was built with "8"');
    const sequential = await makeArchiveStore(config, storeSettings(config, 384))
      .openReader()
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe((sequential as Error).message);
  });

  it('a model that does not load is reported before anything about the archive', async () => {
    const config = await archiveIn('nomodel', 384);
    const missing = { ...config, embedding: { ...config.embedding, model: path.join(root, 'no-such-model') } };
    const err = await openArchive(missing, { follow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain('no-such-model');
  });

  it('no archive yet: the model loads, then the store says to run the ingest', async () => {
    const config = testConfig({ INDEX_DIR: path.join(root, 'empty') });
    const err = await openArchive(config, { follow: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMissingError);
    expect((err as Error).message).toContain('npm run ingest');
  });
});
