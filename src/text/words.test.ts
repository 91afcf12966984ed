import { describe, expect, it } from 'vitest';
import { containsPhrase, phraseStarts, wordsOf } from './words.js';

describe('words and phrases', () => {
  it('splits at anything but letters, marks and digits', () => {
    expect(wordsOf('Hội nghị lần thứ 3, tại Hà Nội (2019)!')).toEqual(['Hội', 'nghị', 'lần', 'thứ', '3', 'tại', 'Hà', 'Nội', '2019']);
  });

  it('finds a phrase only as whole words, at every place it starts', () => {
    const ws = wordsOf('tổng thư ký asean nào và thư ký nào');
    expect(phraseStarts(ws, 'thư ký')).toEqual([1, 6]);
    expect(containsPhrase(ws, 'ký asean')).toBe(true);
    expect(containsPhrase(ws, 'thư kí')).toBe(false);
    expect(containsPhrase(wordsOf('ông ấyy'), 'ông ấy')).toBe(false);
  });
});
