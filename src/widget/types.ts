/** Shapes of the chat API as the widget sees them (see CONTRACTS.md, "HTTP API"). */

export interface Citation {
  n: number;
  documentId: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  snippet: string;
  start: number;
  end: number;
  chunkId: string;
}

export interface ChatRecord {
  conversationId: string;
  messageId: string;
  answer: string;
  citations: Citation[];
  grounded: boolean;
  mode: 'extractive' | 'llm' | 'fallback';
  notice?: string;
}

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
