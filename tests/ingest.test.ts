import { execFile, spawn, execSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Document } from '@langchain/core/documents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { chunkArticle } from '../src/ingest/chunk.js';
import { TransformersEmbeddings } from '../src/ingest/embeddings.js';
import { embeddingText, ingestCorpus, type IngestReport } from '../src/ingest/ingest.js';
import { IndexMismatchError, IndexMissingError } from '../src/store/errors.js';
import { makeArchiveStore } from '../src/store/index.js';
import { storeSettings } from '../src/store/settings.js';
import type { ArchiveStore, StoreReader } from '../src/store/types.js';
import { HnswVectorStore } from '../src/store/embedded/hnswStore.js';
import { LexicalIndex } from '../src/store/embedded/lexical.js';
import { REPO_ROOT, SHARED_DIR, TEST_MODEL, makeTempDir, testConfig } from './helpers/config.js';
import { writeLegacyIndex } from './helpers/legacyIndex.js';

const EDITED = 'vn-tq-kiem-soat-bat-dong-bien-dong';
const DELETED = 'un-osce-astana-2010';

let embeddings: TransformersEmbeddings;
let root: string;
let corpusDir: string;
let config: Config;
let store: ArchiveStore;

/** The repository's corpus, copied so the tests can edit and delete files. */
async function copyRealCorpus(to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const f of await fs.readdir(path.join(REPO_ROOT, 'corpus'))) {
    if (f.endsWith('.md') && f !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, 'corpus', f), path.join(to, f));
  }
}

async function withReader<T>(s: ArchiveStore, fn: (r: StoreReader) => Promise<T>): Promise<T> {
  const r = await s.openReader();
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

beforeAll(async () => {
  embeddings = await TransformersEmbeddings.create(testConfig().embedding);
  root = await makeTempDir('vnrag-ingest-');
  corpusDir = path.join(root, 'corpus');
  await copyRealCorpus(corpusDir);
  config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: path.join(root, 'index'), STORE_FILE_GRACE_SECONDS: '0' });
  store = makeArchiveStore(config, storeSettings(config, embeddings.dimensions));
});

