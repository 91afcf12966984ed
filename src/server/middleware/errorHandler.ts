import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ConversationNotFoundError } from '../../chat/conversations.js';
import { HttpError, MESSAGES, sendError } from '../errors.js';

/** Errors of express.json (body-parser) carry a `type` naming what went wrong. */
function bodyParserType(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  return typeof err.type === 'string' ? err.type : undefined;
}

export function notFoundHandler(): RequestHandler {
  return (_req, res) => sendError(res, 404, 'not_found', MESSAGES.notFoundRoute);
}

/** Turns every error into the API's JSON error shape; unexpected ones are logged, never leaked. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      // A stream already under way reports its own errors; all that is left is to stop.
      res.end();
      return;
    }
    if (err instanceof HttpError) {
      res.set(err.headers);
      return sendError(res, err.status, err.code, err.message);
    }
    if (err instanceof ConversationNotFoundError) {
      return sendError(res, 404, 'conversation_not_found', MESSAGES.conversationNotFound);
    }
    switch (bodyParserType(err)) {
      case 'entity.parse.failed':
        return sendError(res, 400, 'invalid_json', MESSAGES.invalidJson);
      case 'entity.too.large':
        return sendError(res, 413, 'payload_too_large', MESSAGES.payloadTooLarge);
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return sendError(res, 415, 'invalid_request', 'Chỉ nhận JSON mã hóa UTF-8.');
      case 'request.aborted':
        return;
      default:
        break;
    }
    logger.error({ err, requestId: res.locals.requestId, method: req.method, path: req.path }, 'request failed');
    sendError(res, 500, 'internal', MESSAGES.internal);
  };
}
