import fs from 'node:fs/promises';
import type { Config } from '../../src/config/config.js';
import { ingestCorpus } from '../../src/ingest/ingest.js';
import { openSearchEngine, type SearchEngine } from '../../src/retrieval/engine.js';
import { makeTempDir, testConfig } from './config.js';

/**
 * A real index of the project's corpus/ in a temporary folder, and the engine over it: what
 * integration tests of answering and the API run against.
 */
export interface TestIndex {
  config: Config;
  engine: SearchEngine;
  /** Removes the index folder and closes the engine. */
  dispose(): Promise<void>;
}

export async function buildTestIndex(overrides: Record<string, string> = {}): Promise<TestIndex> {
  const indexDir = await makeTempDir('vnrag-index-');
  const dataDir = await makeTempDir('vnrag-data-');
  const config = testConfig({ INDEX_DIR: indexDir, DATA_DIR: dataDir, ...overrides });
  await ingestCorpus(config);
  const engine = await openSearchEngine(config);
  return {
    config,
    engine,
    async dispose() {
      await engine.close();
      await fs.rm(indexDir, { recursive: true, force: true });
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
