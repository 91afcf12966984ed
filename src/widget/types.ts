/**
 * Shapes of the chat API as the widget sees them: the server's own types, imported as types only,
 * so the bundle carries none of the server's code and the two cannot drift apart.
 */
import type { Citation } from '../answer/types.js';
import type { ChatRecord } from '../chat/chatService.js';
import type { SearchFilter } from '../store/filter.js';
import type { ArchiveFacets } from '../store/types.js';

export type { ArchiveFacets, Citation, ChatRecord, SearchFilter };

export interface ApiErrorBody {
  code: string;
  message: string;
}

/** One entry of the conversation as rendered and persisted; never HTML, only data. */
export type StoredMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; record: ChatRecord; feedback?: 'up' | 'down' };

export interface StoredConversation {
  conversationId: string | null;
  messages: StoredMessage[];
  open: boolean;
}
