import type { Logger } from 'pino';
import type { ChatService } from '../chat/chatService.js';
import type { ConversationStore } from '../chat/conversations.js';
import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import type { Searcher } from '../retrieval/types.js';
import type { ArchiveFacets } from '../store/types.js';
import type { FeedbackStore } from './feedbackStore.js';

/** What a loaded search engine gives the API. */
export interface ReadyServices {
  searcher: Searcher;
  chat: ChatService;
  getArticle(id: string): Article | undefined;
  stats: { articles: number; chunks: number; model: string };
  /** What the archive holds (outlets, sections, first and last day), for `GET /api/facets`. */
  facets(): Promise<ArchiveFacets>;
}

/** Everything the route handlers share; `services()` throws 503 `not_ready` until the engine is loaded. */
export interface ApiContext {
  config: Config;
  logger: Logger;
  conversations: ConversationStore;
  feedback: FeedbackStore;
  services(): ReadyServices;
  readiness(): { ready: true; services: ReadyServices } | { ready: false; reason: string };
}
