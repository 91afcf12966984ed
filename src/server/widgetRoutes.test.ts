import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../tests/helpers/config.js';
import { makeWidgetRouter } from './widgetRoutes.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  const articleExists = async (id: string) => (id === 'loading' ? undefined : id === 'abc/def' || id === 'known');
  app.use(await makeWidgetRouter(testConfig({ MAX_MESSAGE_CHARS: '1234' }), { articleExists }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('makeWidgetRouter', () => {
  it('serves widget.js for embedding on other sites, with the server limit baked in', async () => {
    const res = await fetch(`${base}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('cache-control')).toMatch(/max-age/);
    const code = await res.text();
    expect(code).toContain('1234');
    expect(code).toContain('Không kết nối được máy chủ');
    expect(code.length).toBeGreaterThan(1000);
  });

  it('answers 304 when the ETag still matches', async () => {
    const first = await fetch(`${base}/widget.js`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // fetch() adds `Cache-Control: no-cache` to conditional requests unless one is given.
    const second = await fetch(`${base}/widget.js`, { headers: { 'If-None-Match': etag ?? '', 'Cache-Control': 'max-age=0' } });
    expect(second.status).toBe(304);
  });

  it('serves the chat page and the article page under a strict CSP with no inline script', async () => {
    for (const [path, script] of [['/', 'widget.js'], ['/articles/abc%2Fdef?start=1&end=5', '../article-view.js']] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res.text();
      expect(html).toContain(`src="${script}"`);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
      expect(html).not.toMatch(/<style|style=/);
    }
    expect(await (await fetch(`${base}/`)).text()).toContain('data-mode="page"');
  });

  it('answers 404 for the page of an article that does not exist, 200 while the index is loading', async () => {
    const missing = await fetch(`${base}/articles/khong-co-bai-nay`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("script-src 'self'");
    // The page itself tells the reader (its script gets the API's 404 and shows the message).
    expect(await missing.text()).toContain('../article-view.js');
    expect((await fetch(`${base}/articles/known`)).status).toBe(200);
    expect((await fetch(`${base}/articles/loading`)).status).toBe(200);
  });

  it('serves the article view script and page stylesheet', async () => {
    const js = await fetch(`${base}/article-view.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('api/documents/');
    const css = await fetch(`${base}/assets/page.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
