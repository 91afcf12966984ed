import { describe, expect, it } from 'vitest';
import { compileFilter, isEmptyFilter, searchFilterSchema } from './filter.js';

const article = (over: Partial<{ id: string; outlet: string | null; publishedAt: string | null; section: string | null }> = {}) => ({
  id: 'a1',
  outlet: 'VOV',
  publishedAt: '2019-12-03',
  section: 'Thế giới',
  ...over,
});

describe('search filter', () => {
  it('accepts every field and rejects unknown ones, bad days and reversed ranges with Vietnamese messages', () => {
    expect(searchFilterSchema.safeParse({ outlets: ['VOV'], from: '2019-01-01', to: '2020-12-31' }).success).toBe(true);
    const unknown = searchFilterSchema.safeParse({ outlet: 'VOV' });
    expect(unknown.success).toBe(false);
    const badDay = searchFilterSchema.safeParse({ from: '2019-02-30' });
    expect(badDay.success).toBe(false);
    expect(badDay.error?.issues[0]?.message).toMatch(/YYYY-MM-DD/);
    const reversed = searchFilterSchema.safeParse({ from: '2020-01-01', to: '2019-01-01' });
    expect(reversed.error?.issues[0]?.message).toMatch(/trước hoặc bằng/);
  });

  it('matches outlets and sections without case or diacritics, dates inclusively', () => {
    expect(compileFilter({ outlets: ['vov'] })(article())).toBe(true);
    expect(compileFilter({ outlets: ['TTXVN'] })(article())).toBe(false);
    expect(compileFilter({ sections: ['the gioi'] })(article())).toBe(true);
    expect(compileFilter({ from: '2019-12-03', to: '2019-12-03' })(article())).toBe(true);
    expect(compileFilter({ from: '2019-12-04' })(article())).toBe(false);
    expect(compileFilter({ to: '2019-12-02' })(article())).toBe(false);
    expect(compileFilter({ from: '2019-01-01' })(article({ publishedAt: null }))).toBe(false);
    expect(compileFilter({ documentIds: ['a2'] })(article())).toBe(false);
    expect(compileFilter({ outlets: ['VOV'] })(article({ outlet: null }))).toBe(false);
  });

  it('treats an absent or empty filter as no restriction', () => {
    expect(isEmptyFilter(undefined)).toBe(true);
    expect(isEmptyFilter({ outlets: [] })).toBe(true);
    expect(isEmptyFilter({ to: '2020-01-01' })).toBe(false);
    expect(compileFilter(undefined)(article({ publishedAt: null, outlet: null }))).toBe(true);
  });
});
