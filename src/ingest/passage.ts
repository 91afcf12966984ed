import type { Article } from '../corpus/types.js';
import type { Chunk } from './types.js';

/**
 * The passage of `article` between `start` and `end`: its text is that slice, its metadata the
 * article's. The one place a passage is made, by the chunker and by the stores that keep only
 * offsets.
 */
export function makePassage(article: Article, ordinal: number, start: number, end: number): Chunk {
  return {
    chunkId: passageId(article.id, ordinal),
    documentId: article.id,
    ordinal,
    text: article.text.slice(start, end),
    start,
    end,
    title: article.title,
    outlet: article.outlet,
    publishedAt: article.publishedAt,
    section: article.section ?? null,
  };
}

/** `${documentId}#${ordinal}`: how a passage is named everywhere. */
export function passageId(documentId: string, ordinal: number): string {
  return `${documentId}#${ordinal}`;
}
