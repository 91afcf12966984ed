import { foldDiacritics, hasDiacritics, normalizeQuery } from '../text/normalize.js';
import { containsPhrase, isForeignName, isForeignWord, typedInLowerCase, wordsOf } from '../text/words.js';

/**
 * Follow-up questions without a language model: "Còn OSCE thì sao?", "Ông ấy nói gì?", "Ai phát
 * biểu khai mạc?" only make sense with the previous question. We recognise them by their
 * anaphora and by lacking anything that names a topic of their own.
 */

/** Phrases that point back at the conversation whatever else the question says (lower-case, whole words). */
const STRONG_ANAPHORA = [
  'thì sao', 'thế còn', 'vậy còn', 'ông ấy', 'bà ấy', 'anh ấy', 'chị ấy', 'ông ta', 'bà ta', 'họ',
  'nó', 'đó', 'ấy', 'này', 'kia', 'nói trên', 'cũng vậy',
];
/** Phrases that point back only when the question names nothing of its own ("Diễn ra ở đâu?"). */
const WEAK_ANAPHORA = ['còn', 'ở đâu', 'tiếp theo', 'nữa', 'khi nào', 'bao giờ'];
const FOLDED_STRONG = ['thi sao', 'the con', 'vay con', 'ong ay', 'ba ay', 'nguoi do', 'su kien do', 'viec do', 'dieu do'];
const FOLDED_WEAK = ['o dau', 'tiep theo'];

/** Words that open a question capitalised only because they open it. */
const QUESTION_OPENERS = new Set(['ai', 'còn', 'vậy', 'thế', 'khi', 'tại', 'vì', 'ở', 'bao', 'có', 'những', 'các', 'ông', 'bà', 'anh', 'chị', 'cô']);

/** Questions of at most this many words besides their question words, with no name of their own, lean on the conversation. */
const SHORT_QUESTION_WORDS = 6;
/**
 * Words that ask rather than say: "Có khoảng bao nhiêu em tham dự?" says three things ("em",
 * "tham dự", "khoảng") and is as short as "Ai dẫn đầu nghiên cứu?".
 */
const QUESTION_WORDS = new Set(['có', 'không', 'bao', 'nhiêu', 'mấy', 'gì', 'nào', 'ai', 'đâu', 'là', 'vậy', 'thế', 'sao', 'khi', 'giờ', 'lúc', 'những', 'các']);
const FOLDED_QUESTION_WORDS = new Set([...QUESTION_WORDS].map(foldDiacritics));

/** The question's words that say something, not those that ask. */
function sayingWords(question: string): string[] {
  const q = normalizeQuery(question).toLowerCase();
  const toned = hasDiacritics(q);
  return wordsOf(q).filter((w) => !(toned ? QUESTION_WORDS : FOLDED_QUESTION_WORDS).has(toned ? w : foldDiacritics(w)));
}

function anaphoraStrength(question: string): 'strong' | 'weak' | 'none' {
  const q = normalizeQuery(question).toLowerCase();
  const toned = hasDiacritics(q);
  const ws = toned ? wordsOf(q) : wordsOf(foldDiacritics(q));
  const has = (list: readonly string[]) => list.some((p) => containsPhrase(ws, p));
  // "Còn …?" opening a question always continues the conversation.
  if ((toned && ws[0] === 'còn') || has(toned ? STRONG_ANAPHORA : FOLDED_STRONG)) return 'strong';
  if (has(toned ? WEAK_ANAPHORA : FOLDED_WEAK)) return 'weak';
  return 'none';
}

/** Whether the question points back at the conversation with a pronoun or "còn … thì sao". */
export function hasAnaphora(question: string): boolean {
  return anaphoraStrength(question) !== 'none';
}

/**
 * The words that name a topic of the question's own: acronyms, numbers, and capitalised words
 * (a capital that only opens the question does not count).
 */
export function focusTerms(question: string): string[] {
  const ws = wordsOf(normalizeQuery(question));
  // Typed all in lower case, a question names its topic by its foreign words ("porto", "osce").
  if (typedInLowerCase(ws)) return ws.filter((w) => isForeignName(w) || /\p{N}/u.test(w));
  const out: string[] = [];
  ws.forEach((w, i) => {
    const acronym = /^\p{Lu}{2,}[\p{Lu}\p{N}]*$/u.test(w);
    const number = /\p{N}/u.test(w);
    const capitalised = /^\p{Lu}/u.test(w) && !(i === 0 && QUESTION_OPENERS.has(w.toLowerCase()));
    // A capital that opens the question counts only as the start of a longer name ("Thái Lan")
    // or as a foreign name ("Temasek định đầu tư …"), which no Vietnamese word is spelt like.
    const startsName = /^\p{Lu}/u.test(ws[i + 1] ?? '');
    const opensQuestion = i === 0 && !acronym && !(capitalised && (startsName || isForeignWord(w)));
    if (acronym || number || (capitalised && !opensQuestion)) out.push(w);
  });
  return out;
}

/** Whether a question needs the previous one to be understood. */
export function isFollowUp(question: string): boolean {
  const strength = anaphoraStrength(question);
  if (strength === 'strong') return true;
  const ownTopic = focusTerms(question).length > 0;
  if (strength === 'weak') return !ownTopic;
  return sayingWords(question).length <= SHORT_QUESTION_WORDS && !ownTopic;
}

/** The question without its pointing-back phrases: "Còn OSCE thì sao?" → "OSCE". */
export function stripAnaphora(question: string): string {
  let q = normalizeQuery(question);
  for (const p of ['thế còn', 'vậy còn', 'thì sao', 'còn', 'nữa', 'cũng vậy']) {
    q = q.replace(new RegExp(`(?<![\\p{L}\\p{M}])${p}(?![\\p{L}\\p{M}])`, 'giu'), ' ');
  }
  const stripped = q.replace(/\s+/g, ' ').replace(/\s+([?.!,])/g, '$1').trim();
  return /[\p{L}\p{N}]/u.test(stripped) ? stripped : normalizeQuery(question);
}

/** Whether a passage names every focus term (whole words, accents ignored). */
export function mentionsAll(text: string, terms: readonly string[]): boolean {
  const have = new Set(wordsOf(foldDiacritics(text)));
  return terms.every((t) => wordsOf(foldDiacritics(t)).every((w) => have.has(w)));
}
