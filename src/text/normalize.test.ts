import { describe, expect, it } from 'vitest';
import {
  TONE_MARKS,
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

  it('leaves no old placement in random text, decomposed or not, and moves nothing but tones', () => {
    const oldPlacement = /(?<![qQ])[uU][yY][\u0300\u0301\u0303\u0309\u0323](?![\p{L}\p{M}])|[oO][aAeE][\u0300\u0301\u0303\u0309\u0323](?![\p{L}\p{M}])/u;
    const pieces = ['o', 'O', 'a', 'e', 'E', 'u', 'U', 'y', 'Y', 'q', 'h', 'n', ' ', 'à', 'ạ', 'ẻ', 'ý', 'Ỵ', 'ặ', 'ê',
      '\u0300', '\u0301', '\u0303', '\u0309', '\u0323', '\u0302', '\u0306'];
    const sortedMarks = (t: string) => [...t.normalize('NFD')].sort().join('');
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length;
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 2 + (n % 9) }, () => pieces[next()]).join('');
      const out = canonicalizeTonePlacement(text);
      expect(out, JSON.stringify(text)).toBe(out.normalize('NFC'));
      expect(oldPlacement.test(out.normalize('NFD')), JSON.stringify(text)).toBe(false);
      expect(sortedMarks(out), JSON.stringify(text)).toBe(sortedMarks(text));
    }
  });

  it('skips the decomposition only where it would change nothing', () => {
    // The definition: decompose, move the tones, recompose, always.
    const movable = new RegExp(`(?<![qQ])([uU])([yY])([${TONE_MARKS}])(?![\\p{L}\\p{M}])|([oO])([aAeE])([${TONE_MARKS}])(?![\\p{L}\\p{M}])`, 'gu');
    const always = (text: string) =>
      text.normalize('NFC').normalize('NFD').replace(movable, (_m, u, y, t1, o, ae, t2) => (u !== undefined ? `${u}${t1}${y}` : `${o}${t2}${ae}`)).normalize('NFC');
    const pieces = ['o', 'O', 'a', 'e', 'u', 'U', 'y', 'Y', 'q', 'Q', 'n', ' ', '.', 'à', 'ạ', 'ẻ', 'ý', 'Ỵ', 'ặ', 'ê', 'ǅ', 'Ω',
      '\u0300', '\u0301', '\u0303', '\u0309', '\u0323', '\u0302', '\u0345', '\u0338', '=', '\u2000', '\u00A0', '\u1FEE', '\u0344'];
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: 1 + (n % 8) }, () => pieces[next()]).join('');
      expect(canonicalizeTonePlacement(text), JSON.stringify(text)).toBe(always(text));
    }
    for (const text of ['hoà', 'hoà.', 'toàn', 'hoà\u0323', 'thuỷ', 'quỷ', 'khoẻ,', 'oá\u2000', 'HOÀ', 'uý\u0338'])
      expect(canonicalizeTonePlacement(text), text).toBe(always(text));
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

  it('folds decomposed input, and scripts beyond Latin, as the Unicode definition does', () => {
    expect(foldDiacritics('Ho\u0300a Bi\u0300nh')).toBe('hoa binh');
    expect(foldDiacritics('ΟΔΟΣ İstanbul')).toBe('οδος istanbul');
    expect(foldDiacritics('Ǆ Æ ß 東京 😀')).toBe('ǆ æ ß 東京 😀');
  });

  it('agrees with NFD + strip marks + lower-case + NFC on mixed random text', () => {
    const reference = (t: string) =>
      t.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().normalize('NFC');
    const alphabet = [
      ...'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ',
      ...'ÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ0123456789 .,-/%“”',
      '\u0300', '\u0301', '\u0303', '\u0309', '\u0323', '\u0306', '\u0302', '\u031B', 'Σ', 'ǅ', 'ŉ', 'Ð',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: 1 + (n % 17) }, () => alphabet[next()]).join('');
      expect(foldDiacritics(text), JSON.stringify(text)).toBe(reference(text));
    }
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
