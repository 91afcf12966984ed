import { Router } from 'express';
import { isEmptyFilter } from '../../store/filter.js';
import { normalizeQuery } from '../../text/normalize.js';
import type { ApiContext } from '../context.js';
import { parseSearchBody } from '../schemas.js';

export function searchRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/search', async (req, res) => {
    const body = parseSearchBody(req.body, ctx.config);
    const { searcher } = ctx.services();
    const response = await searcher.search(normalizeQuery(body.query), {
      ...(body.k !== undefined ? { k: body.k } : {}),
      ...(body.filter && !isEmptyFilter(body.filter) ? { filter: body.filter } : {}),
    });
    res.json(response);
  });
  return router;
}
