import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/start.js';
import { testConfig } from './helpers/config.js';
import { buildTestIndex, type TestIndex } from './helpers/testIndex.js';

/** What operators and API clients see beyond the answers: Vietnamese errors, 405s and /metrics. */

let index: TestIndex;
let server: RunningServer;

function serve(env: Record<string, string> = {}) {
  const config = testConfig({ INDEX_DIR: index.config.paths.indexDir, DATA_DIR: index.config.paths.dataDir, PORT: '0', ...env });
  return startServer(config, { archive: index.archive, widget: false });
}

beforeAll(async () => {
  index = await buildTestIndex();
  server = await serve();
});

afterAll(async () => {
  await server?.close();
  await index?.dispose();
});

function post(base: string, route: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string }; requestId: string };
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body.error;
}

/** Words of zod's English messages; none may reach a client. */
const ENGLISH = /\b(expected|invalid|too big|too small|received|characters|unrecognized|required)\b/i;

describe('schema errors in Vietnamese', () => {
  it('names the field and the limit of a too-long conversationId', async () => {
    const res = await post(server.url, '/api/chat', { message: 'Xin chào?', conversationId: 'x'.repeat(5000) });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('conversationId quá dài (tối đa 200 ký tự).');
  });

  it('words numbers, types, choices and empty values in Vietnamese', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/api/search', { query: 'ASEAN', k: 500 }, 'k phải nhỏ hơn hoặc bằng 50.'],
      ['/api/search', { query: 'ASEAN', k: 0 }, 'k phải lớn hơn hoặc bằng 1.'],
      ['/api/search', { query: 'ASEAN', k: 'nhiều' }, 'k phải là một số.'],
      ['/api/search', { query: 'ASEAN', k: 2.5 }, 'k phải là một số nguyên.'],
      ['/api/chat', { message: 'Xin chào?', conversationId: '' }, 'conversationId không được để trống.'],
      ['/api/chat', { message: 'Xin chào?', conversationId: 7 }, 'conversationId phải là một chuỗi ký tự.'],
      ['/api/feedback', { messageId: 'm1', rating: 'up', comment: 'c'.repeat(2001) }, 'comment quá dài (tối đa 2000 ký tự).'],
      ['/api/feedback', { rating: 'up' }, 'Thiếu trường messageId.'],
    ];
    for (const [route, body, message] of cases) {
      const res = await post(server.url, route, body);
      expect(res.status, `${route} ${JSON.stringify(body)}`).toBe(400);
      const error = await errorOf(res);
      expect(error.message).toBe(message);
    }
  });

  it('keeps every input error of the API free of English', async () => {
    const bodies: Array<[string, unknown]> = [
      ['/api/chat', {}],
      ['/api/chat', { message: ['a'] }],
      ['/api/search', { query: null }],
      ['/api/feedback', { messageId: 'm', rating: 'meh' }],
      ['/api/feedback', { messageId: 'x'.repeat(300), rating: 'up' }],
    ];
    for (const [route, body] of bodies) {
      const error = await errorOf(await post(server.url, route, body));
      expect(error.message, JSON.stringify(body)).not.toMatch(ENGLISH);
      expect(error.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    }
  });
});

