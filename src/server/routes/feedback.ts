import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { HttpError, MESSAGES, requestIdOf } from '../errors.js';
import { parseFeedbackBody } from '../schemas.js';

export function feedbackRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/feedback', async (req, res) => {
    const body = parseFeedbackBody(req.body);
    const found = await ctx.conversations.findMessage(body.messageId);
    if (!found) throw new HttpError(404, 'not_found', MESSAGES.messageNotFound);
    await ctx.feedback.append({
      messageId: body.messageId,
      conversationId: found.conversationId,
      rating: body.rating,
      ...(body.comment !== undefined ? { comment: body.comment } : {}),
      question: found.turn.question,
      answer: found.turn.answer,
      mode: found.turn.mode,
      createdAt: new Date().toISOString(),
      requestId: requestIdOf(res),
    });
    res.status(201).json({ ok: true });
  });
  return router;
}
