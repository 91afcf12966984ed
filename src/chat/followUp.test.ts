import { describe, expect, it } from 'vitest';
import { focusTerms, isFollowUp, mentionsAll, stripAnaphora } from './followUp.js';

describe('isFollowUp', () => {
  it.each([
    'Còn OSCE thì sao?',
    'Ai phát biểu khai mạc?',
    'Ông ấy nói gì?',
    'Họ đã ký những văn kiện nào?',
    'Sự kiện đó diễn ra ở đâu?',
    'Diễn ra ở đâu?',
    'Khi nào?',
    'con OSCE thi sao',
    'Sự việc đó xảy ra ở đâu?',
    'su viec do xay ra o dau',
    'Ông ấy giữ chức vụ gì?',
    'Hiệp định này được ký khi nào?',
    // Short in what it says, however many words it takes to ask.
    'Có khoảng bao nhiêu em tham dự?',
    'Tính ra mỗi người dân có mấy đồng?',
  ])('"%s" leans on the previous question', (q) => {
    expect(isFollowUp(q)).toBe(true);
  });

  it.each([
    'Đối thoại ASEAN – Liên Hợp Quốc về hợp tác chính trị – an ninh diễn ra khi nào?',
    'OSCE có bao nhiêu quốc gia thành viên?',
    'Hội nghị Cấp cao ASEAN-Liên Hợp Quốc lần thứ 3 diễn ra ở đâu?',
    'Nghị quyết về hợp tác ASEAN-LHQ có bao nhiêu nước đồng bảo trợ?',
    // Typed in lower case, a question names its topic by its foreign words.
    'porto mua luis fabiano voi gia bao nhieu?',
    'osce gom bao nhieu quoc gia thanh vien',
  ])('"%s" stands on its own', (q) => {
    expect(isFollowUp(q)).toBe(false);
  });
});

describe('focusTerms and stripAnaphora', () => {
  it('keeps a two-word name that opens what is left of "Còn … thì sao?"', () => {
    expect(focusTerms(stripAnaphora('Còn Thái Lan thì sao?'))).toEqual(['Thái', 'Lan']);
    expect(focusTerms(stripAnaphora('Hiệp định này được ký khi nào?'))).toEqual([]);
  });

  it('finds the new topic of "Còn … thì sao?"', () => {
    expect(stripAnaphora('Còn OSCE thì sao?')).toBe('OSCE?');
    expect(focusTerms('Còn OSCE thì sao?')).toEqual(['OSCE']);
  });

  it('does not count the capital that opens a question as a name', () => {
    expect(focusTerms('Ai phát biểu khai mạc?')).toEqual([]);
    expect(focusTerms('Ông Ban Ki-moon nói gì?')).toEqual(['Ban', 'Ki']);
    expect(focusTerms('OSCE có bao nhiêu thành viên?')).toEqual(['OSCE']);
  });

  it('counts a foreign name that opens the question: no Vietnamese word is spelt like it', () => {
    expect(focusTerms('Temasek định đầu tư bao nhiêu vào hãng này?')).toEqual(['Temasek']);
    expect(focusTerms('Tàu này thả robot khi nào?')).toEqual([]);
  });

  it('reads the foreign words of a question typed in lower case as its topic', () => {
    expect(focusTerms('con diamond plaza thi sao?')).toEqual(['diamond', 'plaza']);
    expect(focusTerms('con giam sat vien thi sao?')).toEqual([]);
  });

  it('keeps the question when nothing is left after stripping', () => {
    expect(stripAnaphora('Còn thì sao?')).toBe('Còn thì sao?');
  });

  it('checks passages for every focus term, accents ignored', () => {
    expect(mentionsAll('Hội nghị cấp cao OSCE ở Astana', ['OSCE', 'Astana'])).toBe(true);
    expect(mentionsAll('Hội nghị cấp cao ASEAN', ['OSCE'])).toBe(false);
  });
});
