import { describe, expect, it } from 'vitest';
import { passageInPeriod } from './timeScope.js';

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
