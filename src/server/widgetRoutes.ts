import { createHash } from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { buildArticleView, buildWidget } from '../widget/build.js';
import { articlePageHtml, chatPageHtml, PAGE_CSP, PAGE_CSS } from '../widget/pages.js';

/**
 * Serves the browser side: the embeddable widget.js, the full-page chat (`/`) and the article
 * view (`/articles/:id`). Bundles are built once, in memory, when the router is created.
 */

interface Asset {
  body: string;
  etag: string;
  contentType: string;
  headers: Record<string, string>;
}

function asset(body: string, contentType: string, headers: Record<string, string> = {}): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag, contentType, headers };
}

function sendAsset(req: Request, res: Response, a: Asset, status = 200): void {
  res.set({
    'Content-Type': a.contentType,
    'X-Content-Type-Options': 'nosniff',
    ...a.headers,
  });
  if (status !== 200) {
    res.status(status).send(a.body);
    return;
  }
  res.set('ETag', a.etag);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.send(a.body);
}

// Not fingerprinted (the embed snippet names /widget.js forever), so caches revalidate by ETag.
const SCRIPT_CACHE = 'public, max-age=300, must-revalidate';

export interface WidgetRouterDeps {
  /**
   * Whether the archive's newest commit holds an article; `undefined` while the archive is still
   * loading. An unknown or removed id gets the article page with a 404 status (the page says so),
   * so links to it fail as links should.
   */
  articleExists?: (id: string) => Promise<boolean | undefined>;
}

export async function makeWidgetRouter(config: Config, deps: WidgetRouterDeps = {}): Promise<express.Router> {
  const [widget, articleView] = await Promise.all([
    buildWidget({ maxMessageChars: config.server.maxMessageChars }),
    buildArticleView(),
  ]);
  const js = 'application/javascript; charset=utf-8';
  const widgetJs = asset(widget.code, js, {
    'Cache-Control': SCRIPT_CACHE,
    // Other sites embed this script: it must not be blocked by their COEP / CORP checks.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Access-Control-Allow-Origin': '*',
  });
  const articleViewJs = asset(articleView.code, js, { 'Cache-Control': SCRIPT_CACHE });
  const pageCss = asset(PAGE_CSS, 'text/css; charset=utf-8', { 'Cache-Control': SCRIPT_CACHE });
  const pageHeaders = {
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': PAGE_CSP,
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
  };
  const html = 'text/html; charset=utf-8';
  const chatPage = asset(chatPageHtml(), html, pageHeaders);
  const articlePage = asset(articlePageHtml(), html, pageHeaders);

  const router = express.Router();
  router.get('/widget.js', (req, res) => sendAsset(req, res, widgetJs));
  router.get('/article-view.js', (req, res) => sendAsset(req, res, articleViewJs));
  router.get('/assets/page.css', (req, res) => sendAsset(req, res, pageCss));
  router.get('/', (req, res) => sendAsset(req, res, chatPage));
  router.get('/articles/:id', async (req, res) => {
    const exists = await deps.articleExists?.(req.params.id);
    sendAsset(req, res, articlePage, exists === false ? 404 : 200);
  });
  return router;
}
