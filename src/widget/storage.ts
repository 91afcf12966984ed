import type { StoredConversation, StoredMessage } from './types.js';

/**
 * The conversation survives a reload in the same tab (sessionStorage), keyed by API so two widgets
 * talking to different servers don't mix. Storage can be disabled or full: then the widget simply
 * forgets, it never fails.
 */

const MAX_STORED_MESSAGES = 60;

export interface ConversationStore {
  load(): StoredConversation;
  save(conversation: StoredConversation): void;
  clear(): void;
}

function emptyConversation(): StoredConversation {
  return { conversationId: null, messages: [], open: false };
}

function isStoredMessage(m: unknown): m is StoredMessage {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as { role?: unknown; text?: unknown; record?: unknown };
  if (msg.role === 'user') return typeof msg.text === 'string';
  if (msg.role !== 'assistant' || typeof msg.record !== 'object' || msg.record === null) return false;
  const r = msg.record as { answer?: unknown; citations?: unknown };
  return typeof r.answer === 'string' && Array.isArray(r.citations);
}

export function makeConversationStore(apiBase: string, storage: () => Storage | null): ConversationStore {
  const key = `vnrag-widget:${apiBase}`;
  return {
    load() {
      try {
        const raw = storage()?.getItem(key);
        if (!raw) return emptyConversation();
        const parsed = JSON.parse(raw) as Partial<StoredConversation>;
        return {
          conversationId: typeof parsed.conversationId === 'string' ? parsed.conversationId : null,
          messages: Array.isArray(parsed.messages) ? parsed.messages.filter(isStoredMessage) : [],
          open: parsed.open === true,
        };
      } catch {
        return emptyConversation();
      }
    },
    save(conversation) {
      try {
        const trimmed = { ...conversation, messages: conversation.messages.slice(-MAX_STORED_MESSAGES) };
        storage()?.setItem(key, JSON.stringify(trimmed));
      } catch {
        // Quota exceeded or storage blocked: the conversation just won't survive a reload.
      }
    },
    clear() {
      try {
        storage()?.removeItem(key);
      } catch {
        // See save().
      }
    },
  };
}
