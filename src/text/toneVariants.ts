import { TONE_MARKS, normalizeVietnamese } from './normalize.js';

/**
 * The Vietnamese spellings a syllable typed without diacritics may stand for: "quoc" → "quốc",
 * "quộc", …, "duong" → "dương", "đường", …. Each letter takes its modified forms (a ă â, e ê,
 * o ô ơ, u ư, d đ) and the syllable at most one tone mark on one of its vowels; every form is
 * normalised as the index normalises text, so the index can say which of them exist.
 */

const LETTER_FORMS: Readonly<Record<string, readonly string[]>> = {
  a: ['a', 'ă', 'â'],
  e: ['e', 'ê'],
  o: ['o', 'ô', 'ơ'],
  u: ['u', 'ư'],
  d: ['d', 'đ'],
};
const VOWELS = new Set(['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y']);
/** Longer runs are not one Vietnamese syllable (the longest, "nghiêng", has seven letters). */
const MAX_SYLLABLE_LETTERS = 7;
const SYLLABLE = /^[a-z]+$/;

function letterCombinations(syllable: string): string[] {
  let out = [''];
  for (const ch of syllable) {
    const forms = LETTER_FORMS[ch] ?? [ch];
    out = out.flatMap((prefix) => forms.map((f) => prefix + f));
  }
  return out;
}

/**
 * Every spelling of a folded, lower-case syllable with diacritics restored, itself included;
 * anything that is not a plain Latin syllable (digits, foreign letters, overlong) only itself.
 */
export function tonedVariants(folded: string): string[] {
  if (!SYLLABLE.test(folded) || folded.length > MAX_SYLLABLE_LETTERS) return [folded];
  const out = new Set<string>();
  for (const base of letterCombinations(folded)) {
    out.add(base);
    const letters = [...base];
    letters.forEach((ch, i) => {
      if (!VOWELS.has(ch)) return;
      for (const mark of TONE_MARKS) {
        const marked = [...letters.slice(0, i + 1), mark, ...letters.slice(i + 1)].join('');
        out.add(normalizeVietnamese(marked));
      }
    });
  }
  return [...out];
}
