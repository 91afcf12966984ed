import path from 'node:path';
import express from 'express';
import { pino, type Logger } from 'pino';
import type { LlmAnswerer } from '../answer/llm.js';
import { makeProduct, openConversationStore, openLlmAnswerer, type Archive, type Product } from '../app/product.js';
import type { ConversationStore } from '../chat/conversations.js';
import type { Config } from '../config/config.js';
import type { ApiContext, ReadyServices } from './context.js';
import { HttpError, MESSAGES } from './errors.js';
import { makeJsonlFeedbackStore, type FeedbackStore } from './feedbackStore.js';
import { errorHandler, notFoundHandler } from './middleware/errorHandler.js';
import { corsForAllowedOrigins, originGuard } from './middleware/origin.js';
import { apiRateLimit } from './middleware/rateLimit.js';
import { requestId } from './middleware/requestId.js';
import { methodNotAllowed } from './middleware/methodNotAllowed.js';
import { requestLog } from './middleware/requestLog.js';
import { indexFactsOf, makeMetrics } from './metrics.js';
import { chatRoutes } from './routes/chat.js';
import { documentRoutes } from './routes/documents.js';
import { facetsRoutes } from './routes/facets.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { makeWidgetRouter } from './widgetRoutes.js';

export interface AppDeps {
  /** An open archive (or one opening) to answer from; otherwise the app opens one from the configuration and owns it. */
  archive?: Archive | Promise<Archive>;
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
  /** Settles when the product is loaded (rejects when it cannot be). */
  ready: Promise<void>;
  /** Releases what the app opened itself (archive, conversations); the HTTP server is the caller's. */
  close(): Promise<void>;
}

export function makeLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'vn-news-assistant' } });
}

/** What the routes use of the product. */
function servicesOf({ archive, chat }: Product): ReadyServices {
  return {
    searcher: archive.searcher,
    chat,
    getArticle: (id) => archive.article(id),
    status: () => archive.status(),
    readOneCommit: (work) => archive.readOneCommit(work),
    facets: () => archive.snapshot().facets(),
  };
}

/** The API's state while the product loads: `services()` answers 503 until it is there. */
function trackProduct(productPromise: Promise<Product>, build: (product: Product) => ReadyServices, logger: Logger) {
  let services: ReadyServices | undefined;
  let failure: string | undefined;
  const ready = productPromise.then(
    (product) => {
      services = build(product);
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

/**
 * One request reads one commit: every read its handlers make (searches, articles) goes to the
 * commit that was newest when it arrived, even when a newer one is loaded meanwhile.
 */
function oneCommitPerRequest(state: Pick<ApiContext, 'readiness'>): express.RequestHandler {
  return (_req, _res, next) => {
    const r = state.readiness();
    if (r.ready) r.services.readOneCommit(next);
    else next();
  };
}

export async function makeApp(config: Config, deps: AppDeps = {}): Promise<AppHandle> {
  const logger = deps.logger ?? makeLogger(config);
  const ownedStore = deps.conversations ? undefined : await openConversationStore(config);
  const conversations = deps.conversations ?? ownedStore!.store;
  const feedback = deps.feedback ?? makeJsonlFeedbackStore(path.join(config.paths.dataDir, 'feedback.jsonl'));
  // Loaded before the app answers, as the conversation store is: with an archive already open,
  // the product is then ready as soon as the app is (no request sees 503).
  const llm = deps.llm !== undefined ? deps.llm : ((await openLlmAnswerer(config)) ?? null);
  const productPromise = Promise.resolve(deps.archive).then((archive) =>
    makeProduct(config, { archive, llm, conversations, logger }),
  );
  // The index facts are read lazily, at scrape time, from whatever the product tracker holds.
  const metrics = makeMetrics(config, () => {
    const r = state.readiness();
    return r.ready ? indexFactsOf(r.services) : undefined;
  });
  const state = trackProduct(productPromise, (product) => metrics.instrument(servicesOf(product)), logger);
  // Each commit the archive moves to is logged once: what the server answers from changed.
  const unfollow = productPromise.then(
    (product) =>
      product.archive.onCommit((commit) =>
        logger.info({ commit: commit.id, sequence: commit.sequence, articles: commit.articles, passages: commit.passages }, 'serving a newer commit'),
      ),
    () => undefined,
  );
  const ctx: ApiContext = { config, logger, conversations, feedback, ...state };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(metrics.countRequests);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(healthRoutes(ctx));
  // Operators' scrape endpoint: outside /api, so neither CORS nor the rate limit applies.
  app.get('/metrics', metrics.handler);

  const api = express.Router();
  api.use(originGuard(config));
  api.use(corsForAllowedOrigins(config));
  api.use(apiRateLimit(config));
  api.use(express.json({ limit: config.server.bodyLimit }));
  api.use(oneCommitPerRequest(state));
  api.use(chatRoutes(ctx), searchRoutes(ctx), documentRoutes(ctx), feedbackRoutes(ctx), facetsRoutes(ctx));
  api.use(methodNotAllowed(api));
  api.use(notFoundHandler());
  app.use('/api', api);

  if (deps.widget !== false) {
    const articleExists = async (id: string) => {
      const r = state.readiness();
      return r.ready ? (await r.services.getArticle(id)) !== undefined : undefined;
    };
    app.use(await makeWidgetRouter(config, { articleExists }));
  }
  app.use(methodNotAllowed(app.router));
  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  return {
    app,
    ready: state.ready,
    async close() {
      (await unfollow)?.();
      const product = await productPromise.catch(() => undefined);
      await product?.close();
      await ownedStore?.close();
    },
  };
}
