/**
 * Incremental parser for `text/event-stream`. Network chunks split lines, CRLF pairs and even
 * multi-byte characters anywhere, so bytes are decoded in streaming mode and only complete lines
 * are interpreted; an event is dispatched at the blank line that ends it, as the SSE spec says.
 */

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds raw bytes (or already decoded text) as they arrive. */
  push(chunk: Uint8Array | string): void;
  /** Flushes a final event left without its terminating blank line. */
  end(): void;
}

export function createSseParser(onEvent: (e: SseEvent) => void): SseParser {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  // A chunk ending in '\r' may be the first half of '\r\n': the '\n' must not count as a new line.
  let skipLeadingLf = false;
  let eventType = '';
  let dataLines: string[] = [];

  const dispatch = (): void => {
    if (dataLines.length > 0) onEvent({ event: eventType || 'message', data: dataLines.join('\n') });
    eventType = '';
    dataLines = [];
  };

  const handleLine = (line: string): void => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') dataLines.push(value);
  };

  const consumeText = (text: string): void => {
    buffer += text;
    if (skipLeadingLf && buffer.startsWith('\n')) buffer = buffer.slice(1);
    skipLeadingLf = false;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      handleLine(buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 === buffer.length) skipLeadingLf = true;
        else if (buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    buffer = buffer.slice(start);
  };

  return {
    push(chunk) {
      consumeText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      consumeText(decoder.decode());
      if (buffer !== '') handleLine(buffer);
      buffer = '';
      dispatch();
    },
  };
}
