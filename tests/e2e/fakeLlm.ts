import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an OpenAI-compatible chat server that streams a fixed reply in two parts and
 * holds the second part until the test releases it, so a test can look at the page while the
 * answer is provably still streaming (no timing involved).
 */
export interface FakeLlm {
  /** Base URL to put in LLM_BASE_URL. */
  baseUrl: string;
  /** Resolves when the first part of a reply has been sent. */
  firstPartSent: Promise<void>;
  /** Sends the rest of the held reply. */
  release(): void;
  close(): Promise<void>;
}

function chunk(content: string | null, finish: string | null): string {
  const delta = content === null ? {} : { role: 'assistant', content };
  return `data: ${JSON.stringify({ id: 'fake-1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export async function startFakeLlm(firstPart: string[], secondPart: string[]): Promise<FakeLlm> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let firstPartSent!: () => void;
  const sent = new Promise<void>((resolve) => (firstPartSent = resolve));
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { stream?: boolean };
      const full = [...firstPart, ...secondPart].join('');
      if (!body.stream) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'fake-1', object: 'chat.completion', created: 0, model: 'fake', choices: [{ index: 0, message: { role: 'assistant', content: full }, finish_reason: 'stop' }] }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      for (const piece of firstPart) res.write(chunk(piece, null));
      firstPartSent();
      void released.then(() => {
        for (const piece of secondPart) res.write(chunk(piece, null));
        res.write(chunk(null, 'stop'));
        res.end('data: [DONE]\n\n');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    firstPartSent: sent,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
