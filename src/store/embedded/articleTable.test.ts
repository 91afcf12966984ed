import { describe, expect, it } from 'vitest';
import { compileFilter, type SearchFilter } from '../filter.js';
import { addFacets, compileTableFilter, type TableFacets } from './articleFilter.js';
import { ArticleTable, ArticleTableFormatError } from './articleTable.js';
import type { ArticleMeta } from './segment.js';

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTLETS = ['VOV', 'vov', 'Tuổi Trẻ', 'TUOI TRE', 'Nhân  Dân', 'VnExpress', '', null];
const SECTIONS = ['Thế giới', 'the gioi', 'Kinh tế', 'Thể thao', 'Văn hóa', '', null];
const DATES = [
  '2020-05-01',
  '2020-05-02T08:00:00+07:00',
  '2021-12-31',
  '2019-01-01T00:00:00Z',
  '2020-05-01T23:59',
  'tháng 5 2020',
  '2020-5-1',
  '2020',
  '',
  null,
  '0000-00-00',
  '9999-12-31',
];
/** Ids whose UTF-8 and UTF-16 orders differ (a surrogate pair against U+E000 and above), prefixes of each other, Vietnamese. */
const ID_STEMS = ['a', 'ab', 'bài-😀', 'bài-\uE000', 'bài-\uFFFD', 'đường', 'z', '𝒳'];

function variedArticles(count: number, seed: number): ArticleMeta[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => ({
    id: `${pick(ID_STEMS)}-${i}`,
    title: `Tiêu đề ${i} ${pick(ID_STEMS)}`,
    outlet: pick(OUTLETS),
    publishedAt: pick(DATES),
    section: pick(SECTIONS),
    url: next() < 0.5 ? null : `https://example.vn/${i}?q=${pick(ID_STEMS)}`,
    sourceFile: `nguồn/${i}.md`,
    originalFile: next() < 0.5 ? null : next() < 0.5 ? '' : `gốc/${i}.txt`,
    contentHash: i % 7 === 0 ? '' : `hash-${i}`,
    passageCount: Math.floor(next() * 5),
  }));
}

function variedFilters(articles: readonly ArticleMeta[], count: number, seed: number): SearchFilter[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const some = <T>(xs: readonly T[]) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(xs));
  const days = ['2019-06-01', '2020-05-01', '2020-05-02', '2021-12-31', '2020', '2020-05', 'tháng', '0000-00-00', '9999-12-31'];
  const names = ['VOV', 'vov', 'tuoi tre', 'Tuổi  Trẻ', 'nhan dan', 'THẾ GIỚI', 'the gioi', 'kinh te', 'thể thao', 'không có', ' vov '];
  return Array.from({ length: count }, () => {
    const f: SearchFilter = {};
    if (next() < 0.4) f.outlets = some(names);
    if (next() < 0.4) f.sections = some(names);
    if (next() < 0.4) f.from = pick(days);
    if (next() < 0.4) f.to = pick(days);
    if (next() < 0.2) f.documentIds = [...some(articles.map((a) => a.id)), 'không-có-bài-này'];
    return f;
  });
}