afterAll(async () => {
  await embeddings?.dispose();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

describe('ingestCorpus into the archive (real model, real files)', () => {
  let first: IngestReport;

  it('refuses to read before any ingest, saying to run npm run ingest', async () => {
    const err = await store.openReader().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMissingError);
    expect((err as Error).message).toContain('npm run ingest');
  });

  it('indexes the whole corpus; passages are exact slices of the stored articles; search finds the right article', async () => {
    const corpus = await loadCorpus(corpusDir);
    first = await ingestCorpus(config, { embeddings, store });
    expect(first.rebuilt).toBe(true);
    expect(first.added.sort()).toEqual(corpus.articles.map((a) => a.id).sort());
    expect(first.chunksEmbedded).toBe(first.chunksTotal);
    await withReader(store, async (r) => {
      const snap = r.snapshot();
      expect(snap.commit).toMatchObject({ articles: corpus.articles.length, passages: first.chunksTotal });
      expect(snap.settings).toMatchObject({ model: path.basename(TEST_MODEL), dimensions: 384, dtype: 'q8' });
      for (const a of corpus.articles) {
        const stored = await snap.article(a.id);
        expect(stored?.text).toBe(a.text);
        const chunks = chunkArticle(a, config.chunking);
        const passages = await snap.passages(chunks.map((c) => c.chunkId));
        for (const c of chunks) expect(passages.get(c.chunkId)?.text).toBe(stored!.text.slice(c.start, c.end));
      }
      const query = await embeddings.embedQuery('Ông Ban Ki-moon kêu gọi OSCE hợp tác ở Astana');
      expect((await snap.denseSearch(query, 3))[0]?.chunkId).toMatch(new RegExp(`^${DELETED}#`));
      expect((await snap.lexicalSearch('OSCE Astana', 3)).top[0]?.chunkId).toMatch(new RegExp(`^${DELETED}#`));
    });
  });

  it('re-embeds nothing on a second run over the same corpus and makes no new commit', async () => {
    const again = await ingestCorpus(config, { embeddings, store });
    expect(again.chunksEmbedded).toBe(0);
    expect(again.unchanged).toBe(first.articlesTotal);
    expect([...again.added, ...again.changed, ...again.removed]).toEqual([]);
    expect(again.commit.id).toBe(first.commit.id);
    expect(again.commits).toBe(0);
  });

  it('re-embeds only the edited article, removes the deleted one, and a following reader sees both', async () => {
    const reader = await store.openReader();
    const before = reader.snapshot();
    await fs.appendFile(
      path.join(corpusDir, `${EDITED}.md`),
      '\n\nTheo các chuyên gia, việc kiểm soát bất đồng trên biển cần được duy trì thông qua đối thoại thường xuyên giữa hai bên.\n',
    );
    await fs.rm(path.join(corpusDir, `${DELETED}.md`));
    const report = await ingestCorpus(config, { embeddings, store });
    expect(report.changed).toEqual([EDITED]);
    expect(report.removed).toEqual([DELETED]);
    expect(report.added).toEqual([]);
    const edited = (await loadCorpus(corpusDir)).articles.find((a) => a.id === EDITED)!;
    expect(report.chunksEmbedded).toBe(chunkArticle(edited, config.chunking).length);

    expect(await reader.refresh()).toBe(true);
    const after = reader.snapshot();
    expect((await after.article(EDITED))?.text).toContain('đối thoại thường xuyên');
    expect(await after.article(DELETED)).toBeUndefined();
    expect((await after.lexicalSearch('OSCE Astana', 50)).top.map((h) => h.chunkId).join(' ')).not.toContain(DELETED);
    const query = await embeddings.embedQuery('Ông Ban Ki-moon kêu gọi OSCE hợp tác ở Astana');
    expect((await after.denseSearch(query, 50)).map((h) => h.chunkId).join(' ')).not.toContain(DELETED);
    // Unchanged articles keep their vectors bit for bit.
    expect(report.unchanged).toBe(first.articlesTotal - 2);
    const unchanged = first.added.find((a) => a !== EDITED && a !== DELETED)!;
    const id = `${unchanged}#0`;
    expect(Array.from((await after.vectors([id])).get(id)!)).toEqual(Array.from((await before.vectors([id])).get(id)!));
    await reader.close();
  });

  it('a metadata-only change (outlet, date, section) embeds nothing, keeps the vectors, and filters see the new metadata', async () => {
    const file = path.join(corpusDir, `${EDITED}.md`);
    const original = await fs.readFile(file, 'utf8');
    await fs.writeFile(
      file,
      original.replace('outlet: null', 'outlet: Báo Thử Nghiệm').replace('publishedAt: null', 'publishedAt: 2021-03-04').replace('url: null', 'url: null\nsection: Thế giới'),
    );
    const reader = await store.openReader();
    const before = reader.snapshot();
    const edited = (await loadCorpus(corpusDir)).articles.find((a) => a.id === EDITED)!;
    const ids = chunkArticle(edited, config.chunking).map((c) => c.chunkId);
    // Read now: a superseded snapshot's segments stay open only for the grace period (0 here).
    const oldVectors = await before.vectors(ids);
    const report = await ingestCorpus(config, { embeddings, store });
    expect(report.changed).toEqual([EDITED]);
    expect(report.metadataOnly).toEqual([EDITED]);
    expect(report.chunksEmbedded).toBe(0);

    expect(await reader.refresh()).toBe(true);
    const after = reader.snapshot();
    expect(await after.article(EDITED)).toMatchObject({ outlet: 'Báo Thử Nghiệm', publishedAt: '2021-03-04', section: 'Thế giới' });
    // Same passages and the very vectors embedded before, now under the new metadata.
    const newVectors = await after.vectors(ids);
    expect(oldVectors.size).toBe(ids.length);
    for (const id of ids) expect(Array.from(newVectors.get(id)!)).toEqual(Array.from(oldVectors.get(id)!));
    expect([...(await after.passages(ids)).values()].map((p) => [p.outlet, p.publishedAt, p.section])).toEqual(
      ids.map(() => ['Báo Thử Nghiệm', '2021-03-04', 'Thế giới']),
    );
    // Outlet matched without case or diacritics, the date inclusive: only this article's passages.
    const filter = { outlets: ['bao thu nghiem'], sections: ['THE GIOI'], from: '2021-03-04', to: '2021-03-04' };
    const query = await embeddings.embedQuery('kiểm soát bất đồng trên Biển Đông');
    const dense = await after.denseSearch(query, 50, { filter });
    expect(dense.map((h) => h.chunkId).sort()).toEqual([...ids].sort());
    expect((await after.lexicalSearch('Biển Đông', 50, { filter })).top.every((h) => h.chunkId.startsWith(`${EDITED}#`))).toBe(true);
    expect(await before.denseSearch(query, 5, { filter })).toEqual([]);
    await reader.close();

    const again = await ingestCorpus(config, { embeddings, store });
    expect(again.unchanged).toBe(again.articlesTotal);
    expect(again.changed).toEqual([]);
    expect(again.commits).toBe(0);
  });

  it('compacts with --compact into one segment, nothing re-embedded, same search results', async () => {
    const report = await ingestCorpus(config, { embeddings, store, compact: true });
    expect(report.chunksEmbedded).toBe(0);
    expect(report.compaction?.segmentsAfter).toBe(1);
    expect((await fs.readdir(config.paths.indexDir)).filter((e) => e.startsWith('seg-'))).toHaveLength(1);
    await withReader(store, async (r) => {
      expect((await r.snapshot().lexicalSearch('Biển Đông kiểm soát bất đồng', 3)).top[0]?.chunkId).toMatch(new RegExp(`^${EDITED}#`));
    });
  });

  it('refuses another model with IndexMismatchError naming both, and rebuilds when asked', async () => {
    const other = makeArchiveStore(config, { ...storeSettings(config, 384), model: 'another-model' });
    const err = await ingestCorpus(config, { embeddings, store: other }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect((err as Error).message).toContain('another-model');
    expect((err as Error).message).toContain('--rebuild');
  });
});

/** The vectors and lexical index the previous format kept of `chunks` (embedded for real). */
async function legacyParts(cfg: Config, chunks: ReturnType<typeof chunkArticle>) {
  const vectors = HnswVectorStore.create(embeddings, { dimensions: 384, ...cfg.hnsw }, chunks.length);
  const embedded = await embeddings.embedPassagesRaw(chunks.map(embeddingText));
  await vectors.addVectors(embedded, chunks.map((c) => new Document({ pageContent: c.text, metadata: { chunkId: c.chunkId } })));
  const lexical = LexicalIndex.create();
  lexical.add(chunks);
  return { vectors, embedded, lexical };
}

describe('an index of the previous format', () => {
  it('is converted by the next ingest from its stored chunks and vectors, nothing re-embedded', async () => {
    const dir = await makeTempDir('vnrag-legacy-');
    const cfg = testConfig({ CORPUS_DIR: path.join(REPO_ROOT, 'corpus'), INDEX_DIR: path.join(dir, 'index'), STORE_FILE_GRACE_SECONDS: '0' });
    // What the previous version wrote: one generation folder, chunks and vectors as whole files.
    const { articles } = await loadCorpus(cfg.paths.corpusDir);
    const chunks = articles.flatMap((a) => chunkArticle(a, cfg.chunking));
    const { vectors, embedded, lexical } = await legacyParts(cfg, chunks);
    await writeLegacyIndex(cfg, 384, { articles, chunks, vectors, lexical });
    const legacyStore = makeArchiveStore(cfg, storeSettings(cfg, 384));
    await expect(legacyStore.openReader()).rejects.toThrow(/older version.*npm run ingest/);

    const report = await ingestCorpus(cfg, { embeddings, store: legacyStore });
    expect(report.chunksEmbedded).toBe(0);
    expect(report.unchanged).toBe(articles.length);
    expect((await fs.readFile(path.join(cfg.paths.indexDir, 'CURRENT'), 'utf8')).trim()).toMatch(/^commit-/);
    expect((await fs.readdir(cfg.paths.indexDir)).filter((e) => e.startsWith('gen-'))).toEqual([]);
    await withReader(legacyStore, async (r) => {
      const snap = r.snapshot();
      expect(snap.commit).toMatchObject({ articles: articles.length, passages: chunks.length });
      const id = chunks[3]!.chunkId;
      const stored = (await snap.vectors([id])).get(id)!;
      const original = embedded[3]!;
      expect(stored.reduce((s, x, i) => s + x * original[i]!, 0)).toBeCloseTo(1, 5);
      // BM25 scores of the converted archive are those of the old lexical index.
      const q = 'ASEAN và UNDP lập quan hệ đối tác năm nào';
      const old = lexical.match(q, 10).top;
      const now = (await snap.lexicalSearch(q, 10)).top;
      expect(now).toEqual(old);
    });
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('built from VNTC before sections were read, takes their sections on the next ingest without re-embedding', async () => {
    const dir = await makeTempDir('vnrag-legacy-vntc-');
    const corpus = path.join(dir, 'corpus');
    await fs.mkdir(corpus);
    const lines = execSync(`xz -dc ${path.join(SHARED_DIR, 'corpora/vntc-sample-10k.jsonl.xz')} | head -12`, { maxBuffer: 64 << 20 });
    await fs.writeFile(path.join(corpus, 'vntc.jsonl'), lines);
    const cfg = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: path.join(dir, 'index'), STORE_FILE_GRACE_SECONDS: '0' });
    const { articles } = await loadCorpus(corpus);
    expect(articles.every((a) => a.section)).toBe(true);
    // The articles as the loader read them before it knew sections, stored under the single hash of that time.
    const before = articles.map(({ section: _section, ...a }) => a);
    const chunks = before.flatMap((a) => chunkArticle(a, cfg.chunking));
    await writeLegacyIndex(cfg, 384, { articles: before, chunks, ...(await legacyParts(cfg, chunks)) });
    const s = makeArchiveStore(cfg, storeSettings(cfg, 384));

    const report = await ingestCorpus(cfg, { embeddings, store: s });
    expect(report.chunksEmbedded).toBe(0);
    expect(report.metadataOnly.sort()).toEqual(articles.map((a) => a.id).sort());
    const section = articles[0]!.section!;
    const inSection = articles.filter((a) => a.section === section).map((a) => a.id);
    await withReader(s, async (r) => {
      const snap = r.snapshot();
      expect((await snap.article(articles[0]!.id))?.section).toBe(section);
      const query = await embeddings.embedQuery(articles[0]!.title);
      const hits = await snap.denseSearch(query, 500, { filter: { sections: [section] } });
      expect(hits.length).toBe(chunks.filter((c) => inSection.includes(c.documentId)).length);
      expect(hits.every((h) => inSection.includes(h.chunkId.slice(0, h.chunkId.lastIndexOf('#'))))).toBe(true);
    });
    // Filed under the new hash: the run after is a no-op.
    const again = await ingestCorpus(cfg, { embeddings, store: s });
    expect(again.unchanged).toBe(articles.length);
    expect(again.commits).toBe(0);
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
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
    await fs.copyFile(path.join(REPO_ROOT, 'corpus', `${EDITED}.md`), path.join(dir, 'corpus', `${EDITED}.md`));
    await fs.writeFile(path.join(dir, 'corpus', 'empty.md'), '');
    const { stdout } = await run(
      tsx,
      ['src/cli/ingest.ts', '--corpus', path.join(dir, 'corpus'), '--index', path.join(dir, 'idx'), '--quiet'],
      { cwd: REPO_ROOT, env: baseEnv },
    );
    expect(stdout).toContain('Indexed 1 articles (1 added');
    expect(stdout).toContain('empty.md');
    expect(await fs.readFile(path.join(dir, 'idx', 'CURRENT'), 'utf8')).toMatch(/^commit-/);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('with --add files a folder of new articles and removes none of the archive\'s others', async () => {
    const dir = await makeTempDir('vnrag-cli-add-');
    const folder = async (name: string, id: string) => {
      await fs.mkdir(path.join(dir, name), { recursive: true });
      await fs.copyFile(path.join(REPO_ROOT, 'corpus', `${id}.md`), path.join(dir, name, `${id}.md`));
      return path.join(dir, name);
    };
    // The index kept inside the folder of new articles is not read as more of them.
    const index = path.join(dir, 'news', 'idx');
    const ingest = (corpus: string, ...flags: string[]) => run(tsx, ['src/cli/ingest.ts', '--corpus', corpus, '--index', index, '--quiet', ...flags], { cwd: REPO_ROOT, env: baseEnv });
    await ingest(await folder('archive', EDITED));
    const news = await folder('news', DELETED);
    const { stdout } = await ingest(news, '--add');
    expect(stdout).toContain('Indexed 1 articles (1 added, 0 changed, 0 removed');
    expect(stdout).not.toContain('full build');
    const cliConfig = testConfig({ INDEX_DIR: index });
    const ids = await withReader(makeArchiveStore(cliConfig, storeSettings(cliConfig, embeddings.dimensions)), async (r) => [
      (await r.snapshot().article(EDITED))?.id,
      (await r.snapshot().article(DELETED))?.id,
    ]);
    expect(ids).toEqual([EDITED, DELETED]);
    // Without --add the same folder is the whole corpus: the other article goes.
    expect((await ingest(news)).stdout).toContain('1 removed');
    const refused = await ingest(news, '--add', '--rebuild').then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('--add');
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('killed with -9 after its first commit, a re-run embeds only what was not committed', async () => {
    const dir = await makeTempDir('vnrag-kill-');
    const corpus = path.join(dir, 'corpus');
    const indexDir = path.join(dir, 'idx');
    await fs.mkdir(corpus);
    // 24 real VNTC articles, committed 4 at a time.
    const lines = execSync(`xz -dc ${path.join(SHARED_DIR, 'corpora/vntc-sample-10k.jsonl.xz')} | head -24`, { maxBuffer: 64 << 20 });
    await fs.writeFile(path.join(corpus, 'vntc.jsonl'), lines);
    const env = { ...baseEnv, INGEST_COMMIT_ARTICLES: '4' };
    // Its own process group: tsx runs the CLI in a child node process, and kill -9 must reach both.
    const child = spawn(tsx, ['src/cli/ingest.ts', '--corpus', corpus, '--index', indexDir, '--quiet'], {
      cwd: REPO_ROOT,
      env,
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const pointer = await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8').catch(() => '');
      if (pointer.startsWith('commit-')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-child.pid!, 'SIGKILL');
    expect(await exited).toBeNull();
    await new Promise((r) => setTimeout(r, 200));

    const cfg = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: indexDir, STORE_FILE_GRACE_SECONDS: '0' });
    const s = makeArchiveStore(cfg, storeSettings(cfg, 384));
    const committed = await withReader(s, async (r) => r.snapshot().commit);
    const all = (await loadCorpus(corpus)).articles;
    expect(committed.articles).toBeGreaterThanOrEqual(4);
    expect(committed.articles).toBeLessThan(all.length);
    // The stale lock of the killed process is taken over.
    const rerun = await ingestCorpus(cfg, { embeddings, store: s });
    expect(rerun.unchanged).toBe(committed.articles);
    expect(rerun.added).toHaveLength(all.length - committed.articles);
    expect(rerun.chunksEmbedded).toBe(rerun.chunksTotal - committed.passages);
    expect(rerun.commit.articles).toBe(all.length);
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
