import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../../config/config.js';
import { MESSAGES, sendError } from '../errors.js';

/**
 * Per-client-IP limit on the API (RATE_LIMIT_PER_MINUTE). Behind a proxy set TRUST_PROXY=true,
 * or every client shares the proxy's address and one limit.
 */
export function apiRateLimit(config: Config): RequestHandler {
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit: config.server.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Preflights are free: they carry no work and browsers send one before many real requests.
    skip: (req) => req.method === 'OPTIONS',
    handler: (req, res) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
      if (!res.getHeader('Retry-After')) res.setHeader('Retry-After', String(seconds));
      sendError(res, 429, 'rate_limited', MESSAGES.rateLimited(seconds));
    },
  });
}
