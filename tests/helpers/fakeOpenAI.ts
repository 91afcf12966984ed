import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server speaking the OpenAI chat-completions protocol (`POST /v1/chat/completions`,
 * JSON or `stream: true` Server-Sent Events ending in `data: [DONE]`), scripted per request by
 * the test. The product talks to it through its ordinary LangChain client.
 */

export interface FakeMessage {
  role: string;
  content: string;
}

export interface FakeRequest {
  model: string;
  messages: FakeMessage[];
  stream: boolean;
  /** All the text the model was sent, for assertions. */
  prompt: string;
}

export type FakeBehavior =
  /** Answer with `content`; streamed in `chunks` pieces (default: word by word) when asked to stream. */
  | { reply: string; chunks?: string[]; chunkDelayMs?: number }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Answer with an HTTP error. */
  | { status: number; message?: string };

export type FakeHandler = (req: FakeRequest) => FakeBehavior;

export interface FakeOpenAI {
  /** Base URL for LLM_BASE_URL (ends in /v1). */
  baseUrl: string;
  requests: FakeRequest[];
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

function contentOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

function parseRequest(raw: string): FakeRequest {
  const body = JSON.parse(raw) as { model?: string; messages?: Array<{ role: string; content: unknown }>; stream?: boolean };
  const messages = (body.messages ?? []).map((m) => ({ role: m.role, content: contentOf(m.content) }));
  return {
    model: body.model ?? '',
    messages,
    stream: body.stream === true,
    prompt: messages.map((m) => m.content).join('\n'),
  };
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function chunk(model: string, delta: Record<string, string>, finish: string | null) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function streamReply(res: http.ServerResponse, req: FakeRequest, b: { reply: string; chunks?: string[]; chunkDelayMs?: number }) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const pieces = b.chunks ?? b.reply.split(/(?<= )/);
  send(chunk(req.model, { role: 'assistant', content: '' }, null));
  for (const piece of pieces) {
    if (res.destroyed) return;
    if (b.chunkDelayMs) await sleep(b.chunkDelayMs);
    send(chunk(req.model, { content: piece }, null));
  }
  send(chunk(req.model, {}, 'stop'));
  res.write('data: [DONE]\n\n');
  res.end();
}

export async function startFakeOpenAI(initial?: FakeHandler): Promise<FakeOpenAI> {
  let handler: FakeHandler = initial ?? (() => ({ reply: 'Không có kịch bản cho yêu cầu này.' }));
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const parsed = parseRequest(raw);
      requests.push(parsed);
      const behavior = handler(parsed);
      if ('hang' in behavior) return;
      if ('status' in behavior) {
        res.writeHead(behavior.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: behavior.message ?? 'fake failure', type: 'server_error' } }));
        return;
      }
      if (parsed.stream) {
        void streamReply(res, parsed, behavior);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(completion(parsed.model, behavior.reply)));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setHandler(h) {
      handler = h;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether a request is the follow-up rewrite (condense) rather than an answer. */
export function isCondenseRequest(req: FakeRequest): boolean {
  return req.prompt.includes('Câu hỏi độc lập');
}
