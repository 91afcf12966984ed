import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { NORMALIZATION_VERSION } from '../text/clean.js';
import type { StoreSettings } from './types.js';

export const storeSettingsSchema = z.object({
  model: z.string(),
  dimensions: z.number().int().positive(),
  dtype: z.string(),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  normalizationVersion: z.number().int(),
  chunking: z.object({ maxChars: z.number().int(), overlapSentences: z.number().int() }),
});

/**
 * The model as recorded in the archive: a local folder by its name, not its absolute path, so an
 * archive stays valid when the checkout moves (tests, CI and servers use different roots).
 */
export function modelIdentity(config: Config): string {
  return config.embedding.isLocal ? path.basename(config.embedding.model) : config.embedding.model;
}

/** The settings an archive must have been built with for this configuration and model. */
export function storeSettings(config: Config, dimensions: number): StoreSettings {
  return {
    model: modelIdentity(config),
    dimensions,
    dtype: config.embedding.dtype,
    queryPrefix: config.embedding.queryPrefix,
    passagePrefix: config.embedding.passagePrefix,
    normalizationVersion: NORMALIZATION_VERSION,
    chunking: { ...config.chunking },
  };
}

export interface SettingDifference {
  setting: string;
  inIndex: string;
  inConfig: string;
}

export function settingDifferences(stored: StoreSettings, expected: StoreSettings): SettingDifference[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['EMBEDDING_MODEL', stored.model, expected.model],
    ['EMBEDDING_DTYPE', stored.dtype, expected.dtype],
    ['embedding dimensions', stored.dimensions, expected.dimensions],
    ['EMBEDDING_QUERY_PREFIX', stored.queryPrefix, expected.queryPrefix],
    ['EMBEDDING_PASSAGE_PREFIX', stored.passagePrefix, expected.passagePrefix],
    ['text normalisation version', stored.normalizationVersion, expected.normalizationVersion],
    ['CHUNK_MAX_CHARS', stored.chunking.maxChars, expected.chunking.maxChars],
    ['CHUNK_OVERLAP_SENTENCES', stored.chunking.overlapSentences, expected.chunking.overlapSentences],
  ];
  return pairs
    .filter(([, a, b]) => a !== b)
    .map(([setting, a, b]) => ({ setting, inIndex: String(a), inConfig: String(b) }));
}
