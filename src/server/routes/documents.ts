import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { HttpError, MESSAGES } from '../errors.js';

export function documentRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/documents/:id', async (req, res) => {
    const article = await ctx.services().getArticle(req.params.id);
    if (!article) throw new HttpError(404, 'not_found', MESSAGES.documentNotFound);
    const { id, title, outlet, publishedAt, url, text } = article;
    res.json({ id, title, outlet, publishedAt, url, text });
  });
  return router;
}
