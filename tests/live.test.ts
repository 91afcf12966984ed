import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../src/app/product.js';
import { writeVntcSlice } from '../src/bench/vntc.js';
import type { ChatRecord } from '../src/chat/chatService.js';
import type { Config } from '../src/config/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { TransformersEmbeddings } from '../src/ingest/embeddings.js';
import type { SearchResponse } from '../src/retrieval/types.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { copyRealCorpus, waitUntil } from './helpers/corpus.js';
import { SHARED_DIR, makeTempDir, testConfig } from './helpers/config.js';
import { ingestInto } from './helpers/testIndex.js';

/**
 * The archive is live: a running server follows the commits an ingest writes into its index
 * folder, with no restart and no failed request, and each request reads one commit.
 */

const CHANGED = 'un-osce-astana-2010';
const REMOVED = 'quan-he-doi-thoai-asean-lien-hop-quoc';
/** Appended to the changed article: no passage of the corpus says it before the change. */
const CHANGED_SENTENCE =
  'Ban thư ký OSCE cho biết bản tổng kết hội nghị thượng đỉnh Astana được công bố bằng sáu ngôn ngữ chính thức.';
/** Within this long after an ingest's commit, a running server answers from it. */
const FOLLOW_MS = 5000;

let root: string;
let corpusDir: string;
let config: Config;
let embeddings: TransformersEmbeddings;
let server: RunningServer;

beforeAll(async () => {
  root = await makeTempDir('vnrag-live-');
  corpusDir = path.join(root, 'corpus');
  await copyRealCorpus(corpusDir);
  config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: path.join(root, 'index'), DATA_DIR: path.join(root, 'data'), PORT: '0' });
  embeddings = await TransformersEmbeddings.create(config.embedding);
  await ingestInto(config, { embeddings });
  // The server opens the archive itself, from the configuration, as `npm start` does.
  server = await startServer(config, { widget: true });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  await embeddings?.dispose();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

async function post<T>(route: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const search = async (query: string, k = 5) => (await post<SearchResponse>('/api/search', { query, k })).body;

interface Ready {
  ready: boolean;
  articles: number;
  chunks: number;
  commit: { id: string; sequence: number; committedAt: string };
}

async function ready(): Promise<Ready> {
  return (await (await fetch(`${server.url}/ready`)).json()) as Ready;
}

/** Questions asked over and over while the archive changes underneath; every answer must be a 200. */
function keepAsking() {
  const questions = [
    'ASEAN và UNDP lập quan hệ đối tác năm nào?',
    'OSCE có bao nhiêu quốc gia thành viên?',
    'Nghị quyết về hợp tác ASEAN-LHQ được bao nhiêu nước đồng bảo trợ?',
  ];
  const failures: string[] = [];
  let answered = 0;
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const q = questions[i % questions.length]!;
      try {
        const res =
          i % 2 === 0
            ? await post<SearchResponse>('/api/search', { query: q })
            : await post<ChatRecord>('/api/chat', { message: q });
        if (res.status !== 200) failures.push(`${res.status} for "${q}": ${JSON.stringify(res.body)}`);
        else answered++;
      } catch (err) {
        failures.push(`"${q}": ${(err as Error).message}`);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { failures, answered };
    },
  };
}

