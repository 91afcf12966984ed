import type { RequestHandler, Router } from 'express';
import { MESSAGES, sendError } from '../errors.js';

/**
 * 405 `method_not_allowed` with an `Allow` header for a path some route of `router` serves with
 * other methods (`GET /api/chat`, `DELETE /health`); a path no route serves falls through to 404.
 * The methods are read from the router's own routes (nested routers included), so a new route
 * needs no second registration here. Mount it after the routes, before the 404 handler.
 */

/** The parts of Express's (router 2.x) layers read here. */
interface RouteLike {
  methods: Record<string, boolean | undefined>;
}
interface LayerLike {
  route?: RouteLike;
  handle?: unknown;
  match(path: string): false | { path: string };
}

const isLayer = (x: unknown): x is LayerLike =>
  typeof x === 'object' && x !== null && 'match' in x && typeof x.match === 'function';

function nestedStack(handle: unknown): unknown[] | undefined {
  if (typeof handle !== 'function' || !('stack' in handle)) return undefined;
  return Array.isArray(handle.stack) ? handle.stack : undefined;
}

/** Every method the routes of `stack` (a router's layers) accept for `path`. */
export function allowedMethods(stack: readonly unknown[], path: string): Set<string> {
  const allowed = new Set<string>();
  for (const layer of stack) {
    if (!isLayer(layer)) continue;
    const match = layer.match(path);
    if (!match) continue;
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') allowed.add(method.toUpperCase());
      }
      continue;
    }
    const nested = nestedStack(layer.handle);
    if (!nested) continue;
    const rest = path.slice(match.path.length);
    for (const m of allowedMethods(nested, rest.startsWith('/') ? rest : `/${rest}`)) allowed.add(m);
  }
  if (allowed.has('GET')) allowed.add('HEAD');
  return allowed;
}

export function methodNotAllowed(router: Router): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const allowed = allowedMethods(router.stack, req.path);
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const list = [...allowed].sort();
    res.setHeader('Allow', list.join(', '));
    sendError(res, 405, 'method_not_allowed', MESSAGES.methodNotAllowed(req.method, list));
  };
}
