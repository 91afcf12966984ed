import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse.js';

function collect(chunks: Array<string | Uint8Array>): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  parser.end();
  return events;
}

const STREAM = 'event: sources\ndata: {"conversationId":"c1"}\n\nevent: delta\ndata: {"text":"Hà Nội "}\n\n: keep-alive\n\nevent: done\ndata: {"answer":"Hà Nội [1]"}\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'sources', data: '{"conversationId":"c1"}' },
  { event: 'delta', data: '{"text":"Hà Nội "}' },
  { event: 'done', data: '{"answer":"Hà Nội [1]"}' },
];

describe('createSseParser', () => {
  it('parses a whole stream, skipping comments', () => {
    expect(collect([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events whatever the chunk boundaries, even inside a multi-byte character', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let size = 1; size <= 7; size++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      expect(collect(chunks)).toEqual(EXPECTED);
    }
  });

  it('accepts CRLF and CR line endings, also when CRLF is split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    expect(collect([crlf])).toEqual(EXPECTED);
    const cut = crlf.indexOf('\r\n') + 1;
    expect(collect([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(EXPECTED);
    expect(collect([STREAM.replace(/\n/g, '\r')])).toEqual(EXPECTED);
  });

  it('joins multi-line data, defaults the event name and flushes an unterminated last event', () => {
    expect(collect(['data: a\ndata:b\n\ndata: last'])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'last' },
    ]);
  });
});
