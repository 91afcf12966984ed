import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
/** The shipped model unless TEST_EMBEDDING_MODEL names another (vitest.config.ts sets it). */
export const TEST_MODEL = process.env.TEST_EMBEDDING_MODEL ?? path.join(REPO_ROOT, 'models/vi-news-embed-small');

/** A fresh temporary folder, removed by the caller (or left in the OS temp dir). */
export async function makeTempDir(prefix = 'vnrag-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Configuration for tests: the shared on-disk model, remote models off, and whatever the test
 * overrides (as environment variable names, exactly as a user would set them).
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      EMBEDDING_MODEL: TEST_MODEL,
      EMBEDDING_DTYPE: 'q8',
      EMBEDDING_ALLOW_REMOTE: 'false',
      LOG_LEVEL: 'silent',
      CORPUS_DIR: path.join(REPO_ROOT, 'corpus'),
      ...overrides,
    },
    REPO_ROOT,
  );
}
