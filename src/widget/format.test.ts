import { describe, expect, it } from 'vitest';
import { excerpt, formatDateVi, groupByArticle, parseHighlightRange, splitAnswer } from './format.js';
import { resolveApiBase, readOptions } from './options.js';

describe('formatDateVi', () => {
  it('formats the calendar date as dd/mm/yyyy without a time-zone shift', () => {
    expect(formatDateVi('2024-03-05')).toBe('05/03/2024');
    expect(formatDateVi('2024-12-31T23:30:00-10:00')).toBe('31/12/2024');
    expect(formatDateVi(null)).toBe('');
    expect(formatDateVi('hôm qua')).toBe('');
  });
});

describe('splitAnswer', () => {
  it('turns known [n] markers into citations and leaves other brackets as text', () => {
    expect(splitAnswer('GDP tăng 7% [1]. Năm [2020] khác [2; 1].', new Set([1, 2]))).toEqual([
      { kind: 'text', text: 'GDP tăng 7% ' },
      { kind: 'cite', n: 1 },
      { kind: 'text', text: '. Năm [2020] khác ' },
      { kind: 'cite', n: 2 },
      { kind: 'cite', n: 1 },
      { kind: 'text', text: '.' },
    ]);
  });
});

describe('parseHighlightRange', () => {
  const p = (q: string) => new URLSearchParams(q);
  it('accepts a valid range and clamps the end to the text', () => {
    expect(parseHighlightRange(p('start=3&end=10'), 100)).toEqual({ start: 3, end: 10 });
    expect(parseHighlightRange(p('start=3&end=1000'), 100)).toEqual({ start: 3, end: 100 });
  });
  it('rejects missing, negative, reversed or non-numeric ranges', () => {
    for (const q of ['', 'start=3', 'start=-1&end=4', 'start=5&end=5', 'start=9&end=2', 'start=a&end=4', 'start=200&end=300']) {
      expect(parseHighlightRange(p(q), 100)).toBeNull();
    }
  });
});

describe('widget options', () => {
  it('talks to the folder the script came from unless data-api overrides it', () => {
    expect(resolveApiBase('https://tin.example/widget.js?v=2', undefined, 'https://news.example/a')).toBe('https://tin.example');
    expect(resolveApiBase('https://tin.example/tro-ly/widget.js', undefined, 'https://news.example/a')).toBe('https://tin.example/tro-ly');
    expect(resolveApiBase('https://cdn.example/widget.js', 'https://api.example/', 'https://news.example/a')).toBe('https://api.example');
  });
  it('reads data attributes with safe defaults', () => {
    const o = readOptions({ theme: 'purple', open: 'true', mode: 'page', maxChars: 'x' }, '/widget.js', 'http://localhost:3000/', 2000);
    expect(o).toMatchObject({ apiBase: 'http://localhost:3000', title: 'Trợ lý tin tức', theme: 'light', startOpen: true, pageMode: true, maxChars: 2000, position: 'bottom-right' });
    expect(readOptions({ theme: 'auto', maxChars: '500', position: 'bottom-left' }, null, 'http://h/', 2000)).toMatchObject({ theme: 'auto', maxChars: 500, position: 'bottom-left' });
  });
});

describe('groupByArticle', () => {
  it('puts the passages of one article together, articles in order of first citation', () => {
    const c = (n: number, documentId: string) => ({ n, documentId });
    const groups = groupByArticle([c(3, 'b'), c(1, 'a'), c(2, 'b'), c(4, 'a')]);
    expect(groups.map((g) => [g.documentId, g.passages.map((p) => p.n)])).toEqual([
      ['a', [1, 4]],
      ['b', [2, 3]],
    ]);
  });
});

describe('excerpt', () => {
  it('keeps short text and cuts long text at a word', () => {
    expect(excerpt('  Cầu Phú Lâm\nthông xe.  ')).toBe('Cầu Phú Lâm thông xe.');
    const long = 'Ngày 2/9/2019, cầu Phú Lâm bắc qua sông Lam chính thức thông xe sau hơn ba năm thi công, rút ngắn quãng đường đi lại.';
    const cut = excerpt(long, 60);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(61);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
  });
});