describe('ArticleTable', () => {
  it('gives back every article as it was added, from its saved bytes too', () => {
    const articles = variedArticles(500, 1);
    const table = ArticleTable.of(articles);
    const reopened = ArticleTable.fromBytes(new Uint8Array(table.toBytes()));
    expect(reopened.length).toBe(500);
    articles.forEach((a, n) => {
      expect(table.get(n)).toEqual(a);
      expect(reopened.get(n)).toEqual(a);
    });
    expect(Array.from(reopened.passageCounts)).toEqual(articles.map((a) => a.passageCount));
  });

  it('finds every id by bisection (UTF-8 order, surrogates and private-use characters included) and no other', () => {
    const articles = variedArticles(300, 2);
    const table = ArticleTable.fromBytes(ArticleTable.of(articles).toBytes());
    articles.forEach((a, n) => expect(table.numberOf(a.id)).toBe(n));
    for (const absent of ['', 'a', 'a-', 'bài-😀', '𝒳-300', 'zz', '\uD800', 'a-0 ']) expect(table.numberOf(absent)).toBe(-1);
    expect(ArticleTable.of([]).numberOf('a')).toBe(-1);
  });

  it('refuses bytes that are not a whole table it can read', () => {
    const bytes = ArticleTable.of(variedArticles(20, 3)).toBytes();
    const changed = (at: number, value: number) => {
      const copy = new Uint8Array(bytes);
      new DataView(copy.buffer).setUint32(at, value, true);
      return copy;
    };
    const refusals: Array<[Uint8Array, RegExp]> = [
      [bytes.subarray(0, bytes.length - 4), /shorter than its header says|longer than its header says/],
      [bytes.subarray(0, 8), /shorter than its header/],
      [new Uint8Array([...bytes, 0, 0, 0, 0]), /longer than its header says/],
      [changed(0, 0x12345678), /not an article table/],
      [changed(4, 99), /format 99/],
      [changed(8, 21), /has 80 bytes, not 84/], // the article count
    ];
    // An id offset pointing backwards, and an outlet code beyond the dictionary.
    const table = ArticleTable.fromBytes(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerBytes = 16 + 4 * view.getUint32(12, true);
    const blockStart = (block: number) => {
      let at = headerBytes;
      for (let b = 0; b < block; b++) at += (view.getUint32(16 + 4 * b, true) + 3) & ~3;
      return at;
    };
    refusals.push([changed(blockStart(6) + 8, 0), /id offsets go backwards/]);
    refusals.push([changed(blockStart(1), table.outlets.length + 5), /outlet code is outside its dictionary/]);
    refusals.push([changed(blockStart(4), 0), /not a permutation/]);
    for (const [damaged, message] of refusals) {
      const err = (() => {
        try {
          ArticleTable.fromBytes(damaged);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(ArticleTableFormatError);
      expect((err as Error).message).toMatch(message);
    }
  });
});

describe('compileTableFilter', () => {
  it('accepts exactly the articles compileFilter accepts', () => {
    const articles = variedArticles(400, 4);
    const table = ArticleTable.of(articles);
    const filters = variedFilters(articles, 400, 5);
    let accepted = 0;
    for (const filter of filters) {
      const byObject = compileFilter(filter);
      const byColumns = compileTableFilter(filter, table);
      for (let n = 0; n < articles.length; n++) {
        const want = byObject(articles[n]!);
        if (byColumns(n) !== want) throw new Error(`article ${JSON.stringify(articles[n])} under ${JSON.stringify(filter)}: expected ${want}`);
        if (want) accepted++;
      }
    }
    // The filters are varied enough that both outcomes are common.
    expect(accepted).toBeGreaterThan(filters.length * articles.length * 0.05);
    expect(accepted).toBeLessThan(filters.length * articles.length * 0.95);
  });
});

describe('addFacets', () => {
  it('counts live articles per outlet and section name and finds the first and last day, as over the articles themselves', () => {
    const segments = [variedArticles(200, 6), variedArticles(150, 7), variedArticles(3, 8)];
    const deleted = segments.map((s, i) => (i === 2 ? null : Uint8Array.from(s, (_, n) => (n % 4 === i ? 1 : 0))));
    const got: TableFacets = { outlets: new Map(), sections: new Map(), first: null, last: null };
    segments.forEach((s, i) => addFacets(ArticleTable.of(s), deleted[i]!, got));

    const want: TableFacets = { outlets: new Map(), sections: new Map(), first: null, last: null };
    segments.forEach((s, i) =>
      s.forEach((a, n) => {
        if (deleted[i]?.[n] === 1) return;
        if (a.outlet) want.outlets.set(a.outlet, (want.outlets.get(a.outlet) ?? 0) + 1);
        if (a.section) want.sections.set(a.section, (want.sections.get(a.section) ?? 0) + 1);
        const day = a.publishedAt?.slice(0, 10);
        if (day && (want.first === null || day < want.first)) want.first = day;
        if (day && (want.last === null || day > want.last)) want.last = day;
      }),
    );
    expect(new Map([...got.outlets].sort())).toEqual(new Map([...want.outlets].sort()));
    expect(new Map([...got.sections].sort())).toEqual(new Map([...want.sections].sort()));
    expect([got.first, got.last]).toEqual([want.first, want.last]);
    expect([want.first, want.last]).toEqual(['0000-00-00', 'tháng 5 20']); // an irregular date is the latest, as a string
  });
});
