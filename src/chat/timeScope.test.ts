import { describe, expect, it } from 'vitest';
import type { SearchOptions, SearchResult, Searcher } from '../retrieval/types.js';
import { makeTurnScope, passageInPeriod } from './timeScope.js';

const FIRST_HALF_2004 = { from: '2004-01-01', to: '2004-06-30' };

describe('passageInPeriod', () => {
  it('takes an article published in the period', () => {
    expect(passageInPeriod({ publishedAt: '2004-03-02', text: 'Kim ngạch đạt 1,3 tỷ USD.' }, FIRST_HALF_2004)).toBe(true);
    expect(passageInPeriod({ publishedAt: '2004-08-02', text: 'Kim ngạch đạt 1,3 tỷ USD.' }, FIRST_HALF_2004)).toBe(false);
  });

  it('places an event only inside the period: "năm 2004" is not its first half', () => {
    const text = 'Trong năm 2004, kim ngạch xuất khẩu giày dép đạt 1,3 tỷ USD.';
    expect(passageInPeriod({ publishedAt: '2005-01-10', text }, FIRST_HALF_2004)).toBe(false);
    expect(passageInPeriod({ publishedAt: '2005-01-10', text: 'Tháng 3/2004, kim ngạch đạt 1,3 tỷ USD.' }, FIRST_HALF_2004)).toBe(true);
  });

  it('reads "6 tháng đầu năm" in the year of the article, or of an undated passage\'s text', () => {
    const half = '6 tháng đầu năm, kim ngạch xuất khẩu giày dép đạt 1,3 tỷ USD, tăng 17% so với cùng kỳ năm ngoái.';
    // Reported in July: published after the half-year it tells of.
    expect(passageInPeriod({ publishedAt: '2004-07-05', text: half }, FIRST_HALF_2004)).toBe(true);
    expect(passageInPeriod({ publishedAt: '2005-07-05', text: half }, FIRST_HALF_2004)).toBe(false);
    const undated = `${half} Cả năm 2004, kim ngạch dự kiến đạt 2,8 tỷ USD, tăng so với năm 2003.`;
    expect(passageInPeriod({ publishedAt: null, text: undated }, FIRST_HALF_2004)).toBe(true);
    expect(passageInPeriod({ publishedAt: null, text: half }, FIRST_HALF_2004)).toBe(false);
  });
});

describe('makeTurnScope: a period in the question', () => {
  const passage = (documentId: string, publishedAt: string, score: number): SearchResult => ({
    text: 'Kim ngạch xuất khẩu giày dép đạt 1,3 tỷ USD.',
    score,
    documentId,
    title: 'Xuất khẩu giày dép',
    outlet: 'VnExpress',
    publishedAt,
    chunkId: `${documentId}#0`,
    start: 0,
    end: 10,
  });
  // The archive's best passage is of another year; the period's own scores under the threshold.
  const searcher: Searcher = {
    async search(_query: string, options?: SearchOptions) {
      const all = [passage('other-year', '2006-03-01', 0.9), passage('in-period', '2004-03-01', 0.3)];
      const { from, to } = options?.filter ?? {};
      const kept = all.filter((r) => (!from || r.publishedAt! >= from) && (!to || r.publishedAt! <= to));
      return { results: kept, relevant: kept.some((r) => r.score >= 0.5) };
    },
  };
  const scopeOf = () =>
    makeTurnScope({
      question: 'Kim ngạch xuất khẩu giày dép 6 tháng đầu năm 2004 đạt bao nhiêu?',
      filter: undefined,
      isFollowUp: false,
      reference: '2020-12-15',
      relevanceThreshold: 0.5,
      archiveHasDates: true,
    });

  it('gives the answerer the period\'s passages, marked not relevant, when none clears the threshold; never another year\'s', async () => {
    const scope = scopeOf();
    const r = await scope.search(searcher, 'Kim ngạch xuất khẩu giày dép đạt bao nhiêu?', { k: 5 });
    expect(r.relevant).toBe(false);
    expect(r.results.map((x) => x.documentId)).toEqual(['in-period']);
    // Unless the answer is grounded, the turn reports the period as not found.
    expect(scope.period).toMatchObject({ applied: true, found: false });
  });
});
