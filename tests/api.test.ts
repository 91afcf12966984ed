import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOT_FOUND_ANSWER, type Citation } from '../src/answer/types.js';
import type { ChatRecord } from '../src/chat/chatService.js';
import { openArchive, type Archive } from '../src/app/product.js';
import { makeApp } from '../src/server/app.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import type { SseEvent } from '../src/widget/sse.js';
import { readEvents } from './helpers/sse.js';
import { makeTempDir, testConfig } from './helpers/config.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fakeOpenAI.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

/** The background checksum checks start a thread: generous on a loaded machine. */
const WAIT_FOR_CHECKS = { timeout: 60_000, interval: 50 };

const UNDP_ARTICLE = 'quan-he-doi-thoai-asean-lien-hop-quoc';
const DIALOGUE_ARTICLE = 'asean-lien-hop-quoc-doi-thoai-hop-tac-chinh-tri-an-ninh';
const OSCE_ARTICLE = 'un-osce-astana-2010';

let index: TestIndex;
let server: RunningServer;

function serve(env: Record<string, string> = {}, opts: { widget?: boolean; archive?: Archive } = {}) {
  const config = testConfig({ INDEX_DIR: index.config.paths.indexDir, DATA_DIR: index.config.paths.dataDir, PORT: '0', ...env });
  return startServer(config, { archive: opts.archive ?? index.archive, widget: opts.widget ?? false });
}

beforeAll(async () => {
  index = await buildTestIndex();
  server = await serve({}, { widget: true });
});

afterAll(async () => {
  await server?.close();
  await index?.dispose();
});

