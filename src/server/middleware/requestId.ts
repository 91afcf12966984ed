import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** A caller's id is kept when it is a sane token, so a proxy's id threads through our logs. */
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id = incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
