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
    const status = state.services.status();
    // A damaged archive file can give wrong results or bring the process down: not ready.
    if (status.integrity.state === 'damaged') {
      res.status(503).json({ ready: false, reason: `the index is damaged: ${status.integrity.problem}; rebuild it with npm run ingest -- --rebuild`, ...status });
      return;
    }
    res.json({ ready: true, ...status });
  });
  return router;
}
