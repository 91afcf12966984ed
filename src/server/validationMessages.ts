import { z } from 'zod';

/**
 * Zod's messages in Vietnamese, naming the field ("conversationId quá dài (tối đa 200 ký tự).").
 * Passed per parse (`schema.safeParse(input, { error: vietnameseErrorMap })`) rather than set with
 * `z.config()`, which is global state shared by every schema in the process. A message a schema
 * sets itself still wins over these.
 */

type RawIssue = z.core.$ZodRawIssue;

/** Zod's own Vietnamese locale, for the rare issue kinds the map below does not word itself. */
const zodVietnamese = z.locales.vi().localeError;

function fieldName(path: readonly PropertyKey[] | undefined): string {
  const parts = (path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  return parts.join('.').replace(/\.\[/g, '[');
}

const TYPE_NAMES: Record<string, string> = {
  string: 'một chuỗi ký tự',
  number: 'một số',
  int: 'một số nguyên',
  boolean: 'true hoặc false',
  object: 'một đối tượng JSON',
  array: 'một danh sách',
};

const quoteList = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

function sizeMessage(field: string, issue: RawIssue & { code: 'too_big' | 'too_small' }): string {
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  switch (issue.origin) {
    case 'string':
      if (!big && limit <= 1) return `${field} không được để trống.`;
      return big ? `${field} quá dài (tối đa ${limit} ký tự).` : `${field} quá ngắn (tối thiểu ${limit} ký tự).`;
    case 'array':
    case 'set':
      if (!big && limit <= 1) return `${field} không được rỗng.`;
      return big ? `${field} có quá nhiều phần tử (tối đa ${limit}).` : `${field} cần ít nhất ${limit} phần tử.`;
    case 'number':
    case 'int':
    case 'bigint':
      if (big) return issue.inclusive ? `${field} phải nhỏ hơn hoặc bằng ${limit}.` : `${field} phải nhỏ hơn ${limit}.`;
      return issue.inclusive ? `${field} phải lớn hơn hoặc bằng ${limit}.` : `${field} phải lớn hơn ${limit}.`;
    default:
      return big ? `${field} quá lớn (tối đa ${limit}).` : `${field} quá nhỏ (tối thiểu ${limit}).`;
  }
}

/** The Vietnamese message for one issue, or undefined to leave zod's (a schema's own message). */
export function vietnameseIssueMessage(issue: RawIssue): string {
  const field = fieldName(issue.path) || 'Nội dung yêu cầu';
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `Thiếu trường ${field}.`;
      const expected = TYPE_NAMES[issue.expected] ?? `kiểu ${issue.expected}`;
      return `${field} phải là ${expected}.`;
    }
    case 'too_big':
    case 'too_small':
      return sizeMessage(field, issue);
    case 'invalid_value':
      return issue.values.length === 1
        ? `${field} phải là ${quoteList(issue.values)}.`
        : `${field} phải là một trong các giá trị: ${quoteList(issue.values)}.`;
    case 'unrecognized_keys': {
      const where = fieldName(issue.path) ? ` trong ${field}` : '';
      return `Không hỗ trợ trường ${issue.keys.join(', ')}${where}.`;
    }
    case 'invalid_format':
      return `${field} không đúng định dạng.`;
    case 'not_multiple_of':
      return `${field} phải là bội số của ${String(issue.divisor)}.`;
    default: {
      const fallback = zodVietnamese(issue);
      const text = typeof fallback === 'string' ? fallback : (fallback?.message ?? 'Giá trị không hợp lệ');
      return `${field}: ${text}.`;
    }
  }
}

/** The per-parse error map: `schema.safeParse(input, { error: vietnameseErrorMap })`. */
export const vietnameseErrorMap: z.core.$ZodErrorMap = (issue) => vietnameseIssueMessage(issue);

/** The first problem of a failed parse, as one Vietnamese sentence for an API error message. */
export function describeValidationError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Yêu cầu không hợp lệ.';
  const field = fieldName(issue.path);
  // Messages a schema sets itself may not name the field; say which one it is about.
  return field && !issue.message.includes(field) ? `Trường "${field}": ${issue.message}` : issue.message;
}
