import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import { sha256Hex } from './checksum.js';

/**
 * Part of every article's text hash: bump it when the text that is embedded for a chunk
 * changes (now `${title}\n${chunk.text}`), so the next ingest re-embeds everything.
 */
export const EMBEDDING_TEXT_VERSION = 1;

/**
 * Hash of what an article's passages and vectors are made from: the recipe of the embedded text,
 * the chunking settings, the id (passage ids), the title (embedded with every passage) and the
 * cleaned text. Equal text hash ⇒ the stored passages and vectors can be reused.
 */
export function articleTextHash(article: Article, config: Pick<Config, 'chunking'>): string {
  return sha256Hex(JSON.stringify([EMBEDDING_TEXT_VERSION, config.chunking.maxChars, config.chunking.overlapSentences, article.id, article.title, article.text]));
}

/** Hash of what is stored beside the passages but not embedded: outlet, date, section, url, files. */
function articleMetadataHash(article: Article): string {
  return sha256Hex(JSON.stringify([article.outlet, article.publishedAt, article.section ?? null, article.url, article.sourceFile, article.originalFile]));
}

/**
 * The hash an article is stored under: `<text hash>.<metadata hash>`. Equal hash ⇒ nothing to
 * do; equal text part ⇒ only the article's record and filter fields change (its vectors are
 * reused, nothing is embedded).
 */
export function articleContentHash(article: Article, config: Pick<Config, 'chunking'>): string {
  return `${articleTextHash(article, config)}.${articleMetadataHash(article)}`;
}

/**
 * The single hash archives written before text and metadata were told apart hold (version 1 of
 * the embedded text, metadata included). An article stored under it is unchanged when it still
 * hashes to it; otherwise only a comparison with its stored text can tell a metadata change.
 */
export function legacyContentHash(article: Article, config: Pick<Config, 'chunking'>): string {
  const payload = [
    1,
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

/**
 * What changed between the stored hash of an article and the article as it is now.
 * 'unknown': the stored hash is of the earlier single kind; compare with the stored text.
 */
export function compareStoredHash(stored: string, article: Article, config: Pick<Config, 'chunking'>): 'unchanged' | 'metadata' | 'text' | 'unknown' {
  const current = articleContentHash(article, config);
  if (stored === current) return 'unchanged';
  const dot = stored.indexOf('.');
  if (dot >= 0) return stored.slice(0, dot) === current.slice(0, current.indexOf('.')) ? 'metadata' : 'text';
  if (stored === legacyContentHash(article, config)) return 'unchanged';
  // The earlier hash was made with version 1 of the embedded text; a later recipe must re-embed.
  return EMBEDDING_TEXT_VERSION === 1 ? 'unknown' : 'text';
}
