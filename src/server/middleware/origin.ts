import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config/config.js';
import { MESSAGES, sendError } from '../errors.js';

/**
 * Cross-origin policy: the API answers pages of its own origin and of CORS_ORIGINS ("*" for any).
 * A browser request from any other page is refused outright (403) rather than only left without
 * CORS headers, so a disallowed site cannot make the server do work whose answer it can't read.
 */

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

export function makeOriginPolicy(config: Config): { isAllowed(req: Request, origin: string): boolean } {
  const allowed = new Set(config.server.corsOrigins.map((o) => o.replace(/\/+$/, '')));
  const any = allowed.has('*');
  return {
    isAllowed: (req, origin) => any || allowed.has(origin) || origin === ownOrigin(req),
  };
}

/** 403 `origin_not_allowed` for a request carrying a foreign Origin that is not allowed. */
export function originGuard(config: Config): RequestHandler {
  const policy = makeOriginPolicy(config);
  return (req, res, next) => {
    const origin = req.get('Origin');
    if (origin === undefined || policy.isAllowed(req, origin)) return next();
    sendError(res, 403, 'origin_not_allowed', MESSAGES.originNotAllowed);
  };
}

/** CORS headers for allowed origins only; a refused origin gets none. */
export function corsForAllowedOrigins(config: Config): RequestHandler {
  const policy = makeOriginPolicy(config);
  return cors((req, callback) => {
    const origin = req.headers.origin;
    const ok = origin !== undefined && policy.isAllowed(req as Request, origin);
    callback(null, {
      origin: ok ? origin : false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Content-Type', 'X-Request-Id', 'Last-Event-ID'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
      maxAge: 600,
    });
  });
}
