import { describe, expect, it } from 'vitest';
import { findAbbreviations, makeAbbreviationExpander, expandAbbreviations } from './abbreviations.js';

describe('expandAbbreviations', () => {
  it('expands an abbreviation to its full form', () => {
    expect(expandAbbreviations('Nghị quyết LHQ')).toContain('Liên Hợp Quốc');
    expect(expandAbbreviations('phóng viên TTXVN')).toContain('Thông tấn xã Việt Nam');
    expect(expandAbbreviations('UBND tỉnh')).toContain('Ủy ban nhân dân');
  });

  it('expands a full form back to its abbreviation', () => {
    expect(expandAbbreviations('Hội đồng Bảo an họp')).toContain('HĐBA');
    expect(expandAbbreviations('Thành phố Hồ Chí Minh')).toEqual(expect.arrayContaining(['TP.HCM', 'TPHCM']));
    expect(expandAbbreviations('quan hệ Việt Nam - Hoa Kỳ')).toEqual(expect.arrayContaining(['VN', 'Mỹ']));
  });

  it('matches a query typed without accents on folded forms', () => {
    expect(expandAbbreviations('lien hop quoc hop o tphcm')).toEqual(
      expect.arrayContaining(['LHQ', 'Thành phố Hồ Chí Minh']),
    );
  });

  it('matches whole syllables only and never returns a form already in the query', () => {
    expect(expandAbbreviations('vnexpress đưa tin')).toEqual([]);
    expect(expandAbbreviations('LHQ')).not.toContain('LHQ');
  });

  it('is driven by the table it is given', () => {
    const expand = makeAbbreviationExpander([['ĐBSCL', 'Đồng bằng sông Cửu Long']]);
    expect(expand('lũ ở ĐBSCL')).toEqual(['Đồng bằng sông Cửu Long']);
    expect(expand('LHQ')).toEqual([]);
  });
});

describe('findAbbreviations', () => {
  it('reports the matched form and the alternatives as folded syllables', () => {
    const matches = findAbbreviations('hợp tác ASEAN-LHQ');
    expect(matches.map((m) => m.matched)).toEqual(expect.arrayContaining([['asean'], ['lhq']]));
    const lhq = findAbbreviations('hợp tác ASEAN-LHQ').find((x) => x.matched[0] === 'lhq');
    expect(lhq?.alternatives).toContainEqual(['lien', 'hop', 'quoc']);
  });
});
