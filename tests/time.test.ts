import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Citation } from '../src/answer/types.js';
import type { ChatRecord } from '../src/chat/chatService.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { readEvents } from './helpers/sse.js';
import { makeTempDir, REPO_ROOT, testConfig } from './helpers/config.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

/**
 * Research over time through /api/chat (issue #11), with the real model over the seed corpus and
 * the dated articles of eval/dated-corpus (one invented story, 2016–2020), relative expressions
 * counted from a fixed TIME_REFERENCE.
 */

const REFERENCE = '2020-12-15';
let corpusDir: string;
let index: TestIndex;
let server: RunningServer;

beforeAll(async () => {
  corpusDir = await makeTempDir('vnrag-dated-corpus-');
  for (const dir of ['corpus', 'eval/dated-corpus']) {
    for (const file of await fs.readdir(path.join(REPO_ROOT, dir))) {
      if (file.endsWith('.md') && file !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, dir, file), path.join(corpusDir, file));
    }
  }
  index = await buildTestIndex({ CORPUS_DIR: corpusDir });
  const config = testConfig({
    CORPUS_DIR: corpusDir,
    INDEX_DIR: index.config.paths.indexDir,
    DATA_DIR: index.config.paths.dataDir,
    PORT: '0',
    TIME_REFERENCE: REFERENCE,
  });
  server = await startServer(config, { archive: index.archive, widget: false });
});

afterAll(async () => {
  await server?.close();
  await index?.dispose();
  if (corpusDir) await fs.rm(corpusDir, { recursive: true, force: true });
});

async function chat(body: Record<string, unknown>): Promise<ChatRecord> {
  const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatRecord;
}

const docs = (cs: readonly Citation[]) => [...new Set(cs.map((c) => c.documentId))];

describe('a period in the question', () => {
  it('narrows the search to it and the answer says so', async () => {
    const r = await chat({ message: 'Năm 2019 cầu Phú Lâm có sự kiện gì?' });
    expect(r.period).toMatchObject({ from: '2019-01-01', to: '2019-12-31', text: 'Năm 2019', applied: true, found: true });
    expect(r.filter).toBeNull();
    expect(r.answer.startsWith('Trong các bài từ 01/01/2019 đến 31/12/2019: ')).toBe(true);
    expect(r.answer).toContain('thông xe');
    expect(docs(r.citations)).toEqual(['cau-phu-lam-thong-xe']);
  });

  it('is read without diacritics too', async () => {
    const r = await chat({ message: 'nam 2019 cau phu lam co su kien gi' });
    expect(r.period).toMatchObject({ from: '2019-01-01', to: '2019-12-31' });
    expect(docs(r.citations)).toEqual(['cau-phu-lam-thong-xe']);
  });

  it('counts relative periods from TIME_REFERENCE', async () => {
    const lastWeek = await chat({ message: 'Tuần trước cầu Phú Lâm có tin gì?' });
    expect(lastWeek.period).toMatchObject({ from: '2020-12-07', to: '2020-12-13', applied: true });
    expect(docs(lastWeek.citations)).toEqual(['cau-phu-lam-thu-phi']);
    const lastYear = await chat({ message: 'Năm ngoái cầu Phú Lâm thế nào?' });
    expect(lastYear.period).toMatchObject({ from: '2019-01-01', to: '2019-12-31' });
    expect(docs(lastYear.citations)).toEqual(['cau-phu-lam-thong-xe']);
  });

  it('gives way to the dates of a filter in the request', async () => {
    const r = await chat({ message: 'Năm 2019 cầu Phú Lâm có sự kiện gì?', filter: { from: '2016-01-01', to: '2016-12-31' } });
    expect(r.period).toMatchObject({ text: 'Năm 2019', applied: false });
    expect(r.filter).toEqual({ from: '2016-01-01', to: '2016-12-31' });
    expect(r.answer.startsWith('Trong các bài')).toBe(false);
  });

  it('that holds nothing is said: "not found" for that period, with how to search the whole archive', async () => {
    const r = await chat({ message: 'Năm 2012 cầu Phú Lâm được xây ở đâu?' });
    expect(r.period).toMatchObject({ from: '2012-01-01', applied: true, found: false });
    expect(r.grounded).toBe(false);
    expect(r.citations).toEqual([]);
    expect(r.answer.startsWith('Trong các bài từ 01/01/2012 đến 31/12/2012: ')).toBe(true);
    expect(r.notice).toMatch(/Bỏ mốc thời gian/);
  });

  it('comes back in the stream\'s sources event', async () => {
    const q = new URLSearchParams({ message: 'Tháng 6/2020 cầu Phú Lâm có tin gì?' });
    const res = await fetch(`${server.url}/api/chat/stream?${q}`);
    const events = await readEvents(res);
    const sources = JSON.parse(events[0]!.data) as { period: { from: string; to: string }; sources: Citation[] };
    expect(sources.period).toMatchObject({ from: '2020-06-01', to: '2020-06-30' });
    expect(sources.sources.every((s) => s.documentId === 'cau-phu-lam-mo-rong')).toBe(true);
    const done = JSON.parse(events[events.length - 1]!.data) as ChatRecord;
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (JSON.parse(e.data) as { text: string }).text);
    expect(deltas.join('')).toBe(done.answer);
  });
});

describe('"mới nhất"', () => {
  it('prefers the newest article', async () => {
    const r = await chat({ message: 'Tin mới nhất về cầu Phú Lâm?' });
    expect(r.recency).toBe(true);
    expect(r.period).toBeNull();
    expect(r.citations[0]?.documentId).toBe('cau-phu-lam-thu-phi');
  });
});

describe('timelines', () => {
  it('list every dated event of the story, oldest first, each cited', async () => {
    const r = await chat({ message: 'Diễn biến dự án cầu Phú Lâm qua các năm?' });
    const days = r.timeline!.map((e) => e.from);
    expect(days).toEqual([...days].sort());
    for (const day of ['2016-05-12', '2018-08-20', '2019-09-02', '2020-06-01', '2020-12-10']) expect(days).toContain(day);
    expect(docs(r.citations).every((d) => d.startsWith('cau-phu-lam-'))).toBe(true);
    expect(r.answer.split('\n').every((line) => /\[\d+\]\.?$/.test(line))).toBe(true);
  });

  it('draw on every article of the seed corpus that dates the relation', async () => {
    const r = await chat({ message: 'Các mốc quan hệ ASEAN - Liên Hợp Quốc?' });
    const days = r.timeline!.map((e) => e.from);
    expect(days).toEqual([...days].sort());
    for (const day of ['1977-01-01', '2006-12-04', '2007-09-27', '2020-11-23']) expect(days).toContain(day);
  });
});

describe('GET /api/facets', () => {
  it('gives the outlets and the date span of the archive', async () => {
    const facets = (await (await fetch(`${server.url}/api/facets`)).json()) as { outlets: Array<{ name: string }>; firstPublished: string; lastPublished: string };
    expect(facets.firstPublished).toBe('2016-05-12');
    expect(facets.lastPublished).toBe('2020-12-10');
    expect(facets.outlets.map((o) => o.name)).toEqual(expect.arrayContaining(['VOV', 'TPO', 'TTXVN/Vietnam+']));
  });
});
