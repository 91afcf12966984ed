import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Citation } from '../src/answer/types.js';
import type { ChatRecord } from '../src/chat/chatService.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { readEvents } from './helpers/sse.js';
import { testConfig } from './helpers/config.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

/**
 * Search filters from the API to the searcher (issue #10 §5): the body's `filter`, the GET
 * stream's parameters, 400s that name the bad field, the filter kept by a conversation's
 * follow-ups and reported in the record and the `sources` event. The narrowing itself happens
 * inside the store's search.
 */

const OSCE_ARTICLE = 'un-osce-astana-2010';
const UNDP_ARTICLE = 'quan-he-doi-thoai-asean-lien-hop-quoc';

let index: TestIndex;
let server: RunningServer;

beforeAll(async () => {
  index = await buildTestIndex();
  const config = testConfig({ INDEX_DIR: index.config.paths.indexDir, DATA_DIR: index.config.paths.dataDir, PORT: '0' });
  server = await startServer(config, { archive: index.archive, widget: false });
});

afterAll(async () => {
  await server?.close();
  await index?.dispose();
});

async function post(route: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function expectInvalid(res: Response, field: RegExp): Promise<string> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.message).toMatch(field);
  return body.error.message;
}

describe('a bad filter', () => {
  it('is a 400 invalid_request whose Vietnamese message names the field', async () => {
    await expectInvalid(await post('/api/chat', { message: 'OSCE là gì?', filter: { outlet: 'VOV' } }), /"outlet".*outlets/);
    await expectInvalid(await post('/api/chat', { message: 'OSCE là gì?', filter: { outlets: 'VOV' } }), /filter\.outlets.*danh sách/);
    await expectInvalid(await post('/api/search', { query: 'OSCE', filter: { from: '2019-02-30' } }), /filter\.from.*YYYY-MM-DD/);
    await expectInvalid(await post('/api/search', { query: 'OSCE', filter: { from: '2020-01-01', to: '2019-01-01' } }), /trước hoặc bằng/);
    await expectInvalid(await post('/api/chat/stream', { message: 'OSCE là gì?', filter: 'VOV' }), /"filter".*đối tượng/);
    const q = new URLSearchParams({ message: 'OSCE là gì?', from: '2019-13-01' });
    await expectInvalid(await fetch(`${server.url}/api/chat/stream?${q}`), /filter\.from/);
    const both = new URLSearchParams({ message: 'OSCE là gì?', from: '2019-01-01', filter: '{}' });
    await expectInvalid(await fetch(`${server.url}/api/chat/stream?${both}`), /không dùng cả hai/);
  });
});

describe('a filter', () => {
  it('narrows POST /api/search to the articles it keeps', async () => {
    const res = await post('/api/search', { query: 'ASEAN và UNDP lập quan hệ đối tác năm nào?', filter: { documentIds: [OSCE_ARTICLE] } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ documentId: string }> };
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.every((r) => r.documentId === OSCE_ARTICLE)).toBe(true);
  });

  it('is reported in the chat record and kept for the conversation\'s follow-ups until replaced', async () => {
    const filter = { outlets: ['ttxvn/vietnam+'] };
    const first = (await (await post('/api/chat', { message: 'Ông Ban Ki-moon kêu gọi OSCE điều gì?', filter })).json()) as ChatRecord;
    expect(first.filter).toEqual(filter);
    expect(first.citations.every((c) => c.outlet === 'TTXVN/Vietnam+')).toBe(true);
    const second = (await (await post('/api/chat', { message: 'Còn ASEAN thì sao?', conversationId: first.conversationId })).json()) as ChatRecord;
    expect(second.filter).toEqual(filter);
    expect(second.citations.every((c) => c.outlet === 'TTXVN/Vietnam+')).toBe(true);
    const cleared = (await (await post('/api/chat', { message: 'Còn UNDP thì sao?', conversationId: first.conversationId, filter: {} })).json()) as ChatRecord;
    expect(cleared.filter).toBeNull();
  });

  it('comes back in the stream\'s sources event, over POST and over GET (JSON or flat parameters)', async () => {
    const filter = { documentIds: [UNDP_ARTICLE] };
    const posted = await readEvents(await post('/api/chat/stream', { message: 'ASEAN và UNDP lập quan hệ đối tác năm nào?', filter }));
    const sources = JSON.parse(posted[0]!.data) as { filter: unknown; sources: Citation[] };
    expect(posted[0]!.event).toBe('sources');
    expect(sources.filter).toEqual(filter);
    expect(sources.sources.every((c) => c.documentId === UNDP_ARTICLE)).toBe(true);
    const done = JSON.parse(posted[posted.length - 1]!.data) as ChatRecord;
    expect(done.filter).toEqual(filter);

    const json = new URLSearchParams({ message: 'ASEAN và UNDP lập quan hệ đối tác năm nào?', filter: JSON.stringify(filter) });
    const viaJson = await readEvents(await fetch(`${server.url}/api/chat/stream?${json}`));
    expect((JSON.parse(viaJson[0]!.data) as { filter: unknown }).filter).toEqual(filter);

    const flat = new URLSearchParams([
      ['message', 'ASEAN và UNDP lập quan hệ đối tác năm nào?'],
      ['outlet', 'VOV'],
      ['outlet', 'TPO'],
      ['from', '2020-01-01'],
    ]);
    const viaFlat = await readEvents(await fetch(`${server.url}/api/chat/stream?${flat}`));
    expect((JSON.parse(viaFlat[0]!.data) as { filter: unknown }).filter).toEqual({ outlets: ['VOV', 'TPO'], from: '2020-01-01' });
  });
});
