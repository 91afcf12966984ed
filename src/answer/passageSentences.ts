import { LRUCache } from 'lru-cache';
import { contentSyllables } from '../text/tokenize.js';
import { foldDiacritics } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';
import { wordsOf } from '../text/words.js';
import { readSentence, type ReadSentence } from './askedFact.js';
import { termSetOf } from './sentenceScoring.js';

/**
 * A passage's sentences with everything about them that does not depend on the question: the
 * extractive answerer reads the same few passages for question after question, and reading them
 * (splitting, tokenising, folding) is most of what answering costs.
 */

export interface PassageSentence {
  /** Offsets within the passage. */
  start: number;
  end: number;
  text: string;
  /** Position among the passage's sentences, counting the short ones left out. */
  ordinal: number;
  /** Retrieval terms (syllables, bigrams, folded twins), for coverage. */
  terms: ReadonlySet<string>;
  /** Folded, lower-cased words, for duplicates and follow-up focus. */
  folded: ReadonlySet<string>;
  /** Folded content syllables, for density. */
  syllables: readonly string[];
  read: ReadSentence;
}

/** Reads a passage's candidate sentences (maybe from a cache: the result is shared, never mutate it). */
export type PassageReader = (passage: string) => readonly PassageSentence[];

/** Sentences shorter than this many words are captions, bylines or debris, not answers. */
const MIN_WORDS = 5;

export const readPassage: PassageReader = (passage) => {
  const out: PassageSentence[] = [];
  for (const [ordinal, s] of splitSentences(passage).entries()) {
    const words = wordsOf(s.text);
    if (words.length < MIN_WORDS) continue;
    out.push({
      start: s.start,
      end: s.end,
      text: s.text,
      ordinal,
      terms: termSetOf(s.text),
      folded: new Set(words.map((w) => foldDiacritics(w))),
      syllables: contentSyllables(s.text),
      read: readSentence(s.text),
    });
  }
  return out;
};

/**
 * A reader that remembers the last `max` passages it read. Keyed by the text itself, so a
 * changed index can never be answered from a stale reading.
 */
export function makeCachedPassageReader(max: number): PassageReader {
  const cache = new LRUCache<string, readonly PassageSentence[]>({ max });
  return (passage) => {
    const known = cache.get(passage);
    if (known) return known;
    const read = readPassage(passage);
    cache.set(passage, read);
    return read;
  };
}
