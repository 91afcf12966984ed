import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', (_req, res) => {
    const state = ctx.readiness();
    if (!state.ready) {
      res.status(503).set('Retry-After', '5').json({ ready: false, reason: state.reason });
      return;
    }
    res.json({ ready: true, ...state.services.status() });
  });
  return router;
}
