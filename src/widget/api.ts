import { createSseParser } from './sse.js';
import type { ApiErrorBody, ArchiveFacets, ChatRecord, Citation, SearchFilter } from './types.js';

/**
 * Why a request failed, in the terms the UI needs: each kind has its own message and recovery.
 * `network` covers an unreachable server and a CORS refusal alike (the browser hides which).
 */
export type ChatFailure =
  | { kind: 'network' }
  | { kind: 'interrupted' }
  | { kind: 'rate_limited'; retryAfterSeconds: number | null }
  | { kind: 'too_long'; message: string }
  | { kind: 'conversation_not_found' }
  | { kind: 'generic'; message: string };

export interface StreamHandlers {
  onMeta(meta: { conversationId: string; messageId: string }): void;
  onSources(citations: Citation[]): void;
  onDelta(text: string): void;
}

export type StreamOutcome = { ok: true; record: ChatRecord } | { ok: false; failure: ChatFailure };

export function failureFromError(status: number, error: ApiErrorBody | null, retryAfter: string | null): ChatFailure {
  const code = error?.code ?? '';
  if (status === 429 || code === 'rate_limited') return { kind: 'rate_limited', retryAfterSeconds: parseRetryAfter(retryAfter) };
  if (status === 413 || code === 'message_too_long') return { kind: 'too_long', message: error?.message ?? '' };
  if (code === 'conversation_not_found') return { kind: 'conversation_not_found' };
  return { kind: 'generic', message: error?.message ?? '' };
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function readErrorBody(json: unknown): ApiErrorBody | null {
  if (typeof json !== 'object' || json === null) return null;
  // Error events may carry the API's `{error:{code,message}}` envelope or the bare inner object.
  const inner = (json as { error?: unknown }).error;
  const err = inner === undefined ? json : inner;
  if (typeof err !== 'object' || err === null) return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' };
}

async function failureFromResponse(res: Response): Promise<ChatFailure> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Proxies answer errors with HTML; the status alone still says what happened.
  }
  return failureFromError(res.status, readErrorBody(body), res.headers.get('Retry-After'));
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/** POSTs a message and follows the SSE stream until `done` or `error`. Never throws. */
export async function streamChat(
  apiBase: string,
  body: { message: string; conversationId?: string; filter?: SearchFilter },
  handlers: StreamHandlers,
  signal: AbortSignal,
): Promise<StreamOutcome> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}/api/chat/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  }
  if (!res.ok) return { ok: false, failure: await failureFromResponse(res) };
  if (!res.body) return { ok: false, failure: { kind: 'interrupted' } };

  // Held in an object: the parser callback sets it, and flow analysis can't see through closures.
  const result: { outcome: StreamOutcome | null } = { outcome: null };
  const parser = createSseParser(({ event, data }) => {
    if (result.outcome) return;
    const json = parseJson(data);
    if (event === 'sources' && json) {
      // The first event names the conversation and the message, then lists the passages found.
      const ids = json as { conversationId?: unknown; messageId?: unknown };
      if (typeof ids.conversationId === 'string' && typeof ids.messageId === 'string') {
        handlers.onMeta({ conversationId: ids.conversationId, messageId: ids.messageId });
      }
      handlers.onSources(citationsOf(json));
    }
    else if (event === 'delta' && json) handlers.onDelta(String((json as { text?: unknown }).text ?? ''));
    else if (event === 'done' && json) result.outcome = { ok: true, record: json as ChatRecord };
    else if (event === 'error') result.outcome = { ok: false, failure: failureFromError(0, readErrorBody(json), null) };
  });
  const reader = res.body.getReader();
  try {
    while (!result.outcome) {
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        break;
      }
      parser.push(value);
    }
  } catch {
    // A reset connection mid-answer: whatever arrived is kept, the turn is reported as interrupted.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return result.outcome ?? { ok: false, failure: { kind: 'interrupted' } };
}

/** The `sources` event carries the candidates either bare or wrapped (`{citations}` / `{sources}`). */
function citationsOf(json: unknown): Citation[] {
  if (Array.isArray(json)) return json as Citation[];
  const obj = json as { citations?: unknown; sources?: unknown };
  if (Array.isArray(obj.citations)) return obj.citations as Citation[];
  if (Array.isArray(obj.sources)) return obj.sources as Citation[];
  return [];
}

/** What the archive holds (outlets, date span), for the chat page's filters; null when unavailable. */
export async function fetchFacets(apiBase: string): Promise<ArchiveFacets | null> {
  try {
    const res = await fetch(`${apiBase}/api/facets`);
    if (!res.ok) return null;
    const json = (await res.json()) as Partial<ArchiveFacets>;
    if (!Array.isArray(json.outlets)) return null;
    return {
      outlets: json.outlets.filter((o) => typeof o?.name === 'string'),
      sections: Array.isArray(json.sections) ? json.sections : [],
      firstPublished: typeof json.firstPublished === 'string' ? json.firstPublished : null,
      lastPublished: typeof json.lastPublished === 'string' ? json.lastPublished : null,
    };
  } catch {
    return null;
  }
}

export async function sendFeedback(apiBase: string, messageId: string, rating: 'up' | 'down'): Promise<boolean> {
  try {
    const res = await fetch(`${apiBase}/api/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId, rating }),
    });
    return res.ok;
  } catch {
    return false;
  }
}
