import { describe, expect, it } from 'vitest';
import { SEED, seedPassage, seedText } from '../../tests/helpers/seedPassages.js';
import { checkCitations, NOTICE_INVALID_REMOVED, NOTICE_REPAIRED, NOTICE_UNSUPPORTED } from './citations.js';
import { NOT_FOUND_ANSWER } from './types.js';

const resolution = seedPassage(SEED.resolution, 'Đại hội đồng Liên Hợp Quốc khóa 75 ngày 23/11', 'thương lượng nghị quyết.');
const dialogue = seedPassage(SEED.dialogue, 'Trong khuôn khổ Hội thảo ASEAN', 'phát biểu khai mạc Đối thoại.');
const osce = seedPassage(SEED.osce, 'Hội nghị cấp cao OSCE ở Astana', 'và Trung Á./.');
const sources = [resolution, dialogue, osce];

describe('checkCitations', () => {
  it('keeps valid markers and renumbers sources in order of first use', () => {
    const checked = checkCitations(
      'Thứ trưởng Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [2]. OSCE có 56 quốc gia thành viên [3]. Đối thoại khai mạc ngày 3/12/2019 [2].',
      sources,
    );
    expect(checked.answer).toBe(
      'Thứ trưởng Nguyễn Quốc Dũng phát biểu khai mạc Đối thoại [1]. OSCE có 56 quốc gia thành viên [2]. Đối thoại khai mạc ngày 3/12/2019 [1].',
    );
    expect(checked.citations.map((c) => [c.n, c.documentId])).toEqual([
      [1, SEED.dialogue],
      [2, SEED.osce],
    ]);
    expect(checked.grounded).toBe(true);
    expect(checked.notice).toBeUndefined();
  });

  it('narrows each citation to the supporting sentence, with exact article offsets', () => {
    const checked = checkCitations('OSCE gồm 56 quốc gia thành viên [3].', sources);
    const c = checked.citations[0]!;
    expect(c.snippet).toContain('56 quốc gia thành viên');
    expect(c.snippet.length).toBeLessThan(osce.text.length);
    expect(seedText(SEED.osce).slice(c.start, c.end)).toBe(c.snippet);
  });

  it('removes a marker that points at no source and says so', () => {
    const checked = checkCitations('OSCE có 56 quốc gia thành viên [3][7]. Nghị quyết có 110 nước đồng bảo trợ [9].', sources);
    expect(checked.answer).toBe('OSCE có 56 quốc gia thành viên [1]. Nghị quyết có 110 nước đồng bảo trợ.');
    expect(checked.citations.map((c) => c.documentId)).toEqual([SEED.osce]);
    expect(checked.notice).toBe(NOTICE_INVALID_REMOVED);
  });

  it('splits list markers and drops the invalid members', () => {
    const checked = checkCitations('Hai sự kiện đều bàn về hợp tác với Liên Hợp Quốc [3, 1, 12].', sources);
    expect(checked.answer).toBe('Hai sự kiện đều bàn về hợp tác với Liên Hợp Quốc [1][2].');
    expect(checked.citations.map((c) => c.documentId)).toEqual([SEED.osce, SEED.resolution]);
  });

  it('repairs an answer without citations by attaching the sources that support it', () => {
    const checked = checkCitations(
      'Đại hội đồng Liên Hợp Quốc khóa 75 đã thông qua Nghị quyết về hợp tác ASEAN-Liên Hợp Quốc với 110 nước đồng bảo trợ.',
      sources,
    );
    expect(checked.answer).toMatch(/đồng bảo trợ \[1\]\.$/u);
    expect(checked.citations[0]?.documentId).toBe(SEED.resolution);
    expect(checked.grounded).toBe(true);
    expect(checked.notice).toBe(NOTICE_REPAIRED);
  });

  it('flags an uncited answer that no source supports', () => {
    const checked = checkCitations('Giá xăng RON 95 giảm 500 đồng mỗi lít từ chiều nay.', sources);
    expect(checked.citations).toEqual([]);
    expect(checked.grounded).toBe(false);
    expect(checked.notice).toBe(NOTICE_UNSUPPORTED);
  });

  it('treats an invalid-only citation like no citation at all', () => {
    const checked = checkCitations('Giá xăng RON 95 giảm 500 đồng mỗi lít [8].', sources);
    expect(checked.answer).toBe('Giá xăng RON 95 giảm 500 đồng mỗi lít.');
    expect(checked.grounded).toBe(false);
    expect(checked.notice).toBe(NOTICE_UNSUPPORTED);
  });

  it('turns the model saying "not found" into the exact not-found answer', () => {
    const checked = checkCitations('Xin lỗi, tôi không tìm thấy thông tin này trong các nguồn được cung cấp.', sources);
    expect(checked).toEqual({ answer: NOT_FOUND_ANSWER, citations: [], grounded: false });
  });

  it('attaches a marker placed after the full stop to the sentence before it', () => {
    const checked = checkCitations('OSCE có 56 quốc gia thành viên. [3] Thứ trưởng Nguyễn Quốc Dũng phát biểu khai mạc. [2]', sources);
    expect(checked.citations.map((c) => c.n)).toEqual([1, 2]);
    expect(checked.citations[0]?.snippet).toContain('56 quốc gia');
    expect(checked.citations[1]?.snippet).toContain('Nguyễn Quốc Dũng');
  });
});
