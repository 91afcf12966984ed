import type { Response } from 'express';

/**
 * Every API error has one JSON shape, `{"error":{"code","message"},"requestId"}`: clients branch
 * on `code`, show `message` (Vietnamese, for the reader) and quote `requestId` when reporting.
 */

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'payload_too_large'
  | 'message_too_long'
  | 'conversation_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'forbidden'
  | 'origin_not_allowed'
  | 'rate_limited'
  | 'not_ready'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
  requestId: string;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function requestIdOf(res: Response): string {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : '';
}

export function errorBody(res: Response, code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message }, requestId: requestIdOf(res) };
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json(errorBody(res, code, message));
}

export const MESSAGES = {
  internal: 'Đã xảy ra lỗi máy chủ. Vui lòng thử lại sau.',
  invalidJson: 'Dữ liệu gửi lên không phải JSON hợp lệ.',
  payloadTooLarge: 'Dữ liệu gửi lên quá lớn.',
  notFoundRoute: 'Không có đường dẫn này trong API.',
  methodNotAllowed: (method: string, allowed: readonly string[]) =>
    `Đường dẫn này không nhận phương thức ${method}; chỉ nhận ${allowed.join(', ')}.`,
  metricsForbidden: 'Chỉ xem được số liệu vận hành từ chính máy chủ, hoặc với mã truy cập (METRICS_TOKEN).',
  notReady: 'Máy chủ đang nạp chỉ mục bài báo; vui lòng thử lại sau ít phút.',
  conversationNotFound: 'Không tìm thấy cuộc trò chuyện (có thể đã hết hạn); hãy bắt đầu cuộc trò chuyện mới.',
  documentNotFound: 'Không tìm thấy bài báo này.',
  messageNotFound: 'Không tìm thấy câu trả lời cần đánh giá.',
  originNotAllowed: 'Trang web này không được phép gọi API.',
  rateLimited: (seconds: number) => `Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ${seconds} giây.`,
  messageTooLong: (max: number) => `Câu hỏi quá dài (tối đa ${max} ký tự).`,
} as const;