describe('405 for a wrong method', () => {
  it('answers 405 method_not_allowed with Allow on API paths', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/api/chat', 'POST'],
      ['DELETE', '/api/chat/stream', 'GET, HEAD, POST'],
      ['PUT', '/api/search', 'POST'],
      ['POST', '/api/documents/bat-ky', 'GET, HEAD'],
      ['GET', '/api/feedback', 'POST'],
      ['POST', '/health', 'GET, HEAD'],
      ['DELETE', '/metrics', 'GET, HEAD'],
    ];
    for (const [method, route, allow] of cases) {
      const res = await fetch(`${server.url}${route}`, { method });
      expect(res.status, `${method} ${route}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      const error = await errorOf(res);
      expect(error.code).toBe('method_not_allowed');
      expect(error.message).toContain(method);
    }
  });

  it('still answers 404 for a path no method serves, and lets the right method through', async () => {
    expect((await fetch(`${server.url}/api/khong-co`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${server.url}/khong-co`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/health`, { method: 'HEAD' })).status).toBe(200);
  });
});

/** `name{labels} value` lines of the Prometheus text format, as a lookup by series. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

async function scrape(base: string, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

const count = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('GET /metrics', () => {
  it('counts the requests this test makes by route pattern and status, and the answers by mode and outcome', async () => {
    const documentId = (await post(server.url, '/api/search', { query: 'ASEAN UNDP' }).then((r) => r.json()) as { results: Array<{ documentId: string }> }).results[0]?.documentId;
    const before = await scrape(server.url);
    expect((await post(server.url, '/api/chat', { message: 'Năm nào ASEAN và UNDP chính thức lập quan hệ đối tác?' })).status).toBe(200);
    expect((await post(server.url, '/api/chat', { message: 'Giá vàng hôm nay bao nhiêu một lượng?' })).status).toBe(200);
    expect((await post(server.url, '/api/search', { query: 'OSCE Astana' })).status).toBe(200);
    expect((await fetch(`${server.url}/api/documents/${encodeURIComponent(documentId!)}`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/documents/khong-co-bai-nay`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/chat`)).status).toBe(405);
    const after = await scrape(server.url);

    const delta = (key: string) => count(after, key) - count(before, key);
    expect(delta('vnrag_http_requests_total{method="POST",route="/api/chat",status="200"}')).toBe(2);
    expect(delta('vnrag_http_requests_total{method="POST",route="/api/search",status="200"}')).toBe(1);
    expect(delta('vnrag_http_requests_total{method="GET",route="/api/documents/:id",status="200"}')).toBe(1);
    expect(delta('vnrag_http_requests_total{method="GET",route="/api/documents/:id",status="404"}')).toBe(1);
    expect(delta('vnrag_http_requests_total{method="GET",route="/api/*",status="405"}')).toBe(1);
    // The scrape before this one counts too: the route label is the pattern, never a raw URL.
    expect(delta('vnrag_http_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1);
    expect([...after.keys()].some((k) => k.includes(documentId!))).toBe(false);

    expect(delta('vnrag_answers_total{mode="extractive",outcome="grounded"}')).toBe(1);
    expect(delta('vnrag_answers_total{mode="extractive",outcome="not_found"}')).toBe(1);
    expect(delta('vnrag_answer_duration_seconds_count{mode="extractive"}')).toBe(2);
    expect(delta('vnrag_search_duration_seconds_count')).toBe(1);
    expect(count(after, 'vnrag_search_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('reports the index served and the process memory', async () => {
    const m = await scrape(server.url);
    const served = index.archive.status();
    expect(m.get('vnrag_index_articles')).toBe(served.articles);
    expect(m.get('vnrag_index_passages')).toBe(served.chunks);
    expect(served.articles).toBeGreaterThan(0);
    expect(m.get('vnrag_ready')).toBe(1);
    const info = [...m.keys()].find((k) => k.startsWith('vnrag_index_info{'));
    expect(info).toContain(`commit="${served.commit.id}"`);
    expect(info).toMatch(/model="vi-news-embed-small"/);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(m.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('keeps a registry per app: a second server starts from zero', async () => {
    const other = await serve();
    try {
      const m = await scrape(other.url);
      expect(count(m, 'vnrag_http_requests_total{method="POST",route="/api/chat",status="200"}')).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('stays off the CORS path, and answers only loopback clients or holders of METRICS_TOKEN', async () => {
    const foreign = await fetch(`${server.url}/metrics`, { headers: { Origin: 'https://bao.example.vn' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const proxied = await serve({ TRUST_PROXY: 'true' });
    const guarded = await serve({ METRICS_TOKEN: 'mot-ma-truy-cap-du-dai' });
    const off = await serve({ METRICS_ENABLED: 'false' });
    try {
      // Behind a proxy the client is the forwarded address, not the proxy's loopback one.
      const remote = await fetch(`${proxied.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
      expect(remote.status).toBe(403);
      expect((await errorOf(remote)).code).toBe('forbidden');
      await scrape(proxied.url, { 'X-Forwarded-For': '127.0.0.1' });

      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { Authorization: 'Bearer sai-ma' } })).status).toBe(403);
      await scrape(guarded.url, { Authorization: 'Bearer mot-ma-truy-cap-du-dai' });

      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await Promise.all([proxied.close(), guarded.close(), off.close()]);
    }
  });
});

describe('keep-alive connections', () => {
  /** GET through `agent`; whether the request went out on a connection kept from an earlier one. */
  function getReady(agent: http.Agent, base: string): Promise<{ status: number; reused: boolean }> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${base}/ready`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });
  }
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('stay open past Node\'s 5 s default, so a client reusing one after a pause is answered on it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await getReady(agent, server.url)).toEqual({ status: 200, reused: false });
      await pause(5500);
      expect(await getReady(agent, server.url)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);

  it('are closed by the server after KEEP_ALIVE_TIMEOUT_MS idle', async () => {
    const short = await serve({ KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await getReady(agent, short.url)).toEqual({ status: 200, reused: false });
      await pause(1500);
      expect(await getReady(agent, short.url)).toEqual({ status: 200, reused: false });
    } finally {
      agent.destroy();
      await short.close();
    }
  }, 20_000);
});
