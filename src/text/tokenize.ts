import { foldDiacritics, foldLatinDiacritics, hasDiacritics, normalizeVietnamese } from './normalize.js';
import { splitSentences } from './sentences.js';

/**
 * Vietnamese analysis for lexical retrieval. Vietnamese writes one syllable per space-separated
 * unit and most words are two syllables, so we index syllables plus adjacent-syllable bigrams
 * ("liên_hợp", "hợp_quốc") inside a phrase. Every term is indexed twice: exactly as written and
 * diacritic-folded with a `~` prefix, so a query typed without accents can still match while a
 * toned query prefers passages with the same tones.
 */

/** Marks the diacritic-folded copy of a term in the index (`~hop_quoc`). */
export const FOLDED_PREFIX = '~';
/** Joins the two syllables of a bigram term. */
export const BIGRAM_JOINER = '_';

/**
 * A word: letters/marks/digits, optionally joined by in-word connectors (`covid-19`,
 * `res/61/44`, `tp.hcm`, `ki-moon`, `3,5`). A comma only joins digits, so "Hà Nội,Việt" still
 * splits. The definition `wordMatches` implements without a regex (its tests compare the two).
 */
export const WORD = /[\p{L}\p{M}\p{N}]+(?:(?:[-./_&'’]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;
const CONNECTOR = /[-./_&'’,]/u;
/** Only spaces between two words keep them in one phrase; punctuation or a line break ends it. */
function onlySpacesBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

const LETTER_MARK_OR_NUMBER = /^[\p{L}\p{M}\p{N}]$/u;
const NUMBER = /^\p{N}$/u;

/** Length (1 or 2 code units) of the code point at `i` when it is a letter, mark or number; 0 otherwise. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  // ASCII letters and digits, and the Latin letters and combining marks Vietnamese is written with.
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) return 1;
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba || c === 0xb2 || c === 0xb3 || c === 0xb9 || (c >= 0xbc && c <= 0xbe) ? 1 : 0;
  if ((c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x300 && c <= 0x36f) || (c >= 0x1ea0 && c <= 0x1ef9)) return 1;
  const cp = text.codePointAt(i)!;
  const length = cp > 0xffff ? 2 : 1;
  return LETTER_MARK_OR_NUMBER.test(text.slice(i, i + length)) ? length : 0;
}

function isNumberAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0x30 && c <= 0x39) return true;
  if (c < 0x80) return false;
  const cp = text.codePointAt(i)!;
  return NUMBER.test(String.fromCodePoint(cp));
}

/** The code point before `i` (one or two code units back). */
function previousStart(text: string, i: number): number {
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff ? i - 2 : i - 1;
}

const JOINERS = "-./_&'’";

/**
 * The words of `text` with their offsets: exactly the matches of `WORD`, found by a scan that
 * classifies the common characters without a Unicode regex (the regex was most of the cost of
 * reading a passage's sentences, which every search does for its candidates).
 */
export function wordMatches(text: string): Array<{ word: string; start: number }> {
  const out: Array<{ word: string; start: number }> = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let len = wordCharAt(text, i);
    if (len === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (len > 0) {
        i += len;
        len = i < n ? wordCharAt(text, i) : 0;
      }
      // A joiner between two words, or a comma between two numbers, continues the word.
      if (i + 1 >= n) break;
      const joiner = text[i]!;
      const joins = JOINERS.includes(joiner) || (joiner === ',' && isNumberAt(text, previousStart(text, i)) && isNumberAt(text, i + 1));
      const next = joins ? wordCharAt(text, i + 1) : 0;
      if (next === 0) break;
      i += 1;
      len = next;
    }
    out.push({ word: text.slice(start, i), start });
  }
  return out;
}

export interface Phrase {
  /** Lower-cased syllables in order, compounds split into their parts. */
  syllables: string[];
  /** Whole in-word compounds (`covid-19`, `res/61/44`), kept as extra terms. */
  compounds: string[];
}

/** Normalises (NFC, tone placement) and lower-cases, then cuts the text into phrases of syllables. */
export function splitPhrases(text: string): Phrase[] {
  const lower = normalizeVietnamese(text).toLowerCase();
  const phrases: Phrase[] = [];
  let current: Phrase | null = null;
  let lastEnd = 0;
  for (const { word, start } of wordMatches(lower)) {
    if (current === null || !onlySpacesBetween(lower, lastEnd, start)) {
      current = { syllables: [], compounds: [] };
      phrases.push(current);
    }
    lastEnd = start + word.length;
    if (CONNECTOR.test(word)) {
      current.compounds.push(word);
      current.syllables.push(...word.split(CONNECTOR).filter((p) => p.length > 0));
    } else {
      current.syllables.push(word);
    }
  }
  return phrases;
}

/** The folded twin of an exact term: `hợp_quốc` → `~hop_quoc`. */
export function foldTerm(term: string): string {
  return FOLDED_PREFIX + foldDiacritics(term);
}

function bigramsOf(syllables: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < syllables.length; i++) {
    out.push(`${syllables[i]}${BIGRAM_JOINER}${syllables[i + 1]}`);
  }
  return out;
}

/** Exact-form terms of a text: syllables, compounds and in-phrase bigrams. */
export function exactTerms(text: string): string[] {
  const terms: string[] = [];
  for (const p of splitPhrases(text)) {
    terms.push(...p.syllables, ...p.compounds, ...bigramsOf(p.syllables));
  }
  return terms;
}

/** Every term the index stores for a text: each exact term and its folded twin. */
export function indexTerms(text: string): string[] {
  const exact = exactTerms(text);
  return [...exact, ...exact.map(foldTerm)];
}

/**
 * Stopwords for lexical SCORING only (never removed from stored text or embeddings): function
 * words and question words, which would otherwise let "… là gì?" match every passage with "là".
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'và', 'của', 'là', 'các', 'những', 'được', 'có', 'trong', 'cho', 'với', 'một', 'này', 'đó',
  'thì', 'mà', 'để', 'từ', 'đã', 'đang', 'sẽ', 'bị', 'khi', 'về', 'tại', 'theo', 'cũng', 'như',
  'vào', 'ra', 'nên', 'lại', 'rằng', 'hay', 'hoặc', 'nếu', 'vì', 'do', 'bởi', 'nhưng', 'còn',
  'đến', 'tới', 'ở', 'rất', 'thế', 'vậy', 'đây', 'kia', 'ấy', 'nó', 'họ', 'hãy', 'xin', 'cái',
  'chiếc', 'việc', 'sự', 'nhé', 'ạ', 'à', 'ư', 'hả', 'nhỉ', 'chăng', 'không',
  // question words
  'nào', 'gì', 'bao', 'nhiêu', 'ai', 'đâu', 'sao', 'mấy', 'bằng',
]);

/**
 * Folded stopwords, for queries typed without accents. Folding merges some stopwords with
 * content words (`đâu`/`đầu`, `đó`/`độ`, `thế`/`thể`, `bao`/`báo`), so those stay content.
 */
const AMBIGUOUS_FOLDED = new Set(['dau', 'do', 'the', 'bao', 'ra', 'vao', 'bang', 'sao', 'ho']);
export const FOLDED_STOPWORDS: ReadonlySet<string> = new Set(
  [...STOPWORDS].map((w) => foldDiacritics(w)).filter((w) => !AMBIGUOUS_FOLDED.has(w)),
);

/** Whether a query syllable is a stopword, judged on its exact form when it carries tones. */
export function isStopword(syllable: string, toned: boolean): boolean {
  return toned ? STOPWORDS.has(syllable) : FOLDED_STOPWORDS.has(foldDiacritics(syllable));
}

/**
 * A query is "toned" when a real share of its Vietnamese syllables carry diacritics; below that
 * it was typed without accents (perhaps with a stray "và"), and every syllable is matched folded.
 * Ordinary Vietnamese prose has diacritics on roughly 70–80% of syllables.
 */
export const TONED_QUERY_SHARE = 0.34;

export function isTonedQuery(phrases: readonly Phrase[]): boolean {
  const words = phrases.flatMap((p) => p.syllables).filter((s) => /\p{L}/u.test(s));
  if (words.length === 0) return false;
  const toned = words.filter((s) => hasDiacritics(s)).length;
  return toned / words.length >= TONED_QUERY_SHARE;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface QueryTermOptions {
  /** Weight of the folded twin when the query is toned (the exact form weighs 1). */
  foldedWeight?: number;
  /** Multiplies every weight (used for abbreviation expansions). */
  scale?: number;
  /**
   * Keep only bigrams and compounds when the text has several syllables. For expansions: the
   * single syllables of "Hiệp hội các quốc gia Đông Nam Á" ("nam", "hội") match everything.
   */
  phrasesOnly?: boolean;
}

/** Default weight of folded matches for toned queries: a tone mismatch is a weak match. */
export const DEFAULT_FOLDED_WEIGHT = 0.25;

/**
 * The weighted terms a query searches with. Stopword syllables are dropped, and so are bigrams
 * with a stopword in them ("năm_nào"). Toned query: exact terms (weight 1) plus folded twins
 * (low weight). Untoned query: folded terms only, at full weight.
 */
export function queryTerms(query: string, opts: QueryTermOptions = {}): WeightedTerm[] {
  const phrases = splitPhrases(query);
  const toned = isTonedQuery(phrases);
  const foldedWeight = opts.foldedWeight ?? DEFAULT_FOLDED_WEIGHT;
  const scale = opts.scale ?? 1;
  const weights = new Map<string, number>();
  const put = (term: string, w: number) => {
    if (w > (weights.get(term) ?? 0)) weights.set(term, w);
  };
  for (const p of phrases) {
    const stop = p.syllables.map((s) => isStopword(s, toned));
    const content: string[] = [];
    p.syllables.forEach((s, i) => {
      if (!stop[i]) content.push(s);
    });
    const bigrams = bigramsOf(p.syllables).filter((_b, i) => !stop[i] && !stop[i + 1]);
    const multi = p.syllables.length > 1 || phrases.length > 1;
    const unigrams = opts.phrasesOnly && multi ? [] : content;
    for (const t of [...unigrams, ...p.compounds, ...bigrams]) {
      if (toned) {
        put(t, scale);
        put(foldTerm(t), foldedWeight * scale);
      } else {
        put(foldTerm(t), scale);
      }
    }
  }
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/** Distinct folded content syllables of a query (stopwords removed): what "coverage" counts. */
export function contentSyllables(query: string): string[] {
  const phrases = splitPhrases(query);
  const toned = isTonedQuery(phrases);
  const out = new Set<string>();
  for (const p of phrases) {
    for (const s of p.syllables) {
      if (!isStopword(s, toned)) out.add(foldDiacritics(s));
    }
  }
  return [...out];
}

/** Distinct folded bigrams of adjacent content syllables of a query ("quan_he", "doi_tac"). */
export function contentBigrams(query: string): string[] {
  const phrases = splitPhrases(query);
  const toned = isTonedQuery(phrases);
  const out = new Set<string>();
  for (const p of phrases) {
    const stop = p.syllables.map((s) => isStopword(s, toned));
    bigramsOf(p.syllables).forEach((b, i) => {
      if (!stop[i] && !stop[i + 1]) out.add(foldDiacritics(b));
    });
  }
  return [...out];
}

/** Visits the folded syllables of one word of `wordMatches` (a compound's parts, as `splitPhrases` has them). */
function visitSyllables(word: string, visit: (syllable: string) => void, fold: (syllable: string) => string): void {
  if (!CONNECTOR.test(word)) {
    visit(fold(word));
    return;
  }
  for (const part of word.split(CONNECTOR)) if (part.length > 0) visit(fold(part));
}

/**
 * Visits each folded syllable of a text in order (repeats included): the syllables of
 * `splitPhrases`, folded, which are the single-syllable terms of `foldedTermSet`, without
 * building its compounds and bigrams. `fold` must equal `foldDiacritics` (a memo of it, say).
 */
export function forEachFoldedSyllable(
  text: string,
  visit: (syllable: string) => void,
  fold: (syllable: string) => string = foldDiacritics,
): void {
  for (const { word } of wordMatches(normalizeVietnamese(text).toLowerCase())) visitSyllables(word, visit, fold);
}

/**
 * The text lower-cased, when normalising and lower-casing it whole gives, cut where a sentence
 * starts or ends (next to whitespace), what each sentence gives alone: the text is normalised
 * already (NFC, canonical tones, no `Ð`), has no `Σ` (lower-cased by its neighbours) and keeps
 * its length (`İ` grows). Undefined otherwise.
 */
function lowerCasedWhole(text: string): string | undefined {
  if (text.includes('Σ') || normalizeVietnamese(text) !== text) return undefined;
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : undefined;
}

/**
 * Visits each folded syllable of each sentence of `splitSentences(text)` with the sentence's
 * number: exactly `forEachFoldedSyllable` of each sentence's text, in one pass over the whole
 * text when it is normalised already (the archive's texts are). Returns the number of sentences.
 */
export function forEachSentenceSyllable(
  text: string,
  visit: (syllable: string, sentence: number) => void,
  fold: (syllable: string) => string = foldDiacritics,
): number {
  const sentences = splitSentences(text);
  const lower = lowerCasedWhole(text);
  if (lower === undefined) {
    sentences.forEach((sentence, i) => forEachFoldedSyllable(sentence.text, (syllable) => visit(syllable, i), fold));
    return sentences.length;
  }
  // Only whitespace lies between sentences, and a word never holds any: each word is in one sentence.
  let i = 0;
  const inSentence = (syllable: string) => visit(syllable, i);
  for (const { word, start } of wordMatches(lower)) {
    while (i < sentences.length - 1 && sentences[i]!.end <= start) i++;
    visitSyllables(word, inSentence, fold);
  }
  return sentences.length;
}

/** Distinct folded syllables, compounds and bigrams of a passage, for coverage checks. */
export function foldedTermSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const p of splitPhrases(text)) {
    // Each syllable is folded once; a bigram of two Latin syllables is their folds joined.
    const latin = p.syllables.map(foldLatinDiacritics);
    p.syllables.forEach((s, i) => out.add(latin[i] ?? foldDiacritics(s)));
    for (const c of p.compounds) out.add(foldDiacritics(c));
    for (let i = 0; i + 1 < p.syllables.length; i++) {
      const [a, b] = [latin[i], latin[i + 1]];
      out.add(a !== undefined && b !== undefined ? `${a}${BIGRAM_JOINER}${b}` : foldDiacritics(`${p.syllables[i]}${BIGRAM_JOINER}${p.syllables[i + 1]}`));
    }
  }
  return out;
}
