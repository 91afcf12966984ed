import { createSseParser, type SseEvent } from '../../src/widget/sse.js';

/**
 * Reads a whole Server-Sent Events response into its events (with the widget's own parser),
 * telling `onEvent` of each as it arrives.
 */
export async function readEvents(res: Response, onEvent?: (e: SseEvent) => void): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => {
    events.push(e);
    onEvent?.(e);
  });
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.push(value);
  }
  parser.end();
  return events;
}

/** The JSON payload of an event. */
export function dataOf<T>(e: SseEvent): T {
  return JSON.parse(e.data) as T;
}