describe('a running server follows the commits of its archive', () => {
  it('picks up an added, a changed and a removed article within 5 s, answering every request meanwhile', async () => {
    const traffic = keepAsking();
    const first = await ready();
    expect(first.articles).toBe(7);

    // An article arrives (a real VNTC news article) and another one is corrected.
    const addedFile = await writeVntcSlice(path.join(SHARED_DIR, 'corpora/vntc-sample-10k.jsonl.xz'), 1, corpusDir);
    const added = (await loadCorpus(corpusDir)).articles.find((a) => a.sourceFile.endsWith(path.basename(addedFile)))!;
    expect(added).toBeDefined();
    const headline = added.title;
    expect((await search(headline)).results.some((r) => r.documentId === added.id)).toBe(false);
    await fs.appendFile(path.join(corpusDir, `${CHANGED}.md`), `\n${CHANGED_SENTENCE}\n`);
    expect((await search(CHANGED_SENTENCE)).results.some((r) => r.text.includes(CHANGED_SENTENCE))).toBe(false);

    await ingestInto(config, { embeddings });
    const seenAdded = await waitUntil(
      async () => {
        const [a, c] = await Promise.all([search(headline), search(CHANGED_SENTENCE)]);
        return a.results[0]?.documentId === added.id && c.results.some((r) => r.documentId === CHANGED && r.text.includes(CHANGED_SENTENCE));
      },
      FOLLOW_MS * 2,
      'the added and the changed article are searched',
    );
    expect(seenAdded).toBeLessThanOrEqual(FOLLOW_MS / 1000);
    const second = await ready();
    expect(second.articles).toBe(8);
    expect(second.commit.sequence).toBeGreaterThan(first.commit.sequence);
    expect(second.commit.id).not.toBe(first.commit.id);
    expect(second.chunks).toBeGreaterThan(first.chunks);
    const changedDoc = (await (await fetch(`${server.url}/api/documents/${CHANGED}`)).json()) as { text: string };
    expect(changedDoc.text).toContain(CHANGED_SENTENCE);

    // An article is taken down.
    expect((await fetch(`${server.url}/api/documents/${REMOVED}`)).status).toBe(200);
    expect((await fetch(`${server.url}/articles/${REMOVED}`)).status).toBe(200);
    await fs.rm(path.join(corpusDir, `${REMOVED}.md`));
    await ingestInto(config, { embeddings });
    const seenRemoved = await waitUntil(
      async () => (await fetch(`${server.url}/api/documents/${REMOVED}`)).status === 404,
      FOLLOW_MS * 2,
      'the removed article is gone',
    );
    expect(seenRemoved).toBeLessThanOrEqual(FOLLOW_MS / 1000);
    const gone = await fetch(`${server.url}/api/documents/${REMOVED}`);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${server.url}/articles/${REMOVED}`)).status).toBe(404);
    // Its own question no longer finds it, and no answer cites it.
    const asked = await search('ASEAN và UNDP chính thức lập quan hệ đối tác năm nào?', 10);
    expect(asked.results.map((r) => r.documentId)).not.toContain(REMOVED);
    const answer = (await post<ChatRecord>('/api/chat', { message: 'ASEAN và UNDP chính thức lập quan hệ đối tác năm nào?' })).body;
    expect(answer.citations.map((c) => c.documentId)).not.toContain(REMOVED);
    const third = await ready();
    expect(third.articles).toBe(7);
    expect(third.commit.sequence).toBeGreaterThan(second.commit.sequence);

    const { failures, answered } = await traffic.stop();
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(10);
  });

  it('keeps a request on the commit it started with while a newer one is loaded', async () => {
    const archive = await openArchive(config, { embeddings, follow: false });
    try {
      const before = archive.status().commit;
      const target = CHANGED;
      await archive.readOneCommit(async () => {
        await fs.rm(path.join(corpusDir, `${target}.md`));
        await ingestInto(config, { embeddings });
        expect(await archive.refresh()).toBe(true);
        // Everything read inside this request still comes from the commit it started on.
        expect(archive.status().commit.id).toBe(before.id);
        expect((await archive.article(target))?.text).toContain(CHANGED_SENTENCE);
        const { results } = await archive.searcher.search(CHANGED_SENTENCE);
        expect(results.some((r) => r.documentId === target)).toBe(true);
      });
      // The next request reads the new commit.
      expect(archive.status().commit.sequence).toBeGreaterThan(before.sequence);
      expect(await archive.article(target)).toBeUndefined();
      const { results } = await archive.searcher.search(CHANGED_SENTENCE);
      expect(results.some((r) => r.documentId === target)).toBe(false);
    } finally {
      await archive.close();
    }
  });
});
