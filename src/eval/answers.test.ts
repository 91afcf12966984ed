import { describe, expect, it } from 'vitest';
import { sourceDateNote } from '../answer/extractive.js';
import type { Citation } from '../answer/types.js';
import { citationSupport, containsAnyGold, tokenF1 } from './answers.js';

function citation(n: number, snippet: string): Citation {
  return { n, documentId: `d${n}`, title: 't', outlet: null, publishedAt: null, snippet, start: 0, end: snippet.length, chunkId: `d${n}#0` };
}

describe('answer metrics', () => {
  it('token F1 is 1 for the same words, 0 for none shared, and partial in between', () => {
    expect(tokenF1('Năm 1977 [1].', 'năm 1977')).toBe(1);
    expect(tokenF1('Hà Nội', '1977')).toBe(0);
    // answer "ASEAN và UNDP năm 1977" (5 tokens) vs gold "1977" (1): P = 1/5, R = 1
    expect(tokenF1('ASEAN và UNDP năm 1977', '1977')).toBeCloseTo((2 * 0.2 * 1) / 1.2, 5);
  });

  it('finds a gold answer as whole words, with tone placement and case folded', () => {
    expect(containsAnyGold('Hiệp định về hoà bình được ký [1].', ['hòa bình'])).toBe(true);
    expect(containsAnyGold('Có 110 nước đồng bảo trợ [1].', ['10'])).toBe(false);
    expect(containsAnyGold('Có 110 nước đồng bảo trợ [1].', ['110 nước'])).toBe(true);
  });

  it('counts a sentence as supported only when the passage it cites holds its words', () => {
    const sources = [citation(1, 'OSCE gồm 56 quốc gia thành viên.'), citation(2, 'Hội nghị diễn ra tại Astana.')];
    expect(citationSupport('OSCE gồm 56 quốc gia thành viên [1].', sources)).toEqual({ sentences: 1, supported: 1 });
    // the right words, cited to the wrong passage
    expect(citationSupport('OSCE gồm 56 quốc gia thành viên [2].', sources)).toEqual({ sentences: 1, supported: 0 });
    // a marker that points at no source, and a sentence with no marker
    expect(citationSupport('OSCE gồm 56 quốc gia thành viên [7]. Hội nghị diễn ra tại Astana.', sources)).toEqual({ sentences: 2, supported: 0 });
  });

  it('checks the note giving the source\'s date against that source\'s publication day', () => {
    const dated = { ...citation(1, 'OSCE gồm 56 quốc gia thành viên.'), publishedAt: '2020-10-30' };
    const now = new Date('2026-11-30T12:00:00Z');
    const note = sourceDateNote([dated], now);
    expect(note).toContain('30/10/2020 [1]');
    expect(citationSupport(`${note} OSCE gồm 56 quốc gia thành viên [1].`, [dated])).toEqual({ sentences: 2, supported: 2 });
    const wrongDay = note!.replace('30/10/2020', '29/10/2020');
    expect(citationSupport(`${wrongDay} OSCE gồm 56 quốc gia thành viên [1].`, [dated])).toEqual({ sentences: 2, supported: 1 });
  });
});
