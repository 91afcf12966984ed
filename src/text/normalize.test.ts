import { describe, expect, it } from 'vitest';
import {
  canonicalizeTonePlacement,
  foldDiacritics,
  foldWhitespace,
  hasDiacritics,
  normalizeDocumentText,
  normalizeQuery,
  normalizeVietnamese,
} from './normalize.js';

describe('canonicalizeTonePlacement', () => {
  it('moves the tone of open oa/oe/uy syllables to the first vowel', () => {
    expect(canonicalizeTonePlacement('hoà bình')).toBe('hòa bình');
    expect(canonicalizeTonePlacement('thuỷ điện')).toBe('thủy điện');
    expect(canonicalizeTonePlacement('sức khoẻ')).toBe('sức khỏe');
    expect(canonicalizeTonePlacement('Thoả thuận')).toBe('Thỏa thuận');
  });

  it('leaves syllables that are the same in both conventions alone', () => {
    expect(canonicalizeTonePlacement('quý')).toBe('quý');
    expect(canonicalizeTonePlacement('hoàn thành')).toBe('hoàn thành');
    expect(canonicalizeTonePlacement('khuyến khích')).toBe('khuyến khích');
    expect(canonicalizeTonePlacement('hòa')).toBe('hòa');
  });

  it('handles capitals', () => {
    expect(canonicalizeTonePlacement('HOÀ BÌNH')).toBe('HÒA BÌNH');
  });

  it('gives NFC whatever the input form', () => {
    const decomposed = 'hòa'.normalize('NFD');
    expect(canonicalizeTonePlacement(decomposed)).toBe('hòa'.normalize('NFC'));
    expect(canonicalizeTonePlacement('hoà'.normalize('NFD'))).toBe('hòa');
  });
});

describe('normalizeVietnamese', () => {
  it('replaces the Icelandic eth look-alike with Vietnamese Đ/đ', () => {
    expect(normalizeVietnamese('\u00D0à Nẵng')).toBe('Đà Nẵng');
    expect(normalizeVietnamese('\u00F0i')).toBe('đi');
  });
});

describe('whitespace', () => {
  it('keeps paragraphs, folds spaces and drops zero-width characters', () => {
    expect(foldWhitespace('a\u00A0\u00A0b\r\n\r\n\r\n c\u200B ')).toBe('a b\n\nc');
    expect(normalizeDocumentText('  Hoà  bình \n\n\n\nthuỷ ')).toBe('Hòa bình\n\nthủy');
  });

  it('puts a query on one line', () => {
    expect(normalizeQuery(' hoà\nbình ')).toBe('hòa bình');
  });
});

describe('foldDiacritics', () => {
  it('strips every mark and lower-cases, including đ', () => {
    expect(foldDiacritics('Đường Hồ Chí Minh')).toBe('duong ho chi minh');
    expect(foldDiacritics('hòa bình')).toBe(foldDiacritics('hoà bình'));
  });
});

describe('hasDiacritics', () => {
  it('tells toned from untoned text', () => {
    expect(hasDiacritics('hòa bình')).toBe(true);
    expect(hasDiacritics('đi')).toBe(true);
    expect(hasDiacritics('hoa binh')).toBe(false);
    expect(hasDiacritics('ASEAN 2020')).toBe(false);
  });
});
