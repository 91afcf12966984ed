import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRecord } from '../src/chat/chatService.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { LLM_FALLBACK_NOTICE, TIMELINE_FALLBACK_NOTICE, type Citation } from '../src/answer/types.js';
import { makeTempDir, REPO_ROOT, testConfig } from './helpers/config.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from './helpers/fakeOpenAI.js';
import { dataOf, readEvents } from './helpers/sse.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

/**
 * Research over time through /api/chat (issue #11), with the real model over the seed corpus and
 * the dated articles of eval/dated-corpus (invented stories, 2015–2020), relative expressions
 * counted from a fixed TIME_REFERENCE.
 */

const REFERENCE = '2020-12-15';
let corpusDir: string;
let index: TestIndex;
let server: RunningServer;
let fake: FakeOpenAI;
let llmServer: RunningServer;

beforeAll(async () => {
  corpusDir = await makeTempDir('vnrag-dated-corpus-');
  for (const dir of ['corpus', 'eval/dated-corpus']) {
    for (const file of await fs.readdir(path.join(REPO_ROOT, dir))) {
      if (file.endsWith('.md') && file !== 'README.md') await fs.copyFile(path.join(REPO_ROOT, dir, file), path.join(corpusDir, file));
    }
  }
  index = await buildTestIndex({ CORPUS_DIR: corpusDir });
  const env = {
    CORPUS_DIR: corpusDir,
    INDEX_DIR: index.config.paths.indexDir,
    DATA_DIR: index.config.paths.dataDir,
    PORT: '0',
    TIME_REFERENCE: REFERENCE,
  };
  const config = testConfig(env);
  server = await startServer(config, { archive: index.archive, widget: false });
  fake = await startFakeOpenAI();
  llmServer = await startServer(
    testConfig({ ...env, LLM_PROVIDER: 'openai', LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model' }),
    { archive: index.archive, widget: false },
  );
});

afterAll(async () => {
  await llmServer?.close();
  await fake?.close();
  await server?.close();
  await index?.dispose();
  if (corpusDir) await fs.rm(corpusDir, { recursive: true, force: true });
});

async function chat(body: Record<string, unknown>, on: RunningServer = server): Promise<ChatRecord> {
  const res = await fetch(`${on.url}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
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

  it('read from a day without its year is dropped when the archive holds nothing then: the words name the event', async () => {
    // TIME_REFERENCE 2020-12-15 places "ngày 20/8" in 2020; the bridge was joined on 20/8/2018.
    const r = await chat({ message: 'Ngày 20/8 cầu Phú Lâm có sự kiện gì?' });
    expect(r.period).toMatchObject({ from: '2020-08-20', to: '2020-08-20', applied: false });
    expect(r.answer.startsWith('Trong các bài')).toBe(false);
    expect(r.grounded).toBe(true);
    expect(docs(r.citations)).toContain('cau-phu-lam-hop-long');
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
    const sources = dataOf<{ period: { from: string; to: string }; sources: Citation[] }>(events[0]!);
    expect(sources.period).toMatchObject({ from: '2020-06-01', to: '2020-06-30' });
    expect(sources.sources.every((s) => s.documentId === 'cau-phu-lam-mo-rong')).toBe(true);
    const done = dataOf<ChatRecord>(events[events.length - 1]!);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => dataOf<{ text: string }>(e).text);
    expect(deltas.join('')).toBe(done.answer);
  });
});

describe('a question about the present ("hôm nay", "hiện nay"), counted from TIME_REFERENCE', () => {
  it('is answered from a source of the reference week', async () => {
    const r = await chat({ message: 'Hôm nay phí qua cầu Phú Lâm cho ô tô dưới 12 chỗ là bao nhiêu?' });
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('25.000');
    expect(docs(r.citations)).toContain('cau-phu-lam-thu-phi');
  });

  it('is "not found" when the newest source is weeks older than the reference day, and the notice says its date', async () => {
    const r = await chat({ message: 'Hôm nay hồ Bản Chiềng cấp nước tưới cho bao nhiêu ha lúa?' });
    expect(r.grounded).toBe(false);
    expect(r.citations).toEqual([]);
    expect(r.notice).toContain('30/11/2020');
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

/** The events a timeline prompt gives: `label [n]: <su_kien>text</su_kien>`, one per line. */
function promptEvents(req: FakeRequest): Array<{ label: string; n: number; text: string }> {
  return [...req.prompt.matchAll(/^(\S+) \[(\d+)\]: <su_kien>(.*)<\/su_kien>$/gmu)].map((m) => ({ label: m[1]!, n: Number(m[2]), text: m[3]! }));
}

const isTimelineRequest = (req: FakeRequest) => req.prompt.includes('Các sự kiện (từ cũ đến mới)');

/** A model that follows the prompt: each event shortened to its first words, date and citation kept. */
function faithfulTimeline(req: FakeRequest): string {
  return promptEvents(req)
    .map((e) => `- ${e.label}: ${e.text.split(' ').slice(0, 12).join(' ').replace(/[.,;:]$/u, '')} [${e.n}].`)
    .join('\n');
}

describe('timelines with a language model', () => {
  const question = 'Diễn biến dự án cầu Phú Lâm qua các năm?';

  it('give the model the extractive timeline\'s dated sentences and use a reply that keeps every date and citation', async () => {
    fake.requests.length = 0;
    fake.setHandler((req) => ({ reply: isTimelineRequest(req) ? faithfulTimeline(req) : 'không dùng' }));
    const extractive = await chat({ message: question });
    const r = await chat({ message: question }, llmServer);
    const [req] = fake.requests;
    expect(req && isTimelineRequest(req)).toBe(true);
    // The same events as without a model, oldest first, each with its date and number.
    expect(promptEvents(req!).map((e) => e.label)).toEqual(extractive.timeline!.map((e) => e.label));
    expect(promptEvents(req!).map((e) => e.text)).toEqual(extractive.timeline!.map((e) => e.text.replace(/\s+/g, ' ')));
    expect(r.mode).toBe('llm');
    expect(r.notice).toBeUndefined();
    expect(r.answer).toBe(faithfulTimeline(req!).replaceAll('- ', ''));
    expect(r.timeline!.map((e) => e.from)).toEqual(extractive.timeline!.map((e) => e.from));
    expect(docs(r.citations).sort()).toEqual(docs(extractive.citations).sort());
  });

  it('fall back to the extractive timeline when the model drops a date (stream and record agree)', async () => {
    fake.setHandler((req) => {
      const lines = faithfulTimeline(req).split('\n');
      // The second event, still cited, told without any date.
      lines[1] = `- Dự án tiếp tục được triển khai ${/\[\d+\]\.$/u.exec(lines[1]!)![0]}`;
      return { reply: lines.join('\n') };
    });
    const extractive = await chat({ message: question });
    const events = await readEvents(await fetch(`${llmServer.url}/api/chat/stream?${new URLSearchParams({ message: question })}`));
    const done = dataOf<ChatRecord>(events[events.length - 1]!);
    expect(done.mode).toBe('fallback');
    expect(done.notice).toBe(TIMELINE_FALLBACK_NOTICE);
    expect(done.answer).toBe(extractive.answer);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => dataOf<{ text: string }>(e).text);
    expect(deltas.join('')).toBe(done.answer);
  });

  it('fall back when the model cannot be reached', async () => {
    fake.setHandler(() => ({ status: 500, message: 'overloaded' }));
    const extractive = await chat({ message: question });
    const r = await chat({ message: question }, llmServer);
    expect(r.mode).toBe('fallback');
    expect(r.notice).toBe(LLM_FALLBACK_NOTICE);
    expect(r.answer).toBe(extractive.answer);
    expect(r.timeline).toEqual(extractive.timeline);
  });

  it('fall back when the model cites a source it was not given', async () => {
    let given = 0;
    fake.setHandler((req) => {
      given = new Set(promptEvents(req).map((e) => e.n)).size;
      return { reply: faithfulTimeline(req).replace(/\[\d+\]\.$/u, '[9].') };
    });
    const r = await chat({ message: question }, llmServer);
    expect(given).toBeLessThan(9);
    expect(r.mode).toBe('fallback');
    expect(r.notice).toBe(TIMELINE_FALLBACK_NOTICE);
    expect(r.answer).not.toContain('[9]');
    expect(r.answer.split('\n').every((line) => /^[\d/]+: .*\[\d+\]\.?$/u.test(line))).toBe(true);
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
