/**
 * Vietnamese-aware sentence splitting with exact character offsets, so that chunks and
 * citations can point back into the article text.
 */
import { foldDiacritics } from './normalize.js';

export interface SentenceSpan {
  text: string;
  /** Offset of the first character in the input. */
  start: number;
  /** Offset one past the last character in the input. */
  end: number;
}

/**
 * Abbreviations that end in a full stop but do not end a sentence (`TP. Hồ Chí Minh`,
 * `PGS. Nguyễn …`). Case matters: `Tp.` and `TP.` are both written, `ông.` is a word.
 */
const ABBREVIATIONS = new Set([
  'TP', 'Tp', 'TX', 'TT', 'Q', 'P', 'H', 'TS', 'PGS', 'GS', 'ThS', 'Th.S', 'BS', 'KS', 'CN', 'NXB',
  'TS.BS', 'PGS.TS', 'GS.TS', 'GS.TSKH', 'TSKH', 'NSƯT', 'NSND', 'Mr', 'Mrs', 'Ms', 'Dr', 'Prof',
  'St', 'Jr', 'Sr', 'Co', 'Corp', 'Inc', 'Ltd', 'No', 'Vol', 'tr', 'vs',
]);

/**
 * The terminators `.!?…`, the closers `"”’»)]` and the opening quotes `"“«`, tested on one code
 * unit: every search splits its candidates' sentences, and a regex per character was most of it.
 */
