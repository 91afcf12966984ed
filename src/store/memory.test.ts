import { describe, expect, it } from 'vitest';
import { TEST_SETTINGS, articleEntry, unit } from '../../tests/helpers/storeEntries.js';
import { makeMemorySnapshot } from './memory.js';

const OUTLETS = ['VOV', 'Báo Thanh Niên', 'TTXVN', 'Tuổi Trẻ'];
const SECTIONS = ['Thế giới', 'Kinh tế', 'Thể thao'];

/** 3,000 articles of two passages each (6,000 passages); one in 100 is from "Nhân Dân". */
function archive() {
  return Array.from({ length: 3000 }, (_, i) =>
    articleEntry(
      `a${i}`,
      [`Tin số ${i} về kinh tế Việt Nam năm ${2000 + (i % 20)}.`, `Đoạn hai của bài ${i} nói về Hà Nội.`],
      {
        outlet: i % 100 === 7 ? 'Nhân Dân' : OUTLETS[i % OUTLETS.length]!,
        section: SECTIONS[i % SECTIONS.length]!,
        publishedAt: `${2000 + (i % 20)}-0${1 + (i % 9)}-15`,
      },
    ),
  );
}

describe('makeMemorySnapshot', () => {
  it('answers dense search with the stored vectors, best first, cosine scores', async () => {
    const entries = archive().slice(0, 200);
    const snap = await makeMemorySnapshot(TEST_SETTINGS, entries);
    expect(snap.commit).toMatchObject({ articles: 200, passages: 400, sequence: 1 });
    const target = entries[42]!;
    const hits = await snap.denseSearch(Array.from(target.vectors[1]!), 5);
    expect(hits[0]).toMatchObject({ chunkId: 'a42#1' });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('returns passages with their text cut from the article, and articles by id', async () => {
    const entries = archive().slice(0, 10);
    const snap = await makeMemorySnapshot(TEST_SETTINGS, entries);
    const got = await snap.passages(['a3#1', 'a3#9', 'nope#0']);
    expect([...got.keys()]).toEqual(['a3#1']);
    expect(got.get('a3#1')).toMatchObject({ documentId: 'a3', ordinal: 1, text: 'Đoạn hai của bài 3 nói về Hà Nội.', section: 'Thế giới' });
    const article = await snap.article('a3');
    expect(article?.text.slice(got.get('a3#1')!.start, got.get('a3#1')!.end)).toBe(got.get('a3#1')!.text);
    expect(await snap.article('missing')).toBeUndefined();
    const vectors = await snap.vectors(['a3#0']);
    expect(Array.from(vectors.get('a3#0')!)).toEqual(Array.from(entries[3]!.vectors[0]!));
  });

  it('a filter keeping 1% of the passages still returns k dense and k lexical results, all matching', async () => {
    const entries = archive();
    const snap = await makeMemorySnapshot(TEST_SETTINGS, entries);
    const filter = { outlets: ['nhan dan'] };
    const k = 20;
    const dense = await snap.denseSearch(Array.from(unit(5, TEST_SETTINGS.dimensions)), k, { filter });
    expect(dense).toHaveLength(k);
    expect(dense.every((h) => Number(h.chunkId.slice(1, h.chunkId.indexOf('#'))) % 100 === 7)).toBe(true);
    // Exactly the best k of the matching passages (the exact answer, not an approximation).
    const q = unit(5, TEST_SETTINGS.dimensions);
    const exact = entries
      .filter((e) => e.article.outlet === 'Nhân Dân')
      .flatMap((e) => e.passages.map((p, i) => ({ id: p.chunkId, s: e.vectors[i]!.reduce((s, x, j) => s + x * q[j]!, 0) })))
      .sort((a, b) => b.s - a.s)
      .slice(0, k)
      .map((h) => h.id);
    expect(dense.map((h) => h.chunkId)).toEqual(exact);
    // Scores asked for every passage: only the 30 the filter keeps come back.
    const every = entries.flatMap((e) => e.passages.map((p) => p.chunkId));
    const lexical = await snap.lexicalSearch('Hà Nội', k, { filter }, every);
    expect(lexical.top).toHaveLength(k);
    expect(lexical.top.every((h) => Number(h.chunkId.slice(1, h.chunkId.indexOf('#'))) % 100 === 7)).toBe(true);
    expect(lexical.scores.size).toBe(30);
    expect(lexical.scores.get('a7#1')).toBeGreaterThan(0);
    expect(lexical.scores.get('a8#1')).toBeUndefined();
  });

  it('filters by section, dates (inclusive), document ids and excluded documents', async () => {
    const snap = await makeMemorySnapshot(TEST_SETTINGS, archive().slice(0, 300));
    const q = Array.from(unit(1, TEST_SETTINGS.dimensions));
    const bySection = await snap.denseSearch(q, 50, { filter: { sections: ['the thao'] } });
    expect(bySection.every((h) => Number(h.chunkId.slice(1, h.chunkId.indexOf('#'))) % 3 === 2)).toBe(true);
    const byDay = await snap.lexicalSearch('kinh tế', 500, { filter: { from: '2005-01-01', to: '2005-12-31' } });
    expect(byDay.top.length).toBe(15);
    const ids = await snap.denseSearch(q, 10, { filter: { documentIds: ['a1', 'a2'] } });
    expect(new Set(ids.map((h) => h.chunkId))).toEqual(new Set(['a1#0', 'a1#1', 'a2#0', 'a2#1']));
    const excluded = await snap.lexicalSearch('bài 7', 50, { excludeDocumentIds: new Set(['a7']) }, ['a7#1']);
    expect(excluded.top.some((h) => h.chunkId.startsWith('a7#'))).toBe(false);
    expect(excluded.scores.get('a7#1')).toBeUndefined();
  });

  it('reports facets and term idf over the whole archive', async () => {
    const snap = await makeMemorySnapshot(TEST_SETTINGS, archive().slice(0, 100));
    const facets = await snap.facets();
    expect(facets.outlets.find((o) => o.name === 'Nhân Dân')?.articles).toBe(1);
    expect(facets.sections.map((s) => s.articles).reduce((a, b) => a + b, 0)).toBe(100);
    expect(facets.firstPublished).toBe('2000-01-15');
    expect(facets.lastPublished).toBe('2019-08-15');
    const idf = await snap.termIdf(['~ha', 'khongco']);
    expect(idf.get('~ha')!).toBeLessThan(idf.get('khongco')!);
    expect(idf.get('khongco')).toBeCloseTo(Math.log(1 + 200.5 / 0.5), 10);
  });
});
