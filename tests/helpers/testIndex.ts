import fs from 'node:fs/promises';
import type { Config } from '../../src/config/config.js';
import type { TransformersEmbeddings } from '../../src/ingest/embeddings.js';
import { ingestCorpus, type IngestReport } from '../../src/ingest/ingest.js';
import { openArchive, type Archive } from '../../src/app/product.js';
import { makeTempDir, testConfig } from './config.js';

/**
 * A real index of the project's corpus/ in a temporary folder, and the archive over it: what
 * integration tests of answering and the API run against.
 */
export interface TestIndex {
  config: Config;
  archive: Archive;
  /** Removes the index folder and closes the archive. */
  dispose(): Promise<void>;
}

/** Brings the archive of `config` in line with its corpus folder, with the product's own ingest. */
export async function ingestInto(config: Config, opts: { embeddings?: TransformersEmbeddings } = {}): Promise<IngestReport> {
  return ingestCorpus(config, opts);
}

export async function buildTestIndex(overrides: Record<string, string> = {}): Promise<TestIndex> {
  const indexDir = await makeTempDir('vnrag-index-');
  const dataDir = await makeTempDir('vnrag-data-');
  const config = testConfig({ INDEX_DIR: indexDir, DATA_DIR: dataDir, ...overrides });
  await ingestInto(config);
  const archive = await openArchive(config);
  return {
    config,
    archive,
    async dispose() {
      await archive.close();
      await fs.rm(indexDir, { recursive: true, force: true });
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
