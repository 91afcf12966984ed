import fs from 'node:fs';
import path from 'node:path';
import type { SearchResult } from '../../src/retrieval/types.js';
import { normalizeDocumentText } from '../../src/text/normalize.js';
import { SHARED_DIR } from './config.js';

/**
 * Real passages of the seed articles as retrieval would return them, for unit tests of
 * answering that need no index: the text is the normalised scrape, offsets are exact.
 */

const SEED_DIR = path.join(SHARED_DIR, 'seed-articles');

export const SEED = {
  peace: '000_a097d75ff34b6a05',
  osce: '001_5ff6e0c6c72cd38f',
  dialogue: '002_45043e5635fbb40e',
  relations: '003_f1ccffd640c142cd',
  resolution: '004_6cd66de603b9f991',
} as const;

export function seedText(id: string): string {
  return normalizeDocumentText(fs.readFileSync(path.join(SEED_DIR, `${id}.txt`), 'utf8'));
}

/**
 * The passage of seed article `id` from the first occurrence of `from` to the end of the first
 * `to` after it (both verbatim text of the article).
 */
export function seedPassage(
  id: string,
  from: string,
  to: string,
  opts: { score?: number; ordinal?: number; title?: string } = {},
): SearchResult {
  const text = seedText(id);
  const start = text.indexOf(from);
  if (start < 0) throw new Error(`"${from}" is not in seed article ${id}`);
  const toAt = text.indexOf(to, start);
  if (toAt < 0) throw new Error(`"${to}" is not after "${from}" in seed article ${id}`);
  const end = toAt + to.length;
  return {
    text: text.slice(start, end),
    score: opts.score ?? 0.8,
    documentId: id,
    title: opts.title ?? `Bài ${id}`,
    outlet: 'TTXVN',
    publishedAt: '2019-12-03',
    chunkId: `${id}#${opts.ordinal ?? 0}`,
    start,
    end,
  };
}
