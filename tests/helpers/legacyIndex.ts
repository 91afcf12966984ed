import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../src/config/config.js';
import type { Article } from '../../src/corpus/types.js';
import { sha256Hex } from '../../src/ingest/checksum.js';
import { legacyContentHash } from '../../src/ingest/contentHash.js';
import type { Chunk } from '../../src/ingest/types.js';
import type { HnswVectorStore } from '../../src/store/embedded/hnswStore.js';
import { LEXICAL_FORMAT_VERSION, type LexicalIndex } from '../../src/store/embedded/lexical.js';
import { storeSettings } from '../../src/store/settings.js';

/**
 * An index of the format before the store (one `gen-…` folder named by `CURRENT`, holding
 * manifest.json, articles.jsonl, chunks.jsonl, lexical.bin, vectors.hnsw and vectors.meta.json,
 * each a whole file), written as that code wrote it: the fixture of the conversion tests. The
 * product only reads this format (src/store/embedded/migrate.ts), once, to convert it.
 */
export interface LegacyIndexContent {
  articles: Article[];
  chunks: Chunk[];
  vectors: HnswVectorStore;
  lexical: LexicalIndex;
  /** The hash each article was stored under; by default the single hash the previous format used. */
  contentHash?: (article: Article) => string;
}

export async function writeLegacyIndex(config: Config, dimensions: number, content: LegacyIndexContent): Promise<string> {
  const indexDir = config.paths.indexDir;
  const name = `gen-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const dir = path.join(indexDir, name);
  await fs.mkdir(dir, { recursive: true });
  const lines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
  const hash = content.contentHash ?? ((a: Article) => legacyContentHash(a, config));
  await fs.writeFile(path.join(dir, 'articles.jsonl'), lines(content.articles));
  await fs.writeFile(path.join(dir, 'chunks.jsonl'), lines(content.chunks));
  const lexicalBytes = content.lexical.toBytes();
  await fs.writeFile(path.join(dir, 'lexical.bin'), lexicalBytes);
  await content.vectors.save(dir);
  const now = new Date().toISOString();
  const manifest = {
    formatVersion: 1,
    // The old format's manifest held the same settings the store checks today.
    ...storeSettings(config, dimensions),
    articles: Object.fromEntries(
      content.articles.map((a) => [
        a.id,
        { contentHash: hash(a), chunkIds: content.chunks.filter((c) => c.documentId === a.id).map((c) => c.chunkId), sourceFile: a.sourceFile },
      ]),
    ),
    chunkCount: content.chunks.length,
    lexical: { formatVersion: LEXICAL_FORMAT_VERSION, sha256: sha256Hex(lexicalBytes) },
    createdAt: now,
    updatedAt: now,
  };
  // The manifest last, then the pointer: as the previous code did.
  await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  await fs.writeFile(path.join(indexDir, 'CURRENT'), name + '\n');
  return dir;
}
