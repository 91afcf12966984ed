import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_MODEL_DIR, ConfigError, loadConfig } from './config.js';

describe('loadConfig defaults', () => {
  it('uses the shipped model, found from the project root whatever the working directory', () => {
    for (const cwd of ['/', '/tmp', path.resolve(import.meta.dirname, '..')]) {
      const config = loadConfig({}, cwd);
      expect(config.embedding.model).toBe(BUNDLED_MODEL_DIR);
      expect(config.embedding.isLocal).toBe(true);
    }
    expect(fs.statSync(path.join(BUNDLED_MODEL_DIR, 'onnx', 'model_quantized.onnx')).size).toBeGreaterThan(20_000_000);
    expect(fs.existsSync(path.join(BUNDLED_MODEL_DIR, 'tokenizer.json'))).toBe(true);
  });

  it('keeps a hub id as given and resolves a relative folder from the working directory', () => {
    expect(loadConfig({ EMBEDDING_MODEL: 'Xenova/multilingual-e5-small' }).embedding).toMatchObject({
      model: 'Xenova/multilingual-e5-small',
      isLocal: false,
    });
    expect(loadConfig({ EMBEDDING_MODEL: './m/x' }, '/srv/app').embedding.model).toBe('/srv/app/m/x');
    // Without ./ a folder that exists is still a folder, not a hub id.
    const root = path.resolve(import.meta.dirname, '../..');
    expect(loadConfig({ EMBEDDING_MODEL: 'models/vi-news-embed-small' }, root).embedding).toMatchObject({
      model: BUNDLED_MODEL_DIR,
      isLocal: true,
    });
  });

  it('serves metrics to loopback by default and wants a token long enough to guess hard', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, token: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token' }).metrics.token).toBe('a-long-enough-token');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
  });

  it('reads the merge settings, and names the replacements when the removed STORE_MAX_SEGMENTS is set', () => {
    expect(loadConfig({ STORE_MERGE_FACTOR: '4', STORE_MAX_SEGMENT_PASSAGES: '1000' }).store.merge).toEqual({
      mergeFactor: 4,
      floorPassages: 2000,
      maxPassages: 1000,
    });
    expect(() => loadConfig({ STORE_MERGE_FACTOR: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ STORE_MAX_SEGMENTS: '8' })).toThrow(/STORE_MERGE_FACTOR/);
  });
});
