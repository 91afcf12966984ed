import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeValidationError, vietnameseErrorMap } from './validationMessages.js';

function messageFor(schema: z.ZodType, input: unknown): string {
  const parsed = schema.safeParse(input, { error: vietnameseErrorMap });
  if (parsed.success) throw new Error('expected a failure');
  return describeValidationError(parsed.error);
}

describe('Vietnamese validation messages', () => {
  it('names nested fields and list positions', () => {
    const schema = z.object({ filter: z.object({ outlets: z.array(z.string().max(5)).max(2) }) });
    expect(messageFor(schema, { filter: { outlets: ['VnExpress'] } })).toBe('filter.outlets[0] quá dài (tối đa 5 ký tự).');
    expect(messageFor(schema, { filter: { outlets: ['a', 'b', 'c'] } })).toBe('filter.outlets có quá nhiều phần tử (tối đa 2).');
    expect(messageFor(schema, { filter: {} })).toBe('Thiếu trường filter.outlets.');
  });

  it('words choices, unknown fields and exclusive bounds', () => {
    expect(messageFor(z.object({ rating: z.enum(['up', 'down']) }), { rating: 'meh' })).toBe(
      'rating phải là một trong các giá trị: "up", "down".',
    );
    expect(messageFor(z.strictObject({ a: z.string() }), { a: 'x', b: 1 })).toBe('Không hỗ trợ trường b.');
    expect(messageFor(z.object({ t: z.number().lt(1) }), { t: 1 })).toBe('t phải nhỏ hơn 1.');
  });

  it('leaves a message the schema sets itself, saying which field it is about', () => {
    const schema = z.object({ day: z.string().refine(() => false, 'Ngày không hợp lệ.') });
    expect(messageFor(schema, { day: 'x' })).toBe('Trường "day": Ngày không hợp lệ.');
  });
});