async function post(base: string, route: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function chat(message: string, conversationId?: string): Promise<ChatRecord> {
  const res = await post(server.url, '/api/chat', { message, ...(conversationId ? { conversationId } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatRecord;
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string }; requestId: string };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
}

/** The article text at a citation's offsets, as the article view would show it. */
async function citedText(c: Citation): Promise<string> {
  const res = await fetch(`${server.url}/api/documents/${encodeURIComponent(c.documentId)}`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { text: string };
  return doc.text.slice(c.start, c.end);
}

describe('health and readiness', () => {
  it('reports health and the loaded index', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    // The large files' checksums are verified in the background once the archive is open.
    await vi.waitFor(async () => expect(((await (await fetch(`${server.url}/ready`)).json()) as { integrity: { state: string } }).integrity.state).toBe('verified'), WAIT_FOR_CHECKS);
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as Record<string, unknown>;
    const { commit } = index.archive.snapshot();
    expect(ready).toEqual({
      ready: true,
      articles: commit.articles,
      chunks: commit.passages,
      model: index.archive.embeddings.modelId,
      commit: { id: commit.id, sequence: commit.sequence, committedAt: commit.committedAt },
      integrity: { state: 'verified', problem: null },
    });
    expect(commit.articles).toBe(7);
  });

  it('is not ready (503) once a damaged index file is found, and says which', async () => {
    const copy = await makeTempDir('vnrag-damaged-');
    await fs.cp(index.config.paths.indexDir, copy, { recursive: true });
    const segment = (await fs.readdir(copy)).find((e) => e.startsWith('seg-'))!;
    const graph = path.join(copy, segment, 'graph.hnsw');
    const bytes = await fs.readFile(graph);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01; // same size: only the checksum tells
    await fs.writeFile(graph, bytes);
    const config = testConfig({ INDEX_DIR: copy, PORT: '0' });
    const archive = await openArchive(config, { embeddings: index.archive.embeddings });
    const damaged = await startServer(config, { archive, widget: false });
    try {
      await vi.waitFor(async () => expect((await fetch(`${damaged.url}/ready`)).status).toBe(503), WAIT_FOR_CHECKS);
      const body = (await (await fetch(`${damaged.url}/ready`)).json()) as { ready: boolean; reason: string; integrity: { state: string } };
      expect(body.ready).toBe(false);
      expect(body.integrity.state).toBe('damaged');
      expect(body.reason).toMatch(/graph\.hnsw does not match its checksum/);
    } finally {
      await damaged.close();
      await archive.close();
      await fs.rm(copy, { recursive: true, force: true });
    }
  });

  it('is not ready (503) until the archive has loaded, then ready', async () => {
    let resolveArchive!: (a: Archive) => void;
    const pending = new Promise<Archive>((r) => (resolveArchive = r));
    const config = testConfig({ INDEX_DIR: index.config.paths.indexDir, PORT: '0' });
    const loading = await startServer(config, { archive: pending, widget: false });
    try {
      expect((await fetch(`${loading.url}/ready`)).status).toBe(503);
      await expectError(await post(loading.url, '/api/chat', { message: 'Xin chào?' }), 503, 'not_ready');
      resolveArchive(index.archive);
      await loading.ready;
      expect((await fetch(`${loading.url}/ready`)).status).toBe(200);
    } finally {
      await loading.close();
    }
  });

  it('serves the widget routes next to the API', async () => {
    const res = await fetch(`${server.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
  });

  it('serves an article page for an article of the index, and a 404 page for any other id', async () => {
    expect((await fetch(`${server.url}/articles/${encodeURIComponent(OSCE_ARTICLE)}`)).status).toBe(200);
    const missing = await fetch(`${server.url}/articles/bai-khong-ton-tai`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
  });
});

describe('POST /api/chat', () => {
  it('answers with citations that point at the right article text', async () => {
    const res = await post(server.url, '/api/chat', { message: 'Năm nào ASEAN và UNDP chính thức lập quan hệ đối tác?' }, { 'X-Request-Id': 'test-req-1' });
    expect(res.headers.get('x-request-id')).toBe('test-req-1');
    const record = (await res.json()) as ChatRecord;
    expect(record.mode).toBe('extractive');
    expect(record.grounded).toBe(true);
    expect(record.answer).toContain('1977');
    expect(record.answer).toMatch(/\[1\]/);
    expect(record.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const first = record.citations[0]!;
    expect(first).toMatchObject({ n: 1, documentId: UNDP_ARTICLE, title: 'Quan hệ đối thoại ASEAN-Liên Hợp Quốc' });
    expect(first.chunkId.startsWith(`${UNDP_ARTICLE}#`)).toBe(true);
    for (const c of record.citations) {
      expect(await citedText(c)).toBe(c.snippet);
    }
    expect(first.snippet).toContain('Năm 1977, ASEAN và UNDP chính thức lập quan hệ đối tác');
  });

  it('says exactly that it found nothing for a question the articles do not answer', async () => {
    const record = await chat('Giá vàng SJC hôm nay bán ra bao nhiêu triệu đồng một lượng?');
    expect(record.answer).toBe(NOT_FOUND_ANSWER);
    expect(record.grounded).toBe(false);
    expect(record.citations).toEqual([]);
  });

  it('answers a follow-up from the conversation', async () => {
    const first = await chat('Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh diễn ra khi nào?');
    expect(first.answer).toMatch(/3\/12\/2019|3-4\/12/);
    expect(first.citations[0]?.documentId).toBe(DIALOGUE_ARTICLE);
    const second = await chat('Ai phát biểu khai mạc?', first.conversationId);
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.answer).toContain('Nguyễn Quốc Dũng');
    expect(second.citations[0]?.documentId).toBe(DIALOGUE_ARTICLE);
  });

  it('follows "Còn … thì sao?" to the new topic', async () => {
    const first = await chat('ASEAN và Liên Hợp Quốc hợp tác trong những lĩnh vực nào?');
    expect(first.grounded).toBe(true);
    const second = await chat('Còn OSCE thì sao?', first.conversationId);
    expect(second.grounded).toBe(true);
    expect(second.citations[0]?.documentId).toBe(OSCE_ARTICLE);
    expect(second.answer).toContain('OSCE');
  });
});

describe('streaming', () => {
  function expectStreamOrder(events: SseEvent[]): ChatRecord {
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('sources');
    expect(names[names.length - 1]).toBe('done');
    expect(names.slice(1, -1).every((n) => n === 'delta')).toBe(true);
    expect(names.filter((n) => n === 'delta').length).toBeGreaterThan(0);
    const first = JSON.parse(events[0]!.data) as { conversationId: string; messageId: string; sources: Citation[] };
    const done = JSON.parse(events[events.length - 1]!.data) as ChatRecord;
    expect(done).toMatchObject({ conversationId: first.conversationId, messageId: first.messageId });
    expect(first.sources.length).toBeGreaterThan(0);
    expect(first.sources.some((c) => c.documentId === done.citations[0]?.documentId)).toBe(true);
    const text = events.filter((e) => e.event === 'delta').map((e) => (JSON.parse(e.data) as { text: string }).text);
    expect(text.join('')).toBe(done.answer);
    return done;
  }

  it('streams sources first, then deltas and done, over POST', async () => {
    const res = await post(server.url, '/api/chat/stream', { message: 'OSCE có bao nhiêu quốc gia thành viên?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    const done = expectStreamOrder(await readEvents(res));
    expect(done.answer).toContain('56');
    expect(done.citations[0]?.documentId).toBe(OSCE_ARTICLE);
  });

  it('streams over GET for EventSource, continuing a conversation', async () => {
    const first = await chat('Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh diễn ra khi nào?');
    const q = new URLSearchParams({ message: 'Ai phát biểu khai mạc?', conversationId: first.conversationId });
    const res = await fetch(`${server.url}/api/chat/stream?${q}`, { headers: { Accept: 'text/event-stream' } });
    const done = expectStreamOrder(await readEvents(res));
    expect(done.conversationId).toBe(first.conversationId);
    expect(done.answer).toContain('Nguyễn Quốc Dũng');
  });

  it('answers input errors on the stream routes as JSON, before any event', async () => {
    await expectError(await post(server.url, '/api/chat/stream', { message: '' }), 400, 'invalid_request');
    await expectError(await fetch(`${server.url}/api/chat/stream`), 400, 'invalid_request');
    const q = new URLSearchParams({ message: 'Xin chào?', conversationId: 'no-such-conversation' });
    await expectError(await fetch(`${server.url}/api/chat/stream?${q}`), 404, 'conversation_not_found');
  });
});

describe('search, documents and feedback', () => {
  it('searches', async () => {
    const res = await post(server.url, '/api/search', { query: 'OSCE Astana', k: 2 });
    const body = (await res.json()) as { results: Array<{ documentId: string }>; relevant: boolean };
    expect(body.results.length).toBeLessThanOrEqual(2);
    expect(body.results[0]?.documentId).toBe(OSCE_ARTICLE);
    expect(body.relevant).toBe(true);
    await expectError(await post(server.url, '/api/search', { query: 'OSCE', k: 0 }), 400, 'invalid_request');
  });

  it('returns a document, or 404', async () => {
    const res = await fetch(`${server.url}/api/documents/${OSCE_ARTICLE}`);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['id', 'outlet', 'publishedAt', 'text', 'title', 'url']);
    expect(doc.outlet).toBe('TTXVN/Vietnam+');
    await expectError(await fetch(`${server.url}/api/documents/no-such-article`), 404, 'not_found');
  });

  it('stores feedback on a real answer as a JSON line, and refuses unknown messages', async () => {
    const record = await chat('OSCE có bao nhiêu quốc gia thành viên?');
    const res = await post(server.url, '/api/feedback', { messageId: record.messageId, rating: 'up', comment: 'Đúng.' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    const lines = (await fs.readFile(path.join(index.config.paths.dataDir, 'feedback.jsonl'), 'utf8')).trim().split('\n');
    const entry = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ messageId: record.messageId, conversationId: record.conversationId, rating: 'up', comment: 'Đúng.' });
    await expectError(await post(server.url, '/api/feedback', { messageId: 'nope', rating: 'up' }), 404, 'not_found');
    await expectError(await post(server.url, '/api/feedback', { messageId: record.messageId, rating: 'meh' }), 400, 'invalid_request');
  });
});

describe('input errors', () => {
  it('refuses bad JSON, empty, non-string and missing messages', async () => {
    await expectError(await post(server.url, '/api/chat', '{"message": "thiếu ngoặc"'), 400, 'invalid_json');
    await expectError(await post(server.url, '/api/chat', { message: '   \n ' }), 400, 'invalid_request');
    await expectError(await post(server.url, '/api/chat', { message: 42 }), 400, 'invalid_request');
    await expectError(await post(server.url, '/api/chat', {}), 400, 'invalid_request');
    await expectError(await post(server.url, '/api/chat', [1, 2]), 400, 'invalid_request');
    const plain = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hỏi' });
    await expectError(plain, 400, 'invalid_request');
  });

  it('refuses a message over MAX_MESSAGE_CHARS and a body over BODY_LIMIT', async () => {
    await expectError(await post(server.url, '/api/chat', { message: 'a'.repeat(2001) }), 413, 'message_too_long');
    await expectError(await post(server.url, '/api/chat', { message: 'a', padding: 'x'.repeat(40_000) }), 413, 'payload_too_large');
  });

  it('refuses an unknown conversation, and unknown routes', async () => {
    await expectError(await post(server.url, '/api/chat', { message: 'Xin chào?', conversationId: 'gone' }), 404, 'conversation_not_found');
    await expectError(await fetch(`${server.url}/api/nothing-here`), 404, 'not_found');
    await expectError(await fetch(`${server.url}/nothing-here-either`), 404, 'not_found');
  });
});

describe('rate limiting and CORS', () => {
  it('limits requests per client and says when to retry', async () => {
    const limited = await serve({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await post(limited.url, '/api/search', { query: 'OSCE' })).status).toBe(200);
      }
      const res = await post(limited.url, '/api/search', { query: 'OSCE' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectError(res, 429, 'rate_limited');
      expect((await fetch(`${limited.url}/health`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('serves allowed origins with CORS headers and refuses others', async () => {
    const withCors = await serve({ CORS_ORIGINS: 'https://news.example' });
    try {
      const allowed = await post(withCors.url, '/api/search', { query: 'OSCE' }, { Origin: 'https://news.example' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://news.example');

      const preflight = await fetch(`${withCors.url}/api/chat`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://news.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

      const refused = await post(withCors.url, '/api/search', { query: 'OSCE' }, { Origin: 'https://evil.example' });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      await expectError(refused, 403, 'origin_not_allowed');

      const sameOrigin = await post(withCors.url, '/api/search', { query: 'OSCE' }, { Origin: withCors.url });
      expect(sameOrigin.status).toBe(200);
    } finally {
      await withCors.close();
    }
  });
});

describe('graceful shutdown', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI(() => ({
      reply: 'OSCE có 56 quốc gia thành viên [1].',
      chunks: ['OSCE ', 'có ', '56 ', 'quốc gia ', 'thành viên ', '[1].'],
      chunkDelayMs: 80,
    }));
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('lets a stream in flight finish, then stops accepting connections', async () => {
    const llmServer = await serve({ LLM_PROVIDER: 'openai', LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake', SHUTDOWN_GRACE_MS: '10000' });
    const res = await post(llmServer.url, '/api/chat/stream', { message: 'OSCE có bao nhiêu quốc gia thành viên?' });
    let closing: Promise<void> | undefined;
    const events = await readEvents(res, (e) => {
      if (e.event === 'delta' && !closing) closing = llmServer.close();
    });
    expect(closing).toBeDefined();
    await closing;
    const done = JSON.parse(events[events.length - 1]!.data) as ChatRecord;
    expect(events[events.length - 1]!.event).toBe('done');
    expect(done.mode).toBe('llm');
    expect(done.answer).toBe('OSCE có 56 quốc gia thành viên [1].');
    expect(done.citations[0]?.documentId).toBe(OSCE_ARTICLE);
    await expect(fetch(`${llmServer.url}/health`)).rejects.toThrow();
  });
});

describe('makeApp', () => {
  it('can be mounted without the widget and closed without closing a shared archive', async () => {
    const handle = await makeApp(index.config, { archive: index.archive, widget: false });
    await handle.ready;
    await handle.close();
    const still = await index.archive.searcher.search('OSCE', { k: 1 });
    expect(still.results.length).toBe(1);
  });
});
