import { describe, expect, it } from 'vitest';
import { testConfig } from '../../tests/helpers/config.js';
import type { Article } from '../corpus/types.js';
import { articleContentHash, compareStoredHash, legacyContentHash } from './contentHash.js';

const config = testConfig();
const article: Article = {
  id: 'a1',
  title: 'Hà Nội mưa lớn',
  outlet: 'VOV',
  publishedAt: '2020-10-30',
  section: 'Xã hội',
  text: 'Hà Nội mưa lớn suốt đêm.',
  sourceFile: 'a1.md',
  originalFile: null,
  url: null,
};

describe('articleContentHash and compareStoredHash', () => {
  it('is stable and tells a metadata change from a text change', () => {
    const stored = articleContentHash(article, config);
    expect(articleContentHash({ ...article }, testConfig())).toBe(stored);
    expect(compareStoredHash(stored, article, config)).toBe('unchanged');
    for (const meta of [{ outlet: 'VnExpress' }, { publishedAt: '2021-01-01' }, { section: 'Thế giới' }, { section: null }, { url: 'https://x.vn/a1' }]) {
      expect(compareStoredHash(stored, { ...article, ...meta }, config)).toBe('metadata');
    }
    // The title is embedded with every passage: a new title is a text change.
    for (const text of [{ text: 'Hà Nội mưa nhỏ.' }, { title: 'Khác' }]) {
      expect(compareStoredHash(stored, { ...article, ...text }, config)).toBe('text');
    }
    expect(compareStoredHash(stored, article, testConfig({ CHUNK_MAX_CHARS: '500' }))).toBe('text');
  });

  it('reads the single hash of earlier archives: equal is unchanged, anything else needs the stored text', () => {
    const legacy = legacyContentHash(article, config);
    expect(compareStoredHash(legacy, article, config)).toBe('unchanged');
    expect(compareStoredHash(legacy, { ...article, outlet: 'VnExpress' }, config)).toBe('unknown');
    // Before sections were read: the old hash left the section out.
    const { section: _section, ...withoutSection } = article;
    expect(compareStoredHash(legacyContentHash(withoutSection, config), article, config)).toBe('unknown');
  });
});
