import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream } from './sse.js';

let server: http.Server | undefined;

async function serveApp(app: express.Express): Promise<string> {
  server = http.createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('openEventStream', () => {
  it('writes named JSON events and heartbeat comments while the answer is pending', async () => {
    const app = express();
    app.get('/s', async (req, res) => {
      const events = openEventStream(req, res, 10);
      events.send('meta', { id: 1 });
      // Long enough for several heartbeats at a 10 ms interval.
      await new Promise((r) => setTimeout(r, 120));
      events.send('done', { text: 'xong\nhai dòng' });
      events.end();
    });
    const base = await serveApp(app);
    const res = await fetch(`${base}/s`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const body = await res.text();
    expect(body.startsWith('event: meta\ndata: {"id":1}\n\n')).toBe(true);
    expect(body).toContain(': ping\n\n');
    expect(body.endsWith('event: done\ndata: {"text":"xong\\nhai dòng"}\n\n')).toBe(true);
  });

  it('aborts its signal when the client goes away', async () => {
    let resolveAborted!: (v: boolean) => void;
    const aborted = new Promise<boolean>((r) => (resolveAborted = r));
    const app = express();
    app.get('/s', (req, res) => {
      const events = openEventStream(req, res, 10_000);
      events.send('meta', {});
      events.signal.addEventListener('abort', () => resolveAborted(true));
    });
    const base = await serveApp(app);
    const client = new AbortController();
    const res = await fetch(`${base}/s`, { signal: client.signal });
    const reader = res.body!.getReader();
    await reader.read();
    client.abort();
    expect(await aborted).toBe(true);
  });
});
