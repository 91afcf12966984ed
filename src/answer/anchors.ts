import type { SearchResult } from '../retrieval/types.js';
import { expandAbbreviations } from '../text/abbreviations.js';
import { withinOneEdit } from '../text/editDistance.js';
import { normalizeQuery } from '../text/normalize.js';
import { foldedWordsOf, isForeignName, isForeignWord, typedInLowerCase } from '../text/words.js';

/**
 * What a question pins its subject with, and which retrieved articles name it. In an archive of
 * thousands of articles, the passages that share most of a question's words are often about
 * another film, another Games, another company: "Kinh phí làm phim Rouge 2 …" finds the budgets
 * of other films. An article that never names what the question names cannot answer it, however
 * well its sentences match the rest.
 *
 * Anchors are the names a reader capitalises (runs of capitalised words, acronyms, a capitalised
 * foreign word), a number given with a name ("SEA Games 31") and codes mixing letters and digits
 * ("W41CA", "COVID-19"). A question typed in lower case gives only its codes. Measured on
 * ViQuAD-test questions 601–1400 and XQuAD-vi, where every question is answerable, the check
 * declined none more than before; see docs/EVALUATION-HISTORY.md.
 */

const WORD = /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}.-]*[\p{L}\p{M}\p{N}]|[\p{L}\p{M}\p{N}]/gu;
/** Stands between two words where anything but spaces separates them: a name ends there. */
const BREAK = '\u0000';

const isCapitalised = (w: string) => /^\p{Lu}/u.test(w);
/** An acronym ("NATO", "COVID-19"): two capitals or more, then capitals, digits, hyphens. */
export const isAcronym = (w: string) => /^\p{Lu}{2,}[\p{Lu}\p{N}-]*$/u.test(w);
const isCode = (w: string) => /\p{L}/u.test(w) && /\p{N}/u.test(w);
const isNumber = (w: string) => /^\p{N}+$/u.test(w);

/** The question's words in order, with BREAK wherever punctuation stands between two of them. */
function wordsWithBreaks(text: string): string[] {
  const words: string[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    if (/\S/u.test(text.slice(last, m.index))) words.push(BREAK);
    words.push(m[0]);
    last = m.index + m[0].length;
  }
  return words;
}

/**
 * A question typed in lower case names its subject without capitals: its runs of foreign words
 * ("luis fabiano", "vicenza") are what it pins, read as a reader who capitalised them would.
 */
function lowerCaseAnchors(words: readonly string[]): string[] {
  const anchors: string[] = [];
  let run: string[] = [];
  for (const w of [...words, BREAK]) {
    if (isForeignName(w)) run.push(w);
    else if (run.length > 0) {
      anchors.push(run.join(' '));
      run = [];
    }
  }
  return anchors;
}

export function questionAnchors(question: string): string[] {
  const words = wordsWithBreaks(normalizeQuery(question));
  const anchors = new Set<string>();
  if (typedInLowerCase(words)) for (const a of lowerCaseAnchors(words)) anchors.add(a);
  let run: string[] = [];
  const flush = () => {
    const named = run.filter((w) => !isNumber(w));
    if (named.length > 1 || (named.length === 1 && (isAcronym(named[0]!) || isForeignWord(named[0]!)))) anchors.add(run.join(' '));
    run = [];
  };
  words.forEach((w, i) => {
    if (isCode(w)) {
      flush();
      anchors.add(w);
    } else if (run.length > 0 && isNumber(w)) {
      run.push(w);
      flush();
    } else if (isCapitalised(w) && (i > 0 || isAcronym(w) || isForeignWord(w) || isCapitalised(words[i + 1] ?? ''))) {
      // The first word is capitalised as the sentence's start: a name's when it is foreign or the next word is capitalised too.
      run.push(w);
    } else flush();
  });
  flush();
  return [...anchors];
}

/** Readers misspell the names they ask about by a letter ("Lancater", "Harcaly"); numbers are exact. */
const sameWord = (asked: string, seen: string) => asked === seen || (asked.length >= 3 && !isNumber(asked) && withinOneEdit(asked, seen));

/** What is read of a text: its folded words, and every two neighbours joined ("Super Bowl" = "Superbowl"). */
interface ReadText {
  words: ReadonlySet<string>;
  list: readonly string[];
}

function readText(text: string): ReadText {
  const seq = foldedWordsOf(text);
  const words = new Set(seq);
  for (let i = 0; i + 1 < seq.length; i++) words.add(seq[i]! + seq[i + 1]!);
  return { words, list: [...words] };
}

/** An anchor's form read once, to be looked for in every article: its code joined, its numbers, its name's words. */
interface AnchorForm {
  /** "AS-206" as "as206": a code matches without its hyphens. */
  joinedCode: string | null;
  numbers: string[];
  name: string[];
  /** The name's words no Vietnamese syllable is spelt like ("nanning" in "Trường Nanning"). */
  foreign: string[];
}

function readForm(form: string): AnchorForm {
  const all = foldedWordsOf(form);
  const joinedCode = !/\s/u.test(form) && isCode(form) && all.length > 1 ? all.join('') : null;
  const name = all.filter((w) => !isNumber(w));
  return { joinedCode, numbers: all.filter(isNumber), name, foreign: name.filter(isForeignWord) };
}

/**
 * Whether a text names an anchor, in one of its forms (the anchor's own or another from the
 * abbreviation table): a number it gives, exactly; a code, with or without its hyphens ("AS-206"
 * = "AS206"); a name, by at least half of its words, in any order ("Carolina Panthers" of a
 * report that says "Panthers", "Trận Valencia" where the first word only opens the question),
 * one of them foreign when the name has foreign words.
 */
function namesAnchor(forms: readonly AnchorForm[], text: ReadText): boolean {
  const seen = (w: string) => text.words.has(w) || text.list.some((t) => sameWord(w, t));
  return forms.some((f) => {
    if (f.joinedCode !== null && seen(f.joinedCode)) return true;
    if (!f.numbers.every((n) => text.words.has(n))) return false;
    // Half of "Trường Nanning" is "trường", which any school's article says: a name with a
    // foreign word is named only with one of its foreign words.
    if (f.foreign.length > 0 && !f.foreign.some(seen)) return false;
    return f.name.filter(seen).length * 2 >= f.name.length;
  });
}

/**
 * The articles among `results` whose retrieved passages (titles included) name every anchor;
 * null when the question gives none (then every article may answer).
 */
export function anchoredDocuments(anchors: readonly string[], results: readonly SearchResult[]): Set<string> | null {
  if (anchors.length === 0) return null;
  const forms = anchors.map((a) => [a, ...expandAbbreviations(a)].map(readForm));
  const texts = new Map<string, string[]>();
  for (const r of results) {
    const parts = texts.get(r.documentId);
    if (parts) parts.push(r.title, r.text);
    else texts.set(r.documentId, [r.title, r.text]);
  }
  const anchored = new Set<string>();
  for (const [documentId, parts] of texts) {
    const text = readText(parts.join('\n'));
    if (forms.every((f) => namesAnchor(f, text))) anchored.add(documentId);
  }
  return anchored;
}

/**
 * Whether an article may answer `question` among `results`: it names what the question names
 * (every article may when the question names nothing). The extractive answer and the language
 * model read the same articles.
 */
export function mayAnswer(question: string, results: readonly SearchResult[]): (documentId: string) => boolean {
  const anchored = anchoredDocuments(questionAnchors(question), results);
  return anchored ? (documentId) => anchored.has(documentId) : () => true;
}
