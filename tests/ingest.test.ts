import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../src/config/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { TransformersEmbeddings } from '../src/ingest/embeddings.js';
import { HnswVectorStore } from '../src/store/embedded/hnswStore.js';
import {
  IndexCorruptError,
  IndexMismatchError,
  IndexMissingError,
  LEXICAL_FILE,
  checkIndexStaleness,
  describeIndex,
  lexicalIndexOutdated,
  loadIndex,
  readManifest,
  type LoadedIndex,
} from '../src/ingest/indexStore.js';
import { ingestCorpus, type IngestReport } from '../src/ingest/ingest.js';
import { NORMALIZATION_VERSION } from '../src/text/clean.js';
import { REPO_ROOT, TEST_MODEL, makeTempDir, testConfig } from './helpers/config.js';

const EDITED = 'vn-tq-kiem-soat-bat-dong-bien-dong';
const DELETED = 'un-osce-astana-2010';

let embeddings: TransformersEmbeddings;
let root: string;
let corpusDir: string;
let config: Config;

async function generations(indexDir: string): Promise<string[]> {
  return (await fs.readdir(indexDir)).filter((e) => e.startsWith('gen-'));
}

async function copyDir(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
}

/** The repository's corpus, copied so the tests can edit and delete files. */
async function copyRealCorpus(to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const f of await fs.readdir(path.join(REPO_ROOT, 'corpus'))) {
    if (f.endsWith('.md') && f !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, 'corpus', f), path.join(to, f));
  }
}

beforeAll(async () => {
  embeddings = await TransformersEmbeddings.create(testConfig().embedding);
  root = await makeTempDir('vnrag-ingest-');
  corpusDir = path.join(root, 'corpus');
  await copyRealCorpus(corpusDir);
  config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: path.join(root, 'index') });
});

