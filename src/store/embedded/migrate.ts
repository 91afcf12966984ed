import fs from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { sha256Hex } from '../../ingest/checksum.js';
import { storeSettingsSchema } from '../settings.js';
import type { StoreSettings } from '../types.js';
import { ARCHIVE_FORMAT_VERSION, checkSettings, corrupt, publishCommit, type CommitManifest } from './commitLog.js';
import { readLines } from './files.js';
import type { GraphParams, SegmentInput } from './segment.js';
import { storedArticleSchema } from './segment.js';
import { writeSegment } from './segmentFiles.js';

const { HierarchicalNSW } = hnswlib;

/**
 * Converts an index written by the previous format (`CURRENT` naming a `gen-…` folder holding manifest.json,
 * articles.jsonl, chunks.jsonl, vectors.hnsw, vectors.meta.json) into a one-segment archive,
 * from its stored chunks and vectors (read back from the HNSW graph): nothing is re-embedded.
 * The generation folder is left in place; the writer's cleanup removes it after the grace period.
 */

const legacyManifestSchema = storeSettingsSchema.extend({
  formatVersion: z.literal(1),
  articles: z.record(z.string(), z.object({ contentHash: z.string(), chunkIds: z.array(z.string()) })),
  chunkCount: z.number().int().nonnegative(),
});

const legacyChunkSchema = z.object({
  chunkId: z.string().min(1),
  documentId: z.string().min(1),
  ordinal: z.number().int().nonnegative(),
  text: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});

const legacyVectorsMetaSchema = z.object({
  dimensions: z.number().int().positive(),
  deletedLabels: z.number().int().nonnegative(),
  sha256: z.string(),
  entries: z.array(z.object({ label: z.number().int().nonnegative(), chunkId: z.string() })),
});

export interface MigrationOptions {
  settings: StoreSettings;
  graph: GraphParams;
}

/** @throws IndexMismatchError when the old index was built with other settings; IndexCorruptError when it is damaged */
export async function migrateLegacyIndex(indexDir: string, generation: string, opts: MigrationOptions): Promise<void> {
  const dir = path.join(indexDir, generation);
  const fail = (reason: string) => corrupt(indexDir, `the previous-format index ${generation} cannot be converted: ${reason}`);
  const readJson = async (name: string): Promise<unknown> => {
    // The previous format's JSON files are whole documents; they are read once, here, and never written again.
    try {
      return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
    } catch (err) {
      throw fail(`${name} is unreadable (${(err as Error).message})`);
    }
  };
  const manifest = legacyManifestSchema.safeParse(await readJson('manifest.json'));
  if (!manifest.success) throw fail('manifest.json is invalid');
  const { formatVersion: _v, articles: listed, chunkCount, ...settings } = manifest.data;
  checkSettings(indexDir, settings, opts.settings);

  const meta = legacyVectorsMetaSchema.safeParse(await readJson('vectors.meta.json'));
  if (!meta.success) throw fail('vectors.meta.json is invalid');
  const graphFile = path.join(dir, 'vectors.hnsw');
  const graphBytes = await fs.readFile(graphFile).catch(() => null);
  if (graphBytes === null || sha256Hex(graphBytes) !== meta.data.sha256) throw fail('vectors.hnsw does not match its checksum');
  const graph = new HierarchicalNSW('cosine', meta.data.dimensions);
  await graph.readIndex(graphFile);
  const labelOf = new Map(meta.data.entries.map((e) => [e.chunkId, e.label]));

  const chunksByArticle = new Map<string, Array<z.infer<typeof legacyChunkSchema>>>();
  let chunks = 0;
  for await (const line of readLines(path.join(dir, 'chunks.jsonl'))) {
    const chunk = legacyChunkSchema.parse(JSON.parse(line));
    const list = chunksByArticle.get(chunk.documentId) ?? [];
    list.push(chunk);
    chunksByArticle.set(chunk.documentId, list);
    chunks++;
  }
  if (chunks !== chunkCount) throw fail(`chunks.jsonl holds ${chunks} chunks, the manifest ${chunkCount}`);

  async function* inputs(): AsyncGenerator<SegmentInput> {
    for await (const line of readLines(path.join(dir, 'articles.jsonl'))) {
      const raw = JSON.parse(line) as Record<string, unknown>;
      const entry = listed[String(raw.id)];
      if (!entry) throw fail(`article ${String(raw.id)} is not in the manifest`);
      const article = storedArticleSchema.parse({ section: null, ...raw, contentHash: entry.contentHash });
      const own = (chunksByArticle.get(article.id) ?? []).sort((a, b) => a.ordinal - b.ordinal);
      const vectors = own.map((c) => {
        const label = labelOf.get(c.chunkId);
        if (label === undefined) throw fail(`chunk ${c.chunkId} has no vector`);
        if (article.text.slice(c.start, c.end) !== c.text) throw fail(`chunk ${c.chunkId} does not match its article's text`);
        return Float32Array.from(graph.getPoint(label));
      });
      yield { article, passages: own, vectors };
    }
  }
  const name = `seg-00000001-migrated`;
  await fs.rm(path.join(indexDir, name), { recursive: true, force: true });
  const segment = await writeSegment(path.join(indexDir, name), opts.settings.dimensions, opts.graph, chunkCount, inputs());
  await segment.close();
  if (segment.articles.length !== Object.keys(listed).length || segment.passageCount !== chunkCount) {
    throw fail(`articles.jsonl and the manifest disagree`);
  }
  const commit: CommitManifest = {
    formatVersion: ARCHIVE_FORMAT_VERSION,
    settings: opts.settings,
    sequence: 1,
    id: `1-migrated-${generation.slice(-8)}`,
    committedAt: new Date().toISOString(),
    articles: segment.articles.length,
    passages: segment.passageCount,
    segments: [{ name, articles: segment.articles.length, passages: segment.passageCount, deletes: null }],
  };
  await publishCommit(indexDir, commit);
}
