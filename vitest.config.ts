import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import SummaryReporter from './tests/helpers/summaryReporter.js';

// Tests load the embedding model the repository ships (models/); TEST_EMBEDDING_MODEL overrides it.
const shippedModel = path.resolve(import.meta.dirname, 'models/vi-news-embed-small');

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    reporters: [...configDefaults.reporters, new SummaryReporter()],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    env: {
      TEST_EMBEDDING_MODEL: process.env.TEST_EMBEDDING_MODEL ?? shippedModel,
      LOG_LEVEL: 'silent',
    },
  },
});