afterAll(async () => {
  await embeddings?.dispose();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

describe('ingestCorpus and loadIndex (real model, real files)', () => {
  let first: IngestReport;
  let index: LoadedIndex;

  it('refuses to load before any ingest, saying to run npm run ingest', async () => {
    const err = await loadIndex(config, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMissingError);
    expect((err as Error).message).toContain('npm run ingest');
  });

  it('indexes the whole corpus with a manifest matching the configuration', async () => {
    const corpus = await loadCorpus(corpusDir);
    first = await ingestCorpus(config, { embeddings });
    expect(first.rebuilt).toBe(true);
    expect(first.added.sort()).toEqual(corpus.articles.map((a) => a.id).sort());
    expect(first.chunksEmbedded).toBe(first.chunksTotal);
    expect(first.problems).toEqual([]);

    index = await loadIndex(config, embeddings);
    const m = index.manifest;
    expect(m.model).toBe(path.basename(TEST_MODEL));
    expect(m.dimensions).toBe(384);
    expect(m.dtype).toBe('q8');
    expect(m.queryPrefix).toBe('query: ');
    expect(m.passagePrefix).toBe('passage: ');
    expect(m.normalizationVersion).toBe(NORMALIZATION_VERSION);
    expect(m.chunking).toEqual({ maxChars: 900, overlapSentences: 1 });
    expect(Object.keys(m.articles).sort()).toEqual(first.added.sort());
    expect(index.chunks.size).toBe(first.chunksTotal);
    expect(index.vectors.size).toBe(first.chunksTotal);
    expect(index.lexical.size).toBe(first.chunksTotal);
    expect(index.vectors.getEf()).toBe(config.hnsw.efSearch);
    expect(describeIndex(index)).toContain(`${first.chunksTotal} chunks`);
  });

  it('stores chunks that are exact slices of the stored (cleaned) articles', () => {
    for (const [id, entry] of Object.entries(index.manifest.articles)) {
      const article = index.articles.get(id)!;
      expect(entry.chunkIds.length).toBeGreaterThan(0);
      for (const chunkId of entry.chunkIds) {
        const chunk = index.chunks.get(chunkId)!;
        expect(chunk.documentId).toBe(id);
        expect(chunk.text).toBe(article.text.slice(chunk.start, chunk.end));
      }
    }
  });

  it('finds the right article through the vectors and the lexical index', async () => {
    const query = await embeddings.embedQuery('Ông Ban Ki-moon kêu gọi OSCE hợp tác ở Astana');
    const [top] = await index.vectors.similaritySearchVectorWithScore(query, 3);
    expect(top![0].metadata['documentId']).toBe(DELETED);
    const [hit] = index.lexical.search('OSCE Astana', 3);
    expect(index.chunks.get(hit!.chunkId)?.documentId).toBe(DELETED);
  });

  it('re-embeds nothing on a second run over the same corpus, and keeps one generation', async () => {
    const again = await ingestCorpus(config, { embeddings });
    expect(again.chunksEmbedded).toBe(0);
    expect(again.unchanged.length).toBe(first.articlesTotal);
    expect([...again.added, ...again.changed, ...again.removed]).toEqual([]);
    expect(again.rebuilt).toBe(false);
    expect(await generations(config.paths.indexDir)).toEqual([path.basename(again.generationDir)]);
    const corpus = await loadCorpus(corpusDir);
    const reloaded = await loadIndex(config, embeddings);
    expect(checkIndexStaleness(config, corpus, reloaded.manifest).stale).toBe(false);
  });

  it('re-embeds only the edited article and keeps the other vectors as they were', async () => {
    const before = await loadIndex(config, embeddings);
    const file = path.join(corpusDir, `${EDITED}.md`);
    await fs.appendFile(
      file,
      '\n\nTheo các chuyên gia, việc kiểm soát bất đồng trên biển cần được duy trì thông qua đối thoại thường xuyên giữa hai bên.\n',
    );
    const corpus = await loadCorpus(corpusDir);
    expect(checkIndexStaleness(config, corpus, before.manifest)).toMatchObject({ stale: true, changed: [EDITED] });

    const report = await ingestCorpus(config, { embeddings });
    expect(report.changed).toEqual([EDITED]);
    expect(report.added).toEqual([]);
    const after = await loadIndex(config, embeddings);
    expect(report.chunksEmbedded).toBe(after.manifest.articles[EDITED]!.chunkIds.length);
    expect(after.articles.get(EDITED)!.text).toContain('đối thoại thường xuyên');

    const keptId = after.manifest.articles[DELETED]!.chunkIds[0]!;
    expect(after.vectors.getVector(keptId)).toEqual(before.vectors.getVector(keptId));
    for (const chunkId of after.manifest.articles[EDITED]!.chunkIds) {
      expect(after.chunks.get(chunkId)!.text).toBe(
        after.articles.get(EDITED)!.text.slice(after.chunks.get(chunkId)!.start, after.chunks.get(chunkId)!.end),
      );
    }
  });

  it('removes a deleted file’s article from the chunk store, the vectors and the lexical index', async () => {
    const before = await loadIndex(config, embeddings);
    const goneChunks = before.manifest.articles[DELETED]!.chunkIds;
    await fs.rm(path.join(corpusDir, `${DELETED}.md`));

    const report = await ingestCorpus(config, { embeddings });
    expect(report.removed).toEqual([DELETED]);
    expect(report.chunksEmbedded).toBe(0);
    const after = await loadIndex(config, embeddings);
    expect(after.manifest.articles[DELETED]).toBeUndefined();
    expect(after.articles.has(DELETED)).toBe(false);
    for (const chunkId of goneChunks) {
      expect(after.chunks.has(chunkId)).toBe(false);
      expect(after.vectors.has(chunkId)).toBe(false);
      expect(after.lexical.has(chunkId)).toBe(false);
    }
    expect(after.vectors.size).toBe(after.chunks.size);
    const query = await embeddings.embedQuery('Ông Ban Ki-moon kêu gọi OSCE hợp tác ở Astana');
    const hits = await after.vectors.similaritySearchVectorWithScore(query, 50);
    expect(hits.map(([d]) => d.metadata['documentId'])).not.toContain(DELETED);
    expect(after.lexical.search('OSCE Astana', 50).map((h) => after.chunks.get(h.chunkId)?.documentId)).not.toContain(
      DELETED,
    );
  });

  it('reports a broken file by name and still ingests the rest', async () => {
    await fs.writeFile(path.join(corpusDir, 'broken.md'), '');
    const report = await ingestCorpus(config, { embeddings });
    expect(report.problems.map((p) => p.file).join(' ')).toContain('broken.md');
    expect(report.articlesTotal).toBe(first.articlesTotal - 1);
    expect(report.chunksEmbedded).toBe(0);
    await fs.rm(path.join(corpusDir, 'broken.md'));
  });

  it('keeps the previous generation loadable when a write fails half-way, and cleans up after', async () => {
    const live = await loadIndex(config, embeddings);
    await fs.appendFile(
      path.join(corpusDir, `${EDITED}.md`),
      '\nHai bên nhất trí tiếp tục trao đổi để sớm đạt được các kết quả cụ thể trong thời gian tới.\n',
    );
    // The crash: the vectors are written, then the process "dies" before the manifest and CURRENT.
    const realSave = HnswVectorStore.prototype.save;
    const spy = vi.spyOn(HnswVectorStore.prototype, 'save').mockImplementationOnce(async function (
      this: HnswVectorStore,
      dir: string,
    ) {
      await realSave.call(this, dir);
      throw new Error('simulated crash while writing');
    });
    await expect(ingestCorpus(config, { embeddings })).rejects.toThrow('simulated crash');
    spy.mockRestore();
    // Leftovers of a crash during the pointer swap, too.
    await fs.writeFile(path.join(config.paths.indexDir, 'CURRENT.tmp-dead'), 'gen-0-partial\n');
    await fs.mkdir(path.join(config.paths.indexDir, 'gen-0-partial'));

    expect((await generations(config.paths.indexDir)).length).toBe(3);
    const still = await loadIndex(config, embeddings);
    expect(still.dir).toBe(live.dir);
    expect(still.chunks.size).toBe(live.chunks.size);

    const report = await ingestCorpus(config, { embeddings });
    expect(report.changed).toEqual([EDITED]);
    const entries = await fs.readdir(config.paths.indexDir);
    expect(entries.filter((e) => e.startsWith('gen-'))).toEqual([path.basename(report.generationDir)]);
    expect(entries.filter((e) => e.startsWith('CURRENT.tmp'))).toEqual([]);
    expect(entries).not.toContain('.ingest.lock');
  });
});

describe('loadIndex refuses an index it cannot trust', () => {
  /** A copy of the live index, to damage without touching the one the other tests use. */
  async function copyOfIndex(): Promise<{ cfg: Config; genDir: string }> {
    const indexDir = path.join(await makeTempDir('vnrag-index-copy-'), 'index');
    await copyDir(config.paths.indexDir, indexDir);
    const cfg = { ...config, paths: { ...config.paths, indexDir } };
    const name = (await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim();
    return { cfg, genDir: path.join(indexDir, name) };
  }

  async function editManifest(genDir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
    const file = path.join(genDir, 'manifest.json');
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    edit(m);
    await fs.writeFile(file, JSON.stringify(m));
  }

  it('refuses another model with IndexMismatchError naming both models and the fix', async () => {
    const { cfg, genDir } = await copyOfIndex();
    await editManifest(genDir, (m) => (m.model = 'Xenova/multilingual-e5-small'));
    const err = await loadIndex(cfg, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    const message = (err as Error).message;
    expect(message).toContain('Xenova/multilingual-e5-small');
    expect(message).toContain(path.basename(TEST_MODEL));
    expect(message).toContain('EMBEDDING_MODEL');
    expect(message).toContain('npm run ingest -- --rebuild');
    // Ingest refuses too, unless asked to rebuild.
    await expect(ingestCorpus(cfg, { embeddings })).rejects.toBeInstanceOf(IndexMismatchError);
  });

  it('refuses an index from another normalisation version or chunking', async () => {
    const { cfg, genDir } = await copyOfIndex();
    await editManifest(genDir, (m) => (m.normalizationVersion = NORMALIZATION_VERSION + 1));
    await expect(loadIndex(cfg, embeddings)).rejects.toThrow(/normalisation version/);
    const other = { ...cfg, chunking: { ...cfg.chunking, maxChars: 500 } };
    await editManifest(genDir, (m) => (m.normalizationVersion = NORMALIZATION_VERSION));
    const err = await loadIndex(other, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect((err as Error).message).toContain('CHUNK_MAX_CHARS');
  });

  it('rebuilds over a mismatched index when asked to', async () => {
    const { cfg, genDir } = await copyOfIndex();
    await editManifest(genDir, (m) => (m.model = 'other-model'));
    const corpus = await loadCorpus(corpusDir);
    const one = { articles: corpus.articles.filter((a) => a.id === EDITED), problems: [] };
    const report = await ingestCorpus(cfg, { embeddings, rebuild: true, corpus: one });
    expect(report.rebuilt).toBe(true);
    expect(report.added).toEqual([EDITED]);
    const rebuilt = await loadIndex(cfg, embeddings);
    expect(Object.keys(rebuilt.manifest.articles)).toEqual([EDITED]);
  });

  it('gives IndexCorruptError for a damaged vectors file or a chunk file that disagrees', async () => {
    const { cfg, genDir } = await copyOfIndex();
    const vectorsFile = path.join(genDir, 'vectors.hnsw');
    const bytes = await fs.readFile(vectorsFile);
    await fs.writeFile(vectorsFile, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await loadIndex(cfg, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toContain('npm run ingest -- --rebuild');

    const second = await copyOfIndex();
    const chunksFile = path.join(second.genDir, 'chunks.jsonl');
    const lines = (await fs.readFile(chunksFile, 'utf8')).trim().split('\n');
    await fs.writeFile(chunksFile, lines.slice(1).join('\n') + '\n');
    await expect(loadIndex(second.cfg, embeddings)).rejects.toBeInstanceOf(IndexCorruptError);
  });
});

describe('the lexical index file', () => {
  async function copyOfIndex(): Promise<{ cfg: Config; genDir: string }> {
    const indexDir = path.join(await makeTempDir('vnrag-index-copy-'), 'index');
    await copyDir(config.paths.indexDir, indexDir);
    const name = (await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim();
    return { cfg: { ...config, paths: { ...config.paths, indexDir } }, genDir: path.join(indexDir, name) };
  }

  it('is refused when damaged, by its checksum', async () => {
    const { cfg, genDir } = await copyOfIndex();
    const file = path.join(genDir, LEXICAL_FILE);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await fs.writeFile(file, bytes);
    const err = await loadIndex(cfg, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toContain('checksum');
  });

  it('in the format of an older version is rebuilt by a plain ingest, without re-embedding', async () => {
    const { cfg, genDir } = await copyOfIndex();
    // What the previous version wrote: MiniSearch's lexical.json, and no lexical entry in the manifest.
    await fs.rm(path.join(genDir, LEXICAL_FILE));
    await fs.writeFile(path.join(genDir, 'lexical.json'), JSON.stringify({ version: 1, minisearch: { documentCount: 0 } }));
    const manifestFile = path.join(genDir, 'manifest.json');
    const { lexical: _dropped, ...old } = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(manifestFile, JSON.stringify(old));

    expect(lexicalIndexOutdated((await readManifest(cfg.paths.indexDir)).manifest)).toBe(true);
    const err = await loadIndex(cfg, embeddings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toMatch(/older version.*`npm run ingest`/);
    expect((err as Error).message).not.toContain('--rebuild');

    const report = await ingestCorpus(cfg, { embeddings });
    expect(report.chunksEmbedded).toBe(0);
    expect(report.rebuilt).toBe(false);
    const upgraded = await loadIndex(cfg, embeddings);
    expect(lexicalIndexOutdated(upgraded.manifest)).toBe(false);
    expect(upgraded.lexical.size).toBe(upgraded.chunks.size);
    expect(upgraded.lexical.search('Biển Đông kiểm soát bất đồng', 3)[0]?.chunkId).toMatch(new RegExp(`^${EDITED}#`));
    expect(await fs.readdir(upgraded.dir)).not.toContain('lexical.json');
  });
});

describe('npm run ingest (the CLI)', () => {
  const run = promisify(execFile);
  const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    EMBEDDING_MODEL: TEST_MODEL,
    EMBEDDING_DTYPE: 'q8',
    EMBEDDING_ALLOW_REMOTE: 'false',
  };

  it('ingests a corpus given by flags and prints the report, with exit code 0', async () => {
    const dir = await makeTempDir('vnrag-cli-');
    await fs.mkdir(path.join(dir, 'corpus'));
    await fs.copyFile(path.join(corpusDir, `${EDITED}.md`), path.join(dir, 'corpus', `${EDITED}.md`));
    await fs.writeFile(path.join(dir, 'corpus', 'empty.md'), '');
    const { stdout } = await run(
      tsx,
      ['src/cli/ingest.ts', '--corpus', path.join(dir, 'corpus'), '--index', path.join(dir, 'idx'), '--quiet'],
      { cwd: REPO_ROOT, env: baseEnv },
    );
    expect(stdout).toContain('Indexed 1 articles (1 added');
    expect(stdout).toContain('empty.md');
    expect(await fs.readFile(path.join(dir, 'idx', 'CURRENT'), 'utf8')).toMatch(/^gen-/);
  });

  it('exits 1 with a one-line message and no stack trace when the model is missing', async () => {
    const dir = await makeTempDir('vnrag-cli-');
    const missing = path.join(dir, 'no-model');
    const err = (await run(tsx, ['src/cli/ingest.ts', '--corpus', corpusDir, '--index', path.join(dir, 'idx'), '--quiet'], {
      cwd: REPO_ROOT,
      env: { ...baseEnv, EMBEDDING_MODEL: missing },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    const lines = err.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: Could not load embedding model/);
    expect(lines[0]).toContain('EMBEDDING_MODEL');
    expect(err.stderr).not.toMatch(/\n\s+at /);
  });
});
