import path from 'node:path';
import express from 'express';
import { pino, type Logger } from 'pino';
import { makeLlmAnswererFromConfig, type LlmAnswerer } from '../answer/llm.js';
import { makeChatService } from '../chat/chatService.js';
import { makeInMemoryConversationStore, type ConversationStore } from '../chat/conversations.js';
import { makeRedisConversationStore } from '../chat/redisConversationStore.js';
import type { Config } from '../config/config.js';
import { openSearchEngine, type SearchEngine } from '../retrieval/engine.js';
import type { ApiContext, ReadyServices } from './context.js';
import { HttpError, MESSAGES } from './errors.js';
import { makeJsonlFeedbackStore, type FeedbackStore } from './feedbackStore.js';
import { errorHandler, notFoundHandler } from './middleware/errorHandler.js';
import { corsForAllowedOrigins, originGuard } from './middleware/origin.js';
import { apiRateLimit } from './middleware/rateLimit.js';
import { requestId } from './middleware/requestId.js';
import { requestLog } from './middleware/requestLog.js';
import { chatRoutes } from './routes/chat.js';
import { documentRoutes } from './routes/documents.js';
import { facetsOfArticles, facetsRoutes } from './routes/facets.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { makeWidgetRouter } from './widgetRoutes.js';

export interface AppDeps {
  /** A loaded engine (or one loading); otherwise the app opens one from the configuration and owns it. */
  engine?: SearchEngine | Promise<SearchEngine>;
  /** The answering model; undefined = from the configuration (LLM_PROVIDER), null = none. */
  llm?: LlmAnswerer | null;
  conversations?: ConversationStore;
  feedback?: FeedbackStore;
  logger?: Logger;
  /** Serve the widget, chat page and article view (default true). */
  widget?: boolean;
}

export interface AppHandle {
  app: express.Express;
  /** Settles when the engine is loaded (rejects when it cannot be). */
  ready: Promise<void>;
  /** Releases what the app opened itself (the engine); the HTTP server is the caller's. */
  close(): Promise<void>;
}

export function makeLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'vn-news-assistant' } });
}

async function makeLlm(config: Config, given: LlmAnswerer | null | undefined): Promise<LlmAnswerer | undefined> {
  if (given !== undefined) return given ?? undefined;
  return makeLlmAnswererFromConfig(config);
}

/** The API's state while the engine loads: `services()` answers 503 until it is there. */
function trackEngine(
  enginePromise: Promise<SearchEngine>,
  build: (engine: SearchEngine) => ReadyServices,
  logger: Logger,
) {
  let services: ReadyServices | undefined;
  let failure: string | undefined;
  const ready = enginePromise.then(
    (engine) => {
      services = build(engine);
    },
    (err: unknown) => {
      failure = err instanceof Error ? err.message : String(err);
      logger.error({ err }, 'search engine failed to load');
      throw err;
    },
  );
  // Callers may never await `ready`; the failure is logged and reported by /ready.
  ready.catch(() => undefined);
  return {
    ready,
    services(): ReadyServices {
      if (!services) throw new HttpError(503, 'not_ready', MESSAGES.notReady, { 'Retry-After': '5' });
      return services;
    },
    readiness() {
      if (services) return { ready: true as const, services };
      return { ready: false as const, reason: failure ?? 'loading the search index' };
    },
  };
}

/** The configured store, and how to release it (only when this app opened it). */
async function openConversationStore(config: Config): Promise<{ store: ConversationStore; close(): Promise<void> }> {
  const c = config.conversations;
  if (c.store === 'redis' && c.redisUrl) {
    const store = await makeRedisConversationStore({ url: c.redisUrl, prefix: c.redisPrefix, maxTurns: c.maxTurns, ttlMs: c.ttlMs });
    return { store, close: () => store.close() };
  }
  return { store: makeInMemoryConversationStore(c), close: async () => undefined };
}

export async function makeApp(config: Config, deps: AppDeps = {}): Promise<AppHandle> {
  const logger = deps.logger ?? makeLogger(config);
  const ownedStore = deps.conversations ? undefined : await openConversationStore(config);
  const conversations = deps.conversations ?? ownedStore!.store;
  const feedback = deps.feedback ?? makeJsonlFeedbackStore(path.join(config.paths.dataDir, 'feedback.jsonl'));
  const llm = await makeLlm(config, deps.llm);
  const ownsEngine = deps.engine === undefined;
  const enginePromise = Promise.resolve(deps.engine ?? openSearchEngine(config));

  const state = trackEngine(
    enginePromise,
    (engine) => {
      const facets = async () => facetsOfArticles(engine.index.articles.values());
      return {
        searcher: engine,
        chat: makeChatService({ config, searcher: engine, store: conversations, ...(llm ? { llm } : {}), logger, facets }),
        facets,
        getArticle: (id) => engine.getArticle(id),
        stats: { articles: engine.index.articles.size, chunks: engine.index.chunks.size, model: engine.embeddings.modelId },
      };
    },
    logger,
  );
  const ctx: ApiContext = { config, logger, conversations, feedback, ...state };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  app.use(requestId());
  app.use(requestLog(logger));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(healthRoutes(ctx));

  const api = express.Router();
  api.use(originGuard(config));
  api.use(corsForAllowedOrigins(config));
  api.use(apiRateLimit(config));
  api.use(express.json({ limit: config.server.bodyLimit }));
  api.use(chatRoutes(ctx), searchRoutes(ctx), documentRoutes(ctx), feedbackRoutes(ctx), facetsRoutes(ctx));
  api.use(notFoundHandler());
  app.use('/api', api);

  if (deps.widget !== false) {
    const articleExists = (id: string) => {
      const r = state.readiness();
      return r.ready ? r.services.getArticle(id) !== undefined : undefined;
    };
    app.use(await makeWidgetRouter(config, { articleExists }));
  }
  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  return {
    app,
    ready: state.ready,
    async close() {
      await ownedStore?.close();
      if (!ownsEngine) return;
      const engine = await enginePromise.catch(() => undefined);
      await engine?.close();
    },
  };
}
