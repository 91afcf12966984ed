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
