import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbeddings } from '../src/ingest/embeddings.js';
import { ingestCorpus } from '../src/ingest/ingest.js';
import { openArchive, type Archive } from '../src/app/product.js';
import { HybridRetriever } from '../src/retrieval/retriever.js';
import type { SearchOptions } from '../src/retrieval/types.js';
import { makeTempDir, REPO_ROOT, testConfig, TEST_MODEL } from './helpers/config.js';

const run = promisify(execFile);

const OSCE = 'un-osce-astana-2010';
const UNDP = 'quan-he-doi-thoai-asean-lien-hop-quoc';
const RESOLUTION = 'dai-hoi-dong-lien-hop-quoc-thong-qua-nghi-quyet-hop-tac';

let dir: string;
let embeddings: TransformersEmbeddings;
let archive: Archive;
const search = (query: string, options?: SearchOptions) => archive.searcher.search(query, options);

beforeAll(async () => {
  dir = await makeTempDir('vnrag-retrieval-');
  const config = testConfig({ INDEX_DIR: path.join(dir, 'index') });
  embeddings = await TransformersEmbeddings.create(config.embedding);
  await ingestCorpus(config, { embeddings });
  archive = await openArchive(config, { embeddings, follow: false });
});

afterAll(async () => {
  await archive?.close();
  await embeddings?.dispose();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('hybrid search over the seed corpus', () => {
  it.each([
    ['ASEAN và UNDP lập quan hệ đối tác năm nào?', UNDP, '1977'],
    ['asean va undp lap quan he doi tac nam nao', UNDP, '1977'],
    ['Nghị quyết về hợp tác ASEAN-LHQ được bao nhiêu nước đồng bảo trợ?', RESOLUTION, '110'],
    ['OSCE có bao nhiêu quốc gia thành viên?', OSCE, '56 quốc gia'],
  ])('%s → the right article first, relevant', async (question, documentId, answer) => {
    const { results, relevant } = await search(question);
    expect(results[0]?.documentId).toBe(documentId);
    expect(results.slice(0, 3).some((r) => r.text.includes(answer))).toBe(true);
    expect(relevant).toBe(true);
  });

  it('searches only the articles a filter keeps, and still returns k of them', async () => {
    // The UNDP question's own article is left out by the filter: the answer comes from VOV only.
    const vov = await search('ASEAN và UNDP lập quan hệ đối tác năm nào?', { k: 3, filter: { outlets: ['vov'] } });
    expect(vov.results).toHaveLength(3);
    for (const r of vov.results) expect(r.outlet).toBe('VOV');
    const dated = await search('hợp tác ASEAN và Liên Hợp Quốc', { filter: { from: '2020-11-01', to: '2020-12-31' } });
    expect(new Set(dated.results.map((r) => r.documentId))).toEqual(new Set([RESOLUTION]));
    const one = await search('Liên Hợp Quốc', { filter: { documentIds: [OSCE] } });
    expect(new Set(one.results.map((r) => r.documentId))).toEqual(new Set([OSCE]));
    expect(await search('OSCE', { filter: { outlets: ['Không có báo này'] } })).toEqual({ results: [], relevant: false });
  });

  it('says not relevant for questions the corpus cannot answer', async () => {
    for (const q of ['Cách nấu phở bò Hà Nội như thế nào?', 'Giá cổ phiếu Vinamilk hôm nay là bao nhiêu?']) {
      const response = await search(q);
      expect(response.relevant).toBe(false);
    }
  });

  it('returns k results in the documented shape, scores in [0,1] and non-increasing, no overlapping chunks', async () => {
    const { results } = await search('hợp tác ASEAN và Liên Hợp Quốc', { k: 8 });
    expect(results).toHaveLength(8);
    for (const r of results) {
      expect(Object.keys(r).sort()).toEqual(
        ['chunkId', 'documentId', 'end', 'evidence', 'outlet', 'publishedAt', 'score', 'start', 'text', 'title'].sort(),
      );
      expect(r.text).toBe((await archive.article(r.documentId))?.text.slice(r.start, r.end));
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    results.slice(1).forEach((r, i) => expect(r.score).toBeLessThanOrEqual(results[i]!.score));
    for (const a of results) {
      for (const b of results) {
        if (a !== b && a.documentId === b.documentId) expect(a.start >= b.end || b.start >= a.end).toBe(true);
      }
    }
  });

  it('returns nothing for an empty query', async () => {
    expect(await search('   ')).toEqual({ results: [], relevant: false });
  });

  it('works as a LangChain retriever with the result as metadata', async () => {
    const retriever = new HybridRetriever({ searcher: archive.searcher, k: 2 });
    const docs = await retriever.invoke('OSCE có bao nhiêu quốc gia thành viên?');
    expect(docs).toHaveLength(2);
    expect(docs[0]?.metadata.documentId).toBe(OSCE);
    expect(docs[0]?.metadata).not.toHaveProperty('text');
    expect(docs[0]?.pageContent).toContain('56');
  });
});

describe('npm run search', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['src/cli/search.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, EMBEDDING_MODEL: TEST_MODEL, EMBEDDING_ALLOW_REMOTE: 'false', ...env },
    });

  it('prints the documented JSON', async () => {
    const { stdout } = await cli(['OSCE có bao nhiêu quốc gia thành viên?', '--k', '2', '--json'], {
      INDEX_DIR: path.join(dir, 'index'),
    });
    const parsed = JSON.parse(stdout) as { results: Array<Record<string, unknown>>; relevant: boolean };
    expect(parsed.results).toHaveLength(2);
    expect(Object.keys(parsed.results[0]!)).toEqual([
      'text', 'score', 'documentId', 'title', 'outlet', 'publishedAt', 'chunkId', 'start', 'end',
    ]);
    expect(parsed.results[0]?.documentId).toBe(OSCE);
  });

  it('tells to run ingest when there is no index, in one line', async () => {
    const err = await cli(['OSCE'], { INDEX_DIR: path.join(dir, 'no-index-here') }).catch((e: { stderr: string; code: number }) => e);
    expect('code' in err && err.code).toBe(1);
    expect((err as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
    expect((err as { stderr: string }).stderr).toMatch(/npm run ingest/);
  });

  it('prints usage for an empty query', async () => {
    const err = await cli(['  '], { INDEX_DIR: path.join(dir, 'index') }).catch((e: { stderr: string; code: number }) => e);
    expect('code' in err && err.code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/Usage: npm run search/);
  });
});
