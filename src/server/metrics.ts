import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isLocalModelPath, type Config } from '../config/config.js';
import type { ReadyServices } from './context.js';
import { MESSAGES, sendError } from './errors.js';

/**
 * Prometheus metrics for one app instance: a registry of its own (several apps share a process in
 * tests, and prom-client's default registry is process-wide), filled by a request counter
 * middleware and by wrappers around the search and chat services, served at `GET /metrics`.
 */

/** What the metrics report about the live index; `indexFactsOf` is the one place that reads it. */
export interface IndexFacts {
  articles: number;
  passages: number;
  /** The commit being served (changes with every ingest commit the server follows). */
  commit: string;
  model: string;
}

export function indexFactsOf(services: ReadyServices): IndexFacts {
  const { articles, chunks, model, commit } = services.status();
  return { articles, passages: chunks, commit: commit.id, model: modelLabel(model) };
}

export interface AppMetrics {
  registry: Registry;
  /** Counts every request by method, route pattern and status when it ends. */
  countRequests: RequestHandler;
  /** `GET /metrics`, guarded by METRICS_TOKEN or, without one, loopback-only. */
  handler: RequestHandler;
  /** The same services, timing searches and answers and counting answers by mode and outcome. */
  instrument(services: ReadyServices): ReadyServices;
}

/** Seconds; searches take milliseconds, answers up to an LLM's timeout. */
const SEARCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const ANSWER_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Remembers the route pattern a request matched (`/api/documents/:id`), never the raw URL, so the
 * label's values stay few. The router assigns `req.route` at the moment of matching, when
 * `req.baseUrl` is the mount path; by the time the response ends (an error handled at the app's
 * level, say) the base is gone, so the pattern is caught in the assignment itself.
 * A request no route answered (404, preflight, refused by a middleware) counts under its mount
 * point: `/api/*` or `*`.
 */
function trackRoutePattern(req: Request): () => string {
  let pattern: string | undefined;
  let route: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = value && typeof value === 'object' && 'path' in value ? value.path : undefined;
      if (typeof path === 'string') pattern = `${req.baseUrl ?? ''}${path}` || '/';
    },
  });
  return () => pattern ?? (`${req.baseUrl ?? ''}/*`.replace(/^\/\*$/, '*'));
}

/** A model named by its folder, not by where it lies on this disk. */
function modelLabel(model: string): string {
  return isLocalModelPath(model) ? path.basename(model) : model;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function mayReadMetrics(req: Request, token: string | undefined): boolean {
  if (token !== undefined) return req.get('Authorization') === `Bearer ${token}`;
  // req.ip honours TRUST_PROXY: behind a local proxy it is the real client, not the proxy.
  return LOOPBACK.test(req.ip ?? '');
}

export function makeMetrics(config: Config, indexFacts: () => IndexFacts | undefined): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'vnrag_http_requests_total',
    help: 'HTTP requests by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const searchSeconds = new Histogram({
    name: 'vnrag_search_duration_seconds',
    help: 'Time of one hybrid search (POST /api/search), in seconds.',
    buckets: SEARCH_BUCKETS,
    registers: [registry],
  });
  const answerSeconds = new Histogram({
    name: 'vnrag_answer_duration_seconds',
    help: 'Time of one answer (retrieval and answering, JSON or streamed), by answer mode, in seconds.',
    labelNames: ['mode'] as const,
    buckets: ANSWER_BUCKETS,
    registers: [registry],
  });
  const answers = new Counter({
    name: 'vnrag_answers_total',
    help: 'Answers by mode (extractive, llm, fallback) and outcome (grounded, not_found).',
    labelNames: ['mode', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'vnrag_index_articles',
    help: 'Articles in the index being served (absent until it is loaded).',
    registers: [registry],
    collect() {
      const facts = indexFacts();
      if (facts) this.set(facts.articles);
    },
  });
  new Gauge({
    name: 'vnrag_index_passages',
    help: 'Passages (chunks) in the index being served.',
    registers: [registry],
    collect() {
      const facts = indexFacts();
      if (facts) this.set(facts.passages);
    },
  });
  new Gauge({
    name: 'vnrag_index_info',
    help: 'The index being served: its commit (generation) and embedding model; always 1.',
    labelNames: ['commit', 'model'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const facts = indexFacts();
      if (facts) this.set({ commit: facts.commit, model: facts.model }, 1);
    },
  });
  new Gauge({
    name: 'vnrag_ready',
    help: '1 once the index and model are loaded and the API answers, else 0.',
    registers: [registry],
    collect() {
      this.set(indexFacts() ? 1 : 0);
    },
  });

  const countRequests: RequestHandler = (req, res: Response, next) => {
    const routeLabel = trackRoutePattern(req);
    res.once('close', () => {
      requests.inc({ method: req.method, route: routeLabel(), status: String(res.statusCode) });
    });
    next();
  };

  const handler: RequestHandler = async (req, res) => {
    if (!config.metrics.enabled) return sendError(res, 404, 'not_found', MESSAGES.notFoundRoute);
    if (!mayReadMetrics(req, config.metrics.token)) return sendError(res, 403, 'forbidden', MESSAGES.metricsForbidden);
    const body = await registry.metrics();
    res.set({ 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).send(body);
  };

  const recordAnswer = (record: { mode: string; grounded: boolean }, started: number) => {
    answerSeconds.observe({ mode: record.mode }, (performance.now() - started) / 1000);
    answers.inc({ mode: record.mode, outcome: record.grounded ? 'grounded' : 'not_found' });
  };

  const instrument = (services: ReadyServices): ReadyServices => ({
    ...services,
    searcher: {
      async search(query, options) {
        const end = searchSeconds.startTimer();
        try {
          return await services.searcher.search(query, options);
        } finally {
          end();
        }
      },
    },
    chat: {
      async chat(req, opts) {
        const started = performance.now();
        const record = await services.chat.chat(req, opts);
        recordAnswer(record, started);
        return record;
      },
      async begin(req) {
        const exchange = await services.chat.begin(req);
        return {
          ...exchange,
          async run(opts) {
            const started = performance.now();
            const record = await exchange.run(opts);
            recordAnswer(record, started);
            return record;
          },
        };
      },
    },
  });

  return { registry, countRequests, handler, instrument };
}