const isTerminator = (c: number) => c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026;
const isCloser = (c: number) => c === 0x22 || c === 0x201d || c === 0x2019 || c === 0xbb || c === 0x29 || c === 0x5d;
const isOpeningQuote = (c: number) => c === 0x22 || c === 0x201c || c === 0xab;
/** What may open the next sentence: a capital, a digit, a quote or a bracket. */
const SENTENCE_OPENER = /[\p{Lu}\p{N}"“‘'«([]/u;

/** Splits `text` into sentences; never across a line break, spans trimmed of whitespace. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    for (const [s, e] of splitLine(text, lineStart, lineEnd)) {
      const span = trimSpan(text, s, e);
      if (span) spans.push(span);
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return spans;
}

function trimSpan(text: string, start: number, end: number): SentenceSpan | null {
  let s = start;
  let e = end;
  while (s < e && /\s/u.test(text[s] ?? '')) s++;
  while (e > s && /\s/u.test(text[e - 1] ?? '')) e--;
  return e > s ? { text: text.slice(s, e), start: s, end: e } : null;
}

/** Sentence ranges within one line, `[start, end)` in `text` coordinates. */
function splitLine(text: string, lineStart: number, lineEnd: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  // Only an ellipsis asks whether it stands inside a quotation: most lines never need them.
  let quotedCache: Array<[number, number]> | undefined;
  const quoted = () => (quotedCache ??= quotedRanges(text, lineStart, lineEnd));
  let sentenceStart = lineStart;
  let i = lineStart;
  while (i < lineEnd) {
    if (!isTerminator(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const clusterStart = i;
    let j = i;
    while (j < lineEnd && isTerminator(text.charCodeAt(j))) j++;
    // TTXVN end mark "./." belongs to the terminator.
    if (text[j] === '/' && text[j + 1] === '.') j += 2;
    while (j < lineEnd && isCloser(text.charCodeAt(j))) j++;
    if (isBoundary(text, sentenceStart, clusterStart, j, lineEnd, quoted)) {
      ranges.push([sentenceStart, j]);
      sentenceStart = j;
    }
    i = j;
  }
  if (sentenceStart < lineEnd) ranges.push([sentenceStart, lineEnd]);
  return ranges;
}

function isBoundary(
  text: string,
  sentenceStart: number,
  clusterStart: number,
  clusterEnd: number,
  lineEnd: number,
  quoted: () => Array<[number, number]>,
): boolean {
  let k = clusterEnd;
  if (k >= lineEnd) return true;
  if (!/\s/u.test(text[k] ?? '')) return false;
  while (k < lineEnd && /\s/u.test(text[k] ?? '')) k++;
  if (k >= lineEnd) return true;
  if (!SENTENCE_OPENER.test(text[k] ?? '')) return false;

  const cluster = text.slice(clusterStart, clusterEnd);
  const isEllipsis = cluster.includes('…') || cluster.includes('..');
  if (isEllipsis && quoted().some(([qs, qe]) => clusterStart > qs && clusterStart < qe)) return false;
  if (cluster[0] === '.' && !isEllipsis) {
    const token = tokenBefore(text, sentenceStart, clusterStart);
    if (isAbbreviation(token.word)) return false;
    if (isInitial(token.word, text, sentenceStart, token.start, clusterEnd, lineEnd)) return false;
    if (/^\d{1,3}$/.test(token.word) && text.slice(sentenceStart, token.start).trim() === '') {
      return false; // a list number: "1. Thứ nhất"
    }
  }
  return true;
}

/** The run of non-space characters right before `pos`, without leading quotes or brackets. */
function tokenBefore(text: string, floor: number, pos: number): { word: string; start: number } {
  let s = pos;
  while (s > floor && !/\s/u.test(text[s - 1] ?? '')) s--;
  let word = text.slice(s, pos);
  const lead = /^["“‘'«([]+/u.exec(word);
  if (lead) {
    word = word.slice(lead[0].length);
    s += lead[0].length;
  }
  return { word, start: s };
}

function isAbbreviation(word: string): boolean {
  if (ABBREVIATIONS.has(word)) return true;
  // Dotted initialisms and compound titles: "U.S", "PGS.TS", "Th.S".
  return /^(?:\p{L}{1,4}\.)+\p{L}{1,4}$/u.test(word) && /^\p{Lu}/u.test(word);
}

/** Words that come before a person's name: "ông J. Smith", "giáo sư A. Einstein". */
const BEFORE_NAME = new Set([
  'ông', 'bà', 'anh', 'chị', 'cô', 'chú', 'bác', 'ngài', 'cậu', 'em', 'thầy', 'sĩ', 'sư', 'giả',
  'của', 'và', 'với', 'bởi', 'là',
]);

/** One Vietnamese syllable, diacritics folded: onset, vowel nucleus, final consonant. */
const VIETNAMESE_SYLLABLE = /^(?:b|c|ch|d|g|gh|gi|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)?[aeiouy]{1,3}(?:c|ch|m|n|ng|nh|p|t)?$/;

/** A capitalised word that cannot be a Vietnamese syllable ("Kearney", "Tsui", "Smith"). */
function isForeignName(word: string): boolean {
  if (!/^\p{Lu}/u.test(word)) return false;
  return !VIETNAMESE_SYLLABLE.test(foldDiacritics(word.replace(/[^\p{L}]/gu, '')));
}

/**
 * A single Latin capital before the stop is an initial ("J. Smith", "John F. Kennedy", "ông
 * J. Smith") when it opens the sentence, follows a capitalised word or a word that comes
 * before names, or comes before another initial or a foreign name ("T. T. Tsui", "M. Theo
 * Kearney"); after another lower-case word it is a label that can end a sentence ("bảng A.
 * Đội …"). Vietnamese one-letter words ("Á", "Ý") are never initials.
 */
function isInitial(word: string, text: string, sentenceStart: number, wordStart: number, after: number, lineEnd: number): boolean {
  if (!/^[A-Z]$/.test(word)) return false;
  const before = text.slice(sentenceStart, wordStart).trimEnd();
  if (before === '') return true;
  const previous = (/(\S+)$/u.exec(before)?.[1] ?? '').replace(/^["“‘'«(]+/u, '');
  if (/^\p{Lu}/u.test(previous) || BEFORE_NAME.has(previous.toLowerCase())) return true;
  const [next = '', nextButOne = ''] = text.slice(after, lineEnd).trim().split(/\s+/u);
  return /^[A-Z]\.$/.test(next) || isForeignName(next) || (/^\p{Lu}/u.test(next) && isForeignName(nextButOne));
}

/** Ranges of balanced quotations within a line (`“…”`, `«…»`, `"…"` in pairs). */
function quotedRanges(text: string, lineStart: number, lineEnd: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let open: { pos: number; close: string } | null = null;
  for (let i = lineStart; i < lineEnd; i++) {
    const ch = text[i] ?? '';
    if (open) {
      if (ch === open.close) {
        ranges.push([open.pos, i]);
        open = null;
      }
    } else if (isOpeningQuote(text.charCodeAt(i))) {
      open = { pos: i, close: ch === '“' ? '”' : ch === '«' ? '»' : '"' };
    }
  }
  return ranges;
}
