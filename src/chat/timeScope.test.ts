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
});
