import { Router } from 'express';
import type { Article } from '../../corpus/types.js';
import type { ArchiveFacets } from '../../store/types.js';
import type { ApiContext } from '../context.js';

/**
 * `GET /api/facets`: what the archive holds, for the chat page's choosers: outlets (with their
 * article counts) and sections, and the first and last day an article was published.
 */
export function facetsRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/facets', async (_req, res) => {
    res.json(await ctx.services().facets());
  });
  return router;
}

/**
 * Facets counted over articles, for an archive whose store cannot count them itself (the
 * in-memory index); a store's own `facets()` replaces it.
 */
export function facetsOfArticles(articles: Iterable<Pick<Article, 'outlet' | 'publishedAt'>>): ArchiveFacets {
  const outlets = new Map<string, number>();
  let first: string | null = null;
  let last: string | null = null;
  for (const a of articles) {
    if (a.outlet) outlets.set(a.outlet, (outlets.get(a.outlet) ?? 0) + 1);
    const day = a.publishedAt?.slice(0, 10);
    if (!day) continue;
    if (first === null || day < first) first = day;
    if (last === null || day > last) last = day;
  }
  return {
    outlets: [...outlets].map(([name, count]) => ({ name, articles: count })).sort((a, b) => b.articles - a.articles || a.name.localeCompare(b.name)),
    sections: [],
    firstPublished: first,
    lastPublished: last,
  };
}
