import { describe, expect, it } from 'vitest';
import { TONE_MARKS, foldDiacritics } from './normalize.js';
import { tonedVariants } from './toneVariants.js';

const TONE_MARK = new RegExp(`[${TONE_MARKS}]`, 'gu');

describe('tonedVariants', () => {
  it('holds the spellings a toneless syllable stands for, letters and tones', () => {
    expect(tonedVariants('quoc')).toEqual(expect.arrayContaining(['quoc', 'quốc', 'quộc']));
    expect(tonedVariants('duong')).toEqual(expect.arrayContaining(['dương', 'đường', 'đương']));
    expect(tonedVariants('nghieng')).toContain('nghiêng');
  });

  it('only spellings that fold back to the syllable, each with at most one tone mark, written as the index writes them', () => {
    const variants = tonedVariants('nguyen');
    expect(variants).toContain('nguyễn');
    for (const v of variants) {
      expect(foldDiacritics(v)).toBe('nguyen');
      expect(v.normalize('NFD').match(TONE_MARK)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(v).toBe(v.normalize('NFC'));
    }
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('leaves alone what is not a plain syllable: digits, overlong words', () => {
    expect(tonedVariants('covid19')).toEqual(['covid19']);
    expect(tonedVariants('internationalisation')).toEqual(['internationalisation']);
  });
});
