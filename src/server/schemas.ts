import { z } from 'zod';
import type { Config } from '../config/config.js';
import { searchFilterSchema, type SearchFilter } from '../store/filter.js';
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
  filter: z.unknown().optional(),
});

const searchShape = z.object({
  query: z.string({ error: 'Trường "query" phải là một chuỗi ký tự.' }),
  k: z.coerce.number().int().min(1).max(50).optional(),
  filter: z.unknown().optional(),
});

const feedbackShape = z.object({
  messageId: ID,
  rating: z.enum(['up', 'down'], { error: 'Trường "rating" phải là "up" hoặc "down".' }),
  comment: z.string().max(2000).optional(),
});

export interface ChatBody {
  message: string;
  conversationId?: string;
  filter?: SearchFilter;
}
export interface SearchBody {
  query: string;
  k?: number;
  filter?: SearchFilter;
}
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
  return {
    message: body.message,
    ...(body.conversationId !== undefined ? { conversationId: body.conversationId } : {}),
    ...(body.filter !== undefined ? { filter: parseFilter(body.filter) } : {}),
  };
}

export function parseSearchBody(input: unknown, config: Config): SearchBody {
  const body = parse(searchShape, input);
  checkText(body.query, 'query', config);
  return {
    query: body.query,
    ...(body.k !== undefined ? { k: body.k } : {}),
    ...(body.filter !== undefined ? { filter: parseFilter(body.filter) } : {}),
  };
}

const FILTER_FIELDS = 'outlets, from, to, documentIds, sections';

/** A filter issue in Vietnamese, naming the field (`filter.outlets`). */
function describeFilterIssue(issue: z.core.$ZodIssue): string {
  const field = ['filter', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `Trường "filter" có khóa không hợp lệ: ${keys}. Các khóa được phép: ${FILTER_FIELDS}.`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.path.length === 0) return 'Trường "filter" phải là một đối tượng JSON, ví dụ {"outlets":["VOV"],"from":"2019-01-01"}.';
    if (issue.expected === 'array') return `Trường "${field}" phải là một danh sách chuỗi, ví dụ ["VOV"].`;
    return `Trường "${field}" phải là một chuỗi ký tự.`;
  }
  return `Trường "${field}": ${issue.message}`;
}

/** A filter from outside (JSON body, query string, CLI flags), or the Vietnamese message naming the bad field. */
export function readFilter(raw: unknown): { ok: true; filter: SearchFilter } | { ok: false; message: string } {
  const parsed = searchFilterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: issue ? describeFilterIssue(issue) : 'Bộ lọc không hợp lệ.' };
  }
  const filter = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as SearchFilter;
  return { ok: true, filter };
}

/** A filter from a request, or a 400 `invalid_request` naming the bad field. */
export function parseFilter(raw: unknown): SearchFilter {
  const read = readFilter(raw);
  if (!read.ok) throw new HttpError(400, 'invalid_request', read.message);
  return read.filter;
}

/**
 * The filter of `GET /api/chat/stream` (EventSource cannot send a body): either `filter=` holding
 * the same JSON as the body's field, or flat parameters `outlet=` (repeatable or comma-separated),
 * `from=`, `to=`, `doc=`, `section=`. Both at once is refused. Undefined when none is given.
 */
export function filterFromQuery(query: Record<string, unknown>): SearchFilter | undefined {
  const list = (key: string): string[] | undefined => {
    const v = query[key];
    if (v === undefined || v === '') return undefined;
    const values = (Array.isArray(v) ? v : [v]).map(String);
    return values.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x.length > 0);
  };
  const single = (key: string): string | undefined => {
    const v = query[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new HttpError(400, 'invalid_request', `Tham số "${key}" chỉ được có một giá trị.`);
    return v;
  };
  const flat: Record<string, unknown> = {};
  const outlets = list('outlet');
  const sections = list('section');
  const documentIds = list('doc');
  const from = single('from');
  const to = single('to');
  if (outlets) flat.outlets = outlets;
  if (sections) flat.sections = sections;
  if (documentIds) flat.documentIds = documentIds;
  if (from) flat.from = from;
  if (to) flat.to = to;
  const json = single('filter');
  if (json !== undefined && Object.keys(flat).length > 0) {
    throw new HttpError(400, 'invalid_request', 'Dùng hoặc tham số "filter" (JSON) hoặc các tham số outlet/from/to/doc/section, không dùng cả hai.');
  }
  let raw: unknown = Object.keys(flat).length > 0 ? flat : undefined;
  if (json !== undefined) {
    try {
      raw = JSON.parse(json);
    } catch {
      throw new HttpError(400, 'invalid_request', 'Tham số "filter" phải là JSON hợp lệ.');
    }
  }
  if (raw === undefined) return undefined;
  return parseFilter(raw);
}

export function parseFeedbackBody(input: unknown): FeedbackBody {
  return parse(feedbackShape, input);
}
