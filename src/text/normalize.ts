/**
 * Vietnamese text normalisation, applied identically to articles and to queries, so that the
 * same word always has the same code points on both sides of every index.
 */

/** The five Vietnamese tone marks as combining characters: grave, acute, tilde, hook above, dot below. */
export const TONE_MARKS = '\u0300\u0301\u0303\u0309\u0323';

/**
 * Old and new tone placement differ only in open syllables ending in oa, oe, uy: `hoà`/`hòa`,
 * `khoẻ`/`khỏe`, `thuỷ`/`thủy`. We settle on the tone over the first vowel (`hòa`), the form of
 * most current Vietnamese news and of Vietnamese Wikipedia. Syllables with a final consonant
 * (`hoàn`, `khuyến`) and `qu` + vowel (`quý`, where `u` belongs to the consonant) are the same
 * in both conventions and are left alone. Works in NFD, where the tone is a separate mark.
 */
const MOVABLE_TONE = new RegExp(
  `(?<![qQ])([uU])([yY])([${TONE_MARKS}])(?![\\p{L}\\p{M}])|([oO])([aAeE])([${TONE_MARKS}])(?![\\p{L}\\p{M}])`,
  'gu',
);

/**
 * In NFC, MOVABLE_TONE can only match where one of these pairs ends a word: an `a`/`e`/`y` whose
 * one and last mark is a tone composes to exactly these letters, and what follows a match (no
 * letter, no mark) decomposes to no letter or mark. Without the word's end, most articles would
 * pass ("toàn", "hoàng") and take the slow path for nothing.
 */
const MOVABLE_TONE_NFC = /[oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ](?![\p{L}\p{M}])|(?<![qQ])[uU][ỳýỷỹỵỲÝỶỸỴ](?![\p{L}\p{M}])/u;

/** Moves tone marks to one canonical position (`hoà` → `hòa`, `thuỷ` → `thủy`). */
export function canonicalizeTonePlacement(text: string): string {
  const nfc = text.normalize('NFC');
  // Most text is already canonical: spare it two normalisations and a Unicode regex.
  if (!MOVABLE_TONE_NFC.test(nfc)) return nfc;
  return nfc
    .normalize('NFD')
    .replace(
      MOVABLE_TONE,
      (_m, u?: string, y?: string, t1?: string, o?: string, ae?: string, t2?: string) =>
        u !== undefined ? `${u}${t1}${y}` : `${o}${t2}${ae}`,
    )
    .normalize('NFC');
}

/** Letters that scrapes and old encodings put in place of Vietnamese `Đ`/`đ`. */
function fixLookalikeLetters(text: string): string {
  // U+00D0 (Icelandic eth) looks like Đ and is common in legacy-encoded Vietnamese text.
  return text.replace(/\u00D0/g, '\u0110').replace(/\u00F0/g, '\u0111');
}

/**
 * Folds whitespace while keeping line structure: odd spaces become plain ones, zero-width
 * characters go, runs of spaces fold, each line is trimmed and blank lines fold to one.
 */
export function foldWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[\t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** NFC, canonical tone placement and `Ð`→`Đ`; whitespace is left as it is. */
export function normalizeVietnamese(text: string): string {
  return canonicalizeTonePlacement(fixLookalikeLetters(text.normalize('NFC')));
}

/** Full normalisation of a document body: letters, tones, and whitespace with paragraphs kept. */
export function normalizeDocumentText(text: string): string {
  return foldWhitespace(normalizeVietnamese(text));
}

/** Normalisation of a user query: as for documents, on one line. */
export function normalizeQuery(query: string): string {
  return foldWhitespace(normalizeVietnamese(query)).replace(/\s+/g, ' ');
}

/**
 * Lower-cases and strips every diacritic (`Đường` → `duong`), for accent-insensitive matching of
 * queries typed without tones. Keeps string length only for already-NFC input without
 * combining sequences; never use its offsets to index the original.
 */
export function foldDiacritics(text: string): string {
  // Outside Latin (Greek final sigma, Turkish İ, …) folding depends on context: the full path.
  return foldLatinDiacritics(text) ?? foldDiacriticsSlowly(text);
}

/**
 * `foldDiacritics` of a text of Latin letters, marks, digits and punctuation, or undefined for any
 * other text. Its fold is character by character, so the folds of two such texts may be joined.
 */
export function foldLatinDiacritics(text: string): string | undefined {
  // Lower-case ASCII letters and digits fold to themselves: a prefix of them is kept as it is.
  let plain = 0;
  while (plain < text.length && isPlainLowerOrDigit(text.charCodeAt(plain))) plain++;
  if (plain === text.length) return text;
  let out = text.slice(0, plain);
  for (let i = plain; i < text.length; i++) {
    const folded = LATIN_FOLDS[text.charCodeAt(i)];
    if (folded === undefined) return undefined;
    out += folded;
  }
  return out;
}

function isPlainLowerOrDigit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

function foldDiacriticsSlowly(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .normalize('NFC');
}

/**
 * The fold of each Latin letter and combining mark, from the full path: every query and every
 * candidate sentence is folded, and a table lookup is an order of magnitude cheaper than
 * normalising twice and running a Unicode regex.
 */
const LATIN_FOLDS: ReadonlyArray<string | undefined> = (() => {
  const table: Array<string | undefined> = [];
  const ranges: Array<[number, number]> = [
    [0x0000, 0x024f], // Basic Latin to Latin Extended-B
    [0x0300, 0x036f], // combining diacritical marks
    [0x1e00, 0x1eff], // Latin Extended Additional (most precomposed Vietnamese letters)
  ];
  for (const [from, to] of ranges) {
    for (let c = from; c <= to; c++) {
      const folded = foldDiacriticsSlowly(String.fromCharCode(c));
      // Letters that fold to more or other than one plain character keep the full path.
      if (folded.length <= 1) table[c] = folded;
    }
  }
  return table;
})();

/** True when the text carries any Vietnamese diacritic (a tone mark, a vowel mark or `đ`). */
export function hasDiacritics(text: string): boolean {
  return /[\u0300-\u036f]/.test(text.normalize('NFD')) || /[đĐ]/.test(text);
}
