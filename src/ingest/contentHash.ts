import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import { sha256Hex } from './checksum.js';

/**
 * Part of every article's content hash: bump it when the text that is embedded for a chunk
 * changes (now `${title}\n${chunk.text}`), so the next ingest re-embeds everything.
 */
export const EMBEDDING_TEXT_VERSION = 1;

/**
 * Hash of everything an article's stored passages and vectors depend on besides the global
 * settings: the cleaned article with its metadata, the chunking settings and the recipe of the
 * embedded text. Equal hash ⇒ its passages and vectors can be kept. The section joins the hash
 * only when present, so archives built before sections existed keep their hashes.
 */
export function articleContentHash(article: Article, config: Pick<Config, 'chunking'>): string {
  const payload = [
    EMBEDDING_TEXT_VERSION,
    config.chunking.maxChars,
    config.chunking.overlapSentences,
    article.id,
    article.title,
    article.outlet,
    article.publishedAt,
    article.url,
    article.sourceFile,
    article.originalFile,
    article.text,
    ...(article.section ? [article.section] : []),
  ];
  return sha256Hex(JSON.stringify(payload));
}
