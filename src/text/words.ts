import { foldDiacritics, normalizeQuery } from './normalize.js';

/** A text's words: runs of letters, marks and digits (Vietnamese syllables, numbers, names). */
export function wordsOf(text: string): string[] {
  return text.split(/[^\p{L}\p{M}\p{N}]+/u).filter((w) => w.length > 0);
}

/**
 * A text's words folded for comparison: Unicode-normalised, lower case, without diacritics, and
 * numbers without leading zeros ("05" = "5").
 */
export function foldedWordsOf(text: string): string[] {
  return wordsOf(normalizeQuery(text).toLowerCase()).map((w) => foldDiacritics(w).replace(/^0+(?=\d)/u, ''));
}

/** Where `phrase` (words joined by single spaces) starts among `words`. */
export function phraseStarts(words: readonly string[], phrase: string): number[] {
  const target = phrase.split(' ');
  const starts: number[] = [];
  for (let i = 0; i + target.length <= words.length; i++) {
    if (target.every((t, j) => words[i + j] === t)) starts.push(i);
  }
  return starts;
}

/** Whether `phrase` occurs among `words` as whole words. */
export function containsPhrase(words: readonly string[], phrase: string): boolean {
  return phraseStarts(words, phrase).length > 0;
}

/**
 * One Vietnamese syllable, toneless: an onset, one to three vowels, a final. A capitalised word
 * that is one ("Tin" lành, "Đại" học, "Người" Anh) is as often a capitalised common word as a
 * name; a word that is not ("Tesla", "Paris", "Ludot") is a foreign name.
 */
const VIETNAMESE_SYLLABLE = /^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$/u;

/** Whether a word cannot be a Vietnamese syllable: a foreign name ("Temasek", "Paris"). */
export const isForeignWord = (w: string): boolean => !VIETNAMESE_SYLLABLE.test(foldDiacritics(w.toLowerCase()));

/**
 * A foreign word that can be a name even typed in lower case: letters only, three or more, with a
 * vowel ("fabiano", "osce"; not "mb", "tp" or "1-1").
 */
export const isForeignName = (w: string): boolean => /^\p{L}{3,}$/u.test(w) && /[aeiouy]/iu.test(w) && isForeignWord(w);

/** Whether a question's words hold no capital: typed all in lower case, it names nothing by capitals. */
export const typedInLowerCase = (words: readonly string[]): boolean => !words.some((w) => /\p{Lu}/u.test(w));
