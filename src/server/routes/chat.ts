import { Router, type Request, type Response } from 'express';
import type { ChatBody } from '../schemas.js';
import type { ApiContext } from '../context.js';
import { MESSAGES, requestIdOf } from '../errors.js';
import { filterFromQuery, parseChatBody } from '../schemas.js';
import { openEventStream } from '../sse.js';

/**
 * `POST /api/chat` answers in one JSON record. `POST /api/chat/stream` and `GET
 * /api/chat/stream?message=…` (for EventSource) stream it: `sources` first
 * (with the conversation and message ids and the applied filter, as soon as retrieval is done),
 * `delta`…, `done` (the same record as /api/chat, authoritative over the deltas), or `error`.
 * The GET takes its filter as `filter=<JSON>` or as `outlet=`/`from=`/`to=`/`doc=`/`section=`.
 * Input errors and an unknown conversation are plain JSON errors, sent before the stream opens.
 */
export function chatRoutes(ctx: ApiContext): Router {
  const router = Router();

  router.post('/chat', async (req, res) => {
    const body = parseChatBody(req.body, ctx.config);
    const { chat } = ctx.services();
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const record = await chat.chat(body, { signal: controller.signal });
    res.json(record);
  });

  const stream = async (req: Request, res: Response, body: ChatBody) => {
    const { chat } = ctx.services();
    const exchange = await chat.begin(body);
    const events = openEventStream(req, res);
    try {
      const record = await exchange.run({
        signal: events.signal,
        onSources: (sources, scope) =>
          events.send('sources', { conversationId: exchange.conversationId, messageId: exchange.messageId, sources, ...scope }),
        onDelta: (text) => events.send('delta', { text }),
      });
      events.send('done', record);
    } catch (err) {
      if (!events.signal.aborted) {
        ctx.logger.error({ err, requestId: requestIdOf(res) }, 'chat stream failed');
        events.send('error', { error: { code: 'internal', message: MESSAGES.internal }, requestId: requestIdOf(res) });
      }
    } finally {
      events.end();
    }
  };

  router.post('/chat/stream', async (req, res) => {
    await stream(req, res, parseChatBody(req.body, ctx.config));
  });

  router.get('/chat/stream', async (req, res) => {
    const { message, conversationId } = req.query;
    const filter = filterFromQuery(req.query);
    const body = parseChatBody(
      {
        message,
        ...(conversationId !== undefined && conversationId !== '' ? { conversationId } : {}),
        ...(filter ? { filter } : {}),
      },
      ctx.config,
    );
    await stream(req, res, body);
  });

  return router;
}
