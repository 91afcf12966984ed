import { describe, expect, it } from 'vitest';
import { expanderWith, findDefinedAbbreviations } from './definedAbbreviations.js';

describe('findDefinedAbbreviations', () => {
  it('reads the name before a bracketed abbreviation, from the head word of the name', () => {
    expect(findDefinedAbbreviations('Ông hoan nghênh đề nghị hỗ trợ của Liên hợp quốc với Viện ASEAN vì hòa bình và hòa giải (AIPR), đặc biệt là')).toEqual([
      { short: 'AIPR', name: 'Viện ASEAN vì hòa bình và hòa giải' },
    ]);
    expect(findDefinedAbbreviations('Hội nghị cấp cao Tổ chức An ninh và Hợp tác châu Âu (OSCE) ở thủ đô Astana')).toEqual([
      { short: 'OSCE', name: 'Tổ chức An ninh và Hợp tác châu Âu' },
    ]);
  });

  it('keeps a name that holds another name ("Chương trình Phát triển Liên Hợp Quốc")', () => {
    expect(findDefinedAbbreviations('theo Chương trình Phát triển Liên Hợp Quốc (UNDP), năm 2020')[0]?.name).toBe('Chương trình Phát triển Liên Hợp Quốc');
  });

  it('ignores brackets that hold a place or a remark, not an abbreviation', () => {
    expect(findDefinedAbbreviations('Bệnh viện Bạch Mai (Hà Nội) cho biết, năm 2020 (ước tính) và (Ảnh: TTXVN)')).toEqual([]);
  });
});

describe('expanderWith', () => {
  it('lets an abbreviation in a question stand for the name a passage defined, and back', () => {
    const expand = expanderWith(findDefinedAbbreviations('các thành viên Viện Hòa bình và Hòa giải ASEAN (AIPR), Nhóm'));
    expect(expand('AIPR được thành lập năm nào?')).toContain('Viện Hòa bình và Hòa giải ASEAN');
    expect(expand('Viện Hòa bình và Hòa giải ASEAN viết tắt là gì?')).toContain('AIPR');
    // The built-in table still works beside it.
    expect(expand('LHQ và AIPR')).toContain('Liên Hợp Quốc');
  });
});
