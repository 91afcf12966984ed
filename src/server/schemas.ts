import { z } from 'zod';
import type { Config } from '../config/config.js';
import { HttpError, MESSAGES } from './errors.js';
import { describeValidationError, vietnameseErrorMap } from './validationMessages.js';

/**
 * Request validation at the API boundary. Zod checks the shape; the product rules (not blank,
 * not too long) get their own codes, because clients react to them differently.
 */

const ID = z.string().min(1).max(200);

const chatShape = z.object({
  message: z.string({ error: 'Trường "message" phải là một chuỗi ký tự.' }),
  conversationId: ID.optional(),
});

const searchShape = z.object({
  query: z.string({ error: 'Trường "query" phải là một chuỗi ký tự.' }),
  k: z.coerce.number().int().min(1).max(50).optional(),
});

const feedbackShape = z.object({
  messageId: ID,
  rating: z.enum(['up', 'down'], { error: 'Trường "rating" phải là "up" hoặc "down".' }),
  comment: z.string().max(2000).optional(),
});

export type ChatBody = z.infer<typeof chatShape>;
export type SearchBody = { query: string; k?: number };
export type FeedbackBody = z.infer<typeof feedbackShape>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(400, 'invalid_request', 'Nội dung yêu cầu phải là một đối tượng JSON.');
  }
  const parsed = schema.safeParse(input, { error: vietnameseErrorMap });
  if (!parsed.success) throw new HttpError(400, 'invalid_request', describeValidationError(parsed.error));
  return parsed.data;
}

function checkText(text: string, field: string, config: Config): string {
  if (text.trim().length === 0) {
    throw new HttpError(400, 'invalid_request', `Trường "${field}" không được để trống.`);
  }
  const max = config.server.maxMessageChars;
  if (text.length > max) {
    throw new HttpError(413, 'message_too_long', MESSAGES.messageTooLong(max));
  }
  return text;
}

export function parseChatBody(input: unknown, config: Config): ChatBody {
  const body = parse(chatShape, input);
  checkText(body.message, 'message', config);
  return body;
}

export function parseSearchBody(input: unknown, config: Config): SearchBody {
  const body = parse(searchShape, input);
  checkText(body.query, 'query', config);
  return body.k === undefined ? { query: body.query } : { query: body.query, k: body.k };
}

export function parseFeedbackBody(input: unknown): FeedbackBody {
  return parse(feedbackShape, input);
}
