import type { Logger } from 'pino';
import type { ArchiveStatus } from '../app/product.js';
import type { ChatService } from '../chat/chatService.js';
import type { ConversationStore } from '../chat/conversations.js';
import type { Config } from '../config/config.js';
import type { Article } from '../corpus/types.js';
import type { Searcher } from '../retrieval/types.js';
import type { ArchiveFacets } from '../store/types.js';
import type { FeedbackStore } from './feedbackStore.js';

/** What the loaded product gives the API. */
export interface ReadyServices {
  searcher: Searcher;
  chat: ChatService;
  /** An article of the commit this request reads; undefined when that commit does not hold it. */
  getArticle(id: string): Promise<Article | undefined>;
  /** The model and the commit served, with its counts (for `/ready`). */
  status(): ArchiveStatus;
  /** Runs a request's handlers with every read pinned to the commit that is newest now. */
  readOneCommit<T>(work: () => T): T;
  /** What the archive holds (outlets, sections, first and last day), for `GET /api/facets`. */
  facets(): Promise<ArchiveFacets>;
}

/** Everything the route handlers share; `services()` throws 503 `not_ready` until the product is loaded. */
export interface ApiContext {
  config: Config;
  logger: Logger;
  conversations: ConversationStore;
  feedback: FeedbackStore;
  services(): ReadyServices;
  readiness(): { ready: true; services: ReadyServices } | { ready: false; reason: string };
}
